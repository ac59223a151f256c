"""teams keep an English name, as org units do, for the English console

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_en", sa.String(length=100), nullable=False, server_default="")
        )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.alter_column("name_en", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("name_en")
