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
