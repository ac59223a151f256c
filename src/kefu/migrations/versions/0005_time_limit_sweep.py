"""time limit sweep marks, and the clock paused while waiting on the customer

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 22:58:27.942905
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("warned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("breached_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("paused_seconds", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_work_orders_warn_at"), ["warn_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_orders_warn_at"))
        batch_op.drop_column("paused_seconds")
        batch_op.drop_column("paused_at")
        batch_op.drop_column("breached_at")
        batch_op.drop_column("warned_at")
        batch_op.drop_column("warn_at")
