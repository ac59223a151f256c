"""reply templates in the customer's language: each template says which

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every template so far was written in Chinese.
    with op.batch_alter_table("wo_reply_templates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="zh-CN")
        )
    with op.batch_alter_table("wo_reply_templates", schema=None) as batch_op:
        batch_op.alter_column("language", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("wo_reply_templates", schema=None) as batch_op:
        batch_op.drop_column("language")
