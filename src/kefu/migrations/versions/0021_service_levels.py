"""a center's own time limits (type × triage) and tier levels over the shipped ones

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _audit_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "wo_time_limits",
        sa.Column("order_type", sa.String(length=20), nullable=False),
        sa.Column("triage", sa.String(length=16), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        sa.Column("working_time", sa.Boolean(), nullable=False),
        sa.Column("warn_percent", sa.Integer(), nullable=False),
        sa.Column("outer_limit_days", sa.Integer(), nullable=True),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["staff.id"], name=op.f("fk_wo_time_limits_updated_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("order_type", "triage", name=op.f("pk_wo_time_limits")),
    )
    op.create_table(
        "wo_tier_levels",
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("limit_percent", sa.Integer(), nullable=False),
        sa.Column("return_visit_hours", sa.Integer(), nullable=False),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["staff.id"], name=op.f("fk_wo_tier_levels_updated_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("tier", name=op.f("pk_wo_tier_levels")),
    )


def downgrade() -> None:
    op.drop_table("wo_tier_levels")
    op.drop_table("wo_time_limits")
