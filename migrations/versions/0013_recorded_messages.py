"""Redraw only what the app recorded: what a digest post drew, an index to match a tapped
message's claimed place against what was sent there, and the modals the app opened for whom.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scheduled_sends", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drawn", sa.Text(), nullable=True))
    op.create_index("ix_scheduled_sends_message", "scheduled_sends", ["channel", "ts"])
    op.create_table(
        "opened_views",
        sa.Column("view_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("view_id"),
    )
    op.create_index("ix_opened_views_opened_at", "opened_views", ["opened_at"])


def downgrade() -> None:
    op.drop_index("ix_opened_views_opened_at", table_name="opened_views")
    op.drop_table("opened_views")
    op.drop_index("ix_scheduled_sends_message", table_name="scheduled_sends")
    with op.batch_alter_table("scheduled_sends", schema=None) as batch_op:
        batch_op.drop_column("drawn")
