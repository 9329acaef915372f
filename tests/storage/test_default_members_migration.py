"""The migration that gives membership one model, on a populated database: everyone the app
has met becomes an explicit member of the default program, whether they were in no program
(counted in it implicitly) or in another one only (dropped from it before); erased people and
apps do not; downgrading removes only the rows it made. On SQLite and PostgreSQL."""

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

BEFORE = "0015"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
        schema.upgrade(engine, BEFORE)
        yield engine
        engine.dispose()
        return
    reason = databases.postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with databases.postgres_schema("mbmembers") as url:
        engine = create_db_engine(url)
        schema.upgrade(engine, BEFORE)
        yield engine
        engine.dispose()


def _at(engine: Engine, moment: datetime) -> Any:
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment


def _members(engine: Engine) -> set[tuple[str, str, str]]:
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT p.name, m.user_id, m.source FROM program_members m "
                "JOIN programs p ON p.id = m.program_id WHERE m.role = 'member'"
            )
        ).all()
    return {(str(name), str(user), str(source)) for name, user, source in rows}


def test_implicit_members_become_rows_and_back(old_engine: Engine) -> None:
    engine = old_engine
    with engine.begin() as c:
        default_id = c.execute(
            text("SELECT id FROM programs WHERE is_default = :y"), {"y": True}
        ).scalar()
        c.execute(
            text(
                "INSERT INTO programs (name, name_key, is_default, open_to_join, created_at) "
                "VALUES ('Surgery', 'surgery', :no, :no, :t)"
            ),
            {"no": False, "t": _at(engine, T0)},
        )
        surgery_id = c.execute(text("SELECT id FROM programs WHERE name = 'Surgery'")).scalar()
        people = {
            "U0NOWHERE1": (False, None),  # in no program: implicitly in the default
            "U0SURGERY1": (False, None),  # in Surgery only: dropped from the default before
            "U0BOTH0001": (False, None),  # already an explicit default member
            "U0APPBOT01": (True, None),  # an app
            "XERASED0001": (False, _at(engine, T0)),  # erased
        }
        for user, (is_bot, erased) in people.items():
            c.execute(
                text(
                    "INSERT INTO people (user_id, display_name, is_bot, is_deleted, erased_at) "
                    "VALUES (:u, '', :b, :no, :e)"
                ),
                {"u": user, "b": is_bot, "no": False, "e": erased},
            )
        for user, program, source in (
            ("U0SURGERY1", surgery_id, "added"),
            ("U0BOTH0001", default_id, "added"),
        ):
            c.execute(
                text(
                    "INSERT INTO program_members (program_id, user_id, role, source, added_at) "
                    "VALUES (:p, :u, 'member', :s, :t)"
                ),
                {"p": program, "u": user, "s": source, "t": _at(engine, T0)},
            )

    schema.upgrade(engine, "0016")
    assert _members(engine) == {
        ("Main program", "U0NOWHERE1", "default"),
        ("Main program", "U0SURGERY1", "default"),
        ("Main program", "U0BOTH0001", "added"),
        ("Surgery", "U0SURGERY1", "added"),
    }

    schema.downgrade(engine, BEFORE)
    assert _members(engine) == {
        ("Main program", "U0BOTH0001", "added"),
        ("Surgery", "U0SURGERY1", "added"),
    }
