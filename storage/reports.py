"""Program-wide numbers for coordinators: the digest, the at-risk pairs and the CSV report rows.

Every figure is one aggregate query (GROUP BY / COUNT / SUM), so a program of ten thousand
pairings costs a handful of queries, never a loop over its rows in Python. Every function counts
one program: its pairings and requests, and goals, tasks, check-ins and reassessments through
their pairing, so a coordinator's numbers hold nothing of another program."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from storage.introductions import ACCEPTED as INTRODUCTION_ACCEPTED
from storage.introductions import DELIVERED as INTRODUCTIONS_DELIVERED
from storage.introductions import IntroductionCounts, introduction_counts
from storage.models import (
    CheckIn,
    ColleagueIntroduction,
    Goal,
    MentorRequest,
    Pairing,
    Person,
    Reassessment,
    ScheduledSend,
    Task,
)
from storage.sharing import shared_clause

OPEN = ("active", "paused")
UNANSWERED_LIMIT = 3
MISSED_RHYTHMS = 2


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive
    end: datetime  # exclusive


@dataclass(frozen=True)
class DigestNumbers:
    active_pairings: int
    new_requests: int
    request_outcomes: dict[str, int]  # status -> count, for requests made in the period
    pending_requests: int  # pending now, whenever made
    oldest_pending: datetime | None
    waiting_mentees: int  # people with a pending request and no open pairing
    checkins_sent: int
    checkins_answered: dict[str, int]  # met / rescheduled / skipped
    tasks_completed: int
    goals_achieved: int
    reassessments: int
    completed: int
    ended_early: int
    shared_end_reasons: list[str]  # only reasons their author shared with coordinators
    failed_sends: dict[str, int]  # error -> count
    mentors_at_capacity: list[str]
    # Introductions to colleagues made in the period, and of those the ones taken up; a
    # "not now" is never told apart from no answer yet.
    introductions: IntroductionCounts = field(default_factory=IntroductionCounts)


@dataclass(frozen=True)
class AtRiskPair:
    pairing_id: int
    mentor_id: str
    mentee_id: str
    reasons: tuple[str, ...]
    shared: bool = False  # both members agree to share their goals with coordinators


@dataclass(frozen=True)
class WaitingRequest:
    request_id: int
    mentee_id: str
    mentor_id: str
    created_at: datetime


@dataclass(frozen=True)
class AtRisk:
    pairs: list[AtRiskPair]  # at most ``limit``, oldest pairing first
    total_pairs: int
    requests: list[WaitingRequest]
    total_requests: int


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def _pairings_of(program_id: int) -> ColumnElement[bool]:
    return Pairing.program_id == program_id


def _requests_of(program_id: int) -> ColumnElement[bool]:
    return MentorRequest.program_id == program_id


def digest_numbers(
    session: Session, period: Period, now: datetime, program_id: int
) -> DigestNumbers:
    start, end = period.start, period.end
    in_program = _pairings_of(program_id)

    def in_period(column: Any) -> ColumnElement[bool]:
        return and_(column >= start, column < end)

    active = _count(
        session,
        select(func.count()).select_from(Pairing).where(in_program, Pairing.status.in_(OPEN)),
    )
    outcomes = {
        str(status): int(n)
        for status, n in session.execute(
            select(MentorRequest.status, func.count())
            .where(_requests_of(program_id), in_period(MentorRequest.created_at))
            .group_by(MentorRequest.status)
        )
    }
    pending, oldest = pending_requests(session, program_id)
    # Waiting in this program: a mentorship in another program doesn't answer this request.
    has_open = (
        select(Pairing.id)
        .where(in_program, Pairing.mentee_id == MentorRequest.mentee_id, Pairing.status.in_(OPEN))
        .exists()
    )
    waiting = _count(
        session,
        select(func.count(func.distinct(MentorRequest.mentee_id))).where(
            _requests_of(program_id), MentorRequest.status == "pending", ~has_open
        ),
    )
    sent, answered = checkin_counts(session, period, program_id)
    tasks = _count(
        session,
        select(func.count())
        .select_from(Task)
        .join(Pairing, Pairing.id == Task.pairing_id)
        .where(in_program, Task.status == "done", in_period(Task.completed_at)),
    )
    goals = _count(
        session,
        select(func.count())
        .select_from(Goal)
        .join(Pairing, Pairing.id == Goal.pairing_id)
        .where(in_program, Goal.status == "achieved", in_period(Goal.closed_at)),
    )
    reassessments = _count(
        session,
        select(func.count())
        .select_from(Reassessment)
        .join(Pairing, Pairing.id == Reassessment.pairing_id)
        .where(in_program, in_period(Reassessment.at)),
    )
    endings = {
        str(status): int(n)
        for status, n in session.execute(
            select(Pairing.status, func.count())
            .where(in_program, in_period(Pairing.ended_at))
            .group_by(Pairing.status)
        )
    }
    reasons = [
        str(r)
        for r in session.scalars(
            select(Pairing.end_reason)
            .where(
                in_program,
                in_period(Pairing.ended_at),
                Pairing.end_reason_visibility == "coordinators",
                Pairing.end_reason.is_not(None),
                Pairing.end_reason != "",
            )
            .order_by(Pairing.ended_at)
            .limit(20)
        )
    ]
    # A failed send belongs to the program of the pairing or request it was about.
    failed = {
        str(error or "unknown"): int(n)
        for error, n in session.execute(
            select(ScheduledSend.error, func.count())
            .outerjoin(Pairing, Pairing.id == ScheduledSend.pairing_id)
            .outerjoin(MentorRequest, MentorRequest.id == ScheduledSend.request_id)
            .where(
                ScheduledSend.status == "failed",
                in_period(ScheduledSend.slot_at),
                or_(in_program, _requests_of(program_id)),
            )
            .group_by(ScheduledSend.error)
        )
    }
    return DigestNumbers(
        active_pairings=active,
        new_requests=sum(outcomes.values()),
        request_outcomes=outcomes,
        pending_requests=pending,
        oldest_pending=oldest,
        waiting_mentees=waiting,
        checkins_sent=sent,
        checkins_answered=answered,
        tasks_completed=tasks,
        goals_achieved=goals,
        reassessments=reassessments,
        completed=endings.get("completed", 0),
        ended_early=endings.get("ended", 0),
        shared_end_reasons=reasons,
        failed_sends=failed,
        mentors_at_capacity=mentors_at_capacity(session, program_id),
        introductions=introduction_counts(session, program_id, start, end),
    )


def pending_requests(session: Session, program_id: int) -> tuple[int, datetime | None]:
    """How many of the program's requests wait for an answer now, and since when the oldest."""
    count, oldest = session.execute(
        select(func.count(), func.min(MentorRequest.created_at)).where(
            _requests_of(program_id), MentorRequest.status == "pending"
        )
    ).one()
    return int(count or 0), oldest


def checkin_counts(session: Session, period: Period, program_id: int) -> tuple[int, dict[str, int]]:
    """The program's check-ins sent in ``period``, and those answered in it by answer."""
    start, end = period.start, period.end
    in_program = _pairings_of(program_id)
    sent = _count(
        session,
        select(func.count())
        .select_from(CheckIn)
        .join(Pairing, Pairing.id == CheckIn.pairing_id)
        .where(in_program, CheckIn.sent_at >= start, CheckIn.sent_at < end),
    )
    answered = {
        str(answer): int(n)
        for answer, n in session.execute(
            select(CheckIn.answer, func.count())
            .join(Pairing, Pairing.id == CheckIn.pairing_id)
            .where(
                in_program,
                CheckIn.answered_at >= start,
                CheckIn.answered_at < end,
                CheckIn.answer.is_not(None),
            )
            .group_by(CheckIn.answer)
        )
    }
    return sent, answered


def mentors_at_capacity(session: Session, program_id: int) -> list[str]:
    """The program's mentors (an open pairing in it) who can take no one more: capacity is a
    person's, so their mentees in every program count towards it."""
    mentors_of_program = select(Pairing.mentor_id).where(
        _pairings_of(program_id), Pairing.status.in_(OPEN)
    )
    # Counted for this program's mentors only, not for everyone in the installation.
    counts = (
        select(Pairing.mentor_id.label("mentor_id"), func.count().label("n"))
        .where(Pairing.status.in_(OPEN), Pairing.mentor_id.in_(mentors_of_program))
        .group_by(Pairing.mentor_id)
        .subquery()
    )
    mentors_here = (
        select(Pairing.id)
        .where(
            _pairings_of(program_id),
            Pairing.mentor_id == Person.user_id,
            Pairing.status.in_(OPEN),
        )
        .exists()
    )
    return list(
        session.scalars(
            select(Person.user_id)
            .join(counts, counts.c.mentor_id == Person.user_id)
            .where(Person.capacity.is_not(None), counts.c.n >= Person.capacity, mentors_here)
            .order_by(Person.user_id)
        )
    )


def _ids(session: Session, query: Select[Any]) -> set[int]:
    return {int(i) for i in session.scalars(query)}


def at_risk_reasons(
    session: Session, now: datetime, today: date, program_id: int
) -> dict[int, tuple[str, ...]]:
    """Every open pairing of the program that looks stalled, with why: the rules of the
    digest's at-risk rows (and of the export's at-risk column)."""
    open_ = and_(_pairings_of(program_id), Pairing.status.in_(OPEN))
    unanswered = _ids(
        session, select(Pairing.id).where(open_, Pairing.unanswered_checkins >= UNANSWERED_LIMIT)
    )
    overdue = _ids(
        session,
        select(Task.pairing_id)
        .join(Pairing, Pairing.id == Task.pairing_id)
        .where(open_, Task.status == "open", Task.due_date < today)
        .distinct(),
    )
    # The latest reassessment of each of the program's pairings (not of every pairing).
    last_reassess = (
        select(Reassessment.pairing_id, func.max(Reassessment.at).label("at"))
        .join(Pairing, Pairing.id == Reassessment.pairing_id)
        .where(_pairings_of(program_id))
        .group_by(Reassessment.pairing_id)
        .subquery()
    )
    stale: set[int] = set()
    # Rhythms are a handful of week counts: one query per rhythm keeps the date maths portable.
    for weeks in session.scalars(select(Pairing.reassess_every_weeks).where(open_).distinct()):
        cutoff = now - timedelta(weeks=MISSED_RHYTHMS * int(weeks))
        stale |= _ids(
            session,
            select(Pairing.id)
            .outerjoin(last_reassess, last_reassess.c.pairing_id == Pairing.id)
            .where(
                open_,
                Pairing.reassess_every_weeks == weeks,
                func.coalesce(last_reassess.c.at, Pairing.started_at) < cutoff,
            ),
        )
    reasons: dict[int, tuple[str, ...]] = {}
    for pid in sorted(unanswered | overdue | stale):
        found = []
        if pid in unanswered:
            found.append(f"{UNANSWERED_LIMIT}+ check-ins unanswered")
        if pid in overdue:
            found.append("overdue tasks")
        if pid in stale:
            found.append("no reassessment in two rhythms")
        reasons[pid] = tuple(found)
    return reasons


def at_risk(
    session: Session, now: datetime, today: date, program_id: int, limit: int = 15
) -> AtRisk:
    """The program's open pairings that look stalled, and its pending requests already
    reminded once."""
    flagged = at_risk_reasons(session, now, today, program_id)
    shown = sorted(flagged)[:limit]
    pairs: list[AtRiskPair] = []
    if shown:
        rows = session.execute(
            select(Pairing.id, Pairing.mentor_id, Pairing.mentee_id, shared_clause())
            .where(Pairing.id.in_(shown))
            .order_by(Pairing.id)
        )
        pairs = [
            AtRiskPair(pid, mentor, mentee, flagged[pid], bool(shared))
            for pid, mentor, mentee, shared in rows
        ]
    late = and_(
        _requests_of(program_id),
        MentorRequest.status == "pending",
        or_(MentorRequest.reminded_at.is_not(None), MentorRequest.remind_at < now),
    )
    total_requests = _count(session, select(func.count()).select_from(MentorRequest).where(late))
    requests = [
        WaitingRequest(rid, mentee, mentor, created)
        for rid, mentee, mentor, created in session.execute(
            select(
                MentorRequest.id,
                MentorRequest.mentee_id,
                MentorRequest.mentor_id,
                MentorRequest.created_at,
            )
            .where(late)
            .order_by(MentorRequest.created_at, MentorRequest.id)
            .limit(limit)
        )
    ]
    return AtRisk(pairs, len(flagged), requests, total_requests)


@dataclass(frozen=True)
class PairingRow:
    pairing_id: int
    mentor_id: str
    mentee_id: str
    focus: str
    started: datetime
    status: str
    checkins_held: int
    tasks_done: int
    goals_achieved: int
    introductions_made: int  # to colleagues, in the period
    introductions_accepted: int  # of those, the colleague was happy to talk
    last_activity: datetime
    ended: datetime | None
    ended_by: str | None  # who completed or ended it: a member or a coordinator


PAIRING_COLUMNS = (
    "pairing_id",
    "mentor",
    "mentee",
    "focus",
    "started",
    "status",
    "checkins_held",
    "tasks_done",
    "goals_achieved",
    "introductions_made",
    "introductions_accepted",
    "last_activity",
    "ended",
    "ended_by",
    "at_risk",
    "at_risk_reasons",
)


def pairing_rows(
    session: Session, period: Period, program_id: int, batch: int = 1000
) -> Iterator[PairingRow]:
    """The program's pairings that overlapped the period, with what they did in it, streamed in
    batches."""
    start, end = period.start, period.end
    met = (
        select(CheckIn.pairing_id, func.count().label("n"))
        .where(CheckIn.answer == "met", CheckIn.answered_at >= start, CheckIn.answered_at < end)
        .group_by(CheckIn.pairing_id)
        .subquery()
    )
    done = (
        select(Task.pairing_id, func.count().label("n"))
        .where(Task.status == "done", Task.completed_at >= start, Task.completed_at < end)
        .group_by(Task.pairing_id)
        .subquery()
    )
    achieved = (
        select(Goal.pairing_id, func.count().label("n"))
        .where(Goal.status == "achieved", Goal.closed_at >= start, Goal.closed_at < end)
        .group_by(Goal.pairing_id)
        .subquery()
    )
    introduced = (
        select(
            ColleagueIntroduction.pairing_id,
            func.count().label("n"),
            func.count().filter(ColleagueIntroduction.status == INTRODUCTION_ACCEPTED).label("yes"),
        )
        .where(
            ColleagueIntroduction.status.in_(INTRODUCTIONS_DELIVERED),
            ColleagueIntroduction.made_at >= start,
            ColleagueIntroduction.made_at < end,
        )
        .group_by(ColleagueIntroduction.pairing_id)
        .subquery()
    )
    query = (
        select(
            Pairing.id,
            Pairing.mentor_id,
            Pairing.mentee_id,
            Pairing.focus,
            Pairing.started_at,
            Pairing.status,
            func.coalesce(met.c.n, 0),
            func.coalesce(done.c.n, 0),
            func.coalesce(achieved.c.n, 0),
            func.coalesce(introduced.c.n, 0),
            func.coalesce(introduced.c.yes, 0),
            Pairing.last_activity_at,
            Pairing.ended_at,
            Pairing.ended_by,
        )
        .outerjoin(met, met.c.pairing_id == Pairing.id)
        .outerjoin(done, done.c.pairing_id == Pairing.id)
        .outerjoin(achieved, achieved.c.pairing_id == Pairing.id)
        .outerjoin(introduced, introduced.c.pairing_id == Pairing.id)
        .where(
            _pairings_of(program_id),
            Pairing.started_at < end,
            or_(Pairing.ended_at.is_(None), Pairing.ended_at >= start),
        )
        .order_by(Pairing.id)
        .execution_options(yield_per=batch)
    )
    for row in session.execute(query):
        yield PairingRow(*row)


@dataclass(frozen=True)
class TeachingRow:
    mentor_id: str
    meetings_held: int
    minutes: int | None  # None when no meeting gave a duration


# The last two are the mentor's feedback to date (their mentees' mean usefulness rating and
# recommend score), counted in whole blocks of enough people, or "fewer than N responses".
TEACHING_COLUMNS = (
    "mentor",
    "meetings_held",
    "hours",
    "usefulness_to_date",
    "recommend_score_to_date",
)


def teaching_record(session: Session, period: Period, program_id: int) -> list[TeachingRow]:
    """Per mentor: meetings held in the program's pairings (check-ins answered **We met**) and
    their minutes, if given."""
    rows = session.execute(
        select(Pairing.mentor_id, func.count(CheckIn.id), func.sum(CheckIn.duration_minutes))
        .join(CheckIn, CheckIn.pairing_id == Pairing.id)
        .where(
            _pairings_of(program_id),
            CheckIn.answer == "met",
            CheckIn.answered_at >= period.start,
            CheckIn.answered_at < period.end,
        )
        .group_by(Pairing.mentor_id)
        .order_by(Pairing.mentor_id)
    )
    return [
        TeachingRow(mentor, int(n), int(minutes) if minutes is not None else None)
        for mentor, n, minutes in rows
    ]


def weekly_engagement(
    session: Session, weeks: list[Period], program_id: int
) -> list[tuple[date, int, int]]:
    """(week start, check-ins answered, tasks done) in the program for each week, oldest
    first."""
    out = []
    for week in weeks:
        answered = _count(
            session,
            select(func.count())
            .select_from(CheckIn)
            .join(Pairing, Pairing.id == CheckIn.pairing_id)
            .where(
                _pairings_of(program_id),
                CheckIn.answer.is_not(None),
                CheckIn.answered_at >= week.start,
                CheckIn.answered_at < week.end,
            ),
        )
        done = _count(
            session,
            select(func.count())
            .select_from(Task)
            .join(Pairing, Pairing.id == Task.pairing_id)
            .where(
                _pairings_of(program_id),
                Task.status == "done",
                Task.completed_at >= week.start,
                Task.completed_at < week.end,
            ),
        )
        out.append((week.start.date(), answered, done))
    return out
