"""second handling (二次处理): a reopened order's own clock, and every breach kept

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wo_breaches",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("handling_round", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("breached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_breaches_order_id_work_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_breaches")),
        sa.UniqueConstraint(
            "order_id", "handling_round", name=op.f("uq_wo_breaches_order_id_handling_round")
        ),
    )
    with op.batch_alter_table("wo_breaches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_breaches_breached_at"), ["breached_at"])
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("handling_round", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column("round_started_at", sa.DateTime(timezone=True), nullable=True)
        )
    for statement in _ROUNDS_FROM_HISTORY:
        op.execute(statement)


def _reopenings(before: str | None = None) -> str:
    """The order's reopenings in its timeline (those before a moment of the order's)."""
    earlier = f" AND e.occurred_at < work_orders.{before}" if before else ""
    return "FROM wo_events e WHERE e.order_id = work_orders.id AND e.action = 'reopen'" + earlier


# Orders reopened before this revision: their round is told by the reopenings in their
# timeline, and so is the round each breach happened in (until now the order's one
# limit, from its creation). What belonged to an earlier round (its warning, its breach,
# its answer) no longer stands for the current one, as after a reopening from now on.
# Their limits stay as they were: only the code of the policy in force can count them.
_ROUNDS_FROM_HISTORY = (
    "UPDATE work_orders SET "
    f"handling_round = 1 + (SELECT count(*) {_reopenings()}), "
    f"round_started_at = (SELECT max(e.occurred_at) {_reopenings()}) "
    "WHERE id IN (SELECT order_id FROM wo_events WHERE action = 'reopen')",
    "INSERT INTO wo_breaches (order_id, handling_round, due_at, breached_at) "
    f"SELECT id, 1 + (SELECT count(*) {_reopenings('breached_at')}), "
    "COALESCE(resolve_due_at, breached_at), breached_at "
    "FROM work_orders WHERE breached_at IS NOT NULL",
    *(
        f"UPDATE work_orders SET {column} = NULL "
        f"WHERE round_started_at IS NOT NULL AND {column} < round_started_at"
        for column in ("warned_at", "breached_at", "replied_at")
    ),
)


def downgrade() -> None:
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_column("round_started_at")
        batch_op.drop_column("handling_round")
    with op.batch_alter_table("wo_breaches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_breaches_breached_at"))
    op.drop_table("wo_breaches")
