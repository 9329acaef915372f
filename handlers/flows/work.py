"""Goals and tasks: adding, completing, changing; each change checked against the pairing's
members, recorded with who and when, and told to the other member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.errors import Refused
from bot.text import Mrkdwn, clip, fmt, md, mention
from handlers.blocks.common import Block, section
from handlers.blocks.requests import quote
from handlers.blocks.work import GoalRow, PairingWork, TaskRow, task_block
from handlers.blocks.work_modals import GoalDraft, GoalInput, PairingOption, TaskInput
from handlers.flows.home import refresh_homes
from handlers.flows.slack import focus_label, local_date, notify, update_message
from storage import goals as goal_store
from storage import tasks as task_store
from storage.db import unit_of_work
from storage.models import Goal, Pairing, Task
from storage.pairings import get_pairing, is_open, open_pairings_of, other_member, require_member
from storage.people import get_person


@dataclass(frozen=True)
class TaskChange:
    row: TaskRow
    changed: bool
    members: tuple[str, str]
    dm: tuple[str, str] | None  # where the assignee's task DM is, to redraw it too


def today_for(ctx: AppContext, session: Session, user_id: str, now: datetime) -> date:
    person = get_person(session, user_id)
    return local_date(now, person.tz if person else None, ctx.settings)


def local_today(ctx: AppContext, user_id: str) -> date:
    """Today in ``user_id``'s own zone: what "overdue" and "due Friday" mean to them."""
    with unit_of_work(ctx.sessions) as session:
        return today_for(ctx, session, user_id, ctx.now())


def goal_row(goal: Goal) -> GoalRow:
    return GoalRow(goal.id, goal.text, goal.status, goal.target_date, goal.competency)


def task_row(task: Task) -> TaskRow:
    return TaskRow(
        task_id=task.id,
        text=task.text,
        status=task.status,
        assignee_id=task.assignee_id,
        due=task.due_date,
        done_by=task.completed_by,
        done_on=task.completed_at.date() if task.completed_at else None,
    )


def _open_member_pairing(session: Session, pairing_id: int, actor_id: str) -> Pairing:
    pairing = require_member(get_pairing(session, pairing_id, lock=True), actor_id)
    if not is_open(pairing):
        raise Refused(md("That mentorship has ended, so its goals and tasks are archived."))
    return pairing


def _name(session: Session, user_id: str) -> str:
    person = get_person(session, user_id)
    return person.display_name if person and person.display_name else user_id


def pairing_options(ctx: AppContext, actor_id: str, other_id: str | None) -> list[PairingOption]:
    """The caller's open pairings (with ``other_id`` only, if given), labelled in plain text."""
    with unit_of_work(ctx.sessions) as session:
        options = []
        for pairing in open_pairings_of(session, actor_id):
            other = other_member(pairing, actor_id)
            if other_id is None or other == other_id:
                label = f"{_name(session, other)} · {focus_label(ctx.settings, pairing.focus)}"
                options.append(PairingOption(pairing.id, label))
        return options


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
        label = focus_label(ctx.settings, pairing.focus)
        members = (pairing.mentor_id, pairing.mentee_id)
    notify(
        client,
        other,
        fmt(
            "{actor} added a goal to your {label} mentorship.", actor=mention(actor_id), label=label
        ),
        _lines(
            fmt(
                "{actor} added a goal to your *{label}* mentorship:",
                actor=mention(actor_id),
                label=label,
            ),
            goal.draft.text,
        ),
    )
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
        row = task_row(saved)
        today = today_for(ctx, session, assignee, now)
        label = focus_label(ctx.settings, pairing.focus)
        members = (pairing.mentor_id, pairing.mentee_id)
    lead = (
        fmt("{actor} gave you a task ({label}):", actor=mention(actor_id), label=label)
        if actor_id != assignee
        else fmt("Your new task ({label}):", label=label)
    )
    where = notify(
        client,
        assignee,
        fmt("New task: {text}", text=clip(task.draft.text, 100)),
        [section(lead), task_block(row, today)],
    )
    if where is not None:
        with unit_of_work(ctx.sessions) as session:
            stored = task_store.get_task(session, task_id)
            if stored is not None:
                stored.dm_channel, stored.dm_ts = where
    for member in members:
        if member not in (actor_id, assignee):
            notify(
                client,
                member,
                fmt("{actor} added a task.", actor=mention(actor_id)),
                _lines(
                    fmt(
                        "{actor} added a task to your *{label}* mentorship:",
                        actor=mention(actor_id),
                        label=label,
                    ),
                    task.draft.text,
                ),
            )
    _refresh(ctx, client, members)
    return assignee


def set_task_done(
    ctx: AppContext, client: WebClient, task_id: int, actor_id: str, *, done: bool
) -> TaskChange:
    """Complete (or undo) a task once, however often the button is tapped."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        task = task_store.get_task(session, task_id, lock=True)
        if task is None:
            raise Refused(md("I couldn't find that task any more."))
        pairing = require_member(get_pairing(session, task.pairing_id), actor_id)
        if not is_open(pairing):
            raise Refused(md("That mentorship has ended, so its tasks are archived."))
        if task.status == task_store.DROPPED:
            raise Refused(md("That task was dropped, so there's nothing to complete."))
        status = task_store.DONE if done else task_store.OPEN
        changed = task_store.set_task_status(session, pairing, task, status, by=actor_id, now=now)
        dm = (task.dm_channel, task.dm_ts) if task.dm_channel and task.dm_ts else None
        change = TaskChange(task_row(task), changed, (pairing.mentor_id, pairing.mentee_id), dm)
        other = other_member(pairing, actor_id)
        label = focus_label(ctx.settings, pairing.focus)
    if changed and done:
        notify(
            client,
            other,
            fmt("{actor} completed a task.", actor=mention(actor_id)),
            _lines(
                fmt("✅ {actor} completed a task ({label}):", actor=mention(actor_id), label=label),
                change.row.text,
            ),
        )
    if changed:
        _refresh(ctx, client, change.members)
    return change


def redraw_task_dm(ctx: AppContext, client: WebClient, change: TaskChange) -> None:
    """Bring the assignee's task DM up to date (when the tap came from somewhere else)."""
    if change.dm is None:
        return
    with unit_of_work(ctx.sessions) as session:
        today = today_for(ctx, session, change.row.assignee_id, ctx.now())
    channel, ts = change.dm
    update_message(
        client,
        channel,
        ts,
        fmt("Task: {text}", text=clip(change.row.text, 100)),
        [task_block(change.row, today)],
    )


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
        text = goal.text
        row = goal_row(goal)
        members = (pairing.mentor_id, pairing.mentee_id)
    if changed and status == goal_store.ACHIEVED:
        notify(
            client,
            other,
            fmt("{actor} marked a goal achieved.", actor=mention(actor_id)),
            _lines(
                fmt("🎉 {actor} marked a goal achieved:", actor=mention(actor_id)),
                text,
            ),
        )
    elif changed and status == goal_store.DROPPED:
        notify(
            client,
            other,
            fmt("{actor} dropped a goal.", actor=mention(actor_id)),
            _lines(
                fmt("{actor} dropped a goal (it stays in your history):", actor=mention(actor_id)),
                text,
            ),
        )
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
                    focus_label=focus_label(ctx.settings, pairing.focus),
                    goals=[goal_row(g) for g in goal_store.goals_of(session, pairing.id)],
                    tasks=[task_row(t) for t in task_store.tasks_of(session, pairing.id, now)],
                )
            )
        return found, today


def _lines(lead: Mrkdwn, user_text: str) -> list[Block]:
    return [section(fmt("{lead}\n{quote}", lead=lead, quote=quote(user_text)))]


def _refresh(ctx: AppContext, client: WebClient, members: tuple[str, ...]) -> None:
    refresh_homes(ctx, client, *members)
