"""payments (recharges and bills paid), trained analysis models, churn warning lists

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_models",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trained_by_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("artifact", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["trained_by_id"], ["staff.id"], name=op.f("fk_analysis_models_trained_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_models")),
    )
    with op.batch_alter_table("analysis_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_analysis_models_kind"), ["kind"], unique=False)
        batch_op.create_index(
            "uq_analysis_models_active_kind",
            ["kind"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.create_table(
        "churn_warnings",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("account_manager_id", sa.Integer(), nullable=True),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_manager_id"],
            ["staff.id"],
            name=op.f("fk_churn_warnings_account_manager_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_churn_warnings_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["analysis_models.id"],
            name=op.f("fk_churn_warnings_model_id_analysis_models"),
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_churn_warnings_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_churn_warnings_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_churn_warnings")),
        sa.UniqueConstraint("week", "subscription_id", name="uq_churn_warnings_week_subscription"),
    )
    with op.batch_alter_table("churn_warnings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_churn_warnings_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_churn_warnings_week_manager", ["week", "account_manager_id"], unique=False
        )

    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("balance_after_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_payments_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_paid_at"), ["paid_at"], unique=False)
        batch_op.create_index(
            "ix_payments_subscription_paid", ["subscription_id", "paid_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_subscription_paid")
        batch_op.drop_index(batch_op.f("ix_payments_paid_at"))

    op.drop_table("payments")
    with op.batch_alter_table("churn_warnings", schema=None) as batch_op:
        batch_op.drop_index("ix_churn_warnings_week_manager")
        batch_op.drop_index(batch_op.f("ix_churn_warnings_customer_id"))

    op.drop_table("churn_warnings")
    with op.batch_alter_table("analysis_models", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_analysis_models_active_kind",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )
        batch_op.drop_index(batch_op.f("ix_analysis_models_kind"))

    op.drop_table("analysis_models")
