"""refunds and credits of work orders (退费, 双倍返还, 赔付): asked, approved by another
within their limit, credited by the billing system

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wo_refunds",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("msisdn", sa.String(length=20), nullable=False),
        sa.Column("charge_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("bill_month", sa.String(length=7), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.Column("credited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("billing_ref", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_refunds_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["staff.id"], name=op.f("fk_wo_refunds_requested_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["staff.id"], name=op.f("fk_wo_refunds_decided_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_refunds")),
    )
    with op.batch_alter_table("wo_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_refunds_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wo_refunds_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wo_refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_refunds_status"))
        batch_op.drop_index(batch_op.f("ix_wo_refunds_order_id"))
    op.drop_table("wo_refunds")
