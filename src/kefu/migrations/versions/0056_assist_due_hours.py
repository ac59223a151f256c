"""the hours an ask of another team was given (协办时限), to count them again

Revision ID: 0056
Revises: 0055
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0056"
down_revision = "0055"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Null on the asks made before: their time stays as it was set when the calendar changes.
    op.add_column("wo_assists", sa.Column("due_hours", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wo_assists") as batch_op:
        batch_op.drop_column("due_hours")
