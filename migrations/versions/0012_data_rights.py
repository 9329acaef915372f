"""A person's data and people who leave: the coordinators' audit log, the installation's state
(sending stopped when the app is removed), when a person left or was erased, and when a
mentorship's free text was purged by retention.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("subject", sa.String(64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_program_at", "audit_log", ["program_id", "at"])
    op.create_table(
        "installation_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sending_stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_because", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_mentor_requests_noted",
        "mentor_requests",
        ["created_at"],
        sqlite_where=sa.text("note <> ''"),
        postgresql_where=sa.text("note <> ''"),
    )
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_pairings_unpurged_ended", ["purged_at", "ended_at"])


def downgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_index("ix_pairings_unpurged_ended")
        batch_op.drop_column("purged_at")
    op.drop_index("ix_mentor_requests_noted", table_name="mentor_requests")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
        batch_op.drop_column("left_at")
    op.drop_table("installation_state")
    op.drop_index("ix_audit_log_program_at", table_name="audit_log")
    op.drop_table("audit_log")
