"""work orders keep the files their customers send (attachments), e-mailed ones too

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wo_attachments",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=160), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_attachments_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["staff.id"], name=op.f("fk_wo_attachments_uploaded_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"], ["staff.id"], name=op.f("fk_wo_attachments_withdrawn_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_attachments")),
    )
    with op.batch_alter_table("wo_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_attachments_order_id"), ["order_id"], unique=False)

    op.create_table(
        "wo_attachment_contents",
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["wo_attachments.id"],
            name=op.f("fk_wo_attachment_contents_attachment_id_wo_attachments"),
        ),
        sa.PrimaryKeyConstraint("attachment_id", name=op.f("pk_wo_attachment_contents")),
    )

    op.create_table(
        "contact_message_files",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=160), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["contact_interactions.id"],
            name=op.f("fk_contact_message_files_interaction_id_contact_interactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_message_files")),
    )
    with op.batch_alter_table("contact_message_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_message_files_interaction_id"), ["interaction_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_message_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_message_files_interaction_id"))
    op.drop_table("contact_message_files")
    op.drop_table("wo_attachment_contents")
    with op.batch_alter_table("wo_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_attachments_order_id"))
    op.drop_table("wo_attachments")
