"""message intake rules, replies threaded to their message

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_intake_rules",
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("keyword", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("lookup", sa.String(length=16), nullable=False),
        sa.Column("order_type", sa.String(length=16), nullable=False),
        sa.Column("category_code", sa.String(length=64), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("reply_en", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_intake_rules")),
    )
    with op.batch_alter_table("contact_interactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("in_reply_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("intake_rule_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_contact_interactions_in_reply_to_id"), ["in_reply_to_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contact_interactions_in_reply_to_id_contact_interactions"),
            "contact_interactions",
            ["in_reply_to_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contact_interactions_intake_rule_id_contact_intake_rules"),
            "contact_intake_rules",
            ["intake_rule_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_interactions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contact_interactions_intake_rule_id_contact_intake_rules"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_contact_interactions_in_reply_to_id_contact_interactions"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_contact_interactions_in_reply_to_id"))
        batch_op.drop_column("intake_rule_id")
        batch_op.drop_column("in_reply_to_id")
    op.drop_table("contact_intake_rules")
