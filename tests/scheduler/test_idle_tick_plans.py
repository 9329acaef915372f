"""A tick with nothing due reads an empty index range per due query, however many pairs there
are, all in one statement (each step's probe): the plans of the very statements an idle tick
sends, with ``EXPLAIN QUERY PLAN`` on SQLite
(without statistics, as on a fresh install) and ``EXPLAIN`` on PostgreSQL (after ``ANALYZE``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text

from storage.models import MentorRequest, Pairing, Person, ScheduledSend
from storage.programs import default_program_id
from tests.harness import Harness
from tests.scheduler.helpers import sql_statements

NOW = datetime(2027, 1, 5, 15, tzinfo=UTC)
PAIRS = 2_000
BIG_TABLES = ("pairings", "scheduled_sends", "mentor_requests", "people", "checkins")
DUE_INDEXES = {
    "ix_pairings_due_checkin",
    "ix_pairings_due_reassess",
    "ix_pairings_due_pause_end",
    "ix_scheduled_sends_due",
    "ix_scheduled_sends_claims",
}
# Programs are a handful of rows: PostgreSQL rightly reads them whole; SQLite (without
# statistics) searches the index of required mentorship's next look.
SQLITE_ONLY_INDEXES = {"ix_programs_required_next"}
# (PostgreSQL may answer the request queries from the empty partial index of pending requests.)


def _seed(engine: Engine) -> None:
    """Active weekly pairs none of which is due, a week of sent DMs and answered requests."""
    later = NOW + timedelta(days=3)
    mentors = [f"UM{n:06d}" for n in range(100)]
    mentees = [f"UE{n:06d}" for n in range(PAIRS)]
    with engine.begin() as connection:
        program_id = default_program_id(connection)
        connection.execute(
            insert(Person),
            [
                {"user_id": u, "display_name": u, "tz": "America/New_York", "created_at": NOW}
                | {"profile_fetched_at": NOW, "is_bot": False, "is_deleted": False}
                for u in mentors + mentees
            ],
        )
        connection.execute(
            insert(Pairing),
            [
                {
                    "program_id": program_id,
                    "mentor_id": mentors[n % len(mentors)],
                    "mentee_id": mentee,
                    "focus": "research",
                    "status": "active",
                    "origin": "request",
                    "started_at": NOW - timedelta(days=60),
                    "cadence": "weekly",
                    "weekday": 1,
                    "local_time": "10:00",
                    "timezone": "America/New_York",
                    "cadence_anchor": date(2026, 11, 3),
                    "next_checkin_at": later + timedelta(minutes=n),
                    "reassess_every_weeks": 4,
                    "next_reassess_at": later + timedelta(days=7),
                    "unanswered_checkins": 0,
                    "share_with_coordinators": False,
                    "last_activity_at": NOW,
                }
                for n, mentee in enumerate(mentees)
            ],
        )
        connection.execute(
            insert(MentorRequest),
            [
                {
                    "program_id": program_id,
                    "mentee_id": mentee,
                    "mentor_id": mentors[n % len(mentors)],
                    "focus": "research",
                    "status": "accepted",
                    "created_at": NOW - timedelta(days=70),
                    "answered_at": NOW - timedelta(days=60),
                    "expires_at": NOW - timedelta(days=56),
                }
                for n, mentee in enumerate(mentees)
            ],
        )
        connection.execute(
            insert(ScheduledSend),
            [
                {
                    "dedupe_key": f"checkin/{n + 1}:{mentee}/2026-12-29",
                    "kind": "checkin",
                    "pairing_id": n + 1,
                    "recipient": mentee,
                    "slot_at": NOW - timedelta(days=7),
                    "due_at": NOW - timedelta(days=7),
                    "status": "sent",
                    "claimed_at": NOW - timedelta(days=7),
                    "sent_at": NOW - timedelta(days=7),
                    "attempts": 1,
                }
                for n, mentee in enumerate(mentees)
            ],
        )
        if engine.dialect.name == "postgresql":
            # Only this schema's tables: a bare ANALYZE would take locks across the database.
            connection.execute(text("ANALYZE people, pairings, mentor_requests, scheduled_sends"))


def _idle_tick_statements(harness: Harness, engine: Engine) -> list[tuple[str, Any]]:
    harness.clock.set(NOW)
    with sql_statements(engine) as sent:
        result = harness.tick()
    captured = [
        (statement, parameters)
        for statement, parameters in sent
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE", "DELETE"))
    ]
    assert (result.due, result.sent, result.failed) == (0, 0, 0)
    # The programs' digest schedules (one row a program), then the probes of every step,
    # asked together.
    programs = [s for s, _ in captured if s.lstrip().startswith("SELECT programs.id")]
    assert len(programs) == 1
    assert len(captured) == 2
    return captured


def _sqlite_plan(engine: Engine, statement: str, parameters: Any) -> list[str]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [str(row[3]) for row in rows]


def _postgres_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _postgres_nodes(child)


def _postgres_plan(engine: Engine, statement: str, parameters: Any) -> list[str]:
    with engine.connect() as connection:
        raw = connection.exec_driver_sql(
            f"EXPLAIN (FORMAT JSON) {statement}", parameters
        ).scalar_one()
        connection.rollback()
    document = raw if isinstance(raw, list) else json.loads(raw)
    return [
        f"{node['Node Type']} {node.get('Relation Name', '')} {node.get('Index Name', '')}"
        for node in _postgres_nodes(document[0]["Plan"])
    ]


def test_an_idle_tick_reads_only_empty_index_ranges(harness: Harness, engine: Engine) -> None:
    _seed(engine)
    statements = _idle_tick_statements(harness, engine)
    explain = _sqlite_plan if engine.dialect.name == "sqlite" else _postgres_plan
    plans = [explain(engine, statement, parameters) for statement, parameters in statements]
    steps = [step for plan in plans for step in plan]

    full_scans = [
        step
        for step in steps
        for table in BIG_TABLES
        if step.startswith((f"SCAN {table}", f"Seq Scan {table}"))
    ]
    assert full_scans == [], "\n".join(s for s, _ in statements)
    expected = DUE_INDEXES | (SQLITE_ONLY_INDEXES if engine.dialect.name == "sqlite" else set())
    used = {index for index in expected for step in steps if index in step}
    assert used == expected
    assert all(
        any("mentor_requests" in step and ("ix_" in step or "uq_" in step) for step in plan)
        for (statement, _), plan in zip(statements, plans, strict=True)
        if "FROM mentor_requests" in statement
    )
    # The due queries are answered in index order: no sort of the candidates.
    sorted_pairings = [
        (statement, plan)
        for (statement, _), plan in zip(statements, plans, strict=True)
        if "ORDER BY pairings." in statement
        and any("TEMP B-TREE FOR ORDER BY" in step or step.startswith("Sort") for step in plan)
    ]
    assert sorted_pairings == []
