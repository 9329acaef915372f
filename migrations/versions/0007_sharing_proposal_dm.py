"""Where a proposal to share with coordinators was DMed (channel and ts), so the DM can be
redrawn when the proposal is withdrawn or answered on Home rather than in the DM.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("share_proposal_channel", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("share_proposal_ts", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_column("share_proposal_ts")
        batch_op.drop_column("share_proposal_channel")
