"""Goals and tasks read into the rows the builders show: each goal with who closed it, when and
why; each task with the goal it works towards."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from handlers.blocks.work import GoalRow, TaskRow
from storage import goals as goal_store
from storage import tasks as task_store
from storage.goals import Closing
from storage.models import Goal, Task


def goal_row(goal: Goal, closing: Closing | None = None) -> GoalRow:
    closed = goal.status != goal_store.OPEN
    return GoalRow(
        goal_id=goal.id,
        text=goal.text,
        status=goal.status,
        target=goal.target_date,
        competency=goal.competency,
        closed_by=closing.by if closed and closing is not None else None,
        closed_on=goal.closed_at.date() if closed and goal.closed_at else None,
        reason=goal.close_reason if closed else None,
    )


def task_row(task: Task, goal_texts: Mapping[int, str]) -> TaskRow:
    return TaskRow(
        task_id=task.id,
        text=task.text,
        status=task.status,
        assignee_id=task.assignee_id,
        due=task.due_date,
        done_by=task.completed_by,
        done_on=task.completed_at.date() if task.completed_at else None,
        goal_id=task.goal_id,
        goal=goal_texts.get(task.goal_id) if task.goal_id is not None else None,
    )


def goal_texts(session: Session, pairing_id: int) -> dict[int, str]:
    return {g.id: g.text for g in goal_store.goals_of(session, pairing_id)}


def one_task_row(session: Session, task: Task) -> TaskRow:
    goal = goal_store.get_goal(session, task.goal_id) if task.goal_id is not None else None
    return task_row(task, {goal.id: goal.text} if goal is not None else {})


def goal_rows(session: Session, pairing_id: int, *, open_only: bool = False) -> list[GoalRow]:
    goals = goal_store.goals_of(session, pairing_id, open_only=open_only)
    closings = {} if open_only else goal_store.closings_of(session, pairing_id)
    return [goal_row(g, closings.get(g.id)) for g in goals]


def closed_goal_rows(session: Session, pairing_id: int, limit: int) -> list[GoalRow]:
    """The goals closed lately, latest first, each with who closed it, when and why."""
    goals = goal_store.recently_closed(session, pairing_id, limit)
    closings = goal_store.closings_of(session, pairing_id) if goals else {}
    return [goal_row(g, closings.get(g.id)) for g in goals]


def task_rows(
    session: Session, pairing_id: int, now: datetime, *, include_recent: bool
) -> list[TaskRow]:
    texts = goal_texts(session, pairing_id)
    tasks = task_store.tasks_of(session, pairing_id, now, include_recent=include_recent)
    return [task_row(t, texts) for t in tasks]
