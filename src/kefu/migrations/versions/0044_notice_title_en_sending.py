"""notices: an English title, and a notice still being sent to a large audience

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-07

Notices already kept have no English title (the Chinese one is used, as before) and
were sent in full in their request.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("title_en", sa.String(120), server_default="", nullable=False))
        batch.add_column(
            sa.Column("sending", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("sending")
        batch.drop_column("title_en")
