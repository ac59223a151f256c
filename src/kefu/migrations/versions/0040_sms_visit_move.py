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

from alembic import op

from kefu.migrations.sms_rules import ShippedRule, add_before_catch_all, center_needs, remove_added

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

# As kefu.contact.defaults says it at this revision.
GY = ShippedRule(
    keyword="GY",
    name="短信改约上门",
    lookup="move_visit",
    reply=(
        "已收到您的改约申请：工单 {order_number} 的上门希望改到 {visit_day}{visit_part}，"
        "工作人员将致电与您确认新的时间。"
    ),
    reply_en=(
        "We have your request to move the visit of work order {order_number} to {visit_day}, "
        "{visit_part}; we will call you to agree the new time."
    ),
)


def upgrade() -> None:
    connection = op.get_bind()
    if center_needs(connection, [GY.keyword]):
        add_before_catch_all(connection, [GY], active=True)


def downgrade() -> None:
    remove_added(
        "SELECT id FROM contact_intake_rules WHERE channel = 'sms' "
        "AND keyword = 'GY' AND lookup = 'move_visit'"
    )
