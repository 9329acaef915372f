"""Requests being sent: one open request per mentee, mentor and focus covers both "sending"
(saved, DM not yet confirmed) and "pending".

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["mentee_id", "mentor_id", "focus"]
OPEN = "status IN ('sending', 'pending')"
PENDING = "status = 'pending'"


def _replace_index(old_where: str, new_where: str) -> None:
    op.drop_index(
        "uq_pending_request",
        table_name="mentor_requests",
        sqlite_where=sa.text(old_where),
        postgresql_where=sa.text(old_where),
    )
    op.create_index(
        "uq_pending_request",
        "mentor_requests",
        COLUMNS,
        unique=True,
        sqlite_where=sa.text(new_where),
        postgresql_where=sa.text(new_where),
    )


def upgrade() -> None:
    _replace_index(PENDING, OPEN)


def downgrade() -> None:
    # A request still being sent cannot be kept by the older schema: it was never received.
    op.execute(sa.text("DELETE FROM mentor_requests WHERE status = 'sending'"))
    _replace_index(OPEN, PENDING)
