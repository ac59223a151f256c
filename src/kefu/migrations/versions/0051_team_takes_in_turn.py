"""a team may take its orders in turn (按序取单): its handlers take the next of the queue
rather than pick one from the list

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-07

Teams already there keep letting their handlers pick, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0051"
down_revision = "0050"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.add_column(
            sa.Column("takes_in_turn", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("takes_in_turn")
