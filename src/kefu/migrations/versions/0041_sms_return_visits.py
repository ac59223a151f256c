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

from alembic import op

from kefu.migrations.sms_rules import ShippedRule, add_before_catch_all, center_needs, remove_added

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

# As kefu.contact.defaults says them at this revision.
NEW_RULES = (
    ShippedRule(
        "1",
        "短信回访：满意",
        "rating",
        "感谢您的评价，祝您生活愉快！",
        "Thank you for your rating.",
    ),
    ShippedRule(
        "2",
        "短信回访：一般",
        "rating",
        "感谢您的评价，我们会继续改进服务。",
        "Thank you; we will keep improving.",
    ),
    ShippedRule(
        "3",
        "短信回访：不满意",
        "rating",
        "抱歉未能让您满意，工单 {order_number} 已重新处理，我们会尽快与您联系。",
        "We are sorry. Work order {order_number} is being handled again; we will contact you soon.",
    ),
)


def upgrade() -> None:
    connection = op.get_bind()
    if center_needs(connection, [rule.keyword for rule in NEW_RULES]):
        add_before_catch_all(connection, NEW_RULES, active=False)


def downgrade() -> None:
    remove_added("SELECT id FROM contact_intake_rules WHERE channel = 'sms' AND lookup = 'rating'")
