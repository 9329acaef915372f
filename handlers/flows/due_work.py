"""Whether each scheduled step has work: the condition its own query selects by, asked as
``EXISTS``. Kept apart from the flows that do the work, so that a tick with nothing due (most
ticks) loads none of them: this module needs only storage's conditions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, or_

from bot.tick import TickContext
from handlers.flows.digest_slots import digests_to_post
from handlers.flows.send_kinds import SCHEDULED_KINDS
from storage.checkins import (
    PROFILE_LOOKAHEAD,
    due_checkin_clause,
    due_pause_end_clause,
    due_reassess_clause,
)
from storage.feedback import due_pulse_close_clause
from storage.matching import due_rounds_clause
from storage.outbox import any_due_pending, keyed_clause, stale_claim_clause
from storage.places import unoffered_clause, unused_notices_clause
from storage.programs import due_required_look_clause
from storage.requests import due_expiry_clause, due_reminder_clause, stale_sending_clause


def claim_timeout(tick: TickContext) -> timedelta:
    """How long a claimed send may go unrenewed before another tick takes it over."""
    return timedelta(minutes=tick.app.settings.claim_timeout_minutes)


def undelivered_before(tick: TickContext) -> datetime:
    """Requests still being sent although made before this belong to a process that died."""
    return tick.now - claim_timeout(tick)


def stale_sends_exist(tick: TickContext) -> ColumnElement[bool]:
    """Claims left by a tick that died mid-send (or given back), as of the tick's clock now (its
    claims are stamped later, so a claim found stale now is stale then too)."""
    return exists().where(stale_claim_clause(tick.clock(), claim_timeout(tick), SCHEDULED_KINDS))


def pending_sends_due(tick: TickContext) -> ColumnElement[bool]:
    """Messages that waited for their recipient's working hours and have come due."""
    return any_due_pending(tick.now, SCHEDULED_KINDS)


def pause_endings_due(tick: TickContext) -> ColumnElement[bool]:
    return exists().where(due_pause_end_clause(tick.now))


def checkins_due(tick: TickContext) -> ColumnElement[bool]:
    """A check-in due by now or within the profile lookahead (its members' profiles may need
    refreshing), the one condition of both the sending's and the refreshing's queries."""
    return exists().where(due_checkin_clause(tick.now + PROFILE_LOOKAHEAD))


def reassess_prompts_due(tick: TickContext) -> ColumnElement[bool]:
    return exists().where(due_reassess_clause(tick.now))


def undelivered_requests_due(tick: TickContext) -> ColumnElement[bool]:
    return exists().where(stale_sending_clause(undelivered_before(tick)))


def request_reminders_due(tick: TickContext) -> ColumnElement[bool]:
    return exists().where(due_reminder_clause(tick.now))


def request_expiries_due(tick: TickContext) -> ColumnElement[bool]:
    return exists().where(due_expiry_clause(tick.now))


def pulses_due_to_close(tick: TickContext) -> ColumnElement[bool]:
    return exists().where(due_pulse_close_clause(tick.now))


def weekly_digest_due(tick: TickContext) -> ColumnElement[bool] | bool:
    """Some program within its digest's moment whose digest is not enqueued yet (its key is the
    one the step enqueues under). The programs' schedules are one small read; no question for
    the database about sends when no program's moment has come."""
    keys = [due.key for due in digests_to_post(tick)]
    if not keys:
        return False
    return or_(*(~exists().where(keyed_clause(key)) for key in keys))


def matching_rounds_due(tick: TickContext) -> ColumnElement[bool]:
    return exists().where(due_rounds_clause(tick.now))


def places_to_offer(tick: TickContext) -> ColumnElement[bool]:
    """A place recorded free and not offered yet, or one told to someone on the waiting list
    who left it unused past the hold."""
    return or_(exists().where(unoffered_clause()), exists().where(unused_notices_clause(tick.now)))


def required_reminders_due(tick: TickContext) -> ColumnElement[bool]:
    """Some program with a rule is due a look at its trainees."""
    return exists().where(due_required_look_clause(tick.now))
