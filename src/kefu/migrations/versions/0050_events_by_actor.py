"""the steps each staff member took lately, found by an index (who started which orders)

Revision ID: 0050
Revises: 0049
Create Date: 2026-12-07

A team's page counts, for each handler, the orders they started in the last days and how
many they took as the next of the queue (取下一单): read by actor and time.
"""

from __future__ import annotations

from alembic import op

revision = "0050"
down_revision = "0049"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_wo_events_actor_occurred", "wo_events", ["actor_id", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_wo_events_actor_occurred", table_name="wo_events")
