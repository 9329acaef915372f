"""A PostgreSQL connection the server dropped while it sat idle in the pool is replaced when it
is next taken out, instead of failing the request or tick that took it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.db import create_db_engine
from tests import databases


@pytest.mark.postgres
def test_a_connection_dropped_while_idle_is_replaced_at_checkout(postgres_url: str) -> None:
    engine = create_db_engine(postgres_url, ping_after_idle_seconds=0)
    admin = create_db_engine(databases.postgres_base_url())
    try:
        with engine.connect() as connection:
            first = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        with engine.connect() as connection:
            second = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()
        admin.dispose()
