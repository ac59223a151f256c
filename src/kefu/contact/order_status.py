"""Where a customer's work orders stand, told by SMS (CX 工单进度查询), and a chase sent by
SMS (CB 短信催办).

"Where is my complaint?" is the call a center most wants to spare: the customer waits in
the queue to hear that the order is still being handled. A text answers it: the sender's
open orders (by the number texting and the customer it belongs to), newest first, each
with its state, when the answer is due, the engineer's visit (or the one that found the
customer out lately, and how to book again) and the money given back;
or the one order the text names, whatever its state, when it is the sender's, with the
last progress text it was sent while being handled. A chase by
text is recorded on the order as an agent would record it on a call
(``kefu.workorders.urging``): the named order, or the sender's only open one; anything
less clear is left to an agent.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kefu.contact.models import Interaction
from kefu.contact.service import link_order
from kefu.core import audit
from kefu.core.i18n import gettext
from kefu.core.rbac import Principal
from kefu.core.textsafe import folded
from kefu.errors import KefuError
from kefu.workorders import urging
from kefu.workorders.appointments import booked_on, rebookable, window_text
from kefu.workorders.enums import BEING_HANDLED, OrderStatus
from kefu.workorders.models import OrderAppointment, WorkOrder
from kefu.workorders.numbering import order_number_in
from kefu.workorders.progress import latest_told
from kefu.workorders.refunds import MoneyBack, money_back, yuan

SHOWN_ORDERS = 3  # a text's worth
_FINISHED = (OrderStatus.CLOSED, OrderStatus.CANCELLED)
_ANSWERED = frozenset({OrderStatus.REPLIED, OrderStatus.RETURN_VISIT, OrderStatus.CLOSED})


def orders_told(session: Session, message: Interaction, *, keyword: str, zone: str) -> str:
    """The sender's orders as the reply's ``{orders}``: each one's number, state, due time
    and the engineer's visit booked, if any, in the sender's language. ``keyword``: the
    rule's, which the text starts with."""
    english = message.language == "en"
    asked = _named_number(message, keyword)
    if asked is not None:
        order = session.scalar(_senders_orders(message).where(WorkOrder.number == asked))
        if order is None:
            return f"no work order {asked} of yours" if english else f"未找到您名下的工单 {asked}"
        found = [order]
    else:
        query = _senders_orders(message).where(WorkOrder.status.not_in(_FINISHED))
        found = list(session.scalars(query.order_by(WorkOrder.id.desc()).limit(SHOWN_ORDERS)))
        if not found:
            return "you have no open work order" if english else "您名下暂无处理中的工单"
    ids = [order.id for order in found]
    visits = {visit.order_id: visit for visit in booked_on(session, ids)}
    money = money_back(session, ids)
    missed = {o: (v.starts_at, v.ends_at) for o, v in rebookable(session, ids).items()}
    told = [
        _one(order, zone, english, visits.get(order.id), money.get(order.id))
        + _missed(missed.get(order.id), zone, english)
        for order in found
    ]
    if asked is not None:  # one order named: room for its last progress text too
        told[0] += _progress(session, found[0], zone, english)
    return ("; " if english else "；").join(told)


def _progress(session: Session, order: WorkOrder, zone: str, english: bool) -> str:
    """The last progress text of an order being handled (进度告知), as the customer was
    sent it, with when: a customer who lost it asks again by naming the order."""
    if order.status not in BEING_HANDLED:
        return ""
    last = latest_told(session, [order.id]).get(order.id)
    if last is None:
        return ""
    at = _local(last.at, zone, english)
    said = last.text.rstrip("。.!！")  # the reply's own full stop follows
    return f", latest ({at}): {said}" if english else f"，最新进展（{at}）：{said}"


def chased_by_text(
    session: Session, message: Interaction, *, keyword: str, by: Principal
) -> dict[str, str] | None:
    """Record the sender's chase on the order the text names, or on their only open one;
    the reply's ``{order_number}`` and ``{order_status}``. None (an agent reads it) when
    no order of theirs is named and they have not exactly one open, or it cannot be
    chased (already answered: an agent offers to reopen it)."""
    asked = _named_number(message, keyword)
    query = _senders_orders(message).where(WorkOrder.status.not_in(_FINISHED))
    if asked is not None:
        query = query.where(WorkOrder.number == asked)
    found = session.scalars(query.limit(2)).all()
    if len(found) != 1:
        return None
    order = found[0]
    try:
        with audit.savepoint(session):
            urging.urge(session, order=order, note=_said(message, keyword), by=by)
    except KefuError:
        return None
    link_order(session, interaction=message, order_id=order.id)  # the order lists the text
    language = "en" if message.language == "en" else "zh-CN"
    status = gettext(language, f"order_status.{order.status}")
    return {"order_number": order.number, "order_status": status}


def _said(message: Interaction, keyword: str) -> str:
    """What the customer wrote after the keyword, as the chase's note."""
    rest = message.body.strip()[len(keyword) :].strip(" :：,，")
    return f"短信催办 / by SMS: {rest}" if rest else "短信催办 / by SMS"


def _named_number(message: Interaction, keyword: str) -> str | None:
    """The order number written after the keyword: "CX WO20261206-000123", "cx: wo20261206
    - 123" (a phone's keyboard, full-width characters)."""
    rest = folded(message.body).removeprefix(folded(keyword)).lstrip(" :,.#")
    return order_number_in(rest)


def _senders_orders(message: Interaction):  # type: ignore[no-untyped-def]
    """The orders of the number texting, and of the customer it belongs to."""
    return orders_of(message.address, message.customer_id)


def orders_of(msisdn: str, customer_id: int | None):  # type: ignore[no-untyped-def]
    """The orders called back on a number, and of the customer it belongs to."""
    mine = [WorkOrder.contact_phone == msisdn]
    if customer_id is not None:
        mine.append(WorkOrder.customer_id == customer_id)
    return select(WorkOrder).where(or_(*mine))


def _one(
    order: WorkOrder,
    zone: str,
    english: bool,
    visit: OrderAppointment | None,
    money: MoneyBack | None,
) -> str:
    """An order's number, state, when it is (or was) answered, its engineer's visit and
    the money given back."""
    state = gettext("en" if english else "zh-CN", f"order_status.{order.status}")
    told = order_facts(order, zone, english, visit, money)
    if not told:
        return f"{order.number} {state}"
    return f"{order.number} {state}, {told}" if english else f"{order.number} {state}，{told}"


def order_facts(
    order: WorkOrder,
    zone: str,
    english: bool,
    visit: OrderAppointment | None,
    money: MoneyBack | None,
) -> str:
    """When an order is (or was) answered, its engineer's visit booked (when, and who
    comes, with the phone the booking text gave) and the money given back, as the
    customer is told them (a text, the self-service page)."""
    facts = [_when(order, zone, english), _visit(visit, zone, english), _money(money, english)]
    return (", " if english else "，").join(fact for fact in facts if fact)


def _visit(visit: OrderAppointment | None, zone: str, english: bool) -> str:
    if visit is None:
        return ""
    window = window_text(visit.starts_at, visit.ends_at, zone, english=english)
    phone = visit.engineer_phone
    if english:
        return f"engineer {visit.engineer}{f' ({phone})' if phone else ''} visits {window}"
    return f"{window}工程师{visit.engineer}{f'（{phone}）' if phone else ''}上门"


def _missed(visit: tuple[datetime, datetime] | None, zone: str, english: bool) -> str:
    """The visit the engineer found the customer out for lately, and how to book again
    by text (``kefu.contact.visit_move_text``)."""
    if visit is None:
        return ""
    window = window_text(*visit, zone, english=english)
    if english:
        return f", the engineer found nobody in on {window}: reply GY with a day to book again"
    return f"，工程师{window}上门未遇，可回复GY+日期+时段重新预约"


def _money(money: MoneyBack | None, english: bool) -> str:
    """What reached the account, and what is approved and on its way (not what is only
    asked: the customer is told what was decided)."""
    if money is None:
        return ""
    credited, on_way = money.credited, money.on_way
    said = []
    if credited:
        said.append(f"{yuan(credited)} yuan credited" if english else f"已退{yuan(credited)}元到账")
    if on_way:
        said.append(f"{yuan(on_way)} yuan on its way" if english else f"{yuan(on_way)}元退费办理中")
    return (", " if english else "，").join(said)


def _when(order: WorkOrder, zone: str, english: bool) -> str:
    if order.status in _ANSWERED and order.replied_at is not None:
        at = _local(order.replied_at, zone, english)
        return f"answered {at}" if english else f"已于{at}答复"
    if order.paused_at is not None:
        return "waiting for you" if english else "待您补充资料"
    if order.resolve_due_at is not None and order.status not in _FINISHED:
        at = _local(order.resolve_due_at, zone, english)
        return f"answer due by {at}" if english else f"预计{at}前答复"
    return ""


def _local(moment: datetime, zone: str, english: bool) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%d %b %H:%M}" if english else f"{local:%m月%d日%H:%M}"
