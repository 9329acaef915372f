"""Retention: free text of mentorships that ended before the cutoff, and notes of requests
answered before it, are purged; individual answers given before it are folded into the counts
the figures read (ratings into weekly cells, exit answers into whole blocks) or deleted (old
pulses' answers, old rounds' preferences, the profiles of people who left). The rows, their
dates, statuses and counts stay, so reports and past digests keep their numbers."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    distinct,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from bot import feedback as fb
from storage.db import rows_affected
from storage.feedback import (
    EXIT_GOALS,
    EXIT_RECOMMEND,
    exit_counts,
    exit_value,
    live_rating_cells,
)
from storage.models import (
    Activity,
    CheckIn,
    ColleagueIntroduction,
    ExitBlock,
    ExitSurvey,
    Goal,
    IntroductionAsk,
    MatchParticipant,
    MatchRound,
    MentorProfile,
    MentorRequest,
    Pairing,
    Person,
    Pulse,
    PulseAnswer,
    RatingWeek,
    SessionRating,
    Task,
    TraineeProfile,
)
from storage.pairings import OPEN
from storage.requests import OPEN as OPEN_REQUESTS
from storage.upsert import insert_or_add

# What stands where purged goal and task text was (the column holds text).
PURGED = "(removed after the retention period)"
BATCH = 500
WEEKS_PER_PASS = 52


def expired_pairings_clause(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        Pairing.purged_at.is_(None),
        Pairing.ended_at < cutoff,
        Pairing.status.not_in(OPEN),
    )


def expired_requests_clause(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        MentorRequest.created_at < cutoff,
        # Spelled as the partial index's condition, so the planner can use that index.
        text("mentor_requests.note <> ''"),
        MentorRequest.status.not_in(OPEN_REQUESTS),
    )


def expired_text_exists(cutoff: datetime) -> ColumnElement[bool]:
    """Whether :func:`purge_expired_text` has anything to do: one probe for the tick."""
    return exists().where(expired_pairings_clause(cutoff)) | exists().where(
        expired_requests_clause(cutoff)
    )


def purge_expired_text(session: Session, cutoff: datetime, now: datetime) -> int:
    """Purge a batch of expired text; how many mentorships were purged."""
    ids = list(
        session.scalars(
            select(Pairing.id)
            .where(expired_pairings_clause(cutoff))
            .order_by(Pairing.id)
            .limit(BATCH)
        )
    )
    if ids:
        session.execute(
            update(Goal).where(Goal.pairing_id.in_(ids)).values(text=PURGED, close_reason=None)
        )
        session.execute(update(Task).where(Task.pairing_id.in_(ids)).values(text=PURGED))
        session.execute(update(CheckIn).where(CheckIn.pairing_id.in_(ids)).values(note=None))
        session.execute(
            update(ColleagueIntroduction)
            .where(ColleagueIntroduction.pairing_id.in_(ids))
            .values(why="")
        )
        session.execute(
            update(IntroductionAsk)
            .where(IntroductionAsk.pairing_id.in_(ids))
            .values(looking_for="")
        )
        session.execute(update(Activity).where(Activity.pairing_id.in_(ids)).values(detail={}))
        session.execute(
            update(SessionRating).where(SessionRating.pairing_id.in_(ids)).values(note=None)
        )
        session.execute(
            update(ExitSurvey)
            .where(ExitSurvey.pairing_id.in_(ids))
            .values(helped=None, change=None)
        )
        session.execute(
            update(Pairing).where(Pairing.id.in_(ids)).values(end_reason=None, purged_at=now)
        )
    requests = list(
        session.scalars(
            select(MentorRequest.id).where(expired_requests_clause(cutoff)).limit(BATCH)
        )
    )
    if requests:
        session.execute(update(MentorRequest).where(MentorRequest.id.in_(requests)).values(note=""))
    return len(ids)


# -- individual answers: folded into the counts the figures need, then gone --------------------


def _week_boundary(moment: datetime, zone: ZoneInfo) -> datetime:
    """The start (local Monday midnight, as UTC) of the week ``moment`` falls in."""
    return datetime.combine(
        fb.week_start(moment.astimezone(zone).date()), time(0), zone
    ).astimezone(UTC)


def expired_ratings_clause(cutoff: datetime) -> ColumnElement[bool]:
    # A rating a week before the cutoff lies in a week that is over by the cutoff in any zone.
    return SessionRating.rated_at < cutoff - timedelta(days=8)


def fold_expired_ratings(
    session: Session, program_id: int, zone: ZoneInfo, cutoff: datetime
) -> int:
    """Fold the program's ratings of whole local weeks over by ``cutoff`` (up to a year of
    weeks a pass) into per-week, per-focus cells, the very cells the digest and the report
    read, and delete the ratings, which tied a score to its rater. Returns the weeks folded."""
    boundary = _week_boundary(cutoff, zone)
    oldest = session.scalar(
        select(func.min(SessionRating.rated_at)).where(
            SessionRating.program_id == program_id, SessionRating.rated_at < boundary
        )
    )
    if oldest is None:
        return 0
    first = fb.week_start(oldest.astimezone(zone).date())
    weeks: list[tuple[datetime, datetime]] = []
    while len(weeks) < WEEKS_PER_PASS:
        start = datetime.combine(first + timedelta(weeks=len(weeks)), time(0), zone)
        end = datetime.combine(first + timedelta(weeks=len(weeks) + 1), time(0), zone)
        if end.astimezone(UTC) > boundary:
            break
        weeks.append((start.astimezone(UTC), end.astimezone(UTC)))
    if not weeks:
        return 0
    cells = live_rating_cells(session, program_id, weeks)
    insert_or_add(
        session,
        RatingWeek,
        [
            {
                "program_id": program_id,
                "week_start": start,
                "focus": focus,
                "people": cell.people,
                "answers": cell.answers,
                "total": cell.total,
            }
            for (start, focus), cell in cells.items()
        ],
        key=[RatingWeek.program_id, RatingWeek.week_start, RatingWeek.focus],
        add=[RatingWeek.people, RatingWeek.answers, RatingWeek.total],
    )
    session.execute(
        delete(SessionRating).where(
            SessionRating.program_id == program_id, SessionRating.rated_at < weeks[-1][1]
        )
    )
    return len(weeks)


_EXIT_KINDS = (
    (EXIT_RECOMMEND, ExitSurvey.recommend),
    (EXIT_GOALS, ExitSurvey.goals_met),
)


def _settled_exits(cutoff: datetime, minimum: int, column: Any) -> Select[int, str]:
    """(program, focus) whose answers of ``column`` given before ``cutoff`` come from at least
    ``minimum`` people: there a whole block lies wholly before the cutoff."""
    return (
        select(ExitSurvey.program_id, ExitSurvey.focus)
        .where(ExitSurvey.answered_at < cutoff, column.is_not(None))
        .group_by(ExitSurvey.program_id, ExitSurvey.focus)
        .having(func.count(distinct(ExitSurvey.user_id)) >= minimum)
    )


def fold_expired_exits(session: Session, cutoff: datetime, minimum: int, now: datetime) -> int:
    """Fold each focus's leading whole blocks of exit answers given before ``cutoff`` into
    counts and clear those answers (the figures to date count the blocks exactly as they
    counted the answers); the last few answers that make no whole block yet wait for more.
    Returns the blocks folded."""
    folded = 0
    for kind, column in _EXIT_KINDS:
        for program_id, focus in session.execute(_settled_exits(cutoff, minimum, column)).all():
            rows = session.execute(
                select(ExitSurvey.id, ExitSurvey.user_id, column, ExitSurvey.answered_at)
                .where(
                    ExitSurvey.program_id == program_id,
                    ExitSurvey.focus == focus,
                    ExitSurvey.answered_at.is_not(None),
                    column.is_not(None),
                )
                .order_by(ExitSurvey.answered_at, ExitSurvey.id)
            ).all()
            answers = [
                (survey_id, fb.Answer(user, exit_value(kind, value), at))
                for survey_id, user, value, at in rows
            ]
            survey_of = {id(answer): survey_id for survey_id, answer in answers}
            for block in fb.settled_blocks([a for _, a in answers], minimum, cutoff):
                kept = fb.fold("", block)
                session.add(
                    ExitBlock(
                        program_id=program_id,
                        focus=focus,
                        kind=kind,
                        people=kept.people,
                        counts=exit_counts(kind, kept.counts),
                        folded_at=now,
                    )
                )
                session.execute(
                    update(ExitSurvey)
                    .where(ExitSurvey.id.in_([survey_of[id(a)] for a in block]))
                    .values({column.key: None})
                )
                folded += 1
    return folded


def expired_pulses_clause(cutoff: datetime) -> ColumnElement[bool]:
    return PulseAnswer.pulse_id.in_(select(Pulse.id).where(Pulse.closed_at < cutoff))


def expired_rounds_clause(cutoff: datetime) -> ColumnElement[bool]:
    return and_(MatchRound.decided_at < cutoff, MatchRound.purged_at.is_(None))


def left_profiles_clause(
    model: type[MentorProfile] | type[TraineeProfile], cutoff: datetime
) -> ColumnElement[bool]:
    return model.user_id.in_(
        select(Person.user_id).where(Person.left_at < cutoff, Person.erased_at.is_(None))
    )


def purge_expired_answers(
    session: Session, cutoff: datetime, now: datetime
) -> tuple[int, int, int]:
    """Answers of pulses closed before ``cutoff`` (their results were shown when they closed),
    the ranks, suggestions and "rather not" lists of matching rounds decided before it, and
    the profiles of people who left the workspace before it. Returns how many pulses'
    answers, rounds and profiles went."""
    pulses = rows_affected(
        session.execute(delete(PulseAnswer).where(expired_pulses_clause(cutoff)))
    )
    rounds = list(session.scalars(select(MatchRound.id).where(expired_rounds_clause(cutoff))))
    if rounds:
        session.execute(
            update(MatchParticipant)
            .where(MatchParticipant.round_id.in_(rounds))
            .values(ranked=[], suggestions=[], rather_not=[])
        )
        session.execute(update(MatchRound).where(MatchRound.id.in_(rounds)).values(purged_at=now))
    profiles = 0
    for model in (MentorProfile, TraineeProfile):
        profiles += rows_affected(
            session.execute(delete(model).where(left_profiles_clause(model, cutoff)))
        )
    return pulses, len(rounds), profiles


def expired_answers_exist(cutoff: datetime, minimum: int) -> ColumnElement[bool]:
    """Whether any of the folds and purges above has anything to do: one probe for the tick."""
    return or_(
        exists().where(expired_ratings_clause(cutoff)),
        *(exists(_settled_exits(cutoff, minimum, column)) for _, column in _EXIT_KINDS),
        exists().where(expired_pulses_clause(cutoff)),
        exists().where(expired_rounds_clause(cutoff)),
        exists().where(left_profiles_clause(MentorProfile, cutoff)),
        exists().where(left_profiles_clause(TraineeProfile, cutoff)),
    )
