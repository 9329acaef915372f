"""Retention of answers: weekly rating cells and whole blocks of exit answers folded into
counts once their people's individual answers pass the retention period, and a mark on
matching rounds whose preferences were cleared.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rating_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("focus", sa.String(64), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program_id", "week_start", "focus", name="uq_rating_week"),
    )
    op.create_table(
        "exit_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("focus", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("folded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_exit_blocks_program", "exit_blocks", ["program_id", "focus"])
    with op.batch_alter_table("match_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_people_left_at", "people", ["left_at"])
    op.create_index("ix_session_ratings_rated_at", "session_ratings", ["rated_at"])


def downgrade() -> None:
    op.drop_index("ix_session_ratings_rated_at", table_name="session_ratings")
    op.drop_index("ix_people_left_at", table_name="people")
    with op.batch_alter_table("match_rounds", schema=None) as batch_op:
        batch_op.drop_column("purged_at")
    op.drop_index("ix_exit_blocks_program", table_name="exit_blocks")
    op.drop_table("exit_blocks")
    op.drop_table("rating_weeks")
