"""Check-ins at each pair's rhythm, reassess prompts, pauses and their endings: the scheduler's
steps (each through the outbox, so every DM goes out once) and the answers people give."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar

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
from handlers.blocks import feedback as feedback_blocks
from handlers.blocks.work import GoalRow, TaskRow
from handlers.flows.delivery import Kind, Message, deliver_due_pending
from handlers.flows.program_scope import focus_label_in, program_configs
from handlers.flows.rows import goal_row, goal_rows, task_row, task_rows
from handlers.flows.send_kinds import CHECKIN, PAUSE_ENDED, REASSESS_PROMPT
from handlers.flows.slack import notify, program_focus_label, slack_error, update_message
from handlers.profiles import fetch_profile
from storage import checkins as store
from storage import feedback as feedback_store
from storage import goals as goal_store
from storage import tasks as task_store
from storage.calendar_files import owe_rhythm_files
from storage.checkins import MET, PROFILE_LOOKAHEAD
from storage.db import unit_of_work
from storage.meeting_plans import agreed_meetings
from storage.models import CheckIn, Pairing, ScheduledSend
from storage.outbox import NewSend, enqueue_many, send_key
from storage.pairings import get_pairing, is_open, other_member, pairings_by_id, require_member
from storage.people import PROFILE_MAX_AGE, Profile, get_person, remember_profiles

log = get_logger("mentorbot.checkins")


# Pairings locked and planned per transaction; their DMs are then sent chunk by chunk.
BATCH = 200
# People whose profiles (time zones) are refreshed from users.info per tick (well inside the
# method's Tier 4, about 100 a minute, leaving room for commands), saved a batch per
# transaction. Refreshing starts PROFILE_LOOKAHEAD before a check-in is due.
PROFILE_REFRESH_PEOPLE = 50
PROFILE_SAVE_BATCH = 25

_ACTIVE = PairingStatus.ACTIVE.value
_PAUSED = PairingStatus.PAUSED.value

Zones = Mapping[str, str | None]
Finder = Callable[..., list[Pairing]]
Planner = Callable[[Session, TickContext, Sequence[Pairing], Zones, "_Outcome"], list[NewSend]]


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
    return _run_batches(tick, store.due_checkins, _plan_checkins)


def send_due_reassess_prompts(tick: TickContext) -> StepResult:
    return _run_batches(tick, store.due_reassess_prompts, _plan_reassess_prompts)


def end_due_pauses(tick: TickContext) -> StepResult:
    return _run_batches(tick, store.due_pause_endings, _plan_pause_ends)


@dataclass
class _Outcome:
    """What planning a batch came to: pairings planned, and those that failed (and why)."""

    result: StepResult
    failed: set[int]

    def each(self, batch: Iterable[Pairing], plan: Callable[[Pairing], _T]) -> list[_T]:
        """``plan`` for each pairing; one that raises is logged, skipped this tick and never
        stops the others. ``plan`` only computes, so a failure leaves nothing half-changed."""
        planned = []
        for pairing in batch:
            try:
                planned.append(plan(pairing))
            except Exception:
                self.fail(pairing.id)
                continue
            self.result.due += 1
        return planned

    def fail(self, pairing_id: int) -> None:
        log.exception("scheduler.pairing.failed", pairing=pairing_id)
        self.failed.add(pairing_id)
        self.result.failed += 1
        self.result.failures.append(f"pairing:{pairing_id}")


_T = TypeVar("_T")


def _run_batches(tick: TickContext, find: Finder, plan: Planner) -> StepResult:
    """Lock, plan and enqueue a batch of due pairings per transaction (with a few statements
    for the whole batch), then send what came due, chunk by chunk."""
    outcome = _Outcome(StepResult(), set())
    enqueued = 0
    while True:
        with unit_of_work(tick.app.sessions) as session:
            batch = find(session, tick.now, limit=BATCH, skip=outcome.failed)
            if not batch:
                break
            batch_ids = [pairing.id for pairing in batch]
            try:
                with session.begin_nested():
                    zones = store.zones_of(session, _members(batch))
                    enqueued += enqueue_many(session, plan(session, tick, batch, zones, outcome))
            except Exception:
                # A write the database refused: none of the batch is planned; each pairing
                # is tried again next tick.
                for pairing_id in batch_ids:
                    if pairing_id not in outcome.failed:
                        outcome.fail(pairing_id)
    if not enqueued:
        return outcome.result  # what was already waiting went out in the tick's first steps
    delivered = deliver_due_pending(tick, KINDS)
    outcome.result.sent += delivered.sent
    outcome.result.skipped += delivered.skipped
    outcome.result.failed += delivered.failed
    outcome.result.failures += delivered.failures
    return outcome.result


def _members(pairings: Iterable[Pairing]) -> set[str]:
    return {user for p in pairings for user in (p.mentor_id, p.mentee_id)}


def _refresh_stale_profiles(tick: TickContext) -> None:
    """Time zones come from Slack profiles, cached for a day; refresh those of the people due a
    check-in within the hour (at most ``PROFILE_REFRESH_PEOPLE`` per tick, the soonest due
    first), saving them a batch at a time."""
    with unit_of_work(tick.app.sessions) as session:
        stale = store.members_without_fresh_profiles(
            session, tick.now, PROFILE_MAX_AGE, PROFILE_LOOKAHEAD, limit=PROFILE_REFRESH_PEOPLE
        )
    fetched: list[Profile] = []
    for user_id in stale:
        try:
            profile = fetch_profile(tick.client, user_id)
        except (SlackApiError, SlackClientError) as error:
            log.warning("checkins.profile.failed", user=user_id, error=str(error)[:200])
            if isinstance(error, SlackApiError) and slack_error(error) == "ratelimited":
                break  # the rest wait for a later tick
            continue
        if profile is not None:
            fetched.append(profile)
        if len(fetched) >= PROFILE_SAVE_BATCH:
            _save_profiles(tick, fetched)
            fetched = []
    _save_profiles(tick, fetched)


def _save_profiles(tick: TickContext, profiles: Sequence[Profile]) -> None:
    if profiles:
        with unit_of_work(tick.app.sessions) as session:
            remember_profiles(session, profiles, tick.now)


def _sends_for_members(
    tick: TickContext,
    pairing: Pairing,
    kind: str,
    slot: datetime,
    zones: Zones,
    *,
    weekends: bool,
) -> list[NewSend]:
    """One DM per member under the key (kind, pairing:member, slot), due at the first moment
    from now that is inside that member's working hours."""
    start = max(slot, tick.now)
    return [
        NewSend(
            key=send_key(kind, f"{pairing.id}:{member}", slot),
            kind=kind,
            slot_at=slot,
            due_at=next_working_time(
                start,
                zone_for(zones, member, tick.app.settings.default_timezone),
                weekends=weekends,
            ),
            pairing_id=pairing.id,
            recipient=member,
        )
        for member in (pairing.mentor_id, pairing.mentee_id)
    ]


@dataclass(frozen=True)
class _CheckinPlan:
    pairing: Pairing
    slot: datetime | None  # None: no rhythm any more, so no check-in
    next_checkin_at: datetime | None
    sends: list[NewSend]


def _plan_checkins(
    session: Session,
    tick: TickContext,
    batch: Sequence[Pairing],
    zones: Zones,
    outcome: _Outcome,
) -> list[NewSend]:
    def plan(pairing: Pairing) -> _CheckinPlan:
        schedule = schedule_of(pairing)
        due = pairing.next_checkin_at
        if schedule is None or due is None:
            return _CheckinPlan(pairing, None, None, [])
        # After downtime: one check-in, for the latest missed slot, and the next from now.
        slot = due
        for missed in slots_between(schedule, due, tick.now):
            slot = missed
        # Each member at their own local time: the pair chose the day, so weekends count.
        sends = _sends_for_members(tick, pairing, CHECKIN, slot, zones, weekends=True)
        return _CheckinPlan(pairing, slot, next_slot_after(schedule, tick.now), sends)

    plans = outcome.each(batch, plan)
    slots = {p.pairing.id: p.slot for p in plans if p.slot is not None}
    last = store.last_checkins(session, slots)
    created = store.record_checkins(session, slots, tick.now)
    sends: list[NewSend] = []
    for p in plans:
        pairing = p.pairing
        pairing.next_checkin_at = p.next_checkin_at
        if p.slot is None or pairing.id not in created:
            continue  # no rhythm, or another tick recorded this slot's check-in first
        previous = last.get(pairing.id)
        # A check-in's window to be answered closes when the next one comes.
        if previous is not None and previous.slot_at < p.slot and not previous.answered:
            pairing.unanswered_checkins = (pairing.unanswered_checkins or 0) + 1
        if pairing.next_reassess_at is None:
            pairing.next_reassess_at = p.slot + timedelta(weeks=_reassess_weeks(pairing))
        sends += p.sends
    return sends


def _reassess_weeks(pairing: Pairing) -> int:
    return max(1, pairing.reassess_every_weeks or 4)


def _plan_reassess_prompts(
    session: Session,
    tick: TickContext,
    batch: Sequence[Pairing],
    zones: Zones,
    outcome: _Outcome,
) -> list[NewSend]:
    def plan(pairing: Pairing) -> tuple[Pairing, datetime | None, list[NewSend]]:
        slot = pairing.next_reassess_at
        if slot is None:
            return pairing, None, []
        every = timedelta(weeks=_reassess_weeks(pairing))
        # At most one prompt per rhythm, however long the bot was off.
        following = slot + every * ((tick.now - slot) // every + 1)
        sends = _sends_for_members(tick, pairing, REASSESS_PROMPT, slot, zones, weekends=False)
        return pairing, following, sends

    sends: list[NewSend] = []
    for pairing, following, planned in outcome.each(batch, plan):
        if following is not None:
            pairing.next_reassess_at = following
        sends += planned
    return sends


def _plan_pause_ends(
    session: Session,
    tick: TickContext,
    batch: Sequence[Pairing],
    zones: Zones,
    outcome: _Outcome,
) -> list[NewSend]:
    def plan(pairing: Pairing) -> tuple[Pairing, datetime | None, list[NewSend]]:
        ended = pairing.paused_until or tick.now
        schedule = schedule_of(pairing)
        following = next_slot_after(schedule, tick.now) if schedule else None
        sends = _sends_for_members(tick, pairing, PAUSE_ENDED, ended, zones, weekends=True)
        return pairing, following, sends

    sends: list[NewSend] = []
    for pairing, following, planned in outcome.each(batch, plan):
        store.resume_pairing(session, pairing, by=None, now=tick.now, next_checkin_at=following)
        sends += planned
    return sends


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
    card = _card(
        ctx,
        pairing,
        focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus),
        checkin,
        recipient,
        goal_rows(session, pairing.id, open_only=True),
        task_rows(session, pairing.id, now, include_recent=False),
        _tz_of(session, ctx, recipient),
        _planned_around(session, [pairing.id], [checkin.slot_at]).get(pairing.id, ()),
    )
    if checkin.answer != MET or not feedback_store.meeting_feedback_on(session, pairing.program_id):
        return card
    rated = feedback_store.rating_of(session, checkin.id, recipient)
    return replace(card, rating_offered=True, rating=rated.score if rated else None)


def _card(
    ctx: AppContext,
    pairing: Pairing,
    label: str,
    checkin: CheckIn,
    recipient: str,
    goals: Sequence[GoalRow],
    tasks: Sequence[TaskRow],
    tz: str,
    planned: Sequence[datetime] = (),
) -> blocks.CheckinCard:
    zone = zone_of(tz)
    day = checkin.slot_at.astimezone(zone).date()
    on_the_day = [m.astimezone(zone) for m in planned if m.astimezone(zone).date() == day]
    return blocks.CheckinCard(
        checkin_id=checkin.id,
        recipient_id=recipient,
        other_id=other_member(pairing, recipient),
        focus_label=label,
        today=ctx.now().astimezone(zone_of(tz)).date(),
        goals=goals,
        tasks=tasks,
        answer=checkin.answer,
        answered_by=checkin.answered_by,
        note=checkin.note,
        minutes=checkin.duration_minutes,
        planned_at=on_the_day[0] if on_the_day else None,
        pairing_id=pairing.id,
    )


def _planned_around(
    session: Session, pairing_ids: Collection[int], slots: Collection[datetime]
) -> dict[int, list[datetime]]:
    """The meetings agreed in ``pairing_ids`` within a day of any of ``slots``."""
    if not slots:
        return {}
    start, end = min(slots) - timedelta(days=1), max(slots) + timedelta(days=2)
    return agreed_meetings(session, pairing_ids, start, end)


def _active_pairing(session: Session, send: ScheduledSend) -> Pairing | str:
    return _still_active(get_pairing(session, send.pairing_id or 0), send)


def _still_active(pairing: Pairing | None, send: ScheduledSend) -> Pairing | str:
    if pairing is None or not send.recipient:
        return "pairing gone"
    if pairing.status != _ACTIVE:
        return f"pairing {pairing.status}"
    return pairing


def _checkin_message(
    ctx: AppContext,
    pairing: Pairing | str,
    label: str,
    checkin: CheckIn | None,
    send: ScheduledSend,
    goals: Sequence[GoalRow],
    tasks: Sequence[TaskRow],
    tz: str,
    planned: Sequence[datetime] = (),
) -> Message | str:
    if isinstance(pairing, str):
        return pairing
    if checkin is None:
        return "check-in gone"
    if checkin.answer is not None:
        return "answered before this member's working hours began"
    card = _card(ctx, pairing, label, checkin, str(send.recipient), goals, tasks, tz, planned)
    message = blocks.build_checkin_message(card)
    return Message(to=str(send.recipient), text=message.text, blocks=message.blocks)


def _render_checkin(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    pairing = _active_pairing(session, send)
    if isinstance(pairing, str):
        return pairing
    return _checkin_message(
        ctx,
        pairing,
        focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus),
        store.checkin_at(session, pairing.id, send.slot_at),
        send,
        goal_rows(session, pairing.id, open_only=True),
        task_rows(session, pairing.id, ctx.now(), include_recent=False),
        _tz_of(session, ctx, str(send.recipient)),
        _planned_around(session, [pairing.id], [send.slot_at]).get(pairing.id, ()),
    )


def _render_checkins(
    session: Session, ctx: AppContext, sends: Sequence[ScheduledSend]
) -> dict[int, Message | str]:
    """A chunk of check-in DMs: each pairing, check-in, goal list, task list, recipient's zone
    and the meetings planned around them read once for the chunk (six queries however many
    DMs)."""
    pairing_ids = {send.pairing_id or 0 for send in sends}
    pairings = pairings_by_id(session, pairing_ids)
    checkins = store.checkins_at(session, {(send.pairing_id or 0, send.slot_at) for send in sends})
    goals = goal_store.goals_by_pairing(session, pairing_ids)
    tasks = task_store.open_tasks_by_pairing(session, pairing_ids)
    zones = store.zones_of(session, {str(send.recipient) for send in sends})
    planned = _planned_around(session, pairing_ids, {send.slot_at for send in sends})
    programs = program_configs(session, ctx.settings, {p.program_id for p in pairings.values()})
    labels = {
        pairing_id: program_focus_label(programs[p.program_id], p.focus)
        for pairing_id, p in pairings.items()
    }
    default = ctx.settings.default_timezone
    goal_rows_of: dict[int, list[GoalRow]] = {}
    task_rows_of: dict[int, list[TaskRow]] = {}
    for pairing_id in pairing_ids:
        texts = {goal.id: goal.text for goal in goals.get(pairing_id, [])}
        goal_rows_of[pairing_id] = [
            goal_row(goal) for goal in goals.get(pairing_id, []) if goal.status == goal_store.OPEN
        ]
        task_rows_of[pairing_id] = [task_row(task, texts) for task in tasks.get(pairing_id, [])]
    return {
        send.id: _checkin_message(
            ctx,
            _still_active(pairings.get(send.pairing_id or 0), send),
            labels.get(send.pairing_id or 0, ""),
            checkins.get((send.pairing_id or 0, send.slot_at)),
            send,
            goal_rows_of.get(send.pairing_id or 0, []),
            task_rows_of.get(send.pairing_id or 0, []),
            zone_for(zones, str(send.recipient), default),
            planned.get(send.pairing_id or 0, ()),
        )
        for send in sends
    }


def _render_reassess(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    pairing = _active_pairing(session, send)
    if isinstance(pairing, str):
        return pairing
    recipient = str(send.recipient)
    other = other_member(pairing, recipient)
    prompt = blocks.build_reassess_prompt(
        pairing.id, other, focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus)
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
        focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus),
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
    CHECKIN: Kind(_render_checkin, render_many=_render_checkins),
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


# -- rating a met check-in -------------------------------------------------------------------------


def ratable_checkin(ctx: AppContext, checkin_id: int, actor_id: str) -> None:
    """Refuse kindly unless ``actor_id`` may still rate this check-in."""
    with unit_of_work(ctx.sessions) as session:
        checkin, pairing = _member_checkin(session, checkin_id, actor_id)
        _check_ratable(session, checkin, pairing, actor_id)


def _check_ratable(session: Session, checkin: CheckIn, pairing: Pairing, actor_id: str) -> None:
    if checkin.answer != MET:
        raise Refused(feedback_blocks.RATING_NOT_MET, reason="bad_input")
    if not feedback_store.meeting_feedback_on(session, pairing.program_id):
        raise Refused(feedback_blocks.RATING_OFF, reason="bad_input")
    if feedback_store.rating_of(session, checkin.id, actor_id) is not None:
        raise Refused(feedback_blocks.RATED_BEFORE, reason="repeat")


def rate_checkin(
    ctx: AppContext,
    client: WebClient,
    checkin_id: int,
    actor_id: str,
    score: int,
    *,
    note: str | None = None,
) -> None:
    """Keep the acting member's rating once, then redraw their own check-in DM with the thanks."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        checkin, pairing = _member_checkin(session, checkin_id, actor_id, lock=True)
        _check_ratable(session, checkin, pairing, actor_id)
        if not feedback_store.record_rating(
            session, pairing, checkin, rater_id=actor_id, score=score, note=note, now=now
        ):
            raise Refused(feedback_blocks.RATED_BEFORE, reason="repeat")
        updates = [
            _Update(send.channel, send.ts, checkin_card(session, ctx, pairing, checkin, actor_id))
            for send in store.checkin_messages(session, pairing.id, checkin.slot_at, CHECKIN)
            if send.recipient == actor_id
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
            owe_rhythm_files(session, pairing, now, holders_only=True)  # the paused dates go
            other = other_member(pairing, actor_id)
            changed.pairing_ids.append(pairing.id)
            changed.other_ids.append(other)
            told.append(
                (other, focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus))
            )
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
            owe_rhythm_files(session, pairing, now, holders_only=True)  # and come back
            other = other_member(pairing, actor_id)
            changed.pairing_ids.append(pairing.id)
            changed.other_ids.append(other)
            told.append(
                (other, focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus))
            )
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
