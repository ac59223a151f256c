"""customers ask by SMS where their work orders stand (CX 工单进度查询) and chase them (CB)

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06

A center that already has its rules gets the new ones just before its SMS catch-all (so
"CX" and "CB" are answered, not left for an agent), each unless the center made its own;
a new center gets them with the defaults. The catch-all's help text is the center's own
words and stays as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from kefu.migrations.sms_rules import RULES

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

# As kefu.contact.defaults says them at this revision: keyword, name, lookup, replies.
NEW_RULES = (
    (
        "CX",
        "工单进度查询",
        "orders",
        "您的工单进度：{orders}。如需催办，请回复 CB+工单号。",
        "Your work orders: {orders}. To chase one, reply CB and its number.",
    ),
    (
        "CB",
        "短信催办",
        "chase",
        "已为您催办工单 {order_number}（{order_status}），处理人员将尽快与您联系。",
        "We have chased work order {order_number} ({order_status}) for you; its handler will "
        "contact you soon.",
    ),
)


def upgrade() -> None:
    connection = op.get_bind()
    if not connection.execute(sa.text("SELECT COUNT(*) FROM contact_intake_rules")).scalar():
        return  # a new center gets the defaults
    catch_all = connection.execute(
        sa.text(
            "SELECT MIN(sort_order) FROM contact_intake_rules "
            "WHERE channel = 'sms' AND keyword = '*'"
        )
    ).scalar()
    before = catch_all if catch_all is not None else len(NEW_RULES)
    now = datetime.now(UTC)
    if connection.dialect.name == "sqlite":  # kefu keeps UTC without an offset there
        now = now.replace(tzinfo=None)
    rows = []
    for place, (keyword, name, lookup, reply, reply_en) in enumerate(NEW_RULES):
        if _has(connection, keyword):  # the center's own stays
            continue
        rows.append(
            {
                "channel": "sms",
                "keyword": keyword,
                "name": name,
                "lookup": lookup,
                "order_type": "",
                "category_code": "",
                "reply": reply,
                "reply_en": reply_en,
                "sort_order": before - len(NEW_RULES) + place,
                "active": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    if rows:
        op.bulk_insert(RULES, rows)


def _has(connection: sa.Connection, keyword: str) -> bool:
    query = sa.text(
        "SELECT COUNT(*) FROM contact_intake_rules WHERE channel = 'sms' AND keyword = :k"
    )
    return bool(connection.execute(query, {"k": keyword}).scalar())


def downgrade() -> None:
    added = (
        "SELECT id FROM contact_intake_rules WHERE channel = 'sms' "
        "AND ((keyword = 'CX' AND lookup = 'orders') OR (keyword = 'CB' AND lookup = 'chase'))"
    )
    # the messages they answered keep their answers, no longer naming the rule
    op.execute(
        f"UPDATE contact_interactions SET intake_rule_id = NULL WHERE intake_rule_id IN ({added})"
    )
    op.execute(f"DELETE FROM contact_intake_rules WHERE id IN ({added})")
