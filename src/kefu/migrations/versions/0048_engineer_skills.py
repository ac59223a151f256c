"""what each field engineer does (宽带 / 无线覆盖), for the booking form's offer

Revision ID: 0048
Revises: 0047
Create Date: 2026-12-07

Engineers already on the roster get none listed: they do every kind, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0048"
down_revision = "0047"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("field_engineers") as batch:
        batch.add_column(sa.Column("skills", sa.String(64), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("field_engineers") as batch:
        batch.drop_column("skills")
