"""Every figure of the digest counts its own program only. Program A's activity is seeded and
its digest figures read; then program B gets twice that activity of every kind, touching every
figure; A's figures must not move, and B's must be its own. A query that lost its program
filter shows here, whichever it is."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.programs import ProgramValues
from storage.models import CheckIn, Goal, MentorRequest, Reassessment, ScheduledSend, Task
from storage.pairings import close_pairing, create_pairing
from storage.people import ensure_person, set_capacity
from storage.programs import create_program, default_program_id
from storage.reports import Period, digest_numbers
from tests.harness import Harness

NOW = datetime(2026, 12, 3, 15, tzinfo=UTC)
IN_WEEK = NOW - timedelta(days=2)
PERIOD = Period(NOW - timedelta(days=7), NOW)


def _seed(session: Session, program_id: int, tag: str, times: int) -> None:
    """``times`` of everything the digest counts, in the program, by people named ``tag``."""
    for n in range(times):
        mentor, mentee, other = f"U0{tag}M{n:04d}", f"U0{tag}E{n:04d}", f"U0{tag}W{n:04d}"
        for person in (mentor, mentee, other):
            ensure_person(session, person)
        set_capacity(session, mentor, 1, NOW)  # at capacity with their one mentee
        pairing = create_pairing(
            session,
            program_id=program_id,
            mentor_id=mentor,
            mentee_id=mentee,
            focus="research",
            origin="request",
            now=NOW - timedelta(days=30),
        )
        checkin = CheckIn(
            pairing_id=pairing.id,
            slot_at=IN_WEEK,
            sent_at=IN_WEEK,
            answer="met",
            answered_at=IN_WEEK,
        )
        session.add(checkin)
        session.add(
            Task(
                pairing_id=pairing.id,
                text="t",
                assignee_id=mentee,
                status="done",
                completed_at=IN_WEEK,
            )
        )
        session.add(
            Goal(
                pairing_id=pairing.id,
                text="g",
                status="achieved",
                created_at=IN_WEEK,
                closed_at=IN_WEEK,
            )
        )
        session.add(Reassessment(pairing_id=pairing.id, at=IN_WEEK))
        for status in ("pending", "declined"):
            session.add(
                MentorRequest(
                    program_id=program_id,
                    mentee_id=other,
                    mentor_id=mentor,
                    focus="research" if status == "pending" else "career",
                    status=status,
                    created_at=IN_WEEK,
                    expires_at=NOW + timedelta(days=14),
                )
            )
        session.add(
            ScheduledSend(
                dedupe_key=f"checkin/{tag}/{n}",
                kind="checkin",
                pairing_id=pairing.id,
                recipient=mentee,
                slot_at=IN_WEEK,
                status="failed",
                error="channel_not_found",
            )
        )
        for completed, reason in ((True, "Done"), (False, f"Moved {tag}")):
            ended = create_pairing(
                session,
                program_id=program_id,
                mentor_id=other,
                mentee_id=mentee,
                focus="career" if completed else "teaching",
                origin="request",
                now=NOW - timedelta(days=20),
            )
            close_pairing(
                session,
                ended,
                by=mentee,
                completed=completed,
                reason=reason,
                reason_visibility="coordinators",
                now=IN_WEEK,
            )
        session.flush()


def _numbers(harness: Harness, program_id: int) -> dict[str, Any]:
    with harness.session() as session:
        return asdict(digest_numbers(session, PERIOD, NOW, program_id))


def test_each_digest_figure_counts_its_own_program_only(harness: Harness) -> None:
    with harness.session() as session:
        a = default_program_id(session)
        b = create_program(
            session, name="Surgery", values=ProgramValues(), open_to_join=False, now=NOW, by=None
        ).id
        _seed(session, a, "A", 1)
    alone = _numbers(harness, a)
    # Every figure has something to count, so a lost filter would move it.
    assert alone["active_pairings"] == 1
    assert alone["new_requests"] == 2
    assert alone["pending_requests"] == 1
    assert alone["waiting_mentees"] == 1
    assert alone["checkins_sent"] == 1
    assert alone["checkins_answered"] == {"met": 1}
    assert alone["tasks_completed"] == 1
    assert alone["goals_achieved"] == 1
    assert alone["reassessments"] == 1
    assert (alone["completed"], alone["ended_early"]) == (1, 1)
    assert alone["shared_end_reasons"] == ["Done", "Moved A"]
    assert alone["failed_sends"] == {"channel_not_found": 1}
    assert alone["mentors_at_capacity"] == ["U0AM0000"]

    with harness.session() as session:
        _seed(session, b, "B", 2)
    assert _numbers(harness, a) == alone
    other = _numbers(harness, b)
    assert other["active_pairings"] == 2
    assert other["new_requests"] == 4
    assert other["pending_requests"] == 2
    assert other["waiting_mentees"] == 2
    assert other["checkins_sent"] == 2
    assert other["tasks_completed"] == 2
    assert other["goals_achieved"] == 2
    assert other["reassessments"] == 2
    assert (other["completed"], other["ended_early"]) == (2, 2)
    assert other["failed_sends"] == {"channel_not_found": 2}
    assert sorted(other["mentors_at_capacity"]) == ["U0BM0000", "U0BM0001"]
