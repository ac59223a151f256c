"""Reply templates: the placeholders the order can fill are filled, the rest stay for the
agent to complete ({amount}, {month} …), so nothing is guessed on the customer's behalf."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from kefu.errors import Unprocessable
from kefu.workorders.models import WorkOrder

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def require_filled(text: str, *, field: str) -> None:
    """Refuse an answer for the customer that still holds a template's blanks: a caller
    must never read "{amount}元" in the reply."""
    blanks = list(dict.fromkeys(f"{{{name}}}" for name in PLACEHOLDER.findall(text)))
    if blanks:
        raise Unprocessable("reply_has_blanks", field=field, blanks=" ".join(blanks))


def fill_template(
    body: str, *, order: WorkOrder, timezone: str = "Asia/Shanghai", language: str = "zh-CN"
) -> str:
    """The template with the order's own values put in, in the template's language."""
    due = order.resolve_due_at.astimezone(ZoneInfo(timezone)) if order.resolve_due_at else None
    english = language == "en"
    known = {
        "order_number": order.number,
        "customer_name": order.contact_name or ("customer" if english else "客户"),
        "due": due.strftime("%d %b %H:%M" if english else "%m月%d日%H:%M") if due else "{due}",
    }
    return PLACEHOLDER.sub(lambda m: known.get(m.group(1), m.group(0)), body)
