"""repeat control's index leads with the number and the order type

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_work_orders_phone_type_created",
        "work_orders",
        ["contact_phone", "type", "created_at"],
        unique=False,
    )
    op.drop_index("ix_work_orders_phone_created", table_name="work_orders")


def downgrade() -> None:
    op.create_index(
        "ix_work_orders_phone_created", "work_orders", ["contact_phone", "created_at"], unique=False
    )
    op.drop_index("ix_work_orders_phone_type_created", table_name="work_orders")
