"""work orders passed on by the regulator, a consumer body, the press or the company's
leaders (越级投诉 / 领导交办): who passed it on, their reference and their deadline

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06

Every order already kept came from its customer: the column's default says so.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_orders") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(16), server_default="customer", nullable=False)
        )
        batch.add_column(sa.Column("origin_ref", sa.String(64), server_default="", nullable=False))
        batch.add_column(sa.Column("origin_due_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_column("origin_due_at")
        batch.drop_column("origin_ref")
        batch.drop_column("origin")
