"""Goals a pair agreed: adding, editing, achieving, dropping, with who and when recorded."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.text import md
from storage.models import Activity, Goal, Pairing
from storage.pairings import record

OPEN = "open"
ACHIEVED = "achieved"
DROPPED = "dropped"
STATUSES = (OPEN, ACHIEVED, DROPPED)
CLOSING_KINDS = ("goal.achieved", "goal.dropped")


@dataclass(frozen=True)
class Closing:
    """Who marked a goal achieved or dropped it, and when (from the pairing's activity)."""

    by: str | None
    at: datetime


def add_goal(
    session: Session,
    pairing: Pairing,
    *,
    text: str,
    by: str,
    now: datetime,
    target_date: date | None = None,
    competency: str | None = None,
) -> Goal:
    goal = Goal(
        pairing_id=pairing.id,
        text=text,
        target_date=target_date,
        competency=competency,
        status=OPEN,
        created_at=now,
    )
    session.add(goal)
    session.flush()
    record(session, pairing, actor_id=by, kind="goal.added", now=now, subject_id=goal.id)
    return goal


def recently_closed(session: Session, pairing_id: int, limit: int) -> Sequence[Goal]:
    """The pairing's achieved and dropped goals, the latest closed first."""
    return session.scalars(
        select(Goal)
        .where(Goal.pairing_id == pairing_id, Goal.status != OPEN)
        .order_by(Goal.closed_at.desc(), Goal.id.desc())
        .limit(limit)
    ).all()


def get_goal(session: Session, goal_id: int, *, lock: bool = False) -> Goal | None:
    query = select(Goal).where(Goal.id == goal_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def goals_of(session: Session, pairing_id: int, *, open_only: bool = False) -> Sequence[Goal]:
    query = select(Goal).where(Goal.pairing_id == pairing_id)
    if open_only:
        query = query.where(Goal.status == OPEN)
    return session.scalars(query.order_by(Goal.created_at, Goal.id)).all()


def goals_by_pairing(session: Session, pairing_ids: Collection[int]) -> dict[int, list[Goal]]:
    """Each pairing's goals, in the order :func:`goals_of` lists them, in one query."""
    found: dict[int, list[Goal]] = {pairing_id: [] for pairing_id in pairing_ids}
    if found:
        for goal in session.scalars(
            select(Goal).where(Goal.pairing_id.in_(list(found))).order_by(Goal.created_at, Goal.id)
        ):
            found[goal.pairing_id].append(goal)
    return found


def set_goal_status(
    session: Session,
    pairing: Pairing,
    goal: Goal,
    status: str,
    *,
    by: str,
    now: datetime,
    reason: str | None = None,
) -> bool:
    """Move a goal to ``status``; False when it already was (a repeated click)."""
    if status not in STATUSES:
        raise Refused(md("That isn't a goal status I know."), reason="bad_input")
    if goal.pairing_id != pairing.id:
        raise Refused(md("That goal belongs to another mentorship."), reason="forbidden")
    if goal.status == status:
        return False
    goal.status = status
    goal.closed_at = now if status != OPEN else None
    goal.close_reason = reason or None
    kind = {OPEN: "goal.reopened", ACHIEVED: "goal.achieved", DROPPED: "goal.dropped"}[status]
    record(session, pairing, actor_id=by, kind=kind, now=now, subject_id=goal.id)
    return True


def edit_goal(
    session: Session,
    pairing: Pairing,
    goal: Goal,
    *,
    text: str,
    target_date: date | None,
    competency: str | None,
    by: str,
    now: datetime,
) -> None:
    if goal.pairing_id != pairing.id:
        raise Refused(md("That goal belongs to another mentorship."), reason="forbidden")
    goal.text = text
    goal.target_date = target_date
    goal.competency = competency
    record(session, pairing, actor_id=by, kind="goal.edited", now=now, subject_id=goal.id)


def closings_of(session: Session, pairing_id: int) -> dict[int, Closing]:
    """goal id -> its latest closing, for the goals of ``pairing_id`` ever achieved or dropped."""
    rows = session.execute(
        select(Activity.subject_id, Activity.actor_id, Activity.at)
        .where(
            Activity.pairing_id == pairing_id,
            Activity.kind.in_(CLOSING_KINDS),
            Activity.subject_id.is_not(None),
        )
        .order_by(Activity.at, Activity.id)
    )
    return {goal_id: Closing(actor, at) for goal_id, actor, at in rows if goal_id is not None}
