"""Profiles and the waiting list: finding a mentor one doesn't know yet.

Creates ``mentor_profiles`` and ``trainee_profiles`` (one row per person, whatever their
programs) and ``waiting_list`` (a trainee waiting for a mentor in one program and focus). No
existing row changes: nobody is in the directory until they opt in.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WAITING = sa.text("status = 'waiting'")


def upgrade() -> None:
    op.create_table(
        "mentor_profiles",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("focus_areas", sa.JSON(), nullable=False),
        sa.Column("specialty", sa.String(length=64), nullable=True),
        sa.Column("specialty_other", sa.String(length=80), nullable=True),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["people.user_id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "trainee_profiles",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=True),
        sa.Column("specialty", sa.String(length=64), nullable=True),
        sa.Column("specialty_other", sa.String(length=80), nullable=True),
        sa.Column("focus_areas", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["people.user_id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "waiting_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("focus", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notified_mentor_id", sa.String(length=32), nullable=True),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["people.user_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_waiting_list_program_id", "waiting_list", ["program_id"])
    op.create_index("ix_waiting_list_user_id", "waiting_list", ["user_id"])
    op.create_index(
        "ix_waiting_list_status_program", "waiting_list", ["status", "program_id", "focus"]
    )
    op.create_index(
        "uq_waiting_entry",
        "waiting_list",
        ["program_id", "user_id", "focus"],
        unique=True,
        sqlite_where=_WAITING,
        postgresql_where=_WAITING,
    )


def downgrade() -> None:
    op.drop_index("uq_waiting_entry", table_name="waiting_list")
    op.drop_index("ix_waiting_list_status_program", table_name="waiting_list")
    op.drop_index("ix_waiting_list_user_id", table_name="waiting_list")
    op.drop_index("ix_waiting_list_program_id", table_name="waiting_list")
    op.drop_table("waiting_list")
    op.drop_table("trainee_profiles")
    op.drop_table("mentor_profiles")
