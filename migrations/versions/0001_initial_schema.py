"""Initial schema: people, requests, pairings, goals, tasks, check-ins, outbox and history.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "people",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("profile_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_events_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "program_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.String(length=32), nullable=False),
        sa.Column("mentee_id", sa.String(length=32), nullable=False),
        sa.Column("focus", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("assigned_by", sa.String(length=32), nullable=True),
        sa.Column("assignment_note", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=32), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("end_reason_visibility", sa.String(length=32), nullable=True),
        sa.Column("cadence", sa.String(length=32), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("local_time", sa.String(length=5), nullable=True),
        sa.Column("monthly_nth", sa.Integer(), nullable=True),
        sa.Column("monthly_day", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("meeting_format", sa.String(length=32), nullable=True),
        sa.Column("cadence_anchor", sa.Date(), nullable=True),
        sa.Column("cadence_set_by", sa.String(length=32), nullable=True),
        sa.Column("cadence_set_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_checkin_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reassess_every_weeks", sa.Integer(), nullable=False),
        sa.Column("next_reassess_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unanswered_checkins", sa.Integer(), nullable=False),
        sa.Column("share_with_coordinators", sa.Boolean(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["people.user_id"],
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["people.user_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairings_mentee_id"), ["mentee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pairings_mentor_id"), ["mentor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pairings_next_checkin_at"), ["next_checkin_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pairings_next_reassess_at"), ["next_reassess_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pairings_paused_until"), ["paused_until"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pairings_status"), ["status"], unique=False)
        batch_op.create_index(
            "uq_open_pairing",
            ["mentor_id", "mentee_id", "focus"],
            unique=True,
            sqlite_where=sa.text("status IN ('active', 'paused')"),
            postgresql_where=sa.text("status IN ('active', 'paused')"),
        )

    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_kind"), ["kind"], unique=False)
        batch_op.create_index("ix_activity_pairing_at", ["pairing_id", "at"], unique=False)

    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("slot_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=32), nullable=True),
        sa.Column("answered_by", sa.String(length=32), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pairing_id", "slot_at", name="uq_checkin_slot"),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkins_pairing_id"), ["pairing_id"], unique=False)

    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("competency", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goals_pairing_id"), ["pairing_id"], unique=False)

    op.create_table(
        "mentor_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.String(length=32), nullable=False),
        sa.Column("mentor_id", sa.String(length=32), nullable=False),
        sa.Column("focus", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_note", sa.Text(), nullable=True),
        sa.Column("suggested_id", sa.String(length=32), nullable=True),
        sa.Column("redirected_from_id", sa.Integer(), nullable=True),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mentor_channel", sa.String(length=32), nullable=True),
        sa.Column("mentor_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["people.user_id"],
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["people.user_id"],
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["redirected_from_id"],
            ["mentor_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mentor_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentor_requests_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentor_requests_mentee_id"), ["mentee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentor_requests_mentor_id"), ["mentor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentor_requests_remind_at"), ["remind_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mentor_requests_status"), ["status"], unique=False)
        batch_op.create_index(
            "uq_pending_request",
            ["mentee_id", "mentor_id", "focus"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    op.create_table(
        "reassessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("goals_achieved", sa.Integer(), nullable=False),
        sa.Column("goals_dropped", sa.Integer(), nullable=False),
        sa.Column("goals_added", sa.Integer(), nullable=False),
        sa.Column("tasks_done", sa.Integer(), nullable=False),
        sa.Column("tasks_dropped", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reassessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reassessments_pairing_id"), ["pairing_id"], unique=False
        )

    op.create_table(
        "scheduled_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=32), nullable=True),
        sa.Column("slot_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["mentor_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    with op.batch_alter_table("scheduled_sends", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheduled_sends_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_scheduled_sends_pairing_id"), ["pairing_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_scheduled_sends_status"), ["status"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("assignee_id", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=32), nullable=True),
        sa.Column("dm_channel", sa.String(length=32), nullable=True),
        sa.Column("dm_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goals.id"],
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_pairing_id"), ["pairing_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_pairing_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_due_date"))

    op.drop_table("tasks")
    with op.batch_alter_table("scheduled_sends", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_sends_status"))
        batch_op.drop_index(batch_op.f("ix_scheduled_sends_pairing_id"))
        batch_op.drop_index(batch_op.f("ix_scheduled_sends_kind"))

    op.drop_table("scheduled_sends")
    with op.batch_alter_table("reassessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reassessments_pairing_id"))

    op.drop_table("reassessments")
    with op.batch_alter_table("mentor_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_pending_request",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(batch_op.f("ix_mentor_requests_status"))
        batch_op.drop_index(batch_op.f("ix_mentor_requests_remind_at"))
        batch_op.drop_index(batch_op.f("ix_mentor_requests_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_mentor_requests_mentee_id"))
        batch_op.drop_index(batch_op.f("ix_mentor_requests_expires_at"))

    op.drop_table("mentor_requests")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goals_pairing_id"))

    op.drop_table("goals")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkins_pairing_id"))

    op.drop_table("checkins")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_pairing_at")
        batch_op.drop_index(batch_op.f("ix_activity_kind"))
        batch_op.drop_index(batch_op.f("ix_activity_at"))

    op.drop_table("activity")
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_open_pairing",
            sqlite_where=sa.text("status IN ('active', 'paused')"),
            postgresql_where=sa.text("status IN ('active', 'paused')"),
        )
        batch_op.drop_index(batch_op.f("ix_pairings_status"))
        batch_op.drop_index(batch_op.f("ix_pairings_paused_until"))
        batch_op.drop_index(batch_op.f("ix_pairings_next_reassess_at"))
        batch_op.drop_index(batch_op.f("ix_pairings_next_checkin_at"))
        batch_op.drop_index(batch_op.f("ix_pairings_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_pairings_mentee_id"))

    op.drop_table("pairings")
    op.drop_table("program_state")
    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_events_received_at"))

    op.drop_table("processed_events")
    op.drop_table("people")
