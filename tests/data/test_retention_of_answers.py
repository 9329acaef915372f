"""Retention of individual answers, through the scheduler's own tick: after RETENTION_MONTHS a
score is no longer tied to the person who gave it, while every figure built from it stays as it
was; answers of old pulses, the preferences of old matching rounds and the profiles of people
who left long ago go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot import feedback as fb
from bot.directory import MentorProfileValues
from storage.feedback import (
    create_pulse,
    exit_table,
    rating_cells,
    weekly_usefulness,
)
from storage.leaving import mark_left
from storage.matching import cancel_round, open_round, set_ranked, set_rather_not
from storage.models import (
    ExitBlock,
    ExitSurvey,
    MatchParticipant,
    MentorProfile,
    Pulse,
    PulseAnswer,
    RatingWeek,
    SessionRating,
    TraineeProfile,
)
from storage.profiles import save_mentor_profile
from storage.programs import default_program
from tests.conftest import COORDINATOR, MENTOR, MENTOR2
from tests.feedback.test_minimum_shown import MENTEES, _rate, answered_exit
from tests.harness import Harness

# Two years and a month before "now": the answers given then are past the 24 months.
NOW = datetime(2026, 12, 3, 15, tzinfo=UTC)
OLD = datetime(2024, 10, 16, 15, tzinfo=UTC)  # a Wednesday
PROFILE = MentorProfileValues(True, True, ("research",), None, None, (), (), (), "")
WEEKS = fb.whole_weeks(datetime(2024, 11, 4, tzinfo=UTC), ZoneInfo("UTC"), 4)


def _program_id(harness: Harness) -> int:
    with harness.session() as session:
        return default_program(session).id


def _figures(harness: Harness) -> tuple[object, ...]:
    """The usefulness cells and the digest's weekly figures of the old weeks, and the exit
    figures to date: what retention must leave exactly as they were."""
    program_id = _program_id(harness)
    with harness.session() as session:
        cells = rating_cells(session, program_id, WEEKS)
        weekly = weekly_usefulness(session, program_id, WEEKS, 5)
        exits = exit_table(session, program_id, 5)
    return cells, weekly, exits


def test_old_ratings_fold_into_the_cells_the_figures_read(harness: Harness) -> None:
    _rate(harness, MENTEES[:5], 4, OLD)
    _rate(harness, MENTEES[5:7], 2, OLD, mentor=MENTOR2, focus="clinical")
    _rate(harness, MENTEES[:5], 5, OLD + timedelta(days=7))
    _rate(harness, MENTEES[:5], 3, NOW - timedelta(days=2))  # recent: stays as it is
    harness.clock.set(NOW)
    before = _figures(harness)
    assert before[1] == [None, 4.0, 5.0, None]

    harness.tick()

    assert _figures(harness) == before
    with harness.session() as session:
        kept = session.scalars(select(SessionRating.rated_at)).all()
        assert len(kept) == 5
        assert all(at > NOW - timedelta(days=7) for at in kept)
        weeks = session.execute(
            select(
                RatingWeek.focus, RatingWeek.people, RatingWeek.answers, RatingWeek.total
            ).order_by(RatingWeek.week_start, RatingWeek.focus)
        ).all()
    assert weeks == [("clinical", 2, 2, 4), ("research", 5, 5, 20), ("research", 5, 5, 25)]
    harness.tick()  # nothing more to fold: the figures stay again
    assert _figures(harness) == before


def test_old_exit_answers_fold_in_whole_blocks_and_the_rest_waits(harness: Harness) -> None:
    for n in range(7):  # seven old Research answers: one whole block of five and two over
        answered_exit(
            harness,
            MENTEES[n],
            "research",
            10 - n,
            "all" if n % 2 else "some",
            OLD + timedelta(hours=n),
        )
    for n in range(3):  # and three recent ones, which complete the second block
        answered_exit(harness, MENTEES[7 + n], "research", 9, "none", NOW - timedelta(days=3 - n))
    harness.clock.set(NOW)
    before = _figures(harness)
    assert isinstance(before[2].total.recommend, fb.NetPromoter)
    assert before[2].total.recommend.people == 10

    harness.tick()

    assert _figures(harness) == before
    with harness.session() as session:
        blocks = session.execute(
            select(ExitBlock.kind, ExitBlock.people, ExitBlock.counts).order_by(ExitBlock.kind)
        ).all()
        left = session.execute(
            select(ExitSurvey.user_id, ExitSurvey.recommend, ExitSurvey.goals_met).order_by(
                ExitSurvey.answered_at
            )
        ).all()
    assert blocks == [
        ("goals", 5, {"some": 3, "all": 2}),
        ("recommend", 5, {"10": 1, "9": 1, "8": 1, "7": 1, "6": 1}),
    ]
    # The first five no longer say what they answered; the two old ones after them wait, tied
    # to their people, until a whole block of old answers can take them.
    assert [(r, g) for _, r, g in left[:5]] == [(None, None)] * 5
    assert [(r, g) for _, r, g in left[5:7]] == [(5, "all"), (4, "some")]


def test_old_pulse_answers_round_preferences_and_leavers_profiles_go(harness: Harness) -> None:
    harness.clock.set(OLD)
    with harness.session() as session:
        program_id = default_program(session).id
        old = create_pulse(
            session,
            program_id=program_id,
            by=COORDINATOR,
            questions=["satisfaction"],
            recipients=MENTEES[:3],
            now=OLD,
            remind_at=OLD + timedelta(days=3),
            closes_at=OLD + timedelta(days=7),
        )
        old.closed_at = OLD + timedelta(days=7)
        recent = create_pulse(
            session,
            program_id=program_id,
            by=COORDINATOR,
            questions=["satisfaction"],
            recipients=MENTEES[:3],
            now=NOW - timedelta(days=20),
            remind_at=NOW - timedelta(days=17),
            closes_at=NOW - timedelta(days=13),
        )
        recent.closed_at = NOW - timedelta(days=13)
        old_id, recent_id = old.id, recent.id
        rounds = []
        for opened in (OLD, NOW - timedelta(days=30)):
            round_ = open_round(
                session,
                program_id=program_id,
                focus="research",
                deadline=opened + timedelta(days=7),
                created_by=COORDINATOR,
                now=opened,
                trainees={MENTEES[0]: [MENTOR]},
                mentors={MENTOR: 2},
            )
            people = {
                p.role: p
                for p in session.scalars(
                    select(MatchParticipant).where(MatchParticipant.round_id == round_.id)
                )
            }
            set_ranked(session, people["trainee"], [MENTOR], opened)
            set_rather_not(session, people["mentor"], [MENTEES[0]], opened)
            assert cancel_round(session, round_.id, COORDINATOR, opened + timedelta(days=1))
            rounds.append(round_.id)
        for person in (MENTEES[1], MENTEES[2]):
            save_mentor_profile(session, person, PROFILE, OLD)
        mark_left(session, MENTEES[1], OLD + timedelta(days=1))
        mark_left(session, MENTEES[2], NOW - timedelta(days=10))

    harness.clock.set(NOW)
    harness.tick()

    with harness.session() as session:
        answers = dict(
            session.execute(
                select(PulseAnswer.pulse_id, func.count()).group_by(PulseAnswer.pulse_id)
            ).all()
        )
        assert answers == {recent_id: 3}
        assert session.get(Pulse, old_id) is not None  # the pulse itself (when, what) stays
        by_round = {}
        for p in session.scalars(select(MatchParticipant)):
            by_round.setdefault(p.round_id, []).append(
                (p.role, p.ranked, p.rather_not, p.suggestions)
            )
        assert sorted(by_round[rounds[0]]) == [("mentor", [], [], []), ("trainee", [], [], [])]
        assert sorted(by_round[rounds[1]]) == [
            ("mentor", [], [MENTEES[0]], []),
            ("trainee", [MENTOR], [], [MENTOR]),
        ]
        profiles = set(session.scalars(select(MentorProfile.user_id)))
        assert MENTEES[1] not in profiles
        assert MENTEES[2] in profiles
        assert session.scalar(select(func.count()).select_from(TraineeProfile)) == 0
