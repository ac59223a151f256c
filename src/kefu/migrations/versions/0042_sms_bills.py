"""customers ask their recent bills by SMS (ZD 账单查询)

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07

A center that already has its rules gets the ZD rule just before its SMS catch-all, unless
it made its own ZD; a new center gets it with the defaults. The catch-all's help text is
the center's own words and stays as it is.
"""

from __future__ import annotations

from alembic import op

from kefu.migrations.sms_rules import ShippedRule, add_before_catch_all, center_needs, remove_added

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

# As kefu.contact.defaults says it at this revision.
ZD = ShippedRule(
    keyword="ZD",
    name="账单查询",
    lookup="bill",
    reply="您近期的账单：{bills}。更多账单可登录网上客服查看。",
    reply_en="Your recent bills: {bills}. See more on the web self-service page.",
)


def upgrade() -> None:
    connection = op.get_bind()
    if center_needs(connection, [ZD.keyword]):
        add_before_catch_all(connection, [ZD], active=True)


def downgrade() -> None:
    remove_added(
        "SELECT id FROM contact_intake_rules WHERE channel = 'sms' "
        "AND keyword = 'ZD' AND lookup = 'bill'"
    )
