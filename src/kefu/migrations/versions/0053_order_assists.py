"""another team's part asked on a work order (协办), answered or taken back

Revision ID: 0053
Revises: 0052
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0053"
down_revision = "0052"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wo_assists",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("question", sa.String(length=1000), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_assists_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_wo_assists_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["staff.id"], name=op.f("fk_wo_assists_asked_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["staff.id"], name=op.f("fk_wo_assists_ended_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_assists")),
    )
    op.create_index(op.f("ix_wo_assists_order_id"), "wo_assists", ["order_id"])
    op.create_index("ix_wo_assists_team_status_due", "wo_assists", ["team_id", "status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_wo_assists_team_status_due", table_name="wo_assists")
    op.drop_index(op.f("ix_wo_assists_order_id"), table_name="wo_assists")
    op.drop_table("wo_assists")
