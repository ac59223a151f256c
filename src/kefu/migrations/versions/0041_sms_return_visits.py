"""return visits by text (短信回访: 回复1满意 2一般 3不满意)

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-06

A center that already has its rules gets the three answer rules just before its SMS
catch-all, switched off: texting every closed complaint's customer is the center's choice
to make, not an upgrade's (an admin switches the three on). A center that made its own
rule for any of 1, 2 or 3 gets none of them. A new center gets them on, with the
defaults.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
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
# As kefu.contact.defaults says them at this revision: keyword, name, replies.
NEW_RULES = (
    ("1", "短信回访：满意", "感谢您的评价，祝您生活愉快！", "Thank you for your rating."),
    (
        "2",
        "短信回访：一般",
        "感谢您的评价，我们会继续改进服务。",
        "Thank you; we will keep improving.",
    ),
    (
        "3",
        "短信回访：不满意",
        "抱歉未能让您满意，工单 {order_number} 已重新处理，我们会尽快与您联系。",
        "We are sorry. Work order {order_number} is being handled again; we will contact you soon.",
    ),
)


def upgrade() -> None:
    connection = op.get_bind()
    if not connection.execute(sa.text("SELECT COUNT(*) FROM contact_intake_rules")).scalar():
        return  # a new center gets the defaults
    own = (
        "SELECT COUNT(*) FROM contact_intake_rules "
        "WHERE channel = 'sms' AND keyword IN ('1', '2', '3')"
    )
    if connection.execute(sa.text(own)).scalar():
        return  # the center's own stay, and it takes no half of the set
    catch_all = connection.execute(
        sa.text(
            "SELECT MIN(sort_order) FROM contact_intake_rules "
            "WHERE channel = 'sms' AND keyword = '*'"
        )
    ).scalar()
    if catch_all is None:  # no catch-all: after every SMS rule
        last = "SELECT MAX(sort_order) FROM contact_intake_rules WHERE channel = 'sms'"
        place = (connection.execute(sa.text(last)).scalar() or 0) + 1
    else:
        place = catch_all
        op.execute(
            sa.text(
                "UPDATE contact_intake_rules SET sort_order = sort_order + :n "
                "WHERE channel = 'sms' AND sort_order >= :place"
            ).bindparams(n=len(NEW_RULES), place=place)
        )
    now = datetime.now(UTC)
    if connection.dialect.name == "sqlite":  # kefu keeps UTC without an offset there
        now = now.replace(tzinfo=None)
    rows = [
        {
            "channel": "sms",
            "keyword": keyword,
            "name": name,
            "lookup": "rating",
            "order_type": "",
            "category_code": "",
            "reply": reply,
            "reply_en": reply_en,
            "sort_order": place + n,
            "active": False,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for n, (keyword, name, reply, reply_en) in enumerate(NEW_RULES)
    ]
    op.bulk_insert(RULES, rows)


def downgrade() -> None:
    added = "SELECT id FROM contact_intake_rules WHERE channel = 'sms' AND lookup = 'rating'"
    # the messages they answered keep their answers, no longer naming the rule
    op.execute(
        f"UPDATE contact_interactions SET intake_rule_id = NULL WHERE intake_rule_id IN ({added})"
    )
    op.execute(f"DELETE FROM contact_intake_rules WHERE id IN ({added})")
