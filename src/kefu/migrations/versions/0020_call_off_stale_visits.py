"""return visits left open on orders no longer awaiting one are called off

A complaint reopened (or closed with its incident) while its return visit was booked
kept the visit open; the lifecycle now calls it off, and this does the same for the
visits already left behind: ended at the order's last change, with no outcome.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

CALLED_OFF = "回访前工单已重开或关闭，回访取消"


def upgrade() -> None:
    op.execute(
        f"""
        UPDATE wo_return_visits
        SET done_at = (SELECT o.updated_at FROM work_orders o WHERE o.id = order_id),
            note = '{CALLED_OFF}'
        WHERE done_at IS NULL
          AND order_id IN (SELECT id FROM work_orders WHERE status <> 'return_visit')
        """
    )


def downgrade() -> None:
    """Nothing to undo: a visit that was called off stays called off."""
