"""whether a category's service requests open or change a service (and so need the
customer's confirmation); the shipped invoice category's do not

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# The shipped categories whose service requests change no service (as in taxonomy.py).
NO_SERVICE_CHANGE = ("billing.payment.invoice",)


def upgrade() -> None:
    with op.batch_alter_table("wo_categories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("changes_service", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("wo_categories", schema=None) as batch_op:
        batch_op.alter_column("changes_service", server_default=None)
    categories = sa.table("wo_categories", sa.column("code"), sa.column("changes_service"))
    op.execute(
        categories.update()
        .where(categories.c.code.in_(NO_SERVICE_CHANGE))
        .values(changes_service=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("wo_categories", schema=None) as batch_op:
        batch_op.drop_column("changes_service")
