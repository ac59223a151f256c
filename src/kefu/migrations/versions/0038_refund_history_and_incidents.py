"""refunds: a number's refunds across its orders, newest first (shown beside a refund's
approval); the incident a compensation was asked for every caller of

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wo_refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_wo_refunds_incident_id_wo_incidents"),
            "wo_incidents",
            ["incident_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_wo_refunds_incident_id"), ["incident_id"])
        batch_op.create_index("ix_wo_refunds_msisdn_asked", ["msisdn", "requested_at"])


def downgrade() -> None:
    with op.batch_alter_table("wo_refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_wo_refunds_msisdn_asked")
        batch_op.drop_index(batch_op.f("ix_wo_refunds_incident_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_wo_refunds_incident_id_wo_incidents"), type_="foreignkey"
        )
        batch_op.drop_column("incident_id")
