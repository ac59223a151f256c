"""What a subscriber does to their own work orders on the web: chase an open one (催办), as
an agent records a chase on a call, and ask to move the engineer's visit (改约申请), which
the order's holder then rebooks with the customer: kefu keeps no engineers' rosters, so
the customer asks for a day and a part of it, and is not promised them until rebooked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.order_status import orders_of
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.clock import local_today
from kefu.errors import Conflict, NotFound, Unprocessable
from kefu.selfcare.models import SelfCareSession
from kefu.selfcare.signin import subscriber_name
from kefu.workorders import appointments, urging
from kefu.workorders.enums import URGEABLE_STATUSES, AppointmentStatus, EventKind
from kefu.workorders.models import OrderAppointment, OrderEvent, WorkOrder
from kefu.workorders.service import record_event

CHASE_EVERY = timedelta(hours=24)  # one chase a day is heard; more only raise the priority
MOVE_DAYS_AHEAD = 14
MOVE_ASKED = "move_asked"  # the timeline step's action


class PartOfDay(StrEnum):
    """When the customer would rather have the engineer come."""

    MORNING = "morning"  # 09:00–12:00
    AFTERNOON = "afternoon"  # 13:00–18:00
    EVENING = "evening"  # 18:00–21:00


PART_WORDS = {
    PartOfDay.MORNING: ("上午", "morning"),
    PartOfDay.AFTERNOON: ("下午", "afternoon"),
    PartOfDay.EVENING: ("晚上", "evening"),
}


@dataclass(frozen=True)
class MoveAsked:
    """The move a customer asked for a visit still booked."""

    day: date
    part: PartOfDay


def my_order(session: Session, me: SelfCareSession, number: str) -> WorkOrder:
    """One of the signed-in number's orders, by its number (404 for any other)."""
    order = session.scalar(
        orders_of(me.msisdn, me.customer_id).where(WorkOrder.number == number.strip().upper())
    )
    if order is None:
        raise NotFound("selfcare_order_not_found", number=number)
    return order


def chased_lately(order: WorkOrder, now: datetime) -> bool:
    """Chased in the last day."""
    return order.last_urged_at is not None and now - order.last_urged_at < CHASE_EVERY


def can_chase(order: WorkOrder, now: datetime) -> bool:
    """An open order not chased in the last day."""
    return order.status in URGEABLE_STATUSES and not chased_lately(order, now)


def chase(session: Session, me: SelfCareSession, *, number: str, note: str) -> WorkOrder:
    """The customer chases their open order: counted, a step higher, its holder told,
    on the timeline as the customer's and audited. Once a day (409 after)."""
    order = my_order(session, me, number)
    if order.status not in URGEABLE_STATUSES:
        raise Conflict("selfcare_not_chaseable", number=order.number)
    if not can_chase(order, utcnow()):
        raise Conflict("selfcare_chased_today", number=order.number)
    said = f"网上催办 / on the web: {note.strip()}" if note.strip() else "网上催办 / on the web"
    return urging.urge(
        session, order=order, note=said, by=None, customer=subscriber_name(me.msisdn)
    )


def ask_to_move_visit(
    session: Session,
    me: SelfCareSession,
    *,
    number: str,
    day: date,
    part: PartOfDay,
    note: str,
    zone: str,
) -> MoveAsked:
    """The customer asks to move the engineer's visit booked on their order to another day
    (tomorrow to two weeks ahead) and part of it: on the timeline, the holder told,
    audited. Once per booking (409 until it is rebooked)."""
    order = my_order(session, me, number)
    visit = appointments.booked(session, order.id)
    if visit is None:
        raise Conflict("selfcare_no_visit", number=order.number)
    today = local_today(zone)
    if not today < day <= today + timedelta(days=MOVE_DAYS_AHEAD):
        raise Unprocessable("selfcare_move_day", field="day", days=MOVE_DAYS_AHEAD)
    if moves_asked(session, [visit]).get(order.id) is not None:
        raise Conflict("selfcare_move_asked", number=order.number)
    zh, en = PART_WORDS[part]
    record_event(
        session,
        order,
        kind=EventKind.APPOINTMENT,
        by=None,
        action=MOVE_ASKED,
        reason=note.strip(),
        details={
            "move_asked": True,
            "day": day.isoformat(),
            "part": str(part),
            "by_customer": "web",
        },
    )
    urging.tell_holders(
        session,
        order,
        subject=(
            f"客户申请改约上门 {order.number} / "
            f"The customer asks to move the visit of {order.number}"
        ),
        said=f"希望改到 {day:%m月%d日}{zh} / would rather {day:%d %b}, {en}. {note.strip()}",
    )
    audit.record(
        session,
        actor=None,
        actor_name=subscriber_name(me.msisdn),
        action="order.visit_move_asked",
        entity_type="work_order",
        entity_id=order.id,
        details={"appointment_id": visit.id, "day": day.isoformat(), "part": str(part)},
    )
    return MoveAsked(day, part)


def moves_asked(session: Session, visits: list[OrderAppointment]) -> dict[int, MoveAsked]:
    """For each order of these booked visits, the move its customer asked since the visit
    was booked (one query)."""
    if not visits:
        return {}
    booked_at = {visit.order_id: visit.booked_at for visit in visits}
    rows = session.execute(
        select(OrderEvent.order_id, OrderEvent.occurred_at, OrderEvent.details)
        .where(
            OrderEvent.order_id.in_(list(booked_at)),
            OrderEvent.kind == EventKind.APPOINTMENT,
            OrderEvent.action == MOVE_ASKED,
        )
        .order_by(OrderEvent.id)
    )
    asked: dict[int, MoveAsked] = {}
    for order_id, occurred_at, details in rows:
        if occurred_at >= booked_at[order_id]:
            found = _details(details)
            asked[order_id] = MoveAsked(date.fromisoformat(found["day"]), PartOfDay(found["part"]))
    return asked


def _details(raw: str) -> dict[str, str]:
    loaded: dict[str, str] = json.loads(raw)
    return loaded


def booked_visits(session: Session, order_ids: list[int]) -> list[OrderAppointment]:
    """The visits booked now on these orders."""
    if not order_ids:
        return []
    query = select(OrderAppointment).where(
        OrderAppointment.order_id.in_(order_ids),
        OrderAppointment.status == AppointmentStatus.SCHEDULED,
    )
    return list(session.scalars(query))
