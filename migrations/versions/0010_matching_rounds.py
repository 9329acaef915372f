"""Matching rounds: a program's rounds, their trainees and mentors, and the proposed pairs.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_rounds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("program_id", sa.Integer(), sa.ForeignKey("programs.id"), nullable=False),
        sa.Column("focus", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_match_rounds_program_id", "match_rounds", ["program_id"])
    op.create_index("ix_match_rounds_status", "match_rounds", ["status"])
    op.create_table(
        "match_participants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("match_rounds.id"), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("ranked", sa.JSON(), nullable=False),
        sa.Column("rather_not", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("round_id", "user_id", "role", name="uq_match_participant"),
    )
    op.create_index("ix_match_participants_round_id", "match_participants", ["round_id"])
    op.create_table(
        "match_pairs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("match_rounds.id"), nullable=False),
        sa.Column("trainee_id", sa.String(32), nullable=False),
        sa.Column("mentor_id", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("pairing_id", sa.Integer(), sa.ForeignKey("pairings.id"), nullable=True),
        sa.Column("decided_by", sa.String(32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("round_id", "trainee_id", name="uq_match_pair_trainee"),
    )
    op.create_index("ix_match_pairs_round_id", "match_pairs", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_match_pairs_round_id", table_name="match_pairs")
    op.drop_table("match_pairs")
    op.drop_index("ix_match_participants_round_id", table_name="match_participants")
    op.drop_table("match_participants")
    op.drop_index("ix_match_rounds_status", table_name="match_rounds")
    op.drop_index("ix_match_rounds_program_id", table_name="match_rounds")
    op.drop_table("match_rounds")
