"""The Alembic migrations: up, down and up again on both databases, and in step with the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from storage import schema
from storage.db import create_db_engine
from storage.models import Base
from tests import databases


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database with nothing in it yet."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'blank.db'}")
        yield engine
        engine.dispose()
        return
    reason = databases.postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with databases.postgres_schema("mbmigrate") as url:
        engine = create_db_engine(url)
        yield engine
        engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(blank_engine: Engine) -> None:
    expected = set(Base.metadata.tables)

    schema.upgrade(blank_engine)
    assert _tables(blank_engine) == expected
    assert schema.is_up_to_date(blank_engine)

    schema.downgrade(blank_engine, "base")
    assert _tables(blank_engine) == set()
    assert schema.current_revision(blank_engine) is None

    schema.upgrade(blank_engine)
    assert _tables(blank_engine) == expected
    assert schema.current_revision(blank_engine) == schema.head_revision()


def test_migrations_match_the_models(blank_engine: Engine) -> None:
    schema.upgrade(blank_engine)
    with blank_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_ship_inside_the_package() -> None:
    config = schema.alembic_config("sqlite://")
    location = Path(config.get_main_option("script_location") or "")
    assert (location / "env.py").is_file()
    assert any((location / "versions").glob("*.py"))


def test_dropping_unread_columns_keeps_the_data_and_comes_back_from_activity(
    blank_engine: Engine,
) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import text

    schema.upgrade(blank_engine, "0002")
    at = datetime(2026, 12, 1, 9, tzinfo=UTC).replace(tzinfo=None)
    with blank_engine.begin() as db:
        for user in ("U0MENTOR1", "U0MENTEE1"):
            db.execute(
                text(
                    "INSERT INTO people (user_id, display_name, is_bot, is_deleted, created_at) "
                    "VALUES (:u, '', false, false, :at)"
                ),
                {"u": user, "at": at},
            )
        db.execute(
            text(
                "INSERT INTO pairings (id, mentor_id, mentee_id, focus, status, origin, "
                "started_at, reassess_every_weeks, unanswered_checkins, "
                "share_with_coordinators, last_activity_at, assignment_note, cadence_set_by) "
                "VALUES (1, 'U0MENTOR1', 'U0MENTEE1', 'research', 'active', 'assignment', "
                ":at, 4, 0, false, :at, 'why', 'U0MENTEE1')"
            ),
            {"at": at},
        )
        db.execute(
            text(
                "INSERT INTO mentor_requests (id, mentee_id, mentor_id, focus, note, status, "
                "created_at, expires_at, pairing_id, response_note) VALUES (1, 'U0MENTEE1', "
                "'U0MENTOR1', 'research', 'hello', 'accepted', :at, :at, 1, 'yes')"
            ),
            {"at": at},
        )
        db.execute(
            text(
                "INSERT INTO goals (id, pairing_id, text, status, created_by, created_at, "
                "updated_at) VALUES (1, 1, 'Present', 'open', 'U0MENTEE1', :at, :at)"
            ),
            {"at": at},
        )
        db.execute(
            text(
                "INSERT INTO activity (pairing_id, actor_id, kind, subject_id, detail, at) "
                "VALUES (1, 'U0MENTEE1', 'goal.added', 1, '{}', :at)"
            ),
            {"at": at},
        )
    schema.upgrade(blank_engine)
    columns = {c["name"] for c in inspect(blank_engine).get_columns("goals")}
    assert "created_by" not in columns
    with blank_engine.connect() as db:
        assert db.execute(text("SELECT text FROM goals")).scalar_one() == "Present"
        assert db.execute(text("SELECT note FROM mentor_requests")).scalar_one() == "hello"
    schema.downgrade(blank_engine, "0002")
    with blank_engine.connect() as db:
        assert db.execute(text("SELECT created_by FROM goals")).scalar_one() == "U0MENTEE1"
        assert "program_state" in inspect(blank_engine).get_table_names()
    schema.upgrade(blank_engine)
    assert schema.is_up_to_date(blank_engine)


def test_the_shipped_head_is_alembics_head() -> None:
    """A start checks its schema against the head read from the scripts' own lines (without
    loading Alembic); it must be the head Alembic itself finds."""
    assert schema.shipped_head() == schema.head_revision()
    assert schema.shipped_head() is not None
