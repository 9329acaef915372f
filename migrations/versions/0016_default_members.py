"""Membership has one model: everyone the app has met is an explicit member of the default
program (before, someone placed in no program counted as in it, and dropped out of it on
joining another). Adds the rows; downgrading removes only the rows this made.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCE = "default"


def upgrade() -> None:
    bind = op.get_bind()
    program_id = bind.execute(
        sa.text("SELECT id FROM programs WHERE is_default = :yes"), {"yes": True}
    ).scalar()
    if program_id is None:
        return
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # as the app writes times on SQLite
    bind.execute(
        sa.text(
            "INSERT INTO program_members (program_id, user_id, role, source, added_at) "
            "SELECT :program, people.user_id, 'member', :source, :now FROM people "
            "WHERE people.erased_at IS NULL AND people.is_bot = :no "
            "AND NOT EXISTS (SELECT 1 FROM program_members AS m WHERE m.program_id = :program "
            "AND m.user_id = people.user_id AND m.role = 'member')"
        ),
        {"program": program_id, "source": SOURCE, "now": now, "no": False},
    )


def downgrade() -> None:
    op.get_bind().execute(
        sa.text("DELETE FROM program_members WHERE source = :source"), {"source": SOURCE}
    )
