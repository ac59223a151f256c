"""Telling the customer how their open order stands (进度告知).

Why: a complaint that takes days (a network test, another team's part, a refund) leaves
the customer hearing nothing between the receipt and the answer, and they call again to
ask, or complain of the silence. The handler texts them where it stands, in their own
words ("网络优化中心明天上午现场测试"); the text carries the order's number, goes on the
timeline as sent, and is audited. It answers nothing: the order stays as it is, its
clock runs on, and the answer is still its reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.phone import is_mobile
from kefu.core.rbac import Principal
from kefu.errors import Conflict, Unprocessable
from kefu.notify.tasks import text_customer
from kefu.workorders.enums import BEING_HANDLED, EventKind
from kefu.workorders.models import OrderEvent, WorkOrder
from kefu.workorders.service import record_event, sms_answer
from kefu.workorders.templates import require_filled


def tell_progress(session: Session, *, order: WorkOrder, text: str, by: Principal) -> WorkOrder:
    """Text the customer ``text`` about the order still being handled, its number first;
    on the timeline and audited. 409 once it is answered or finished (the reply, or a
    reopening, speaks then); 422 when the callback number takes no texts, or the text
    still holds a template's blanks."""
    if order.status not in BEING_HANDLED:
        raise Conflict("progress_order_not_open", number=order.number)
    if not is_mobile(order.contact_phone):
        raise Unprocessable("progress_needs_mobile", field="text")
    require_filled(text, field="text")
    text_customer(session, phone=order.contact_phone, text=sms_answer(order, text))
    record_event(
        session, order, kind=EventKind.PROGRESS, by=by, reason=text, details={"texted": True}
    )
    audit.record(
        session,
        actor=by,
        action="order.progress",
        entity_type="work_order",
        entity_id=order.id,
        details={"characters": len(text)},
    )
    session.flush()
    return order


@dataclass(frozen=True)
class Told:
    """The last progress text an order's customer was sent, and when."""

    text: str
    at: datetime


def latest_told(session: Session, order_ids: list[int]) -> dict[int, Told]:
    """The last progress text of each of ``order_ids`` that has one (one query, on the
    timeline's order index): the self-service page shows it under the order."""
    if not order_ids:
        return {}
    rows = session.execute(
        select(OrderEvent.order_id, OrderEvent.reason, OrderEvent.occurred_at)
        .where(OrderEvent.order_id.in_(order_ids), OrderEvent.kind == EventKind.PROGRESS)
        .order_by(OrderEvent.id)
    )
    return {order_id: Told(text, at) for order_id, text, at in rows}  # the last one wins
