"""emergencies: incidents and the orders they hold

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wo_incidents",
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("open_key", sa.String(length=80), nullable=True),
        sa.Column("first_order_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["wo_categories.id"],
            name=op.f("fk_wo_incidents_category_id_wo_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["staff.id"], name=op.f("fk_wo_incidents_confirmed_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_wo_incidents_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["staff.id"], name=op.f("fk_wo_incidents_resolved_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_incidents")),
        sa.UniqueConstraint("number", name=op.f("uq_wo_incidents_number")),
        sa.UniqueConstraint("open_key", name=op.f("uq_wo_incidents_open_key")),
    )
    with op.batch_alter_table("wo_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wo_incidents_org_unit_id"), ["org_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_wo_incidents_status"), ["status"], unique=False)
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_work_orders_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            "ix_work_orders_unit_created", ["org_unit_id", "created_at"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_work_orders_incident_id_wo_incidents"),
            "wo_incidents",
            ["incident_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_work_orders_incident_id_wo_incidents"), type_="foreignkey"
        )
        batch_op.drop_index("ix_work_orders_unit_created")
        batch_op.drop_index(batch_op.f("ix_work_orders_incident_id"))
        batch_op.drop_column("incident_id")
    op.drop_table("wo_incidents")
