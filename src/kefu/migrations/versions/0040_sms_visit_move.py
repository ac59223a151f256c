"""customers move the engineer's visit by SMS (GY 改约上门)

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-06

A center that already has its rules gets the GY rule just before its SMS catch-all (the
catch-all and anything after it move one place down), unless the center made its own GY;
a new center gets it with the defaults. The catch-all's help text is the center's own
words and stays as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
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
REPLY = (
    "已收到您的改约申请：工单 {order_number} 的上门希望改到 {visit_day}{visit_part}，"
    "工作人员将致电与您确认新的时间。"
)
REPLY_EN = (
    "We have your request to move the visit of work order {order_number} to {visit_day}, "
    "{visit_part}; we will call you to agree the new time."
)


def upgrade() -> None:
    connection = op.get_bind()
    if not connection.execute(sa.text("SELECT COUNT(*) FROM contact_intake_rules")).scalar():
        return  # a new center gets the defaults
    own = "SELECT COUNT(*) FROM contact_intake_rules WHERE channel = 'sms' AND keyword = 'GY'"
    if connection.execute(sa.text(own)).scalar():
        return  # the center's own stays
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
                "UPDATE contact_intake_rules SET sort_order = sort_order + 1 "
                "WHERE channel = 'sms' AND sort_order >= :place"
            ).bindparams(place=place)
        )
    now = datetime.now(UTC)
    if connection.dialect.name == "sqlite":  # kefu keeps UTC without an offset there
        now = now.replace(tzinfo=None)
    row = {
        "channel": "sms",
        "keyword": "GY",
        "name": "短信改约上门",
        "lookup": "move_visit",
        "order_type": "",
        "category_code": "",
        "reply": REPLY,
        "reply_en": REPLY_EN,
        "sort_order": place,
        "active": True,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    op.bulk_insert(RULES, [row])


def downgrade() -> None:
    added = (
        "SELECT id FROM contact_intake_rules WHERE channel = 'sms' "
        "AND keyword = 'GY' AND lookup = 'move_visit'"
    )
    # the messages it answered keep their answers, no longer naming the rule
    op.execute(
        f"UPDATE contact_interactions SET intake_rule_id = NULL WHERE intake_rule_id IN ({added})"
    )
    op.execute(f"DELETE FROM contact_intake_rules WHERE id IN ({added})")
