"""a passport's issuing country, as real-name registration records it

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Passports registered under 0029 and 0030 carry none until their record is edited.
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_country", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("id_country")
