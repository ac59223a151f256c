"""Telling the customer how their open order stands (进度告知).

Why: a complaint that takes days (a network test, another team's part, a refund) leaves
the customer hearing nothing between the receipt and the answer, and they call again to
ask, or complain of the silence. The handler texts them where it stands, in their own
words ("网络优化中心明天上午现场测试"); the text carries the order's number, goes on the
timeline as sent, and is audited. It answers nothing: the order stays as it is, its
clock runs on, and the answer is still its reply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.phone import is_mobile
from kefu.core.rbac import Principal
from kefu.customers.enums import Tier
from kefu.customers.models import Customer
from kefu.errors import Conflict, Unprocessable
from kefu.notify.tasks import text_customer
from kefu.workorders.enums import BEING_HANDLED, EventKind, OrderStatus
from kefu.workorders.limits import TierLevel
from kefu.workorders.models import OrderEvent, WorkOrder
from kefu.workorders.service import record_event, sms_answer
from kefu.workorders.service_levels import center_levels
from kefu.workorders.templates import require_filled
from kefu.workorders.threaded_answers import AnswerChannel, answer_in_thread


def tell_progress(
    session: Session,
    *,
    order: WorkOrder,
    text: str,
    by: Principal,
    incident: str | None = None,
    late: bool = False,
    channel: AnswerChannel = "sms",
) -> WorkOrder:
    """Text the customer ``text`` about the order still being handled, its number first;
    on the timeline (with the ``incident`` whose callers were all told, if so) and
    audited. 409 once it is answered or finished (the reply, or a reopening, speaks
    then); 422 when the callback number takes no texts, or the text still holds a
    template's blanks. ``late``: the incident's last word, sent to a caller who joined
    after it went out. By ``email``: in reply to the customer's mail the order came from
    (422 without one)."""
    if order.status not in BEING_HANDLED:
        raise Conflict("progress_order_not_open", number=order.number)
    if channel == "sms" and not is_mobile(order.contact_phone):
        raise Unprocessable("progress_needs_mobile", field="text")
    require_filled(text, field="text")
    details: dict[str, object] = _sent(session, order, text, by, channel)
    if incident:
        details["incident"] = incident
    if late:
        details["late"] = True
    record_event(session, order, kind=EventKind.PROGRESS, by=by, reason=text, details=details)
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


def _sent(
    session: Session, order: WorkOrder, text: str, by: Principal, channel: AnswerChannel
) -> dict[str, object]:
    """Send the word on the channel; how, for the timeline."""
    if channel == "sms":
        text_customer(session, phone=order.contact_phone, text=sms_answer(order, text))
        return {"texted": True}
    mailed = answer_in_thread(
        session, order=order, text=text, by=by, channel="email", purpose="progress"
    )
    if not mailed:
        raise Unprocessable("progress_email_needs_message", field="channel")
    return {"emailed": True}


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


# A customer waiting on an order is told where it stands at least once a day, the best
# tiers twice (the tier's ``tell_every_hours``): longer, and its row on the queues says so
# (a rule of thumb of telecom centers, 过程告知).
# Steps on which the customer heard about the order: a progress text, their own chase
# (the agent on the line told them where it stood), an engineer's visit booked or moved.
_HEARD = (EventKind.PROGRESS, EventKind.URGE, EventKind.APPOINTMENT)
# Being handled, not waiting on the customer (they were asked for something: they know).
_OWED_WORD = BEING_HANDLED - {OrderStatus.WAITING_CUSTOMER}


def untold_for(
    session: Session, orders: Sequence[WorkOrder], now: datetime | None = None
) -> dict[int, timedelta]:
    """Of ``orders``, those whose customer has heard nothing of them for their tier's
    interval or longer, with how long: since it was taken (or reopened), or since the last
    progress text, chase or visit booked. At most two queries, for the orders old enough
    to be owed word: their customers' tiers, and the timeline on its order index."""
    now = now or utcnow()
    tiers = center_levels(session).tiers
    shortest = timedelta(hours=min(level.tell_every_hours for level in tiers.values()))
    owed = {
        order.id: (order.round_started_at or order.created_at, order.customer_id)
        for order in orders
        if order.status in _OWED_WORD
        and now - (order.round_started_at or order.created_at) >= shortest
    }
    if not owed:
        return {}
    every = _intervals(session, owed, tiers)
    owed = {i: (since, c) for i, (since, c) in owed.items() if now - since >= every[i]}
    if not owed:
        return {}
    heard = dict(
        session.execute(
            select(OrderEvent.order_id, func.max(OrderEvent.occurred_at))
            .where(OrderEvent.order_id.in_(list(owed)), OrderEvent.kind.in_(_HEARD))
            .group_by(OrderEvent.order_id)
        ).all()
    )
    silences = {
        order_id: now - max(since, heard.get(order_id) or since)
        for order_id, (since, _) in owed.items()
    }
    return {order_id: silent for order_id, silent in silences.items() if silent >= every[order_id]}


def _intervals(
    session: Session,
    owed: dict[int, tuple[datetime, int | None]],
    tiers: Mapping[Tier, TierLevel],
) -> dict[int, timedelta]:
    """How long each order's customer may hear nothing: their tier's interval (a caller
    who is no customer counts as normal)."""
    customer_ids = {c for _, c in owed.values() if c is not None}
    tier_of: dict[int | None, Tier] = {}
    if customer_ids:
        found = select(Customer.id, Customer.tier).where(Customer.id.in_(customer_ids))
        tier_of = {customer_id: Tier(tier) for customer_id, tier in session.execute(found)}
    hours = {
        order_id: tiers[tier_of.get(customer_id, Tier.NORMAL)].tell_every_hours
        for order_id, (_, customer_id) in owed.items()
    }
    return {order_id: timedelta(hours=h) for order_id, h in hours.items()}
