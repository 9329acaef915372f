"""Check-ins at each pair's rhythm, reassess prompts, pauses and their endings: the scheduler's
steps (each through the outbox, so every DM goes out once) and the answers people give."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.cadence import (
    Cadence,
    MonthlyRule,
    Schedule,
    next_slot_after,
    next_working_time,
    slots_between,
    to_utc,
    zone_of,
)
from bot.context import AppContext
from bot.dates import format_date
from bot.errors import Refused
from bot.lifecycle import PairingStatus
from bot.logging import get_logger
from bot.text import md
from bot.tick import StepResult, TickContext
from handlers.blocks import checkins as blocks
from handlers.flows.delivery import Kind, Message, deliver
from handlers.flows.rows import goal_rows, task_rows
from handlers.flows.slack import focus_label, notify, update_message
from handlers.profiles import fetch_profile
from storage import checkins as store
from storage.db import unit_of_work
from storage.models import CheckIn, Pairing, ScheduledSend
from storage.outbox import CLAIMED, enqueue, send_key
from storage.pairings import get_pairing, is_open, other_member, require_member
from storage.people import PROFILE_MAX_AGE, get_person, remember_profile

log = get_logger("mentorbot.checkins")

CHECKIN = "checkin"
REASSESS_PROMPT = "reassess.prompt"
PAUSE_ENDED = "pause.ended"

# Pairings locked and planned per transaction; each batch's DMs go out before the next.
BATCH = 200
# Profiles (time zones) refreshed from users.info per tick; the rest wait for the next tick.
PROFILE_REFRESH_LIMIT = 200

_ACTIVE = PairingStatus.ACTIVE.value
_PAUSED = PairingStatus.PAUSED.value

Zones = Mapping[str, str | None]
Finder = Callable[..., list[Pairing]]
Planner = Callable[[Session, TickContext, Pairing, Zones], list[ScheduledSend]]


# -- the rhythm as stored on a pairing ------------------------------------------------------------


def schedule_of(pairing: Pairing) -> Schedule | None:
    """The pairing's agreed rhythm, or None when it has none (or a broken one)."""
    if None in (pairing.cadence, pairing.weekday, pairing.local_time, pairing.timezone):
        return None
    try:
        cadence = Cadence(str(pairing.cadence))
        hours, minutes = (int(part) for part in str(pairing.local_time).split(":"))
        weekday = int(pairing.weekday or 0)
        monthly = None
        if cadence is Cadence.MONTHLY:
            monthly = (
                MonthlyRule(day=pairing.monthly_day)
                if pairing.monthly_day
                else MonthlyRule(nth=pairing.monthly_nth or 1, weekday=weekday)
            )
        return Schedule(
            cadence=cadence,
            weekday=weekday,
            local_time=time(hours, minutes),
            tz=str(pairing.timezone),
            anchor=pairing.cadence_anchor or pairing.started_at.date(),
            monthly=monthly,
        )
    except ValueError:
        log.warning("checkins.schedule.invalid", pairing=pairing.id)
        return None


def zone_for(zones: Zones, user_id: str, default: str) -> str:
    """A member's Slack time zone, or the program default when unknown or unusable."""
    tz = zones.get(user_id) or default
    try:
        zone_of(tz)
    except ValueError:
        return default
    return tz


# -- scheduler steps -------------------------------------------------------------------------------


def send_due_checkins(tick: TickContext) -> StepResult:
    """One check-in per pair whose slot has come: recorded, DMs enqueued, sent (or left pending
    until each recipient's working hours)."""
    _refresh_stale_profiles(tick)
    return _run_batches(tick, store.due_checkins, _plan_checkin)


def send_due_reassess_prompts(tick: TickContext) -> StepResult:
    return _run_batches(tick, store.due_reassess_prompts, _plan_reassess)


def end_due_pauses(tick: TickContext) -> StepResult:
    return _run_batches(tick, store.due_pause_endings, _plan_pause_end)


def _run_batches(tick: TickContext, find: Finder, plan: Planner) -> StepResult:
    result = StepResult()
    failed: set[int] = set()
    while True:
        claimed: list[int] = []
        with unit_of_work(tick.app.sessions) as session:
            batch = find(session, tick.now, limit=BATCH, skip=failed)
            if not batch:
                break
            zones = store.zones_of(session, _members(batch))
            for pairing in batch:
                pairing_id = pairing.id
                try:
                    with session.begin_nested():
                        sends = plan(session, tick, pairing, zones)
                except Exception:
                    # One broken pairing never stops the others; it is tried again next tick.
                    log.exception("scheduler.pairing.failed", pairing=pairing_id)
                    failed.add(pairing_id)
                    result.failed += 1
                    result.failures.append(f"pairing:{pairing_id}")
                    continue
                result.due += 1
                claimed += [send.id for send in sends if send.status == CLAIMED]
        result.add(deliver(tick, KINDS, claimed))
    return result


def _members(pairings: Iterable[Pairing]) -> set[str]:
    return {user for p in pairings for user in (p.mentor_id, p.mentee_id)}


def _refresh_stale_profiles(tick: TickContext) -> None:
    """Time zones come from Slack profiles, cached for a day; refresh those due a check-in."""
    with unit_of_work(tick.app.sessions) as session:
        stale = store.members_without_fresh_profiles(
            session, tick.now, PROFILE_MAX_AGE, limit=PROFILE_REFRESH_LIMIT
        )
    for user_id in stale:
        try:
            profile = fetch_profile(tick.client, user_id)
        except (SlackApiError, SlackClientError) as error:
            log.warning("checkins.profile.failed", user=user_id, error=str(error)[:200])
            continue
        if profile is not None:
            with unit_of_work(tick.app.sessions) as session:
                remember_profile(session, profile, tick.now)


def _enqueue_for_members(
    session: Session,
    tick: TickContext,
    pairing: Pairing,
    kind: str,
    slot: datetime,
    zones: Zones,
    *,
    weekends: bool,
) -> list[ScheduledSend]:
    """One DM per member under the key (kind, pairing:member, slot), due at the first moment
    from now that is inside that member's working hours."""
    start = max(slot, tick.now)
    sends = []
    for member in (pairing.mentor_id, pairing.mentee_id):
        tz = zone_for(zones, member, tick.app.settings.default_timezone)
        send = enqueue(
            session,
            key=send_key(kind, f"{pairing.id}:{member}", slot),
            kind=kind,
            slot_at=slot,
            now=tick.now,
            pairing_id=pairing.id,
            recipient=member,
            due_at=next_working_time(start, tz, weekends=weekends),
        )
        if send is not None:
            sends.append(send)
    return sends


def _plan_checkin(
    session: Session, tick: TickContext, pairing: Pairing, zones: Zones
) -> list[ScheduledSend]:
    schedule = schedule_of(pairing)
    due = pairing.next_checkin_at
    if schedule is None or due is None:
        pairing.next_checkin_at = None
        return []
    # After downtime: one check-in, for the latest missed slot, and the next from now.
    slot = due
    for missed in slots_between(schedule, due, tick.now):
        slot = missed
    pairing.next_checkin_at = next_slot_after(schedule, tick.now)
    checkin = store.create_checkin(session, pairing, slot, tick.now)
    if checkin is None:
        return []
    if pairing.next_reassess_at is None:
        pairing.next_reassess_at = slot + timedelta(weeks=_reassess_weeks(pairing))
    # Each member at their own local time: the pair chose the day, so weekends count.
    return _enqueue_for_members(session, tick, pairing, CHECKIN, slot, zones, weekends=True)


def _reassess_weeks(pairing: Pairing) -> int:
    return max(1, pairing.reassess_every_weeks or 4)


def _plan_reassess(
    session: Session, tick: TickContext, pairing: Pairing, zones: Zones
) -> list[ScheduledSend]:
    slot = pairing.next_reassess_at
    if slot is None:
        return []
    every = timedelta(weeks=_reassess_weeks(pairing))
    # At most one prompt per rhythm, however long the bot was off.
    pairing.next_reassess_at = slot + every * ((tick.now - slot) // every + 1)
    return _enqueue_for_members(
        session, tick, pairing, REASSESS_PROMPT, slot, zones, weekends=False
    )


def _plan_pause_end(
    session: Session, tick: TickContext, pairing: Pairing, zones: Zones
) -> list[ScheduledSend]:
    ended = pairing.paused_until or tick.now
    schedule = schedule_of(pairing)
    store.resume_pairing(
        session,
        pairing,
        by=None,
        now=tick.now,
        next_checkin_at=next_slot_after(schedule, tick.now) if schedule else None,
    )
    return _enqueue_for_members(session, tick, pairing, PAUSE_ENDED, ended, zones, weekends=True)


# -- rendering what the outbox sends ---------------------------------------------------------------


def _tz_of(session: Session, ctx: AppContext, user_id: str) -> str:
    person = get_person(session, user_id)
    return zone_for(
        {user_id: person.tz if person else None}, user_id, ctx.settings.default_timezone
    )


def _today(session: Session, ctx: AppContext, user_id: str) -> date:
    return ctx.now().astimezone(zone_of(_tz_of(session, ctx, user_id))).date()


def checkin_card(
    session: Session, ctx: AppContext, pairing: Pairing, checkin: CheckIn, recipient: str
) -> blocks.CheckinCard:
    now = ctx.now()
    goals = goal_rows(session, pairing.id, open_only=True)
    tasks = task_rows(session, pairing.id, now, include_recent=False)
    return blocks.CheckinCard(
        checkin_id=checkin.id,
        recipient_id=recipient,
        other_id=other_member(pairing, recipient),
        focus_label=focus_label(ctx.settings, pairing.focus),
        today=_today(session, ctx, recipient),
        goals=goals,
        tasks=tasks,
        answer=checkin.answer,
        answered_by=checkin.answered_by,
        note=checkin.note,
        minutes=checkin.duration_minutes,
    )


def _active_pairing(session: Session, send: ScheduledSend) -> Pairing | str:
    pairing = get_pairing(session, send.pairing_id or 0)
    if pairing is None or not send.recipient:
        return "pairing gone"
    if pairing.status != _ACTIVE:
        return f"pairing {pairing.status}"
    return pairing


def _render_checkin(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    pairing = _active_pairing(session, send)
    if isinstance(pairing, str):
        return pairing
    checkin = store.checkin_at(session, pairing.id, send.slot_at)
    if checkin is None:
        return "check-in gone"
    if checkin.answer is not None:
        return "answered before this member's working hours began"
    card = checkin_card(session, ctx, pairing, checkin, str(send.recipient))
    message = blocks.build_checkin_message(card)
    return Message(to=str(send.recipient), text=message.text, blocks=message.blocks)


def _render_reassess(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    pairing = _active_pairing(session, send)
    if isinstance(pairing, str):
        return pairing
    recipient = str(send.recipient)
    other = other_member(pairing, recipient)
    prompt = blocks.build_reassess_prompt(
        pairing.id, other, focus_label(ctx.settings, pairing.focus)
    )
    return Message(to=recipient, text=prompt.text, blocks=prompt.blocks)


def _render_pause_ended(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    pairing = _active_pairing(session, send)
    if isinstance(pairing, str):
        return pairing
    recipient = str(send.recipient)
    other = other_member(pairing, recipient)
    ended = blocks.build_pause_ended(
        other,
        focus_label(ctx.settings, pairing.focus),
        _describe_next(session, ctx, pairing.next_checkin_at, recipient),
    )
    return Message(to=recipient, text=ended.text, blocks=ended.blocks)


def _describe_next(
    session: Session, ctx: AppContext, moment: datetime | None, user_id: str
) -> str | None:
    if moment is None:
        return None
    zone = zone_of(_tz_of(session, ctx, user_id))
    local = moment.astimezone(zone)
    return f"{format_date(local.date(), _today(session, ctx, user_id))} at {local:%H:%M}"


KINDS: dict[str, Kind] = {
    CHECKIN: Kind(_render_checkin),
    REASSESS_PROMPT: Kind(_render_reassess),
    PAUSE_ENDED: Kind(_render_pause_ended),
}


# -- answering a check-in --------------------------------------------------------------------------


def _member_checkin(
    session: Session, checkin_id: int, actor_id: str, *, lock: bool = False
) -> tuple[CheckIn, Pairing]:
    found = store.get_checkin(session, checkin_id)
    pairing = require_member(
        get_pairing(session, found.pairing_id, lock=lock) if found else None, actor_id
    )
    checkin = store.get_checkin(session, checkin_id, lock=lock) if lock else found
    assert checkin is not None
    return checkin, pairing


def answerable_checkin(ctx: AppContext, checkin_id: int, actor_id: str) -> str:
    """The other member of an unanswered check-in of ``actor_id``'s; a refusal otherwise."""
    with unit_of_work(ctx.sessions) as session:
        checkin, pairing = _member_checkin(session, checkin_id, actor_id)
        if checkin.answer is not None:
            raise Refused(
                blocks.build_already_answered(checkin.answer, checkin.answered_by),
                reason="repeat",
            )
        return other_member(pairing, actor_id)


@dataclass(frozen=True)
class _Update:
    channel: str | None
    ts: str | None
    card: blocks.CheckinCard


def answer_checkin(
    ctx: AppContext,
    client: WebClient,
    checkin_id: int,
    actor_id: str,
    answer: str,
    *,
    note: str | None = None,
    minutes: int | None = None,
) -> None:
    """Record the answer once, then redraw the check-in DM of each member in place."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        checkin, pairing = _member_checkin(session, checkin_id, actor_id, lock=True)
        if not store.record_answer(
            session, pairing, checkin, answer, by=actor_id, now=now, note=note, minutes=minutes
        ):
            raise Refused(
                blocks.build_already_answered(str(checkin.answer), checkin.answered_by),
                reason="repeat",
            )
        updates = [
            _Update(
                send.channel, send.ts, checkin_card(session, ctx, pairing, checkin, send.recipient)
            )
            for send in store.checkin_messages(session, pairing.id, checkin.slot_at, CHECKIN)
            if send.recipient
        ]
    for update in updates:
        redrawn = blocks.build_checkin_message(update.card)
        update_message(client, update.channel, update.ts, redrawn.text, redrawn.blocks)


# -- pausing and resuming --------------------------------------------------------------------------


@dataclass(frozen=True)
class Changed:
    pairing_ids: list[int]
    other_ids: list[str]


def actor_zone(session: Session, ctx: AppContext, user_id: str) -> str:
    return _tz_of(session, ctx, user_id)


def actor_today(ctx: AppContext, user_id: str) -> date:
    with unit_of_work(ctx.sessions) as session:
        return _today(session, ctx, user_id)


def pause_pairings(
    ctx: AppContext, client: WebClient, pairing_ids: Collection[int], actor_id: str, until: date
) -> Changed:
    """Pause each pairing until the start of ``until`` in the actor's zone; tell the others."""
    now = ctx.now()
    told: list[tuple[str, str]] = []
    changed = Changed([], [])
    with unit_of_work(ctx.sessions) as session:
        zone = zone_of(actor_zone(session, ctx, actor_id))
        today = now.astimezone(zone).date()
        for pairing_id in pairing_ids:
            pairing = require_member(get_pairing(session, pairing_id, lock=True), actor_id)
            if not is_open(pairing):
                continue
            store.pause_pairing(
                session, pairing, until=to_utc(until, time(0), zone), by=actor_id, now=now
            )
            other = other_member(pairing, actor_id)
            changed.pairing_ids.append(pairing.id)
            changed.other_ids.append(other)
            told.append((other, focus_label(ctx.settings, pairing.focus)))
    if not changed.pairing_ids:
        raise Refused(md("Those mentorships have ended, so there's nothing to pause."))
    for other, label in told:
        notify(client, other, blocks.build_paused_for_other(actor_id, label, until, today))
    return changed


def resume_pairings(
    ctx: AppContext, client: WebClient, pairing_ids: Collection[int], actor_id: str
) -> Changed:
    """End the pause of each paused pairing now; check-ins pick up at the next slot."""
    now = ctx.now()
    told: list[tuple[str, str]] = []
    changed = Changed([], [])
    with unit_of_work(ctx.sessions) as session:
        for pairing_id in pairing_ids:
            pairing = require_member(get_pairing(session, pairing_id, lock=True), actor_id)
            if pairing.status != _PAUSED:
                continue
            schedule = schedule_of(pairing)
            store.resume_pairing(
                session,
                pairing,
                by=actor_id,
                now=now,
                next_checkin_at=next_slot_after(schedule, now) if schedule else None,
            )
            other = other_member(pairing, actor_id)
            changed.pairing_ids.append(pairing.id)
            changed.other_ids.append(other)
            told.append((other, focus_label(ctx.settings, pairing.focus)))
    if not changed.pairing_ids:
        raise Refused(md("Nothing to resume: those check-ins aren't paused."), reason="bad_input")
    for other, label in told:
        notify(client, other, blocks.build_resumed_for_other(actor_id, label))
    return changed


def paused_pairing_ids(ctx: AppContext, pairing_ids: Sequence[int]) -> list[int]:
    with unit_of_work(ctx.sessions) as session:
        return [
            p.id
            for p in (get_pairing(session, pid) for pid in pairing_ids)
            if p is not None and p.status == _PAUSED
        ]
