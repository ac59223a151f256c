"""web self-service: the sign-in codes texted to subscribers and their sessions

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selfcare_codes",
        sa.Column("msisdn", sa.String(length=20), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wrong_tries", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selfcare_codes")),
    )
    op.create_index("ix_selfcare_codes_msisdn_sent", "selfcare_codes", ["msisdn", "sent_at"])
    op.create_index(op.f("ix_selfcare_codes_ip"), "selfcare_codes", ["ip"])
    op.create_table(
        "selfcare_sessions",
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("msisdn", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_selfcare_sessions_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selfcare_sessions")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_selfcare_sessions_token_digest")),
    )
    op.create_index(op.f("ix_selfcare_sessions_customer_id"), "selfcare_sessions", ["customer_id"])
    op.create_index(op.f("ix_selfcare_sessions_msisdn"), "selfcare_sessions", ["msisdn"])


def downgrade() -> None:
    op.drop_table("selfcare_sessions")
    op.drop_table("selfcare_codes")
