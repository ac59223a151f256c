"""customers ask by SMS where their work orders stand (CX 工单进度查询)

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06

A center that already has its rules gets the new one just before its SMS catch-all (so
"CX" is answered, not left for an agent); a new center gets it with the defaults. The
catch-all's help text is the center's own words and stays as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

RULES = sa.table(
    "contact_intake_rules",
    sa.column("channel", sa.String),
    sa.column("keyword", sa.String),
    sa.column("name", sa.String),
    sa.column("lookup", sa.String),
    sa.column("order_type", sa.String),
    sa.column("category_code", sa.String),
    sa.column("reply", sa.Text),
    sa.column("reply_en", sa.Text),
    sa.column("sort_order", sa.Integer),
    sa.column("active", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("version", sa.Integer),
)
# As kefu.contact.defaults says it at this revision.
REPLY = "您的工单进度：{orders}。如需补充说明，请直接回复本短信。"
REPLY_EN = "Your work orders: {orders}. Reply to this text to add anything."


def upgrade() -> None:
    connection = op.get_bind()
    rules = connection.execute(sa.text("SELECT COUNT(*) FROM contact_intake_rules")).scalar()
    has_it = connection.execute(
        sa.text(
            "SELECT COUNT(*) FROM contact_intake_rules WHERE channel = 'sms' AND keyword = 'CX'"
        )
    ).scalar()
    if not rules or has_it:  # a new center gets the defaults; a center's own CX stays
        return
    catch_all = connection.execute(
        sa.text(
            "SELECT MIN(sort_order) FROM contact_intake_rules "
            "WHERE channel = 'sms' AND keyword = '*'"
        )
    ).scalar()
    now = datetime.now(UTC)
    if connection.dialect.name == "sqlite":  # kefu keeps UTC without an offset there
        now = now.replace(tzinfo=None)
    op.bulk_insert(
        RULES,
        [
            {
                "channel": "sms",
                "keyword": "CX",
                "name": "工单进度查询",
                "lookup": "orders",
                "order_type": "",
                "category_code": "",
                "reply": REPLY,
                "reply_en": REPLY_EN,
                "sort_order": (catch_all - 1) if catch_all is not None else 0,
                "active": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        ],
    )


def downgrade() -> None:
    added = (
        "SELECT id FROM contact_intake_rules "
        "WHERE channel = 'sms' AND keyword = 'CX' AND lookup = 'orders'"
    )
    # the messages it answered keep their answers, no longer naming the rule
    op.execute(
        f"UPDATE contact_interactions SET intake_rule_id = NULL WHERE intake_rule_id IN ({added})"
    )
    op.execute(f"DELETE FROM contact_intake_rules WHERE id IN ({added})")
