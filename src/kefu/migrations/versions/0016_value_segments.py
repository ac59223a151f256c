"""value segments: each number's RFM figures and K-Means segment per run

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "value_segments",
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=32), nullable=False),
        sa.Column("recency_days", sa.Float(), nullable=False),
        sa.Column("frequency", sa.Integer(), nullable=False),
        sa.Column("monetary_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_value_segments_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["analysis_models.id"],
            name=op.f("fk_value_segments_model_id_analysis_models"),
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_value_segments_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_value_segments_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("model_id", "subscription_id", name=op.f("pk_value_segments")),
    )
    with op.batch_alter_table("value_segments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_value_segments_model_segment", ["model_id", "segment"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("value_segments", schema=None) as batch_op:
        batch_op.drop_index("ix_value_segments_model_segment")

    op.drop_table("value_segments")
