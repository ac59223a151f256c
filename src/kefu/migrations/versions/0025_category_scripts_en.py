"""a category's call script in English too, for agents working in English

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wo_categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("script_en", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("wo_categories", schema=None) as batch_op:
        batch_op.alter_column("script_en", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("wo_categories", schema=None) as batch_op:
        batch_op.drop_column("script_en")
