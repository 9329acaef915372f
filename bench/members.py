"""Seeded people as the app makes them: everyone it has met is a member of the default
program (one row each), so the directory, rounds and asks find them there."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, insert

from bot.programs import Role, Source
from storage.models import ProgramMember
from storage.programs import default_program_id

CHUNK = 1_000


def add_default_members(connection: Connection, user_ids: Sequence[str], now: datetime) -> None:
    program_id = default_program_id(connection)
    for start in range(0, len(user_ids), CHUNK):
        connection.execute(
            insert(ProgramMember),
            [
                {
                    "program_id": program_id,
                    "user_id": user_id,
                    "role": Role.MEMBER,
                    "source": Source.DEFAULT,
                    "added_at": now,
                }
                for user_id in user_ids[start : start + CHUNK]
            ],
        )
