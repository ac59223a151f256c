"""notices reach the groups' key people (关键人), each on record

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_key_people",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["enterprise_contacts.id"],
            name=op.f("fk_notice_key_people_contact_id_enterprise_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_notice_key_people_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_key_people_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_key_people")),
        sa.UniqueConstraint(
            "notice_id", "contact_id", name=op.f("uq_notice_key_people_notice_id_contact_id")
        ),
    )
    op.create_index(op.f("ix_notice_key_people_contact_id"), "notice_key_people", ["contact_id"])


def downgrade() -> None:
    op.drop_table("notice_key_people")
