"""the roster of field engineers (装维工程师), and visits booked from it

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-07

Visits already booked named their engineer by hand: they keep their name and phone, with
no roster entry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_engineers",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_field_engineers_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_engineers")),
    )
    op.create_index(op.f("ix_field_engineers_org_unit_id"), "field_engineers", ["org_unit_id"])
    with op.batch_alter_table("wo_appointments") as batch:
        batch.add_column(sa.Column("engineer_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_wo_appointments_engineer_id_field_engineers"),
            "field_engineers",
            ["engineer_id"],
            ["id"],
        )
        batch.create_index("ix_wo_appointments_engineer", ["engineer_id", "starts_at"])


def downgrade() -> None:
    with op.batch_alter_table("wo_appointments") as batch:
        batch.drop_index("ix_wo_appointments_engineer")
        batch.drop_constraint(
            op.f("fk_wo_appointments_engineer_id_field_engineers"), type_="foreignkey"
        )
        batch.drop_column("engineer_id")
    op.drop_index(op.f("ix_field_engineers_org_unit_id"), table_name="field_engineers")
    op.drop_table("field_engineers")
