"""A failed statement's error, which the edge logs, names the SQL and never the values bound to
it: a person's notes and names stay out of the logs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from storage.models import Person

SECRET = "private note: burnout after nights <!here>"


def test_a_failed_statement_does_not_carry_its_parameters(engine: Engine) -> None:
    row = {
        "user_id": "U0SECRET1",
        "display_name": SECRET,
        "is_bot": False,
        "is_deleted": False,
        "profile_fetched_at": datetime(2027, 1, 4, tzinfo=UTC),
    }
    with engine.begin() as connection:
        connection.execute(insert(Person), [row])
    with pytest.raises(IntegrityError) as failure, engine.begin() as connection:
        connection.execute(insert(Person), [row])
    assert SECRET not in str(failure.value)
    assert "INSERT INTO people" in str(failure.value)
