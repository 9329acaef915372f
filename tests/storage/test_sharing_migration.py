"""The sharing-consent migration on a populated database: each pairing shared by one switch
becomes a proposal by whoever turned it on (or, when history doesn't say, by the mentor, so the
mentee is asked), on SQLite and PostgreSQL, and back down again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from storage import schema
from storage.db import create_db_engine
from tests import databases

BEFORE = "0002"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database migrated to the revision before sharing took consent."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
        schema.upgrade(engine, BEFORE)
        yield engine
        engine.dispose()
        return
    reason = databases.postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with databases.postgres_schema("mbshare") as url:
        engine = create_db_engine(url)
        schema.upgrade(engine, BEFORE)
        yield engine
        engine.dispose()


def _at(engine: Engine, moment: datetime) -> Any:
    # What the app itself writes: naive UTC on SQLite, aware on PostgreSQL.
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment


def _populate(engine: Engine) -> None:
    people = ["U0MENTOR1", "U0MENTEE1", "U0MENTEE2", "U0MENTEE3", "U0MENTEE4", "U0COORD01"]
    with engine.begin() as c:
        for user in people:
            c.execute(
                text(
                    "INSERT INTO people (user_id, display_name, is_bot, is_deleted, created_at) "
                    "VALUES (:u, '', false, false, :t)"
                ),
                {"u": user, "t": _at(engine, T0)},
            )
        # 1: the mentee turned it on. 2: the mentor did. 3: on, with no history of who.
        # 4: never shared. 5: the mentee turned it on, then off, then a coordinator (not a
        # member) is recorded as turning it on.
        for pid, mentee, shared in [
            (1, "U0MENTEE1", True),
            (2, "U0MENTEE2", True),
            (3, "U0MENTEE3", True),
            (4, "U0MENTEE4", False),
            (5, "U0MENTEE4", True),
        ]:
            c.execute(
                text(
                    "INSERT INTO pairings (id, mentor_id, mentee_id, focus, status, origin, "
                    "started_at, reassess_every_weeks, unanswered_checkins, "
                    "share_with_coordinators, last_activity_at) VALUES (:id, 'U0MENTOR1', "
                    ":mentee, :focus, 'active', 'request', :t, 4, 0, :shared, :t)"
                ),
                {
                    "id": pid,
                    "mentee": mentee,
                    "focus": f"focus-{pid}",
                    "shared": shared,
                    "t": _at(engine, T0),
                },
            )
        history = [
            (1, "U0MENTOR1", "pairing.sharing_on", 1),
            (1, "U0MENTOR1", "pairing.sharing_off", 2),
            (1, "U0MENTEE1", "pairing.sharing_on", 3),
            (1, "U0MENTEE1", "goal.added", 4),
            (2, "U0MENTOR1", "pairing.sharing_on", 5),
            (5, "U0MENTEE4", "pairing.sharing_on", 1),
            (5, "U0MENTEE4", "pairing.sharing_off", 2),
            (5, "U0COORD01", "pairing.sharing_on", 3),
        ]
        for pid, actor, kind, day in history:
            c.execute(
                text(
                    "INSERT INTO activity (pairing_id, actor_id, kind, detail, at) "
                    "VALUES (:p, :a, :k, '{}', :at)"
                ),
                {"p": pid, "a": actor, "k": kind, "at": _at(engine, T0.replace(day=day + 2))},
            )
        if engine.dialect.name == "postgresql":
            c.execute(text("SELECT setval('pairings_id_seq', 5)"))


def _consents(engine: Engine) -> dict[int, tuple[Any, Any]]:
    with engine.connect() as c:
        rows = c.execute(
            text("SELECT id, mentor_shares_at, mentee_shares_at FROM pairings ORDER BY id")
        )
        return {int(pid): (mentor, mentee) for pid, mentor, mentee in rows}


def _utc(value: Any) -> datetime:
    """A stored moment as naive UTC, whichever database gave it back."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _day(value: Any) -> int | None:
    return None if value is None else _utc(value).day


def test_one_switch_becomes_a_proposal_by_whoever_turned_it_on(old_engine: Engine) -> None:
    _populate(old_engine)
    started = datetime.now(UTC).replace(tzinfo=None)
    schema.upgrade(old_engine)

    consents = _consents(old_engine)
    # Pairing 1: the latest switch was the mentee's (on the 5th): proposed by the mentee.
    assert (_day(consents[1][0]), _day(consents[1][1])) == (None, 5)
    # Pairing 2: the mentor's proposal, dated when they turned it on.
    assert (_day(consents[2][0]), _day(consents[2][1])) == (7, None)
    # Pairing 3 (no history) and 5 (history names someone outside the pair): put down to the
    # mentor, so the mentee is asked; dated when the history says, else at the migration.
    assert (_day(consents[5][0]), _day(consents[5][1])) == (5, None)
    mentor, mentee = consents[3]
    assert mentee is None
    assert _utc(mentor) >= started.replace(microsecond=0)
    # Pairing 4 was never shared.
    assert consents[4] == (None, None)
    # Nobody's text is shared: no pairing has both consents.
    assert all(mentor is None or mentee is None for mentor, mentee in consents.values())

    with old_engine.connect() as c:
        columns = {
            row[1] if old_engine.dialect.name == "sqlite" else row[0]
            for row in c.execute(
                text("PRAGMA table_info(pairings)")
                if old_engine.dialect.name == "sqlite"
                else text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'pairings' AND table_schema = current_schema()"
                )
            )
        }
    assert "share_with_coordinators" not in columns
    assert {"mentor_shares_at", "mentee_shares_at"} <= columns


def test_down_again_keeps_who_had_it_on(old_engine: Engine) -> None:
    _populate(old_engine)
    schema.upgrade(old_engine)
    with old_engine.begin() as c:
        # Pairing 2 was agreed by both members after the upgrade; on pairing 4 the mentee
        # proposed (as the app records it).
        c.execute(text("UPDATE pairings SET mentee_shares_at = mentor_shares_at WHERE id = 2"))
        c.execute(
            text("UPDATE pairings SET mentee_shares_at = :t WHERE id = 4"),
            {"t": _at(old_engine, T0.replace(day=20))},
        )
        c.execute(
            text(
                "INSERT INTO activity (pairing_id, actor_id, kind, detail, at) "
                "VALUES (4, 'U0MENTEE4', 'pairing.sharing_proposed', '{}', :at)"
            ),
            {"at": _at(old_engine, T0.replace(day=20))},
        )
    schema.downgrade(old_engine, BEFORE)
    with old_engine.connect() as c:
        shared = {
            int(pid): bool(on)
            for pid, on in c.execute(
                text("SELECT id, share_with_coordinators FROM pairings ORDER BY id")
            )
        }
    assert shared == {1: True, 2: True, 3: True, 4: True, 5: True}
    # And up once more, from what the downgrade left: the mentee's proposal is theirs again.
    schema.upgrade(old_engine)
    assert schema.is_up_to_date(old_engine)
    consents = _consents(old_engine)
    assert (_day(consents[4][0]), _day(consents[4][1])) == (None, 20)
    assert all(mentor is None or mentee is None for mentor, mentee in consents.values())
