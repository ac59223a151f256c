"""index only the work orders that have a team, an owner, an incident, or repeat

A new order has none of these yet, so its INSERT no longer touches four of the
fourteen B-trees of work_orders; the lookups (queues, an incident's orders, the repeat
list) ask for exactly the rows kept.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

_SET = {
    "ix_work_orders_team_id": "team_id",
    "ix_work_orders_assignee_id": "assignee_id",
    "ix_work_orders_incident_id": "incident_id",
}


def upgrade() -> None:
    for name, column in _SET.items():
        op.drop_index(name, table_name="work_orders")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "work_orders", [column], sqlite_where=where, postgresql_where=where)
    op.drop_index("ix_work_orders_is_repeat", table_name="work_orders")
    op.create_index(
        "ix_work_orders_is_repeat",
        "work_orders",
        ["is_repeat"],
        sqlite_where=sa.text("is_repeat = 1"),
        postgresql_where=sa.text("is_repeat"),
    )


def downgrade() -> None:
    for name, column in [*_SET.items(), ("ix_work_orders_is_repeat", "is_repeat")]:
        op.drop_index(name, table_name="work_orders")
        op.create_index(name, "work_orders", [column])
