"""Retention: the scheduler purges free text of mentorships ended more than RETENTION_MONTHS
ago, at the boundary to the second, keeping their rows, dates and counts."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.retention import retention_cutoff
from storage.checkins import record_answer
from storage.goals import add_goal, set_goal_status
from storage.introductions import deliver_introduction, open_introduction, record_ask
from storage.models import (
    CheckIn,
    ColleagueIntroduction,
    Goal,
    IntroductionAsk,
    MentorRequest,
    Pairing,
    Task,
)
from storage.pairings import close_pairing, record
from storage.programs import default_program_id
from storage.reports import Period, digest_numbers
from storage.retention import PURGED
from storage.tasks import add_task
from tests.conftest import MENTEE, MENTOR, MENTOR2, make_settings
from tests.data.test_erasure import _pair
from tests.harness import Harness

ENDED = datetime(2024, 11, 20, 15, 0, tzinfo=UTC)
TEXT = "Kept7text"


def test_cutoff_is_calendar_months_back() -> None:
    now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert retention_cutoff(now, 24) == datetime(2024, 12, 1, 14, 0, tzinfo=UTC)
    assert retention_cutoff(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(
        2026, 2, 28, tzinfo=UTC
    )
    assert retention_cutoff(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(
        2024, 12, 15, tzinfo=UTC
    )


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.integers(1, 240),
)
def test_cutoff_is_never_later_than_now_and_about_right(moment: datetime, months: int) -> None:
    now = moment
    cutoff = retention_cutoff(now, months)
    assert now - timedelta(days=31 * months) <= cutoff < now


def test_retention_months_default_to_24() -> None:
    assert make_settings().retention_months == 24


def seed(harness: Harness) -> int:
    harness.clock.set(ENDED - timedelta(days=30))
    pairing_id = _pair(harness, f"note {TEXT}")
    with harness.session() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        now = ENDED - timedelta(days=1)
        goal = add_goal(session, pairing, text=f"goal {TEXT}", by=MENTEE, now=now)
        set_goal_status(session, pairing, goal, "achieved", by=MENTOR, now=now)
        dropped = add_goal(session, pairing, text=f"other {TEXT}", by=MENTEE, now=now)
        set_goal_status(session, pairing, dropped, "dropped", by=MENTEE, now=now, reason=TEXT)
        add_task(session, pairing, text=f"task {TEXT}", by=MENTOR, assignee_id=MENTEE, now=now)
        checkin = CheckIn(pairing_id=pairing.id, slot_at=now, sent_at=now)
        session.add(checkin)
        session.flush()
        record_answer(session, pairing, checkin, "met", by=MENTEE, now=now, note=TEXT, minutes=45)
        record(session, pairing, actor_id=MENTEE, kind="pairing.paused", now=now, until=TEXT)
        opened = open_introduction(
            session, pairing_id=pairing.id, colleague_id=MENTOR2, why=TEXT, ask_id=None, now=now
        )
        deliver_introduction(session, opened.introduction.id, "G0GROUP01", "1700000000.000300")
        record_ask(session, pairing_id=pairing.id, submission="V0ASK", looking_for=TEXT, now=now)
        close_pairing(
            session,
            pairing,
            by=MENTEE,
            completed=True,
            reason=TEXT,
            reason_visibility="coordinators",
            now=ENDED,
        )
    return pairing_id


def texts(harness: Harness, pairing_id: int) -> list[str | None]:
    with harness.session() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        goals = session.scalars(select(Goal).where(Goal.pairing_id == pairing_id)).all()
        return [
            pairing.end_reason,
            *(g.text for g in goals),
            *(g.close_reason for g in goals),
            *session.scalars(select(Task.text).where(Task.pairing_id == pairing_id)),
            *session.scalars(select(CheckIn.note).where(CheckIn.pairing_id == pairing_id)),
            *session.scalars(
                select(ColleagueIntroduction.why).where(
                    ColleagueIntroduction.pairing_id == pairing_id
                )
            ),
            *session.scalars(
                select(IntroductionAsk.looking_for).where(IntroductionAsk.pairing_id == pairing_id)
            ),
        ]


def request_notes(harness: Harness) -> list[str]:
    with harness.session() as session:
        return list(session.scalars(select(MentorRequest.note)))


def test_text_is_purged_after_the_boundary_and_counts_stay(harness: Harness) -> None:
    pairing_id = seed(harness)
    period = Period(start=ENDED - timedelta(days=7), end=ENDED + timedelta(days=1))
    with harness.session() as session:
        before = asdict(digest_numbers(session, period, period.end, default_program_id(session)))
    before.pop("shared_end_reasons")

    harness.clock.set(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))  # exactly 24 months: kept
    harness.tick()
    assert sum(TEXT in (t or "") for t in texts(harness, pairing_id)) == 8
    # The request was made a month before the mentorship ended: its note went already.
    assert request_notes(harness) == [""]

    harness.clock.set(datetime(2026, 11, 20, 15, 0, 1, tzinfo=UTC))  # a second later: purged
    harness.tick()
    remaining = texts(harness, pairing_id)
    assert not any(TEXT in (t or "") for t in remaining)
    assert remaining.count(PURGED) == 3  # two goals and a task keep a placeholder
    with harness.session() as session:
        after = asdict(digest_numbers(session, period, period.end, default_program_id(session)))
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        assert (pairing.status, pairing.ended_at) == ("completed", ENDED)
        assert pairing.purged_at is not None
        (checkin,) = session.scalars(select(CheckIn)).all()
        assert (checkin.answer, checkin.duration_minutes) == ("met", 45)
    after.pop("shared_end_reasons")
    assert after == before


def test_open_mentorships_keep_their_text(harness: Harness) -> None:
    harness.clock.set(ENDED - timedelta(days=30))
    pairing_id = _pair(harness, f"note {TEXT}")
    with harness.session() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        add_goal(session, pairing, text=f"goal {TEXT}", by=MENTEE, now=ENDED)
    harness.clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    harness.tick()
    assert sum(TEXT in (t or "") for t in texts(harness, pairing_id)) == 1  # the open goal
