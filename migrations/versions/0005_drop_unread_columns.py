"""Drop what was written and never read: the unused ``program_state`` table, and columns whose
facts either reached nobody or live in ``activity`` already (who added a goal or task, who ran a
reassessment and what it decided, who set the check-in rhythm).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> columns dropped, as 0001 created them (for the downgrade).
DROPPED: dict[str, list[sa.Column[object]]] = {
    "people": [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)],
    "mentor_requests": [
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_note", sa.Text(), nullable=True),
        sa.Column("redirected_from_id", sa.Integer(), nullable=True),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
    ],
    "pairings": [
        sa.Column("assignment_note", sa.Text(), nullable=True),
        sa.Column("cadence_set_by", sa.String(length=32), nullable=True),
        sa.Column("cadence_set_at", sa.DateTime(timezone=True), nullable=True),
    ],
    "goals": [
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ],
    "tasks": [
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ],
    "reassessments": [
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
    ],
}

# The foreign keys 0001 named by convention on PostgreSQL (SQLite's batch mode rebuilds the
# table without them).
_REQUEST_FOREIGN_KEYS = (
    ("mentor_requests_pairing_id_fkey", "pairing_id", "pairings", "id"),
    ("mentor_requests_redirected_from_id_fkey", "redirected_from_id", "mentor_requests", "id"),
)


def upgrade() -> None:
    for table, columns in DROPPED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_column(column.name)
    op.drop_table("program_state")


# What a column dropped while rows existed is filled with when it comes back: the facts the
# activity record kept, where it kept them.
_BACKFILL = (
    "UPDATE goals SET created_by = COALESCE((SELECT a.actor_id FROM activity a "
    "WHERE a.kind = 'goal.added' AND a.subject_id = goals.id ORDER BY a.at LIMIT 1), '')",
    "UPDATE goals SET updated_at = COALESCE(closed_at, created_at)",
    "UPDATE tasks SET created_by = COALESCE((SELECT a.actor_id FROM activity a "
    "WHERE a.kind = 'task.added' AND a.subject_id = tasks.id ORDER BY a.at LIMIT 1), '')",
    "UPDATE tasks SET created_at = COALESCE((SELECT a.at FROM activity a "
    "WHERE a.kind = 'task.added' AND a.subject_id = tasks.id ORDER BY a.at LIMIT 1), "
    "created_at)",
    "UPDATE reassessments SET actor_id = COALESCE((SELECT a.actor_id FROM activity a "
    "WHERE a.kind = 'pairing.reassessed' AND a.subject_id = reassessments.id "
    "ORDER BY a.at LIMIT 1), '')",
)

_DEFAULTS = {
    sa.String: sa.text("''"),
    sa.DateTime: sa.text("CURRENT_TIMESTAMP"),
    sa.JSON: sa.text("'{}'"),
}


def _default(column: sa.Column[object]) -> sa.TextClause | None:
    if column.nullable:
        return None
    return next(d for kind, d in _DEFAULTS.items() if isinstance(column.type, kind))


def downgrade() -> None:
    op.create_table(
        "program_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    for table, columns in DROPPED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(
                    sa.Column(
                        column.name,
                        column.type,
                        nullable=column.nullable,
                        server_default=_default(column),
                    )
                )
    for statement in _BACKFILL:
        op.execute(statement)
    for table, columns in DROPPED.items():
        required = [c for c in columns if not c.nullable]
        if required:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column in required:
                    batch_op.alter_column(column.name, server_default=None)
    with op.batch_alter_table("mentor_requests", schema=None) as batch_op:
        for name, column, target, key in _REQUEST_FOREIGN_KEYS:
            batch_op.create_foreign_key(name, target, [column], [key])
