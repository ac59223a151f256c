"""work order time limits

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 22:12:22.275290
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolve_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_work_orders_resolve_due_at"), ["resolve_due_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_orders_resolve_due_at"))
        batch_op.drop_column("resolve_due_at")
        batch_op.drop_column("response_due_at")
