"""Requests nobody answered: one gentle reminder, then a polite expiry for both people; and
requests whose DM never went out, discarded with a word to the asker."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.lifecycle import RequestEvent, RequestStatus
from bot.tick import StepResult, TickContext
from handlers.blocks import requests as blocks
from handlers.blocks.leaving import build_request_closed_for_mentee
from handlers.flows.delivery import Kind, Message, deliver
from handlers.flows.due_work import undelivered_before
from handlers.flows.requests import card_for
from handlers.flows.send_kinds import EXPIRED_MENTEE, EXPIRED_MENTOR, REQUEST_REMINDER
from handlers.flows.slack import local_date, notify, program_focus_label
from storage.db import unit_of_work
from storage.models import ScheduledSend
from storage.outbox import enqueue, send_key
from storage.people import get_person
from storage.programs import program_config
from storage.requests import (
    CLOSED_FOR_MENTEE,
    apply_request_event,
    discard_undelivered,
    due_expiries,
    due_reminders,
    get_request,
    stale_sending,
)


def _tz(session: Session, user_id: str) -> str | None:
    person = get_person(session, user_id)
    return person.tz if person is not None else None


def remind_unanswered_requests(tick: TickContext) -> StepResult:
    """Enqueue one reminder per request past its reminder time, then send them."""
    enqueued: list[int] = []
    with unit_of_work(tick.app.sessions) as session:
        due = [r.id for r in due_reminders(session, tick.now)]
    for request_id in due:
        with unit_of_work(tick.app.sessions) as session:
            request = get_request(session, request_id, lock=True)
            if request is None or request.reminded_at is not None:
                continue
            if request.status != RequestStatus.PENDING.value:
                continue
            request.reminded_at = tick.now
            slot = request.remind_at or tick.now
            request.remind_at = None
            send = enqueue(
                session,
                key=send_key(REQUEST_REMINDER, request.id),
                kind=REQUEST_REMINDER,
                slot_at=slot,
                now=tick.now,
                request_id=request.id,
                recipient=request.mentor_id,
            )
            if send is not None:
                session.flush()
                enqueued.append(send.id)
    result = deliver(tick, KINDS, enqueued)
    result.due += len(due)
    return result


def expire_unanswered_requests(tick: TickContext) -> StepResult:
    enqueued: list[int] = []
    with unit_of_work(tick.app.sessions) as session:
        due = [r.id for r in due_expiries(session, tick.now)]
    for request_id in due:
        with unit_of_work(tick.app.sessions) as session:
            request = get_request(session, request_id, lock=True)
            if request is None or request.status != RequestStatus.PENDING.value:
                continue
            apply_request_event(request, RequestEvent.EXPIRE, tick.now)
            for kind, recipient in (
                (EXPIRED_MENTEE, request.mentee_id),
                (EXPIRED_MENTOR, request.mentor_id),
            ):
                send = enqueue(
                    session,
                    key=send_key(kind, request.id),
                    kind=kind,
                    slot_at=request.expires_at,
                    now=tick.now,
                    request_id=request.id,
                    recipient=recipient,
                )
                if send is not None:
                    session.flush()
                    enqueued.append(send.id)
    result = deliver(tick, KINDS, enqueued)
    result.due += len(due)
    return result


def discard_undelivered_requests(tick: TickContext) -> StepResult:
    """Requests still marked as being sent long after they were made belong to a process that
    died between saving one and hearing back from Slack. Nobody is known to have received them,
    so they are forgotten and the asker is asked to try again."""
    with unit_of_work(tick.app.sessions) as session:
        stale = stale_sending(session, undelivered_before(tick))
    result = StepResult(due=len(stale))
    for request_id in stale:
        with unit_of_work(tick.app.sessions) as session:
            request = discard_undelivered(session, request_id)
            if request is None:
                result.skipped += 1
                continue
            mentee_id, mentor_id = request.mentee_id, request.mentor_id
            label = program_focus_label(
                program_config(session, tick.app.settings, request.program_id), request.focus
            )
        undelivered = blocks.build_undelivered_for_mentee(mentor_id, label)
        sent = notify(tick.client, mentee_id, undelivered.text, undelivered.blocks)
        if sent is None:
            result.failed += 1
        else:
            result.sent += 1
    return result


def _render_reminder(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    request = get_request(session, send.request_id or 0)
    if request is None or request.status != RequestStatus.PENDING.value:
        return "request no longer pending"
    tz = _tz(session, request.mentor_id)
    card = card_for(ctx, session, request, tz)
    today = local_date(ctx.now(), tz, ctx.settings)
    reminder = blocks.build_request_reminder(card, today)
    return Message(to=request.mentor_id, text=reminder.text, blocks=reminder.blocks)


def _after_reminder(session: Session, send: ScheduledSend) -> None:
    """The reminder is the message to update once the request is answered."""
    request = get_request(session, send.request_id or 0)
    if request is not None:
        request.mentor_channel, request.mentor_ts = send.channel, send.ts


def _render_expired(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    request = get_request(session, send.request_id or 0)
    if request is None:
        return "request gone"
    label = program_focus_label(
        program_config(session, ctx.settings, request.program_id), request.focus
    )
    if send.kind == EXPIRED_MENTEE:
        closed = blocks.build_expired_for_mentee(request.mentor_id, label)
        return Message(to=request.mentee_id, text=closed.text, blocks=closed.blocks)
    closed = blocks.build_expired_for_mentor(request.mentee_id, label)
    return Message(to=request.mentor_id, text=closed.text, blocks=closed.blocks)


def _render_closed(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    """To a mentee whose request was withdrawn: the person they asked left the program."""
    request = get_request(session, send.request_id or 0)
    if request is None or request.status != RequestStatus.WITHDRAWN.value:
        return "request not withdrawn"
    label = program_focus_label(
        program_config(session, ctx.settings, request.program_id), request.focus
    )
    closed = build_request_closed_for_mentee(request.mentor_id, label, erased=False)
    return Message(to=request.mentee_id, text=closed.text, blocks=closed.blocks)


KINDS: dict[str, Kind] = {
    REQUEST_REMINDER: Kind(_render_reminder, _after_reminder),
    CLOSED_FOR_MENTEE: Kind(_render_closed),
    EXPIRED_MENTEE: Kind(_render_expired),
    EXPIRED_MENTOR: Kind(_render_expired),
}
