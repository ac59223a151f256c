"""an article's last day in effect (有效期至): a promotion's rules end with it

Revision ID: 0054
Revises: 0053
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0054"
down_revision = "0053"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: on SQLite a batch copies the table and would drop
    # the triggers that keep the full-text index in step.
    op.add_column("kb_articles", sa.Column("valid_until", sa.Date(), nullable=True))
    op.create_index(op.f("ix_kb_articles_valid_until"), "kb_articles", ["valid_until"])


def downgrade() -> None:
    op.drop_index(op.f("ix_kb_articles_valid_until"), table_name="kb_articles")
    with op.batch_alter_table("kb_articles", recreate="never") as batch_op:
        batch_op.drop_column("valid_until")
