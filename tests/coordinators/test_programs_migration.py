"""Upgrading a populated single-program database to programs, on SQLite and PostgreSQL: every
request and pairing lands in the default program, its people become members, and the digest of
a past week counts exactly what it counted before the upgrade."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, MetaData, Table, text
from sqlalchemy.orm import Session

from storage import schema
from storage.db import create_db_engine
from storage.models import MentorRequest, Pairing, ProgramMember
from storage.programs import all_programs, default_program
from storage.reports import Period, at_risk, digest_numbers, pairing_rows, teaching_record
from tests import databases

BEFORE = "0007"
NOW = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
WEEK = Period(NOW - timedelta(days=7), NOW)
IN_WEEK = NOW - timedelta(days=2)
EARLIER = NOW - timedelta(days=20)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database migrated to the last revision before programs."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
        schema.upgrade(engine, BEFORE)
        yield engine
        engine.dispose()
        return
    reason = databases.postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with databases.postgres_schema("mbprog") as url:
        engine = create_db_engine(url)
        schema.upgrade(engine, BEFORE)
        yield engine
        engine.dispose()


def _at(engine: Engine, moment: datetime) -> Any:
    # What the app itself writes: naive UTC on SQLite, aware on PostgreSQL.
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment


PEOPLE = ["U0MENTOR1", "U0MENTOR2", "U0MENTEE1", "U0MENTEE2", "U0MENTEE3", "U0ASKER01"]
# id, mentor, mentee, status, ended (in the week or not), unanswered check-ins
PAIRINGS = [
    (1, "U0MENTOR1", "U0MENTEE1", "active", None, 3),
    (2, "U0MENTOR2", "U0MENTEE2", "active", None, 0),
    (3, "U0MENTOR1", "U0MENTEE3", "paused", None, 0),
    (4, "U0MENTOR2", "U0MENTEE3", "completed", IN_WEEK, 0),
    (5, "U0MENTOR2", "U0MENTEE1", "ended", IN_WEEK, 0),
    (6, "U0MENTOR1", "U0MENTEE2", "ended", EARLIER, 0),
]
# id, mentee, mentor, status, created
REQUESTS = [
    (1, "U0ASKER01", "U0MENTOR1", "pending", IN_WEEK),
    (2, "U0ASKER01", "U0MENTOR2", "declined", IN_WEEK),
    (3, "U0MENTEE1", "U0MENTOR1", "accepted", EARLIER),
    (4, "U0MENTEE3", "U0MENTOR2", "pending", EARLIER),
]


def _insert(c: Connection, table: str, row: dict[str, Any]) -> None:
    # The table as the old schema has it, read from the database: not today's models.
    c.execute(Table(table, MetaData(), autoload_with=c).insert(), row)


def _populate(engine: Engine) -> None:
    """A program's history written as the 0007 schema holds it: plain SQL, no program anywhere."""
    t = lambda moment: _at(engine, moment)  # noqa: E731
    with engine.begin() as c:
        for user in PEOPLE:
            _insert(
                c,
                "people",
                {
                    "user_id": user,
                    "display_name": user,
                    "is_bot": False,
                    "is_deleted": False,
                },
            )
        for pid, mentor, mentee, status, ended, unanswered in PAIRINGS:
            _insert(
                c,
                "pairings",
                {
                    "id": pid,
                    "mentor_id": mentor,
                    "mentee_id": mentee,
                    "focus": "research",
                    "status": status,
                    "origin": "request",
                    "started_at": t(EARLIER - timedelta(days=5)),
                    "ended_at": t(ended) if ended else None,
                    "ended_by": mentor if ended else None,
                    "end_reason": "Moved on" if ended else None,
                    "end_reason_visibility": "coordinators" if ended else None,
                    "reassess_every_weeks": 4,
                    "unanswered_checkins": unanswered,
                    "share_with_coordinators": False,
                    "last_activity_at": t(IN_WEEK),
                },
            )
        for rid, mentee, mentor, status, created in REQUESTS:
            _insert(
                c,
                "mentor_requests",
                {
                    "id": rid,
                    "mentee_id": mentee,
                    "mentor_id": mentor,
                    "focus": "research",
                    "note": "",
                    "status": status,
                    "created_at": t(created),
                    "expires_at": t(NOW + timedelta(days=10)),
                    "reminded_at": t(IN_WEEK) if status == "pending" else None,
                },
            )
        # Check-ins: 4 sent in the week (3 answered: 2 met, 1 skipped), 1 earlier.
        for n, (pid, sent, answer) in enumerate(
            [
                (1, IN_WEEK, None),
                (2, IN_WEEK, "met"),
                (2, IN_WEEK, "met"),
                (3, IN_WEEK, "skipped"),
                (2, EARLIER, "met"),
            ]
        ):
            _insert(
                c,
                "checkins",
                {
                    "id": n + 1,
                    "pairing_id": pid,
                    "slot_at": t(sent - timedelta(hours=n)),
                    "sent_at": t(sent),
                    "answer": answer,
                    "answered_at": t(sent + timedelta(hours=1)) if answer else None,
                    "duration_minutes": 60 if answer == "met" else None,
                },
            )
        for n, (pid, status, done) in enumerate(
            [(2, "done", IN_WEEK), (2, "done", EARLIER), (1, "open", None)]
        ):
            _insert(
                c,
                "tasks",
                {
                    "id": n + 1,
                    "pairing_id": pid,
                    "text": "a task",
                    "assignee_id": "U0MENTEE2",
                    "status": status,
                    "completed_at": t(done) if done else None,
                },
            )
        _insert(
            c,
            "goals",
            {
                "id": 1,
                "pairing_id": 2,
                "text": "a goal",
                "status": "achieved",
                "created_at": t(EARLIER),
                "closed_at": t(IN_WEEK),
            },
        )
        _insert(
            c,
            "reassessments",
            {
                "id": 1,
                "pairing_id": 2,
                "at": t(IN_WEEK),
                "goals_achieved": 1,
                "goals_dropped": 0,
                "goals_added": 0,
                "tasks_done": 1,
                "tasks_dropped": 0,
            },
        )
        _insert(
            c,
            "scheduled_sends",
            {
                "id": 1,
                "dedupe_key": "checkin/1:U0MENTEE1/2026-12-06",
                "kind": "checkin",
                "pairing_id": 1,
                "recipient": "U0MENTEE1",
                "slot_at": t(IN_WEEK),
                "status": "failed",
                "error": "channel_not_found",
                "attempts": 3,
            },
        )


def _numbers_before(engine: Engine) -> dict[str, Any]:
    """The week's digest figures as the single-program queries counted them, at 0007."""
    start, end = _at(engine, WEEK.start), _at(engine, WEEK.end)
    window = {"start": start, "end": end}

    def one(sql: str) -> Any:
        with engine.connect() as c:
            return c.execute(text(sql), window).scalar_one()

    def grouped(sql: str) -> dict[str, int]:
        with engine.connect() as c:
            return {str(k): int(n) for k, n in c.execute(text(sql), window)}

    return {
        "active": one("SELECT count(*) FROM pairings WHERE status IN ('active', 'paused')"),
        "outcomes": grouped(
            "SELECT status, count(*) FROM mentor_requests "
            "WHERE created_at >= :start AND created_at < :end GROUP BY status"
        ),
        "pending": one("SELECT count(*) FROM mentor_requests WHERE status = 'pending'"),
        "waiting": one(
            "SELECT count(DISTINCT r.mentee_id) FROM mentor_requests r WHERE r.status = 'pending' "
            "AND NOT EXISTS (SELECT 1 FROM pairings p WHERE p.mentee_id = r.mentee_id "
            "AND p.status IN ('active', 'paused'))"
        ),
        "sent": one("SELECT count(*) FROM checkins WHERE sent_at >= :start AND sent_at < :end"),
        "answered": grouped(
            "SELECT answer, count(*) FROM checkins WHERE answer IS NOT NULL "
            "AND answered_at >= :start AND answered_at < :end GROUP BY answer"
        ),
        "tasks": one(
            "SELECT count(*) FROM tasks WHERE status = 'done' "
            "AND completed_at >= :start AND completed_at < :end"
        ),
        "goals": one(
            "SELECT count(*) FROM goals WHERE status = 'achieved' "
            "AND closed_at >= :start AND closed_at < :end"
        ),
        "reassessments": one("SELECT count(*) FROM reassessments WHERE at >= :start AND at < :end"),
        "endings": grouped(
            "SELECT status, count(*) FROM pairings "
            "WHERE ended_at >= :start AND ended_at < :end GROUP BY status"
        ),
        "failed": grouped(
            "SELECT error, count(*) FROM scheduled_sends WHERE status = 'failed' "
            "AND slot_at >= :start AND slot_at < :end GROUP BY error"
        ),
    }


EXPECTED = {
    "active": 3,
    "outcomes": {"pending": 1, "declined": 1},
    "pending": 2,
    "waiting": 1,  # the asker; mentee 3 has a paused pairing
    "sent": 4,
    "answered": {"met": 2, "skipped": 1},
    "tasks": 1,
    "goals": 1,
    "reassessments": 1,
    "endings": {"completed": 1, "ended": 1},
    "failed": {"channel_not_found": 1},
}


def test_a_populated_database_moves_into_the_default_program_with_the_same_digest(
    old_engine: Engine,
) -> None:
    _populate(old_engine)
    before = _numbers_before(old_engine)
    assert before == EXPECTED  # the seeding counts what it means to

    schema.upgrade(old_engine)

    with Session(old_engine) as session:
        (program,) = all_programs(session)
        assert program.is_default
        assert default_program(session).id == program.id
        assert {p.program_id for p in session.query(Pairing)} == {program.id}
        assert session.query(Pairing).count() == len(PAIRINGS)
        assert {r.program_id for r in session.query(MentorRequest)} == {program.id}
        assert session.query(MentorRequest).count() == len(REQUESTS)
        members = {
            (m.user_id, m.role, m.source)
            for m in session.query(ProgramMember).filter_by(program_id=program.id)
        }
        assert members == {(user, "member", "migration") for user in PEOPLE}

        n = digest_numbers(session, WEEK, NOW, program.id)
        after = {
            "active": n.active_pairings,
            "outcomes": n.request_outcomes,
            "pending": n.pending_requests,
            "waiting": n.waiting_mentees,
            "sent": n.checkins_sent,
            "answered": n.checkins_answered,
            "tasks": n.tasks_completed,
            "goals": n.goals_achieved,
            "reassessments": n.reassessments,
            "endings": {"completed": n.completed, "ended": n.ended_early},
            "failed": n.failed_sends,
        }
        assert after == before
        assert n.shared_end_reasons == ["Moved on", "Moved on"]
        risk = at_risk(session, NOW, NOW.date(), program.id)
        assert [p.pairing_id for p in risk.pairs] == [1]
        assert risk.total_requests == 2
        # The week's export: every pairing but the one that ended before it.
        assert [r.pairing_id for r in pairing_rows(session, WEEK, program.id)] == [1, 2, 3, 4, 5]
        assert [
            (t.mentor_id, t.meetings_held, t.minutes)
            for t in teaching_record(session, WEEK, program.id)
        ] == [("U0MENTOR2", 2, 120)]
