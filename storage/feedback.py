"""Feedback rows: session ratings, exit surveys, pulses and their answers. Every answer is
written once (a unique key per person and thing asked); reads hand back plain answers for the
aggregates in bot/feedback.py, never a person's score to show."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, distinct, func, select, update
from sqlalchemy.orm import Session

from bot import feedback as fb
from bot.feedback import Answer
from storage.models import (
    CheckIn,
    ExitBlock,
    ExitSurvey,
    Pairing,
    Person,
    Program,
    Pulse,
    PulseAnswer,
    RatingWeek,
    SessionRating,
)
from storage.outbox import NewSend, enqueue_many, send_key
from storage.upsert import insert_new

MENTOR = "mentor"
MENTEE = "mentee"

# Outbox kinds: the exit survey DM, a pulse and its one reminder.
EXIT_SURVEY = "exit.survey"
PULSE_ASK = "pulse.ask"
PULSE_REMIND = "pulse.remind"

# What a folded block of exit answers counts (``exit_blocks.kind``).
EXIT_RECOMMEND = "recommend"
EXIT_GOALS = "goals"
_GOALS = list(fb.GoalsMet)


def exit_value(kind: str, stored: object) -> int:
    """An exit answer as the figures count it: a recommendation as given, goals met as the
    place of the choice in :class:`bot.feedback.GoalsMet`."""
    if kind == EXIT_GOALS:
        return _GOALS.index(fb.GoalsMet(str(stored)))
    return int(str(stored))


def exit_counts(kind: str, counts: Mapping[int, int]) -> dict[str, int]:
    """A folded block's counts as stored: keyed by the answer as the survey stores it."""
    return {
        (_GOALS[value].value if kind == EXIT_GOALS else str(value)): times
        for value, times in counts.items()
    }


# -- session ratings ------------------------------------------------------------------------------


def meeting_feedback_on(session: Session, program_id: int) -> bool:
    """Whether the program offers the usefulness rating after a meeting (on unless turned off)."""
    value = session.scalar(select(Program.meeting_feedback).where(Program.id == program_id))
    return value is not False


def rating_of(session: Session, checkin_id: int, rater_id: str) -> SessionRating | None:
    return session.scalar(
        select(SessionRating).where(
            SessionRating.checkin_id == checkin_id, SessionRating.rater_id == rater_id
        )
    )


def record_rating(
    session: Session,
    pairing: Pairing,
    checkin: CheckIn,
    *,
    rater_id: str,
    score: int,
    note: str | None,
    now: datetime,
) -> bool:
    """Keep one member's rating of a met check-in; False when they rated it before."""
    if rating_of(session, checkin.id, rater_id) is not None:
        return False
    added = insert_new(
        session,
        SessionRating,
        [
            {
                "program_id": pairing.program_id,
                "pairing_id": pairing.id,
                "checkin_id": checkin.id,
                "rater_id": rater_id,
                "mentor_id": pairing.mentor_id,
                "focus": pairing.focus,
                "score": score,
                "note": note or None,
                "rated_at": now,
            }
        ],
        key=[SessionRating.checkin_id, SessionRating.rater_id],
    )
    return bool(added)  # empty: a double tap racing this one won


def rating_answers(
    session: Session,
    *,
    program_id: int | None = None,
    mentor_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    mentees_only: bool = False,
) -> list[tuple[str, Answer]]:
    """(focus, answer) for every rating matching the filters, oldest first."""
    query = select(
        SessionRating.focus, SessionRating.rater_id, SessionRating.score, SessionRating.rated_at
    )
    if program_id is not None:
        query = query.where(SessionRating.program_id == program_id)
    if mentor_id is not None:
        query = query.where(SessionRating.mentor_id == mentor_id)
    if mentees_only:
        query = query.where(SessionRating.rater_id != SessionRating.mentor_id)
    if since is not None:
        query = query.where(SessionRating.rated_at >= since)
    if until is not None:
        query = query.where(SessionRating.rated_at < until)
    rows = session.execute(query.order_by(SessionRating.rated_at, SessionRating.id)).all()
    return [(focus, Answer(rater, score, at)) for focus, rater, score, at in rows]


# -- exit surveys ---------------------------------------------------------------------------------


def open_exit_surveys(session: Session, pairing: Pairing, now: datetime) -> list[ExitSurvey]:
    """One survey row per member of an ending pairing who is still in the workspace (none for
    a deactivated person); rows made before are left as they were. The new rows."""
    gone = set(
        session.scalars(
            select(Person.user_id).where(
                Person.user_id.in_((pairing.mentor_id, pairing.mentee_id)),
                Person.is_deleted.is_(True),
            )
        ).all()
    )
    made = insert_new(
        session,
        ExitSurvey,
        [
            {
                "program_id": pairing.program_id,
                "pairing_id": pairing.id,
                "user_id": user_id,
                "role": role,
                "mentor_id": pairing.mentor_id,
                "focus": pairing.focus,
                "created_at": now,
                "share_text": False,
            }
            for user_id, role in ((pairing.mentor_id, MENTOR), (pairing.mentee_id, MENTEE))
            if user_id not in gone
        ],
        key=[ExitSurvey.pairing_id, ExitSurvey.user_id],
    )
    if not made:
        return []
    return list(
        session.scalars(select(ExitSurvey).where(ExitSurvey.id.in_(made)).order_by(ExitSurvey.id))
    )


def queue_exit_surveys(session: Session, pairing: Pairing, now: datetime) -> int:
    """At a pairing's end: its members' survey rows and one DM each in the outbox (sent by the
    scheduler's next tick, after this transaction, and never twice). How many were queued."""
    sends = [
        NewSend(
            key=send_key(EXIT_SURVEY, f"{pairing.id}:{row.user_id}"),
            kind=EXIT_SURVEY,
            slot_at=now,
            due_at=now,
            pairing_id=pairing.id,
            recipient=row.user_id,
        )
        for row in open_exit_surveys(session, pairing, now)
    ]
    return enqueue_many(session, sends)


def exit_survey(
    session: Session, pairing_id: int, user_id: str, *, lock: bool = False
) -> ExitSurvey | None:
    query = select(ExitSurvey).where(
        ExitSurvey.pairing_id == pairing_id, ExitSurvey.user_id == user_id
    )
    return session.scalar(query.with_for_update() if lock else query)


def get_exit_survey(session: Session, survey_id: int, *, lock: bool = False) -> ExitSurvey | None:
    query = select(ExitSurvey).where(ExitSurvey.id == survey_id)
    return session.scalar(query.with_for_update() if lock else query)


def exit_answers(
    session: Session,
    *,
    program_id: int | None = None,
    mentor_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Sequence[ExitSurvey]:
    """Answered exit surveys matching the filters, oldest answer first."""
    query = select(ExitSurvey).where(ExitSurvey.answered_at.is_not(None))
    if program_id is not None:
        query = query.where(ExitSurvey.program_id == program_id)
    if mentor_id is not None:
        query = query.where(ExitSurvey.mentor_id == mentor_id)
    if since is not None:
        query = query.where(ExitSurvey.answered_at >= since)
    if until is not None:
        query = query.where(ExitSurvey.answered_at < until)
    return session.scalars(query.order_by(ExitSurvey.answered_at, ExitSurvey.id)).all()


# -- pulses ---------------------------------------------------------------------------------------


def create_pulse(
    session: Session,
    *,
    program_id: int,
    by: str,
    questions: Sequence[str],
    recipients: Collection[str],
    now: datetime,
    remind_at: datetime,
    closes_at: datetime,
) -> Pulse:
    pulse = Pulse(
        program_id=program_id,
        created_by=by,
        created_at=now,
        questions=list(questions),
        remind_at=remind_at,
        closes_at=closes_at,
    )
    session.add(pulse)
    session.flush()
    insert_new(
        session,
        PulseAnswer,
        [{"pulse_id": pulse.id, "user_id": user} for user in sorted(recipients)],
        key=[PulseAnswer.pulse_id, PulseAnswer.user_id],
    )
    return pulse


def active_members(session: Session, program_id: int) -> set[str]:
    """Everyone in an open (active or paused) pairing of the program, still in the workspace."""
    found: set[str] = set()
    rows = session.execute(
        select(Pairing.mentor_id, Pairing.mentee_id).where(
            Pairing.program_id == program_id, Pairing.status.in_(("active", "paused"))
        )
    ).all()
    for mentor_id, mentee_id in rows:
        found.update((mentor_id, mentee_id))
    if not found:
        return found
    gone = set(
        session.scalars(
            select(Person.user_id).where(
                Person.user_id.in_(list(found)), Person.is_deleted.is_(True)
            )
        ).all()
    )
    return found - gone


@dataclass(frozen=True)
class PulseProgress:
    """An open pulse: how many were asked, how many answered, and when it closes."""

    asked: int
    answered: int
    closes_at: datetime


def open_pulses(session: Session, program_id: int) -> list[PulseProgress]:
    """The program's pulses not closed yet, the soonest to close first (one read)."""
    rows = session.execute(
        select(
            Pulse.id,
            Pulse.closes_at,
            func.count(PulseAnswer.id),
            func.count(PulseAnswer.answered_at),
        )
        .join(PulseAnswer, PulseAnswer.pulse_id == Pulse.id)
        .where(Pulse.program_id == program_id, Pulse.closed_at.is_(None))
        .group_by(Pulse.id, Pulse.closes_at)
        .order_by(Pulse.closes_at, Pulse.id)
    ).all()
    return [PulseProgress(int(asked), int(answered), closes) for _, closes, asked, answered in rows]


def get_pulse(session: Session, pulse_id: int) -> Pulse | None:
    return session.get(Pulse, pulse_id)


def pulse_answer(
    session: Session, pulse_id: int, user_id: str, *, lock: bool = False
) -> PulseAnswer | None:
    query = select(PulseAnswer).where(
        PulseAnswer.pulse_id == pulse_id, PulseAnswer.user_id == user_id
    )
    return session.scalar(query.with_for_update() if lock else query)


def pulse_answers(session: Session, pulse_ids: Collection[int]) -> dict[int, list[dict[str, Any]]]:
    """The answers given to each pulse, each with who gave it only so that people are counted
    once; never shown."""
    found: dict[int, list[dict[str, Any]]] = {pulse_id: [] for pulse_id in pulse_ids}
    if not pulse_ids:
        return found
    rows = session.execute(
        select(PulseAnswer.pulse_id, PulseAnswer.user_id, PulseAnswer.answers).where(
            PulseAnswer.pulse_id.in_(list(pulse_ids)), PulseAnswer.answered_at.is_not(None)
        )
    ).all()
    for pulse_id, user_id, answers in rows:
        found[pulse_id].append({"person": user_id, **dict(answers or {})})
    return found


def due_pulse_close_clause(now: datetime) -> ColumnElement[bool]:
    return and_(Pulse.closed_at.is_(None), Pulse.closes_at <= now)


def close_due_pulses(session: Session, now: datetime) -> list[int]:
    """Close every pulse whose time is up; the ids closed."""
    return list(
        session.scalars(
            update(Pulse)
            .where(due_pulse_close_clause(now))
            .values(closed_at=now)
            .returning(Pulse.id)
            .execution_options(synchronize_session=False)
        ).all()
    )


def pulses_closed_between(
    session: Session, program_id: int, since: datetime, until: datetime
) -> Sequence[Pulse]:
    return session.scalars(
        select(Pulse)
        .where(
            Pulse.program_id == program_id,
            Pulse.closed_at.is_not(None),
            Pulse.closed_at >= since,
            Pulse.closed_at < until,
        )
        .order_by(Pulse.closed_at, Pulse.id)
    ).all()


# -- what the digest, the report and Home read -----------------------------------------------------


def mentor_exit_rows(session: Session, mentor_id: str) -> list[fb.ExitRow]:
    """A mentor's answered exit surveys to date, oldest first (columns only)."""
    rows = session.execute(
        select(
            ExitSurvey.user_id,
            ExitSurvey.role,
            ExitSurvey.goals_met,
            ExitSurvey.recommend,
            ExitSurvey.answered_at,
        )
        .where(ExitSurvey.answered_at.is_not(None), ExitSurvey.mentor_id == mentor_id)
        .order_by(ExitSurvey.answered_at, ExitSurvey.id)
    ).all()
    return [
        fb.ExitRow(user, role, goals, recommend, at) for user, role, goals, recommend, at in rows
    ]


def exit_table(session: Session, program_id: int, minimum: int) -> fb.ExitTable:
    """The program's end-of-mentorship figures to date, per focus and in total: the answers
    still held, after the blocks retention folded into counts."""
    found: dict[str, list[fb.ExitRow]] = {}
    rows = session.execute(
        select(
            ExitSurvey.focus,
            ExitSurvey.user_id,
            ExitSurvey.role,
            ExitSurvey.goals_met,
            ExitSurvey.recommend,
            ExitSurvey.answered_at,
        )
        .where(ExitSurvey.program_id == program_id, ExitSurvey.answered_at.is_not(None))
        .order_by(ExitSurvey.answered_at, ExitSurvey.id)
    ).all()
    for focus, user, role, goals, recommend, at in rows:
        found.setdefault(focus, []).append(fb.ExitRow(user, role, goals, recommend, at))
    return fb.exit_table(found, minimum, folded_exits(session, program_id))


def folded_exits(session: Session, program_id: int) -> dict[str, fb.FoldedExits]:
    """Each focus's blocks of exit answers that retention kept only as counts, oldest first."""
    recommend: dict[str, list[fb.FoldedBlock]] = {}
    goals: dict[str, list[fb.FoldedBlock]] = {}
    for block in session.scalars(
        select(ExitBlock).where(ExitBlock.program_id == program_id).order_by(ExitBlock.id)
    ):
        kept = fb.FoldedBlock(
            f"folded{block.id}",
            block.people,
            {exit_value(block.kind, value): int(times) for value, times in block.counts.items()},
        )
        (recommend if block.kind == EXIT_RECOMMEND else goals).setdefault(block.focus, []).append(
            kept
        )
    return {
        focus: fb.FoldedExits(tuple(recommend.get(focus, ())), tuple(goals.get(focus, ())))
        for focus in set(recommend) | set(goals)
    }


def closed_pulse_results(
    session: Session, program_id: int, since: datetime, until: datetime, minimum: int
) -> list[fb.PulseResult]:
    pulses = pulses_closed_between(session, program_id, since, until)
    answers = pulse_answers(session, [p.id for p in pulses])
    return [
        fb.pulse_result(p.closed_at or until, p.questions, answers.get(p.id, []), minimum)
        for p in pulses
    ]


def live_rating_cells(
    session: Session, program_id: int, weeks: Sequence[tuple[datetime, datetime]]
) -> dict[tuple[datetime, str], fb.Cell]:
    """Per week and focus: people, answers and their sum, counted by the database (one
    aggregate query per week over the program's rating index), never the ratings themselves;
    the ratings still held only."""
    cells: dict[tuple[datetime, str], fb.Cell] = {}
    for start, end in weeks:
        rows = session.execute(
            select(
                SessionRating.focus,
                func.count(distinct(SessionRating.rater_id)),
                func.count(),
                func.sum(SessionRating.score),
            )
            .where(
                SessionRating.program_id == program_id,
                SessionRating.rated_at >= start,
                SessionRating.rated_at < end,
            )
            .group_by(SessionRating.focus)
        ).all()
        for focus, people, answers, total in rows:
            cells[(start, focus)] = fb.Cell(int(people), int(answers), int(total or 0))
    return cells


def rating_cells(
    session: Session, program_id: int, weeks: Sequence[tuple[datetime, datetime]]
) -> dict[tuple[datetime, str], fb.Cell]:
    """Per week and focus, as :func:`live_rating_cells`; a week whose ratings retention folded
    counts from its kept cells."""
    cells = live_rating_cells(session, program_id, weeks)
    if weeks:
        # Weeks whose ratings passed the retention period are kept as their cells.
        for week in session.scalars(
            select(RatingWeek).where(
                RatingWeek.program_id == program_id,
                RatingWeek.week_start >= weeks[0][0],
                RatingWeek.week_start < weeks[-1][1],
            )
        ):
            found = [start for start, end in weeks if start <= week.week_start < end]
            if not found:
                continue
            kept = cells.get((found[0], week.focus), fb.Cell(0, 0, 0))
            cells[(found[0], week.focus)] = fb.Cell(
                kept.people + week.people, kept.answers + week.answers, kept.total + week.total
            )
    return cells


def weekly_focus_cells(
    session: Session, program_id: int, weeks: Sequence[tuple[datetime, datetime]]
) -> list[list[fb.Cell]]:
    """Per week (oldest first), that week's cells, one per focus."""
    cells = rating_cells(session, program_id, weeks)
    return [[cell for (week, _), cell in cells.items() if week == start] for start, _ in weeks]


def load_program_feedback(
    session: Session,
    program_id: int,
    weeks: Sequence[tuple[datetime, datetime]],
    minimum: int,
) -> fb.ProgramFeedback:
    """The digest's feedback section for ``weeks`` (oldest first; the last is the digest's own
    week): ratings read for those weeks only, pulses closed in the last, exit answers to date
    (the total of the same table ``feedback.csv`` shows per focus)."""
    usefulness = [
        (start, fb.week_usefulness(cells, minimum))
        for (start, _), cells in zip(
            weeks, weekly_focus_cells(session, program_id, weeks), strict=True
        )
    ]
    pulses = closed_pulse_results(session, program_id, weeks[-1][0], weeks[-1][1], minimum)
    return fb.ProgramFeedback(
        minimum=minimum,
        usefulness=tuple(usefulness),
        pulses=tuple(pulses),
        end=exit_table(session, program_id, minimum).total,
    )


def weekly_usefulness(
    session: Session, program_id: int, weeks: Sequence[tuple[datetime, datetime]], minimum: int
) -> list[float | None]:
    """The program's mean usefulness per week (oldest first), None where too few people rated."""
    return [
        value.mean if isinstance(value, fb.Shown) else None
        for value in (
            fb.week_usefulness(cells, minimum)
            for cells in weekly_focus_cells(session, program_id, weeks)
        )
    ]


def load_mentor_feedback(session: Session, mentor_id: str, minimum: int) -> fb.MentorFeedback:
    """A mentor's own feedback to date: their mentees' ratings and recommendations."""
    ratings = [a for _, a in rating_answers(session, mentor_id=mentor_id, mentees_only=True)]
    recommends = [
        fb.Answer(r.person, r.recommend, r.at)
        for r in mentor_exit_rows(session, mentor_id)
        if r.recommend is not None
    ]
    return fb.mentor_feedback(ratings, recommends, minimum)


def mentor_feedback_by_mentor(
    session: Session, program_id: int, minimum: int
) -> dict[str, fb.MentorFeedback]:
    """Each mentor's feedback to date within a program (for the teaching record): the ratings
    streamed in time order into one counter per mentor, so a year of a large program's ratings
    is never held at once."""
    usefulness: dict[str, fb.BlockCounter] = {}
    ratings = session.execute(
        select(SessionRating.mentor_id, SessionRating.rater_id, SessionRating.score)
        .where(
            SessionRating.program_id == program_id,
            SessionRating.rater_id != SessionRating.mentor_id,
        )
        .order_by(SessionRating.rated_at, SessionRating.id)
        .execution_options(yield_per=5_000)
    )
    for mentor, rater, score in ratings:
        counter = usefulness.get(mentor) or usefulness.setdefault(mentor, fb.BlockCounter(minimum))
        counter.add(rater, score)
    recommends: dict[str, fb.BlockCounter] = {}
    for mentor, user, recommend in session.execute(
        select(ExitSurvey.mentor_id, ExitSurvey.user_id, ExitSurvey.recommend)
        .where(
            ExitSurvey.program_id == program_id,
            ExitSurvey.answered_at.is_not(None),
            ExitSurvey.recommend.is_not(None),
        )
        .order_by(ExitSurvey.answered_at, ExitSurvey.id)
    ):
        counter = recommends.get(mentor) or recommends.setdefault(mentor, fb.BlockCounter(minimum))
        counter.add(user, int(recommend or 0))
    empty = fb.BlockCounter(minimum)
    return {
        mentor: fb.MentorFeedback(
            usefulness=usefulness.get(mentor, empty).mean(),
            recommend=recommends.get(mentor, empty).net_promoter(),
            minimum=minimum,
        )
        for mentor in set(usefulness) | set(recommends)
    }


def shared_comments(
    session: Session, program_id: int
) -> list[tuple[str, str, str | None, str | None, datetime | None]]:
    """(writer, focus, what helped, what should change, when) of exit surveys whose writer chose
    to share their words, oldest first; the writer is returned only to count people."""
    rows = session.execute(
        select(
            ExitSurvey.user_id,
            ExitSurvey.focus,
            ExitSurvey.helped,
            ExitSurvey.change,
            ExitSurvey.answered_at,
        )
        .where(
            ExitSurvey.program_id == program_id,
            ExitSurvey.answered_at.is_not(None),
            ExitSurvey.share_text.is_(True),
            (ExitSurvey.helped.is_not(None)) | (ExitSurvey.change.is_not(None)),
        )
        .order_by(ExitSurvey.answered_at, ExitSurvey.id)
    ).all()
    return [(user, focus, helped, change, at) for user, focus, helped, change, at in rows]
