"""Required mentorship's reminders: each trainee without a mentor, in a program that asks for one
within N days of joining (or by a date), gets one kind DM halfway to their deadline and one on
it, through the outbox, in their working hours, never twice (each send's key names the program,
the trainee and the stage). The tick looks for them at most once an hour per program; each DM is
checked again when it goes (a mentor found since, the rule dropped, the trainee gone: nothing is
sent)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cadence import next_working_time
from bot.context import AppContext
from bot.logging import get_logger
from bot.required import Stage, deadline, stage_due
from bot.tick import StepResult, TickContext
from handlers.blocks.coverage import build_required_reminder
from handlers.flows.checkins import zone_for
from handlers.flows.delivery import Kind, Message
from handlers.flows.send_kinds import REQUIRED_REMINDER
from storage import checkins as checkin_store
from storage.coverage import has_mentor_in, member_since, program_coverage
from storage.db import unit_of_work
from storage.models import Program, ScheduledSend
from storage.outbox import NewSend, enqueue_many, send_key
from storage.people import departed_among
from storage.programs import due_required_look_clause, next_look, program_config

log = get_logger("mentorbot.required")


def reminder_key(program_id: int, user_id: str, stage: Stage) -> str:
    return send_key(REQUIRED_REMINDER, f"{program_id}/{user_id}/{stage.value}")


def _parts(send: ScheduledSend) -> tuple[int, str, Stage] | None:
    parts = send.dedupe_key.split("/")
    if len(parts) != 4 or not parts[1].isdigit() or parts[3] not in {s.value for s in Stage}:
        return None
    return int(parts[1]), parts[2], Stage(parts[3])


def _owed(ctx: AppContext, session: Session, program: Program, now: datetime) -> list[NewSend]:
    config = program_config(session, ctx.settings, program.id)
    rule = config.mentor_rule
    if rule is None:
        return []
    uncovered = program_coverage(session, program.id).uncovered
    zones = checkin_store.zones_of(session, [u.user_id for u in uncovered])
    owed = []
    for u in uncovered:
        stage = stage_due(rule, u.member_since, now, config.zone)
        if stage is None:
            continue
        owed.append(
            NewSend(
                key=reminder_key(program.id, u.user_id, stage),
                kind=REQUIRED_REMINDER,
                slot_at=now,
                due_at=next_working_time(
                    now, zone_for(zones, u.user_id, ctx.settings.default_timezone)
                ),
                recipient=u.user_id,
            )
        )
    return owed


def remind_without_mentor(tick: TickContext) -> StepResult:
    """Enqueue the reminders that have come due (a key enqueued before stays as it was, so a
    trainee never gets the same reminder twice); the outbox sends them in working hours."""
    now = tick.now
    enqueued = 0
    with unit_of_work(tick.app.sessions) as session:
        programs = session.scalars(
            select(Program)
            .where(due_required_look_clause(now))
            .order_by(Program.id)
            .with_for_update()
        ).all()
        for program in programs:
            enqueued += enqueue_many(session, _owed(tick.app, session, program, now))
            program.required_next_at = next_look(program, now)
    if enqueued:
        log.info("required.reminders_enqueued", count=enqueued)
    return StepResult(due=enqueued)


def _render(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    found = _parts(send)
    if found is None:
        return "not a reminder"
    program_id, user_id, stage = found
    if departed_among(session, [user_id]):
        return "the trainee has left"
    joined = member_since(session, program_id, user_id)
    if joined is None:
        return "no longer a member of the program"
    if has_mentor_in(session, program_id, user_id):
        return "the trainee has a mentor now"
    config = program_config(session, ctx.settings, program_id)
    rule = config.mentor_rule
    due = deadline(rule, joined, config.zone) if rule is not None else None
    if rule is None or due is None:
        return "the program no longer asks for a mentor by then"
    today = ctx.now().astimezone(config.zone).date()
    message = build_required_reminder(
        config.name, rule, due.astimezone(config.zone).date(), stage, today
    )
    return Message(to=user_id, text=message.text, blocks=message.blocks)


KINDS: dict[str, Kind] = {REQUIRED_REMINDER: Kind(_render)}
