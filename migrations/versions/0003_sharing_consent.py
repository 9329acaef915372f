"""Sharing with coordinators takes both members: each member's consent replaces one switch.

``pairings.share_with_coordinators`` said only that *somebody* turned sharing on. Each pairing
that had it on becomes a proposal by the member who turned it on, as the ``activity`` history
of the switch tells (the latest ``pairing.sharing_on``), so nothing is shown until the other
member agrees. When the history doesn't say who (or names someone outside the pair), the
proposal is put down to the mentor: then the mentee, whose goals these mostly are, is the one
asked, and nothing is shared unless they agree.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

pairings = sa.table(
    "pairings",
    sa.column("id", sa.Integer()),
    sa.column("mentee_id", sa.String()),
    sa.column("share_with_coordinators", sa.Boolean()),
    sa.column("mentor_shares_at", sa.DateTime(timezone=True)),
    sa.column("mentee_shares_at", sa.DateTime(timezone=True)),
)
activity = sa.table(
    "activity",
    sa.column("id", sa.Integer()),
    sa.column("pairing_id", sa.Integer()),
    sa.column("actor_id", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("at", sa.DateTime(timezone=True)),
)
# What the history calls turning sharing on and off: the old switch, and (for a database that
# was downgraded and is upgraded again) the consent moves recorded from this revision on.
TURNED_ON = ("pairing.sharing_on", "pairing.sharing_proposed", "pairing.sharing_shared")
TURNED_OFF = (
    "pairing.sharing_off",
    "pairing.sharing_withdrawn",
    "pairing.sharing_stopped",
    "pairing.sharing_declined",
)


def _now(connection: sa.Connection) -> datetime:
    now = datetime.now(UTC)
    # SQLite keeps no zone: the app stores naive UTC there.
    return now.replace(tzinfo=None) if connection.dialect.name == "sqlite" else now


def _who_turned_it_on(
    connection: sa.Connection, pairing_id: int, has_history: bool
) -> tuple[str | None, datetime | None]:
    if not has_history:
        return None, None
    latest = connection.execute(
        sa.select(activity.c.kind, activity.c.actor_id, activity.c.at)
        .where(activity.c.pairing_id == pairing_id, activity.c.kind.in_(TURNED_ON + TURNED_OFF))
        .order_by(activity.c.at.desc(), activity.c.id.desc())
        .limit(1)
    ).first()
    if latest is None or latest.kind not in TURNED_ON:
        return None, None
    return latest.actor_id, latest.at


def upgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mentor_shares_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("mentee_shares_at", sa.DateTime(timezone=True)))

    connection = op.get_bind()
    has_history = sa.inspect(connection).has_table("activity")
    shared = connection.execute(
        sa.select(pairings.c.id, pairings.c.mentee_id).where(
            pairings.c.share_with_coordinators == sa.true()
        )
    ).all()
    for pairing_id, mentee_id in shared:
        actor, at = _who_turned_it_on(connection, pairing_id, has_history)
        since = at or _now(connection)
        column = "mentee_shares_at" if actor == mentee_id else "mentor_shares_at"
        connection.execute(
            pairings.update().where(pairings.c.id == pairing_id).values({column: since})
        )

    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_column("share_with_coordinators")


def downgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "share_with_coordinators",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    # The old switch meant "someone turned sharing on": any consent, agreed or only proposed.
    op.execute(
        pairings.update()
        .where(
            sa.or_(
                pairings.c.mentor_shares_at.is_not(None),
                pairings.c.mentee_shares_at.is_not(None),
            )
        )
        .values(share_with_coordinators=True)
    )
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.alter_column("share_with_coordinators", server_default=None)
        batch_op.drop_column("mentee_shares_at")
        batch_op.drop_column("mentor_shares_at")
