"""Due-time indexes that lead with what the scheduler's due queries filter on (status) and then
order by (the due time, then id), replacing single-column indexes that made an idle tick walk
every active pairing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, name, columns) of the indexes this revision adds.
_NEW = (
    ("pairings", "ix_pairings_due_checkin", ["status", "next_checkin_at", "id"]),
    ("pairings", "ix_pairings_due_reassess", ["status", "next_reassess_at", "id"]),
    ("pairings", "ix_pairings_due_pause_end", ["status", "paused_until", "id"]),
    ("mentor_requests", "ix_mentor_requests_due_reminder", ["status", "remind_at"]),
    ("mentor_requests", "ix_mentor_requests_due_expiry", ["status", "expires_at"]),
    ("scheduled_sends", "ix_scheduled_sends_due", ["status", "due_at", "id"]),
    ("scheduled_sends", "ix_scheduled_sends_claims", ["status", "claimed_at"]),
)
# The single-column indexes they replace (each new index also serves a filter on status alone).
_OLD = (
    ("pairings", "ix_pairings_next_checkin_at", ["next_checkin_at"]),
    ("pairings", "ix_pairings_next_reassess_at", ["next_reassess_at"]),
    ("pairings", "ix_pairings_paused_until", ["paused_until"]),
    ("pairings", "ix_pairings_status", ["status"]),
    ("mentor_requests", "ix_mentor_requests_remind_at", ["remind_at"]),
    ("mentor_requests", "ix_mentor_requests_expires_at", ["expires_at"]),
    ("scheduled_sends", "ix_scheduled_sends_status", ["status"]),
)
_PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    for table, name, columns in _NEW:
        op.create_index(name, table, columns, unique=False)
    for table, name, _columns in _OLD:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_scheduled_sends_pending_due", table_name="scheduled_sends")


def downgrade() -> None:
    op.create_index(
        "ix_scheduled_sends_pending_due",
        "scheduled_sends",
        ["due_at"],
        unique=False,
        sqlite_where=_PENDING,
        postgresql_where=_PENDING,
    )
    for table, name, columns in _OLD:
        op.create_index(name, table, columns, unique=False)
    for table, name, _columns in _NEW:
        op.drop_index(name, table_name=table)
