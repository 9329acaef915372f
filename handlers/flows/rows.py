"""Goals and tasks read into the rows the builders show: each goal with who closed it, when and
why; each task with the goal it works towards."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from handlers.blocks.introductions import GONE, IntroLine
from handlers.blocks.work import GoalRow, TaskRow
from storage import goals as goal_store
from storage import tasks as task_store
from storage.goals import Closing
from storage.introductions import MADE, introductions_of
from storage.models import Goal, Task
from storage.people import departed_among


def _day(moment: datetime | None, tz: str | None) -> date | None:
    """The reader's local date of ``moment`` (UTC's when their zone is unknown)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(tz)).date() if tz else moment.date()


def goal_row(goal: Goal, closing: Closing | None = None, *, tz: str | None = None) -> GoalRow:
    closed = goal.status != goal_store.OPEN
    return GoalRow(
        goal_id=goal.id,
        text=goal.text,
        status=goal.status,
        target=goal.target_date,
        competency=goal.competency,
        closed_by=closing.by if closed and closing is not None else None,
        closed_on=_day(goal.closed_at, tz) if closed else None,
        reason=goal.close_reason if closed else None,
    )


def task_row(task: Task, goal_texts: Mapping[int, str], *, tz: str | None = None) -> TaskRow:
    return TaskRow(
        task_id=task.id,
        text=task.text,
        status=task.status,
        assignee_id=task.assignee_id,
        due=task.due_date,
        done_by=task.completed_by,
        done_on=_day(task.completed_at, tz),
        goal_id=task.goal_id,
        goal=goal_texts.get(task.goal_id) if task.goal_id is not None else None,
    )


def goal_texts(session: Session, pairing_id: int) -> dict[int, str]:
    return {g.id: g.text for g in goal_store.goals_of(session, pairing_id)}


def one_task_row(session: Session, task: Task, *, tz: str | None = None) -> TaskRow:
    goal = goal_store.get_goal(session, task.goal_id) if task.goal_id is not None else None
    return task_row(task, {goal.id: goal.text} if goal is not None else {}, tz=tz)


def goal_rows(
    session: Session, pairing_id: int, *, open_only: bool = False, tz: str | None = None
) -> list[GoalRow]:
    goals = goal_store.goals_of(session, pairing_id, open_only=open_only)
    closings = {} if open_only else goal_store.closings_of(session, pairing_id)
    return [goal_row(g, closings.get(g.id), tz=tz) for g in goals]


def closed_goal_rows(
    session: Session, pairing_id: int, limit: int, *, tz: str | None = None
) -> list[GoalRow]:
    """The goals closed lately, latest first, each with who closed it, when and why."""
    goals = goal_store.recently_closed(session, pairing_id, limit)
    closings = goal_store.closings_of(session, pairing_id) if goals else {}
    return [goal_row(g, closings.get(g.id), tz=tz) for g in goals]


def task_rows(
    session: Session,
    pairing_id: int,
    now: datetime,
    *,
    include_recent: bool,
    tz: str | None = None,
) -> list[TaskRow]:
    texts = goal_texts(session, pairing_id)
    tasks = task_store.tasks_of(session, pairing_id, now, include_recent=include_recent)
    return [task_row(t, texts, tz=tz) for t in tasks]


def introduction_rows(
    session: Session, pairing_ids: Collection[int], *, tz: str | None = None
) -> dict[int, list[IntroLine]]:
    """The introductions made in each mentorship, as listings show them (the first first); one
    still waiting for a colleague who has since left the workspace says so."""
    made = introductions_of(session, pairing_ids)
    waiting_on = sorted(
        {row.colleague_id for rows in made.values() for row in rows if row.status == MADE}
    )
    gone = departed_among(session, waiting_on)
    return {
        pairing_id: [
            IntroLine(
                row.colleague_id,
                GONE if row.status == MADE and row.colleague_id in gone else row.status,
                _day(row.made_at, tz) or row.made_at.date(),
            )
            for row in rows
        ]
        for pairing_id, rows in made.items()
    }
