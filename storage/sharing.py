"""Each member's consent to share their pair's goal and task text with coordinators, and the
only reads that hand that text to a coordinator: they return it for pairs that share, and
nothing for any other pair."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.sharing import SharingDecision, SharingMove, decide_sharing, proposal_stamp
from storage.models import Goal, Pairing, Task
from storage.pairings import OPEN, is_open, other_member, record

GOAL_STATUSES = ("open", "achieved", "dropped")


def consent_of(pairing: Pairing, user_id: str) -> datetime | None:
    """When ``user_id`` (a member) agreed to share; None when they haven't."""
    return pairing.mentor_shares_at if user_id == pairing.mentor_id else pairing.mentee_shares_at


def _set_consent(pairing: Pairing, user_id: str, since: datetime | None) -> None:
    if user_id == pairing.mentor_id:
        pairing.mentor_shares_at = since
    else:
        pairing.mentee_shares_at = since


def is_shared(pairing: Pairing) -> bool:
    """Coordinators may read this pair's text: both members agree and the pairing is open."""
    return (
        is_open(pairing)
        and pairing.mentor_shares_at is not None
        and pairing.mentee_shares_at is not None
    )


def shared_clause() -> ColumnElement[bool]:
    """:func:`is_shared` as SQL."""
    return and_(
        Pairing.status.in_(OPEN),
        Pairing.mentor_shares_at.is_not(None),
        Pairing.mentee_shares_at.is_not(None),
    )


def change_sharing(
    session: Session,
    pairing: Pairing,
    actor_id: str,
    move: SharingMove,
    now: datetime,
    *,
    answering: str | None = None,
) -> SharingDecision:
    """Apply ``move`` by ``actor_id`` (a member of the open ``pairing``, locked by the caller).

    ``answering`` is the proposal an Agree or Not now names (see
    :func:`bot.sharing.proposal_stamp`); one withdrawn or answered since matches nothing."""
    other_id = other_member(pairing, actor_id)
    mine, theirs = consent_of(pairing, actor_id), consent_of(pairing, other_id)
    decision = decide_sharing(
        mine is not None,
        theirs is not None,
        move,
        answers_current_proposal=(
            answering is not None and theirs is not None and answering == proposal_stamp(theirs)
        ),
    )
    if decision.changed:
        _set_consent(pairing, actor_id, (mine or now) if decision.mine else None)
        _set_consent(pairing, other_id, theirs if decision.theirs else None)
        record(
            session,
            pairing,
            actor_id=actor_id,
            kind=f"pairing.sharing_{decision.outcome.value}",
            now=now,
        )
    return decision


@dataclass(frozen=True)
class PairCounts:
    goals: dict[str, int]  # status -> count
    open_tasks: int
    overdue_tasks: int
    done_tasks: int


def pair_counts(session: Session, pairing_id: int, today: date) -> PairCounts:
    """The numbers every coordinator may see of any pair."""
    goals = dict.fromkeys(GOAL_STATUSES, 0)
    for status, n in session.execute(
        select(Goal.status, func.count()).where(Goal.pairing_id == pairing_id).group_by(Goal.status)
    ):
        goals[str(status)] = int(n)
    tasks: dict[str, int] = {}
    overdue = 0
    late = case((Task.due_date < today, 1), else_=0)
    for status, n, n_late in session.execute(
        select(Task.status, func.count(), func.sum(late))
        .where(Task.pairing_id == pairing_id)
        .group_by(Task.status)
    ):
        tasks[str(status)] = int(n)
        if status == "open":
            overdue = int(n_late or 0)
    return PairCounts(goals, tasks.get("open", 0), overdue, tasks.get("done", 0))


@dataclass(frozen=True)
class SharedWork:
    goals: Sequence[Goal]  # every goal, open first, then oldest first
    open_tasks: Sequence[Task]  # soonest due first; undated last


def shared_work(session: Session, pairing: Pairing) -> SharedWork | None:
    """The pair's goals and open tasks for a coordinator; None unless the pair shares them."""
    if not is_shared(pairing):
        return None
    goals = session.scalars(
        select(Goal)
        .where(Goal.pairing_id == pairing.id)
        .order_by(Goal.status != "open", Goal.created_at, Goal.id)
    ).all()
    tasks = session.scalars(
        select(Task)
        .where(Task.pairing_id == pairing.id, Task.status == "open")
        .order_by(Task.due_date.is_(None), Task.due_date, Task.id)
    ).all()
    return SharedWork(goals, tasks)


@dataclass(frozen=True)
class SharedItem:
    """One goal or open task of a pair that shares, as the goals CSV lists it."""

    pairing_id: int
    mentor_id: str
    mentee_id: str
    focus: str
    item: str  # "goal" or "task"
    text: str
    competency: str | None
    status: str
    when: date | None  # a goal's target date, a task's due date
    assignee_id: str | None


def shared_items(session: Session, program_id: int) -> Iterator[SharedItem]:
    """Goals (all) and open tasks of every pair of the program that shares, pair by pair."""
    pair = (Pairing.id, Pairing.mentor_id, Pairing.mentee_id, Pairing.focus)
    goals = session.execute(
        select(*pair, Goal.text, Goal.competency, Goal.status, Goal.target_date)
        .join(Goal, Goal.pairing_id == Pairing.id)
        .where(Pairing.program_id == program_id, shared_clause())
        .order_by(Pairing.id, Goal.status != "open", Goal.created_at, Goal.id)
    ).all()
    tasks = session.execute(
        select(*pair, Task.text, Task.status, Task.due_date, Task.assignee_id)
        .join(Task, Task.pairing_id == Pairing.id)
        .where(Pairing.program_id == program_id, shared_clause(), Task.status == "open")
        .order_by(Pairing.id, Task.due_date.is_(None), Task.due_date, Task.id)
    ).all()
    by_pair: dict[int, list[SharedItem]] = {}
    for pid, mentor, mentee, focus, text, competency, status, target in goals:
        by_pair.setdefault(pid, []).append(
            SharedItem(pid, mentor, mentee, focus, "goal", text, competency, status, target, None)
        )
    for pid, mentor, mentee, focus, text, status, due, assignee in tasks:
        by_pair.setdefault(pid, []).append(
            SharedItem(pid, mentor, mentee, focus, "task", text, None, status, due, assignee)
        )
    for pid in sorted(by_pair):
        yield from by_pair[pid]


def sharing_pairs(session: Session, program_id: int) -> int:
    """How many open pairs of the program share their text now."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Pairing)
            .where(Pairing.program_id == program_id, shared_clause())
        )
        or 0
    )


def remember_proposal_dm(
    session: Session, pairing_id: int, proposer_id: str, proposed_at: datetime, dm: tuple[str, str]
) -> None:
    """Keep where the proposal made at ``proposed_at`` was DMed, while it is still open (it may
    have been answered or withdrawn while the DM was on its way)."""
    pairing = session.get(Pairing, pairing_id, with_for_update=True)
    if pairing is None or not is_open(pairing):
        return
    if consent_of(pairing, proposer_id) != proposed_at:
        return
    if consent_of(pairing, other_member(pairing, proposer_id)) is not None:
        return
    pairing.share_proposal_channel, pairing.share_proposal_ts = dm


def take_proposal_dm(pairing: Pairing) -> tuple[str, str] | None:
    """Where the pair's last proposal was DMed, forgotten now that the proposal is over."""
    channel, ts = pairing.share_proposal_channel, pairing.share_proposal_ts
    pairing.share_proposal_channel = pairing.share_proposal_ts = None
    return (channel, ts) if channel and ts else None
