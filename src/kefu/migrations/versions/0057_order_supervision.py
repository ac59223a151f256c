"""how often a supervisor pressed an order's holder for it (督办), and when last

Revision ID: 0057
Revises: 0056
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0057"
down_revision = "0056"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "work_orders",
        sa.Column("supervise_count", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column("work_orders", sa.Column("last_supervised_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    # plain DROP COLUMNs (SQLite 3.35+): a batch copy of the table broke the timeline's
    # foreign keys to it once orders had steps
    op.drop_column("work_orders", "last_supervised_at")
    op.drop_column("work_orders", "supervise_count")
