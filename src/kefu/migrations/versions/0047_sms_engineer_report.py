"""field engineers report their visits by SMS (HD 装维回单)

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-07

A center that already has its rules gets the HD rule just before its SMS catch-all,
switched on (it answers only texts from the roster's engineers; any other sender's text
is left to an agent as before), unless the center made its own HD. A new center gets it
with the defaults.
"""

from __future__ import annotations

from alembic import op

from kefu.migrations.sms_rules import ShippedRule, add_before_catch_all, center_needs, remove_added

revision = "0047"
down_revision = "0046"
branch_labels = None
depends_on = None

# As kefu.contact.defaults says it at this revision.
HD = ShippedRule(
    keyword="HD",
    name="装维短信回单",
    lookup="engineer_report",
    reply="已记录：工单 {order_number} {visit_outcome}。感谢回单。",
    reply_en="Recorded: work order {order_number}, {visit_outcome}. Thank you.",
)


def upgrade() -> None:
    connection = op.get_bind()
    if center_needs(connection, [HD.keyword]):
        add_before_catch_all(connection, [HD], active=True)


def downgrade() -> None:
    remove_added(
        "SELECT id FROM contact_intake_rules WHERE channel = 'sms' "
        "AND keyword = 'HD' AND lookup = 'engineer_report'"
    )
