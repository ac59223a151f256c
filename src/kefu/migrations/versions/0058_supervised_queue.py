"""the answer a supervisor asked for by a time and still owed (督办时限), and an index of
the orders ever supervised, for the 督办 queue

Revision ID: 0058
Revises: 0057
Create Date: 2026-12-08
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0058"
down_revision = "0057"
branch_labels = None
depends_on = None

_BEING_HANDLED = (
    "new",
    "accepted",
    "dispatched",
    "in_progress",
    "returned",
    "waiting_customer",
)
_orders = sa.table(
    "work_orders",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("last_supervised_at", sa.DateTime(timezone=True)),
    sa.column("supervise_answer_by", sa.DateTime(timezone=True)),
)
_events = sa.table(
    "wo_events",
    sa.column("id", sa.Integer),
    sa.column("order_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("to_status", sa.String),
    sa.column("details", sa.Text),
)


def upgrade() -> None:
    op.add_column("work_orders", sa.Column("supervise_answer_by", sa.DateTime(timezone=True)))
    _owed_answers()
    where = sa.text("last_supervised_at IS NOT NULL")
    op.create_index(
        "ix_work_orders_supervised",
        "work_orders",
        ["last_supervised_at"],
        sqlite_where=where,
        postgresql_where=where,
    )


def _owed_answers() -> None:
    """Orders supervised before this revision, still being handled: the earliest time
    asked since their last answer (a reopened order's earlier supervisions were met)."""
    connection = op.get_bind()
    supervised = connection.scalars(
        sa.select(_orders.c.id).where(
            _orders.c.last_supervised_at.is_not(None), _orders.c.status.in_(_BEING_HANDLED)
        )
    ).all()
    for order_id in supervised:
        steps = connection.execute(
            sa.select(_events.c.kind, _events.c.to_status, _events.c.details)
            .where(_events.c.order_id == order_id)
            .order_by(_events.c.id)
        ).all()
        owed: list[datetime] = []
        for kind, to_status, details in steps:
            if to_status == "replied":
                owed = []
            elif kind == "supervise" and "answer_by" in (asked := json.loads(details or "{}")):
                owed.append(datetime.fromisoformat(asked["answer_by"]))
        if owed:
            earliest = min(owed).astimezone(UTC)  # as kefu stores it: SQLite keeps no offset
            if connection.dialect.name == "sqlite":
                earliest = earliest.replace(tzinfo=None)
            connection.execute(
                sa.update(_orders)
                .where(_orders.c.id == order_id)
                .values(supervise_answer_by=earliest)
            )


def downgrade() -> None:
    op.drop_index("ix_work_orders_supervised", table_name="work_orders")
    # a plain DROP COLUMN (SQLite 3.35+): a batch copy of the table breaks the timeline's
    # foreign keys to it
    op.drop_column("work_orders", "supervise_answer_by")
