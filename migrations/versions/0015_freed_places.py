"""Freed places: the recorded fact that a mentor has a place again, which the waiting list
hears of by the next tick whatever made the place free; and a mentor's standing list of the
people they assess or supervise, whom they are never paired with.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "freed_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.String(32), nullable=False),
        sa.Column("cause", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_freed_places_unoffered", "freed_places", ["offered_at", "id"])
    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("conflicts", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.drop_column("conflicts")
    op.drop_index("ix_freed_places_unoffered", table_name="freed_places")
    op.drop_table("freed_places")
