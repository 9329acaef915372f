"""Required mentorship: a program's rule that every trainee has a mentor within a number of
days of joining, or by a date (a July intake), and when the tick next looks for the trainees
whose reminder has come (NULL without a rule; indexed, so an idle tick reads an empty range);
the program a coordinator last chose to see on their Home; and Slack's
workspace-wide message budget, booked by every process of the installation.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mentor_within_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("mentor_by", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("required_next_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_programs_required_next", ["required_next_at"])
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_program_id", sa.Integer(), nullable=True))
    op.create_table(
        "slack_budgets",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("due", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("slack_budgets")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("home_program_id")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_index("ix_programs_required_next")
        batch_op.drop_column("required_next_at")
        batch_op.drop_column("mentor_by")
        batch_op.drop_column("mentor_within_days")
