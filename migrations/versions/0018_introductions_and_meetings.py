"""Introductions: a mentor introducing their mentee to a colleague in a group DM (once per
mentorship and colleague, with the colleague's answer and the message to redraw), a mentee's
asks for one, and the times a member offers for the pair's next meeting (one offer waiting
at a time) with the one picked.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "introduction_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("submission", sa.String(64), nullable=False),
        sa.Column("looking_for", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mentor_channel", sa.String(32), nullable=True),
        sa.Column("mentor_ts", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pairing_id", "submission", name="uq_introduction_ask_submission"),
    )
    op.create_index("ix_introduction_asks_pairing_id", "introduction_asks", ["pairing_id"])
    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("colleague_id", sa.String(32), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairings.id"]),
        sa.ForeignKeyConstraint(["ask_id"], ["introduction_asks.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pairing_id", "colleague_id", name="uq_introduction"),
    )
    op.create_index("ix_introductions_pairing_id", "introductions", ["pairing_id"])
    op.create_index("ix_introductions_colleague_id", "introductions", ["colleague_id"])
    op.create_index("ix_introductions_made_at", "introductions", ["made_at"])
    op.create_table(
        "meeting_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.String(32), nullable=False),
        sa.Column("picker_id", sa.String(32), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairings.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    offered = sa.text("status = 'offered'")
    op.create_index(
        "uq_meeting_plan_offered",
        "meeting_plans",
        ["pairing_id"],
        unique=True,
        sqlite_where=offered,
        postgresql_where=offered,
    )
    op.create_index(
        "ix_meeting_plans_agreed", "meeting_plans", ["pairing_id", "status", "starts_at"]
    )


def downgrade() -> None:
    op.drop_table("meeting_plans")
    op.drop_table("introductions")
    op.drop_table("introduction_asks")
