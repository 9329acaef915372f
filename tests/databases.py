"""Test databases: a migrated SQLite file per test, and a private schema on the real PostgreSQL
server emptied before each test."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.programs import DEFAULT_PROGRAM_NAME
from storage import schema
from storage.db import create_db_engine, normalise_url
from storage.models import Base, Program

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REQUIRE_POSTGRES_ENV = "MENTORBOT_REQUIRE_POSTGRES"


def postgres_base_url() -> str:
    return normalise_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL)


def postgres_required() -> bool:
    return os.environ.get(REQUIRE_POSTGRES_ENV, "") not in ("", "0", "false")


def postgres_unavailable_reason() -> str | None:
    """None when the PostgreSQL server answers, else why not (shown as the skip reason)."""
    url = postgres_base_url()
    engine = create_db_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return (
            f"no PostgreSQL at {make_url(url).render_as_string(hide_password=True)} "
            f"({first_line}); set TEST_DATABASE_URL to run these"
        )
    finally:
        engine.dispose()
    return None


def with_search_path(url: str, schema_name: str) -> str:
    parsed = make_url(url)
    query = dict(parsed.query)
    query["options"] = f"-csearch_path={schema_name}"
    return parsed.set(query=query).render_as_string(hide_password=False)


@contextmanager
def postgres_schema(prefix: str = "mbtest") -> Iterator[str]:
    """A fresh schema on the test server; yields a URL whose connections use it. Dropped after."""
    base = postgres_base_url()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_db_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield with_search_path(base, name)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


def migrate(url: str) -> None:
    engine = create_db_engine(url)
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()


def sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    migrate(f"sqlite:///{path}")
    return path


def sqlite_copy(template: Path, directory: Path) -> str:
    path = directory / "mentorbot.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def empty_all_tables(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        # As the migration left it: the default program, following the settings.
        connection.execute(
            insert(Program).values(
                name=DEFAULT_PROGRAM_NAME,
                name_key=DEFAULT_PROGRAM_NAME.lower(),
                is_default=True,
                open_to_join=False,
                created_at=datetime.now(UTC),
            )
        )
