"""early-warning alerts: figures past their thresholds and complaint spikes

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_alerts",
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["staff.id"],
            name=op.f("fk_analysis_alerts_acknowledged_by_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_alerts")),
        sa.UniqueConstraint("rule", "subject", "day", name="uq_analysis_alerts_rule_subject_day"),
    )
    with op.batch_alter_table("analysis_alerts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_analysis_alerts_open", ["acknowledged_at", "raised_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("analysis_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_analysis_alerts_open")

    op.drop_table("analysis_alerts")
