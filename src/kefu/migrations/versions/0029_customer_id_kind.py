"""identity documents without a kind of their own: each customer's document is kept

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

# Every number so far is an 18-character one, whose head says its document (as
# kefu.core.idnumber.id_kind reads it).
KIND_OF_NUMBER = """
    CASE
        WHEN substr(id_number, 1, 1) = '9' THEN 'foreign_permanent'
        WHEN substr(id_number, 1, 6) IN ('810000', '820000') THEN 'hong_kong_macao'
        WHEN substr(id_number, 1, 6) = '830000' THEN 'taiwan'
        ELSE 'resident'
    END
"""


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_kind", sa.String(length=24), nullable=True))
    op.execute(f"UPDATE customers SET id_kind = {KIND_OF_NUMBER} WHERE id_number IS NOT NULL")


def downgrade() -> None:
    # A passport's or travel permit's number would pass for an 18-character one it is not.
    op.execute("UPDATE customers SET id_number = NULL WHERE length(id_number) <> 18")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("id_kind")
