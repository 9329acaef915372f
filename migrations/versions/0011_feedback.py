"""Feedback: session ratings, exit surveys and program pulses, and the per-program switch for
the post-meeting rating (``programs.meeting_feedback``; NULL means on).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_feedback", sa.Boolean(), nullable=True))

    op.create_table(
        "session_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("rater_id", sa.String(length=32), nullable=False),
        sa.Column("mentor_id", sa.String(length=32), nullable=False),
        sa.Column("focus", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("rated_at", _STAMP, nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"]),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairings.id"]),
        sa.ForeignKeyConstraint(["checkin_id"], ["checkins.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("checkin_id", "rater_id", name="uq_session_rating"),
    )
    op.create_index("ix_session_ratings_pairing_id", "session_ratings", ["pairing_id"])
    op.create_index("ix_session_ratings_program_at", "session_ratings", ["program_id", "rated_at"])
    op.create_index("ix_session_ratings_mentor", "session_ratings", ["mentor_id", "rated_at"])

    op.create_table(
        "exit_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("mentor_id", sa.String(length=32), nullable=False),
        sa.Column("focus", sa.String(length=64), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("answered_at", _STAMP, nullable=True),
        sa.Column("goals_met", sa.String(length=32), nullable=True),
        sa.Column("recommend", sa.Integer(), nullable=True),
        sa.Column("helped", sa.Text(), nullable=True),
        sa.Column("change", sa.Text(), nullable=True),
        sa.Column("share_text", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"]),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pairing_id", "user_id", name="uq_exit_survey"),
    )
    op.create_index(
        "ix_exit_surveys_program_answered", "exit_surveys", ["program_id", "answered_at"]
    )
    op.create_index("ix_exit_surveys_mentor", "exit_surveys", ["mentor_id", "answered_at"])

    op.create_table(
        "pulses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("remind_at", _STAMP, nullable=False),
        sa.Column("closes_at", _STAMP, nullable=False),
        sa.Column("closed_at", _STAMP, nullable=True),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pulses_program_id", "pulses", ["program_id"])
    op.create_index("ix_pulses_open", "pulses", ["closed_at", "closes_at"])

    op.create_table(
        "pulse_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pulse_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("answered_at", _STAMP, nullable=True),
        sa.ForeignKeyConstraint(["pulse_id"], ["pulses.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pulse_id", "user_id", name="uq_pulse_answer"),
    )


def downgrade() -> None:
    op.drop_table("pulse_answers")
    op.drop_index("ix_pulses_open", table_name="pulses")
    op.drop_index("ix_pulses_program_id", table_name="pulses")
    op.drop_table("pulses")
    op.drop_index("ix_exit_surveys_mentor", table_name="exit_surveys")
    op.drop_index("ix_exit_surveys_program_answered", table_name="exit_surveys")
    op.drop_table("exit_surveys")
    op.drop_index("ix_session_ratings_mentor", table_name="session_ratings")
    op.drop_index("ix_session_ratings_program_at", table_name="session_ratings")
    op.drop_index("ix_session_ratings_pairing_id", table_name="session_ratings")
    op.drop_table("session_ratings")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_column("meeting_feedback")
