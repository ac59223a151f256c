"""field engineers' days off (轮休, 请假): not offered for that day's visits

Revision ID: 0052
Revises: 0051
Create Date: 2026-12-07

Engineers already on the roster have none: they work every day, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0052"
down_revision = "0051"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_engineer_days_off",
        sa.Column("engineer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engineer_id"],
            ["field_engineers.id"],
            name=op.f("fk_field_engineer_days_off_engineer_id_field_engineers"),
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["staff.id"], name=op.f("fk_field_engineer_days_off_set_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_engineer_days_off")),
        sa.UniqueConstraint(
            "engineer_id", "day", name=op.f("uq_field_engineer_days_off_engineer_id_day")
        ),
    )


def downgrade() -> None:
    op.drop_table("field_engineer_days_off")
