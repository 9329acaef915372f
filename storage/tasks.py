"""Tasks a mentor assigns: adding, completing (once), undoing, dropping, and listing."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.text import md
from storage.models import Pairing, Task
from storage.pairings import record

OPEN = "open"
DONE = "done"
DROPPED = "dropped"

RECENTLY_DONE = timedelta(days=14)


def add_task(
    session: Session,
    pairing: Pairing,
    *,
    text: str,
    by: str,
    assignee_id: str,
    now: datetime,
    due_date: date | None = None,
    goal_id: int | None = None,
) -> Task:
    if assignee_id not in (pairing.mentor_id, pairing.mentee_id):
        raise Refused(md("A task can only be assigned to someone in the mentorship."))
    task = Task(
        pairing_id=pairing.id,
        goal_id=goal_id,
        text=text,
        due_date=due_date,
        assignee_id=assignee_id,
        status=OPEN,
    )
    session.add(task)
    session.flush()
    record(session, pairing, actor_id=by, kind="task.added", now=now, subject_id=task.id)
    return task


def get_task(session: Session, task_id: int, *, lock: bool = False) -> Task | None:
    query = select(Task).where(Task.id == task_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def tasks_of(
    session: Session, pairing_id: int, now: datetime, *, include_recent: bool = True
) -> Sequence[Task]:
    """Open tasks, and (unless told not to) those done in the last two weeks."""
    query = select(Task).where(Task.pairing_id == pairing_id)
    if include_recent:
        query = query.where(
            or_(
                Task.status == OPEN,
                (Task.status == DONE) & (Task.completed_at >= now - RECENTLY_DONE),
            )
        )
    else:
        query = query.where(Task.status == OPEN)
    return session.scalars(query.order_by(Task.status.desc(), Task.due_date, Task.id)).all()


def open_tasks_by_pairing(session: Session, pairing_ids: Collection[int]) -> dict[int, list[Task]]:
    """Each pairing's open tasks, in the order :func:`tasks_of` lists them, in one query."""
    found: dict[int, list[Task]] = {pairing_id: [] for pairing_id in pairing_ids}
    if found:
        for task in session.scalars(
            select(Task)
            .where(Task.pairing_id.in_(list(found)), Task.status == OPEN)
            .order_by(Task.status.desc(), Task.due_date, Task.id)
        ):
            found[task.pairing_id].append(task)
    return found


def set_task_status(
    session: Session, pairing: Pairing, task: Task, status: str, *, by: str, now: datetime
) -> bool:
    """Complete, reopen or drop a task; False when it already was (a repeat or a retry)."""
    if task.pairing_id != pairing.id:
        raise Refused(md("That task belongs to another mentorship."), reason="forbidden")
    if task.status == status:
        return False
    task.status = status
    task.completed_at = now if status == DONE else None
    task.completed_by = by if status == DONE else None
    kind = {OPEN: "task.reopened", DONE: "task.done", DROPPED: "task.dropped"}[status]
    record(session, pairing, actor_id=by, kind=kind, now=now, subject_id=task.id)
    return True
