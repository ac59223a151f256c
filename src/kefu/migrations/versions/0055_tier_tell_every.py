"""how long a tier's customers may hear nothing of an open order (进度告知间隔)

Revision ID: 0055
Revises: 0054
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0055"
down_revision = "0054"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Null on the rows a center set before: their tiers keep the shipped interval.
    op.add_column("wo_tier_levels", sa.Column("tell_every_hours", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wo_tier_levels") as batch_op:
        batch_op.drop_column("tell_every_hours")
