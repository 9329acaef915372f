"""Programs: several training programs in one workspace.

Creates ``programs`` and ``program_members``, and the default program. The default program's
settings columns stay empty, so it keeps following the installation's settings
(``COORDINATORS``, ``COORDINATOR_CHANNEL``, ``FOCUS_AREAS``, ...) exactly as before, until an
admin edits it. Every request and pairing moves into it, and everyone in one becomes a member
of it. The one-open-request and one-open-pairing rules now hold within a program.

Downgrading merges every program back into one: their rows stay, their settings are lost.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_NAME = "Main program"
_OPEN_PAIRING = sa.text("status IN ('active', 'paused')")
_OPEN_REQUEST = sa.text("status IN ('sending', 'pending')")

programs = sa.table(
    "programs",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("name_key", sa.String()),
    sa.column("is_default", sa.Boolean()),
    sa.column("open_to_join", sa.Boolean()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
members = sa.table(
    "program_members",
    sa.column("program_id", sa.Integer()),
    sa.column("user_id", sa.String()),
    sa.column("role", sa.String()),
    sa.column("source", sa.String()),
    sa.column("added_at", sa.DateTime(timezone=True)),
)


def _now(connection: sa.Connection) -> datetime:
    now = datetime.now(UTC)
    # SQLite keeps no zone: the app stores naive UTC there.
    return now.replace(tzinfo=None) if connection.dialect.name == "sqlite" else now


def upgrade() -> None:
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=80), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("digest_channel", sa.String(length=32), nullable=True),
        sa.Column("focus_areas", sa.JSON(), nullable=True),
        sa.Column("competencies", sa.JSON(), nullable=True),
        sa.Column("specialties", sa.JSON(), nullable=True),
        sa.Column("default_cadence", sa.String(length=32), nullable=True),
        sa.Column("reassess_every_weeks", sa.Integer(), nullable=True),
        sa.Column("request_reminder_days", sa.Integer(), nullable=True),
        sa.Column("request_expiry_days", sa.Integer(), nullable=True),
        sa.Column("digest_weekday", sa.Integer(), nullable=True),
        sa.Column("digest_time", sa.String(length=5), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("open_to_join", sa.Boolean(), nullable=False),
        sa.Column("member_usergroup", sa.String(length=32), nullable=True),
        sa.Column("member_channel", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_table(
        "program_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program_id", "user_id", "role", name="uq_program_member_role"),
    )
    op.create_index("ix_program_members_program_id", "program_members", ["program_id"])
    op.create_index("ix_program_members_user", "program_members", ["user_id"])

    connection = op.get_bind()
    now = _now(connection)
    connection.execute(
        programs.insert().values(
            name=DEFAULT_NAME,
            name_key=DEFAULT_NAME.lower(),
            is_default=True,
            open_to_join=False,
            created_at=now,
        )
    )
    default_id = connection.execute(
        sa.select(programs.c.id).where(programs.c.is_default == sa.true())
    ).scalar_one()

    op.drop_index("uq_open_pairing", table_name="pairings")
    op.drop_index("uq_pending_request", table_name="mentor_requests")
    for table in ("pairings", "mentor_requests"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("program_id", sa.Integer(), nullable=True))
        moved = sa.table(table, sa.column("program_id", sa.Integer()))
        op.execute(moved.update().values(program_id=default_id))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("program_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(
                f"fk_{table}_program_id", "programs", ["program_id"], ["id"]
            )
            batch_op.create_index(f"ix_{table}_program_id", ["program_id"], unique=False)

    op.create_index(
        "uq_open_pairing",
        "pairings",
        ["program_id", "mentor_id", "mentee_id", "focus"],
        unique=True,
        sqlite_where=_OPEN_PAIRING,
        postgresql_where=_OPEN_PAIRING,
    )
    op.create_index(
        "uq_pending_request",
        "mentor_requests",
        ["program_id", "mentee_id", "mentor_id", "focus"],
        unique=True,
        sqlite_where=_OPEN_REQUEST,
        postgresql_where=_OPEN_REQUEST,
    )

    user_ids: set[str] = set()
    for table in ("pairings", "mentor_requests"):
        rows = sa.table(
            table, sa.column("mentor_id", sa.String()), sa.column("mentee_id", sa.String())
        )
        for mentor_id, mentee_id in connection.execute(
            sa.select(rows.c.mentor_id, rows.c.mentee_id)
        ):
            user_ids.update((mentor_id, mentee_id))
    if user_ids:
        connection.execute(
            members.insert(),
            [
                {
                    "program_id": default_id,
                    "user_id": user_id,
                    "role": "member",
                    "source": "migration",
                    "added_at": now,
                }
                for user_id in sorted(user_ids)
            ],
        )


def downgrade() -> None:
    op.drop_index("uq_pending_request", table_name="mentor_requests")
    op.drop_index("uq_open_pairing", table_name="pairings")
    for table in ("mentor_requests", "pairings"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_program_id")
            batch_op.drop_constraint(f"fk_{table}_program_id", type_="foreignkey")
            batch_op.drop_column("program_id")
    op.create_index(
        "uq_pending_request",
        "mentor_requests",
        ["mentee_id", "mentor_id", "focus"],
        unique=True,
        sqlite_where=_OPEN_REQUEST,
        postgresql_where=_OPEN_REQUEST,
    )
    op.create_index(
        "uq_open_pairing",
        "pairings",
        ["mentor_id", "mentee_id", "focus"],
        unique=True,
        sqlite_where=_OPEN_PAIRING,
        postgresql_where=_OPEN_PAIRING,
    )
    op.drop_index("ix_program_members_user", table_name="program_members")
    op.drop_index("ix_program_members_program_id", table_name="program_members")
    op.drop_table("program_members")
    op.drop_table("programs")
