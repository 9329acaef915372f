"""Goals and tasks: adding, completing, changing; each change checked against the pairing's
members, recorded with who and when, and told to the other member."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.errors import Refused
from bot.text import md
from handlers.blocks.checkins import build_checkin_message
from handlers.blocks.common import MessageBody
from handlers.blocks.work import (
    GoalRow,
    PairingWork,
    build_goal_added,
    build_goal_closed,
    build_task_added,
    build_task_completed,
    build_task_dm,
    build_task_redrawn,
)
from handlers.blocks.work_modals import GoalDraft, GoalInput, PairingOption, TaskInput
from handlers.flows.checkins import checkin_card
from handlers.flows.home import refresh_homes
from handlers.flows.program_scope import focus_label_in, program_configs
from handlers.flows.rows import goal_row, goal_rows, one_task_row, task_rows
from handlers.flows.send_kinds import CHECKIN
from handlers.flows.slack import (
    local_date,
    notify,
    notify_message,
    program_focus_label,
    update_to,
)
from handlers.tapped import Nowhere, OnMessage, Tapped
from storage import goals as goal_store
from storage import tasks as task_store
from storage.checkins import checkin_at
from storage.db import unit_of_work
from storage.goals import Closing
from storage.models import CheckIn, Pairing, Task
from storage.outbox import sent_message_at
from storage.pairings import get_pairing, is_open, open_pairings_of, other_member, require_member
from storage.people import get_person
from storage.programs import program_config, programs_of


def zone_for(ctx: AppContext, session: Session, user_id: str) -> str:
    """``user_id``'s time zone: their Slack profile's, else the program's."""
    person = get_person(session, user_id)
    return (person.tz if person else None) or ctx.settings.default_timezone


def today_for(ctx: AppContext, session: Session, user_id: str, now: datetime) -> date:
    return local_date(now, zone_for(ctx, session, user_id), ctx.settings)


def local_today(ctx: AppContext, user_id: str) -> date:
    """Today in ``user_id``'s own zone: what "overdue" and "due Friday" mean to them."""
    with unit_of_work(ctx.sessions) as session:
        return today_for(ctx, session, user_id, ctx.now())


def _open_member_pairing(session: Session, pairing_id: int, actor_id: str) -> Pairing:
    pairing = require_member(get_pairing(session, pairing_id, lock=True), actor_id)
    if not is_open(pairing):
        raise Refused(md("That mentorship has ended, so its goals and tasks are archived."))
    return pairing


def _name(session: Session, user_id: str) -> str:
    person = get_person(session, user_id)
    return person.display_name if person and person.display_name else user_id


def pairing_options(ctx: AppContext, actor_id: str, other_id: str | None) -> list[PairingOption]:
    """The caller's open pairings (with ``other_id`` only, if given), labelled in plain text,
    each with its program's competencies."""
    with unit_of_work(ctx.sessions) as session:
        pairings = [
            p
            for p in open_pairings_of(session, actor_id)
            if other_id is None or other_member(p, actor_id) == other_id
        ]
        programs = program_configs(session, ctx.settings, {p.program_id for p in pairings})
        # The program is named only for someone in several, where two pairings with the same
        # person and focus would otherwise read the same.
        several = len(programs_of(session, ctx.settings, actor_id)) > 1
        options = []
        for pairing in pairings:
            program = programs[pairing.program_id]
            focus = program_focus_label(program, pairing.focus)
            label = f"{_name(session, other_member(pairing, actor_id))} · {focus}"
            if several:
                label = f"{label} · {program.name}"
            options.append(PairingOption(pairing.id, label, program.competencies))
        return options


def offered_competencies(options: Sequence[PairingOption]) -> tuple[str, ...]:
    """The competencies a goal form lists for these pairings: their programs' (usually one
    program's), in order, each once. A submission is checked against its pairing's own."""
    return tuple(dict.fromkeys(c for option in options for c in option.competencies))


def goal_competencies(ctx: AppContext, goal_id: int, actor_id: str) -> tuple[str, ...]:
    """The competencies of the program a goal's pairing is in (a member asking)."""
    with unit_of_work(ctx.sessions) as session:
        goal = goal_store.get_goal(session, goal_id)
        if goal is None:
            raise Refused(md("I couldn't find that goal any more."))
        pairing = _open_member_pairing(session, goal.pairing_id, actor_id)
        return program_config(session, ctx.settings, pairing.program_id).competencies


def open_goals(ctx: AppContext, pairing_id: int) -> list[tuple[int, str]]:
    with unit_of_work(ctx.sessions) as session:
        return [(g.id, g.text) for g in goal_store.goals_of(session, pairing_id, open_only=True)]


def add_goal_for(ctx: AppContext, client: WebClient, actor_id: str, goal: GoalInput) -> str:
    """Save the goal and tell the other member; returns the other member's id."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = _open_member_pairing(session, goal.pairing_id, actor_id)
        goal_store.add_goal(
            session,
            pairing,
            text=goal.draft.text,
            by=actor_id,
            now=now,
            target_date=goal.draft.target,
            competency=goal.draft.competency,
        )
        other = other_member(pairing, actor_id)
        label = focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus)
        members = (pairing.mentor_id, pairing.mentee_id)
    notify_message(client, other, build_goal_added(actor_id, label, goal.draft.text))
    _refresh(ctx, client, members)
    return other


def add_task_for(ctx: AppContext, client: WebClient, actor_id: str, task: TaskInput) -> str:
    """Save the task, DM the assignee with a **Mark complete** button; returns the assignee."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = _open_member_pairing(session, task.pairing_id, actor_id)
        assignee = pairing.mentee_id if task.draft.assignee == "mentee" else pairing.mentor_id
        goal_id = task.draft.goal_id
        if goal_id is not None:
            goal = goal_store.get_goal(session, goal_id)
            if goal is None or goal.pairing_id != pairing.id:
                goal_id = None
        saved = task_store.add_task(
            session,
            pairing,
            text=task.draft.text,
            by=actor_id,
            assignee_id=assignee,
            now=now,
            due_date=task.draft.due,
            goal_id=goal_id,
        )
        task_id = saved.id
        row = one_task_row(session, saved)
        today = today_for(ctx, session, assignee, now)
        label = focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus)
        members = (pairing.mentor_id, pairing.mentee_id)
    dm = build_task_dm(row, today, actor_id, label)
    where = notify(client, assignee, dm.text, dm.blocks)
    if where is not None:
        with unit_of_work(ctx.sessions) as session:
            stored = task_store.get_task(session, task_id)
            if stored is not None:
                stored.dm_channel, stored.dm_ts = where
    for member in members:
        if member not in (actor_id, assignee):
            notify_message(client, member, build_task_added(actor_id, label, task.draft.text))
    _refresh(ctx, client, members)
    return assignee


NOT_RECORDED = md(
    "That button isn't on a message I sent you about this task, so I did nothing. Use the "
    "one in our DM, in your check-in, in `/mentor tasks` or on my Home tab."
)


@dataclass(frozen=True)
class _Redraw:
    channel: str
    ts: str
    message: MessageBody


def set_task_done(
    ctx: AppContext,
    client: WebClient,
    task_id: int,
    actor_id: str,
    *,
    done: bool,
    where: Tapped,
) -> None:
    """Complete (or undo) a task once, however often the button is tapped, then redraw from the
    database the recorded messages that show it: the assignee's task DM, and the check-in the
    tap was on. A tap that claims any other message is refused before anything changes."""
    now = ctx.now()
    redraws: list[_Redraw] = []
    with unit_of_work(ctx.sessions) as session:
        task = task_store.get_task(session, task_id, lock=True)
        if task is None:
            raise Refused(md("I couldn't find that task any more."))
        pairing = require_member(get_pairing(session, task.pairing_id), actor_id)
        if not is_open(pairing):
            raise Refused(md("That mentorship has ended, so its tasks are archived."))
        if task.status == task_store.DROPPED:
            raise Refused(md("That task was dropped, so there's nothing to complete."))
        on_dm = _on_task_dm(task, where, actor_id)
        checkin = None if on_dm else _tapped_checkin(session, pairing, where, actor_id)
        if isinstance(where, Nowhere) or (
            isinstance(where, OnMessage) and not on_dm and not checkin
        ):
            raise Refused(NOT_RECORDED, reason="forbidden")
        status = task_store.DONE if done else task_store.OPEN
        changed = task_store.set_task_status(session, pairing, task, status, by=actor_id, now=now)
        row = one_task_row(session, task, tz=zone_for(ctx, session, actor_id))
        if task.dm_channel and task.dm_ts and (changed or on_dm):
            today = today_for(ctx, session, task.assignee_id, now)
            redraws.append(_Redraw(task.dm_channel, task.dm_ts, build_task_redrawn(row, today)))
        if checkin is not None and isinstance(where, OnMessage):
            card = checkin_card(session, ctx, pairing, checkin, actor_id)
            redraws.append(_Redraw(where.channel, where.ts, build_checkin_message(card)))
        members = (pairing.mentor_id, pairing.mentee_id)
        other = other_member(pairing, actor_id)
        label = focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus)
    for redraw in redraws:
        update_to(client, redraw.channel, redraw.ts, redraw.message)
    if changed and done:
        notify_message(client, other, build_task_completed(actor_id, label, row.text))
    if changed:
        _refresh(ctx, client, members)


def _on_task_dm(task: Task, where: Tapped, actor_id: str) -> bool:
    """Whether the tap is on the task's own DM, as recorded, by the person it was sent to."""
    return (
        isinstance(where, OnMessage)
        and actor_id == task.assignee_id
        and (where.channel, where.ts) == (task.dm_channel, task.dm_ts)
    )


def _tapped_checkin(
    session: Session, pairing: Pairing, where: Tapped, actor_id: str
) -> CheckIn | None:
    """The check-in of ``pairing`` whose DM to ``actor_id`` the app recorded at the tapped place."""
    if not isinstance(where, OnMessage):
        return None
    send = sent_message_at(session, channel=where.channel, ts=where.ts, kinds=[CHECKIN])
    if send is None or send.pairing_id != pairing.id or send.recipient != actor_id:
        return None
    return checkin_at(session, pairing.id, send.slot_at)


def set_goal_status_for(
    ctx: AppContext,
    client: WebClient,
    goal_id: int,
    actor_id: str,
    status: str,
    reason: str | None = None,
) -> tuple[bool, GoalRow]:
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        goal = goal_store.get_goal(session, goal_id, lock=True)
        if goal is None:
            raise Refused(md("I couldn't find that goal any more."))
        pairing = _open_member_pairing(session, goal.pairing_id, actor_id)
        changed = goal_store.set_goal_status(
            session, pairing, goal, status, by=actor_id, now=now, reason=reason
        )
        other = other_member(pairing, actor_id)
        label = focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus)
        row = goal_row(goal, Closing(actor_id, now), tz=zone_for(ctx, session, actor_id))
        members = (pairing.mentor_id, pairing.mentee_id)
    if changed and status != goal_store.OPEN:
        notify_message(client, other, build_goal_closed(actor_id, label, row))
    if changed:
        _refresh(ctx, client, members)
    return changed, row


def goal_for_edit(ctx: AppContext, goal_id: int, actor_id: str) -> GoalDraft:
    with unit_of_work(ctx.sessions) as session:
        goal = goal_store.get_goal(session, goal_id)
        if goal is None:
            raise Refused(md("I couldn't find that goal any more."))
        _open_member_pairing(session, goal.pairing_id, actor_id)
        return GoalDraft(goal.text, goal.target_date, goal.competency)


def edit_goal_for(
    ctx: AppContext, client: WebClient, goal_id: int, actor_id: str, draft: GoalDraft
) -> GoalRow:
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        goal = goal_store.get_goal(session, goal_id, lock=True)
        if goal is None:
            raise Refused(md("I couldn't find that goal any more."))
        pairing = _open_member_pairing(session, goal.pairing_id, actor_id)
        goal_store.edit_goal(
            session,
            pairing,
            goal,
            text=draft.text,
            target_date=draft.target,
            competency=draft.competency,
            by=actor_id,
            now=now,
        )
        members = (pairing.mentor_id, pairing.mentee_id)
        row = goal_row(goal)
    _refresh(ctx, client, members)
    return row


def work_lists(
    ctx: AppContext, actor_id: str, other_id: str | None
) -> tuple[list[PairingWork], date]:
    """The caller's open pairings with their goals and (open and recently done) tasks."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        today = today_for(ctx, session, actor_id, now)
        tz = zone_for(ctx, session, actor_id)
        found = []
        for pairing in open_pairings_of(session, actor_id):
            other = other_member(pairing, actor_id)
            if other_id is not None and other != other_id:
                continue
            found.append(
                PairingWork(
                    pairing_id=pairing.id,
                    other_id=other,
                    role="mentor" if pairing.mentor_id == actor_id else "mentee",
                    focus_label=focus_label_in(
                        session, ctx.settings, pairing.program_id, pairing.focus
                    ),
                    goals=goal_rows(session, pairing.id, tz=tz),
                    tasks=task_rows(session, pairing.id, now, include_recent=True, tz=tz),
                )
            )
        return found, today


def _refresh(ctx: AppContext, client: WebClient, members: tuple[str, ...]) -> None:
    refresh_homes(ctx, client, *members)
