"""a center's own repeat-complaint and emergency rules over the server's settings

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wo_intake_rules",
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("repeat_window_days", sa.Integer(), nullable=False),
        sa.Column("repeat_category_level", sa.Integer(), nullable=False),
        sa.Column("incident_threshold", sa.Integer(), nullable=False),
        sa.Column("incident_window_minutes", sa.Integer(), nullable=False),
        sa.Column("incident_category_level", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["staff.id"], name=op.f("fk_wo_intake_rules_updated_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_wo_intake_rules")),
    )


def downgrade() -> None:
    op.drop_table("wo_intake_rules")
