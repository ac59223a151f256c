"""each field engineer's working hours (上班时间), for the offer and self-service moves

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-07

Engineers already on the roster get none: they may be booked at any time, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0049"
down_revision = "0048"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("field_engineers") as batch:
        batch.add_column(sa.Column("work_start", sa.Time(), nullable=True))
        batch.add_column(sa.Column("work_end", sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("field_engineers") as batch:
        batch.drop_column("work_end")
        batch.drop_column("work_start")
