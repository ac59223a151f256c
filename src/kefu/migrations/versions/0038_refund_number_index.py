"""a number's refunds across its orders, newest first: shown beside a refund's approval

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wo_refunds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wo_refunds_msisdn_asked", ["msisdn", "requested_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("wo_refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_wo_refunds_msisdn_asked")
