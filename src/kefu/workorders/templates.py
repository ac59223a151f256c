"""Reply templates: the placeholders the order can fill are filled, the rest stay for the
agent to complete ({amount}, {month} …), so nothing is guessed on the customer's behalf.
A reply that says money was given back names it as {refund}: filled with what was
approved or credited on the order, and left a blank (the reply cannot be sent) until a
refund is."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kefu.core.masking import surname
from kefu.core.redact import HONORIFICS
from kefu.customers.enums import Gender
from kefu.customers.models import Customer
from kefu.errors import Unprocessable
from kefu.workorders.appointments import booked_windows, window_text
from kefu.workorders.models import WorkOrder
from kefu.workorders.refunds import MoneyBack, money_back, yuan

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def require_filled(text: str, *, field: str) -> None:
    """Refuse an answer for the customer that still holds a template's blanks: a caller
    must never read "{amount}元" in the reply."""
    blanks = list(dict.fromkeys(f"{{{name}}}" for name in PLACEHOLDER.findall(text)))
    if blanks:
        raise Unprocessable("reply_has_blanks", field=field, blanks=" ".join(blanks))


def fill_template(
    body: str,
    *,
    order: WorkOrder,
    customer: Customer | None = None,
    timezone: str = "Asia/Shanghai",
    language: str = "zh-CN",
    visit: tuple[datetime, datetime] | None = None,
    refund_fen: int = 0,
) -> str:
    """The template with the order's own values put in, in the template's language;
    ``customer``: the order's, whose sex says how to address them; ``visit``: the window
    of the engineer's visit booked on it ({visit}; left blank without one);
    ``refund_fen``: what was approved or credited on it ({refund}, in yuan; left blank
    without one)."""
    zone = ZoneInfo(timezone)
    due = order.resolve_due_at.astimezone(zone) if order.resolve_due_at else None
    english = language == "en"
    known = {
        "order_number": order.number,
        "customer_name": _addressee(order, customer, english=english),
        "due": due.strftime("%d %b %H:%M" if english else "%m月%d日%H:%M") if due else "{due}",
        "visit": window_text(*visit, timezone, english=english) if visit else "{visit}",
        "refund": yuan(refund_fen) if refund_fen else "{refund}",
    }
    return PLACEHOLDER.sub(lambda m: known.get(m.group(1), m.group(0)), body)


def fill_for_order(
    session: Session, body: str, *, order: WorkOrder, timezone: str, language: str = "zh-CN"
) -> str:
    """``fill_template`` with the order's customer, booked visit and refunds looked up."""
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    visit = booked_windows(session, [order.id]).get(order.id)
    refund_fen = money_back(session, [order.id]).get(order.id, MoneyBack()).granted
    return fill_template(
        body,
        order=order,
        customer=customer,
        timezone=timezone,
        language=language,
        visit=visit,
        refund_fen=refund_fen,
    )


def _addressee(order: WorkOrder, customer: Customer | None, *, english: bool) -> str:
    """Whom the reply addresses: the contact the agent named, else the customer. A name
    the agent wrote with its honorific (王女士) is kept as written."""
    name = (order.contact_name or (customer.name if customer else "")).strip()
    if not english and name.endswith(HONORIFICS):
        return name
    known_sex = customer is not None and customer.name.strip() == name
    gender = customer.gender if customer is not None and known_sex else Gender.UNKNOWN
    return salutation(name, gender, english=english)


def salutation(name: str, gender: Gender, *, english: bool) -> str:
    """How a reply addresses a person, as a service center writes: surname and honorific
    (张先生, Ms Smith), never the full name, which an agent who sees names masked (张**)
    would otherwise read in the reply box. No name, or a Chinese one in English: 客户 /
    customer."""
    family = surname(name)
    if not family or (english and not family.isascii()):
        return "customer" if english else "客户"
    if english:
        title = {Gender.MALE: "Mr", Gender.FEMALE: "Ms"}.get(gender, "Mr/Ms")
        return f"{title} {family.title()}"
    family = family.title() if family.isascii() else family
    return family + {Gender.MALE: "先生", Gender.FEMALE: "女士"}.get(gender, "先生/女士")
