"""on-site visits of work orders (上门处理): the window promised, the address, the
engineer, and what came of it

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wo_appointments",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("engineer", sa.String(length=100), nullable=False),
        sa.Column("engineer_phone", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("texted", sa.Boolean(), nullable=False),
        sa.Column("booked_by_id", sa.Integer(), nullable=True),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("missed_by", sa.String(length=12), nullable=False),
        sa.Column("outcome_note", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_appointments_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["booked_by_id"], ["staff.id"], name=op.f("fk_wo_appointments_booked_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["staff.id"], name=op.f("fk_wo_appointments_closed_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_appointments")),
    )
    with op.batch_alter_table("wo_appointments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_appointments_order_id"), ["order_id"], unique=False)
        batch_op.create_index(
            "uq_wo_appointments_scheduled",
            ["order_id"],
            unique=True,
            sqlite_where=sa.text("status = 'scheduled'"),
            postgresql_where=sa.text("status = 'scheduled'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("wo_appointments", schema=None) as batch_op:
        batch_op.drop_index("uq_wo_appointments_scheduled")
        batch_op.drop_index(batch_op.f("ix_wo_appointments_order_id"))
    op.drop_table("wo_appointments")
