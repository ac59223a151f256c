"""What a subscriber does to their own work orders on the web: chase an open one (催办), as
an agent records a chase on a call; ask to move the engineer's visit (改约申请), or book
again one the engineer found them out for, which the order's holder then rebooks with the
customer (``kefu.workorders.visit_moves``) unless its engineer is free then; and say how
an answered complaint went (网上回访), as they would tell the agent who calls back for the
return visit: satisfied or not closes it, dissatisfied reopens it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from kefu.contact.order_status import orders_of
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.clock import local_today
from kefu.core.masking import subscriber_name
from kefu.errors import Conflict, NotFound, Unprocessable
from kefu.selfcare.models import SelfCareSession
from kefu.workorders import appointments, lifecycle, repository, self_moves, urging, visit_moves
from kefu.workorders.enums import (
    URGEABLE_STATUSES,
    OrderStatus,
    PartOfDay,
    VisitOutcome,
)
from kefu.workorders.models import OrderAppointment, WorkOrder
from kefu.workorders.visit_moves import MoveAsked

CHASE_EVERY = timedelta(hours=24)  # one chase a day is heard; more only raise the priority
MOVE_DAYS_AHEAD = 14


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
) -> tuple[MoveAsked, OrderAppointment | None]:
    """The customer asks to move the engineer's visit booked on their order to another day
    (tomorrow to two weeks ahead) and part of it — or to book again the visit the engineer
    found them out for lately (the same engineer and address): moved at once when its
    roster engineer is free then (the new visit returned), else asked of the order's
    holder. Once per booking (409 until rebooked)."""
    order = my_order(session, me, number)
    visit = appointments.visit_to_move(session, order.id)
    if visit is None:
        raise Conflict("selfcare_no_visit", number=order.number)
    today = local_today(zone)
    if not today < day <= today + timedelta(days=MOVE_DAYS_AHEAD):
        raise Unprocessable("selfcare_move_day", field="day", days=MOVE_DAYS_AHEAD)
    if visit_moves.moves_asked(session, [visit]).get(order.id) is not None:
        raise Conflict("selfcare_move_asked", number=order.number)
    asked = MoveAsked(day, part)
    customer = subscriber_name(me.msisdn)
    moved = self_moves.move_if_free(
        session, order=order, visit=visit, asked=asked, zone=zone, customer=customer
    )
    if moved is None:
        visit_moves.record_ask(
            session, order=order, visit=visit, asked=asked, note=note.strip(), customer=customer
        )
    return asked, moved


WEB_OUTCOMES = (VisitOutcome.SATISFIED, VisitOutcome.NEUTRAL, VisitOutcome.DISSATISFIED)


def awaits_rating(order: WorkOrder) -> bool:
    """The order waits for its return visit: the customer may answer it themselves."""
    return order.status == OrderStatus.RETURN_VISIT


def rate(
    session: Session,
    me: SelfCareSession,
    *,
    number: str,
    outcome: VisitOutcome,
    note: str,
    calendar: BusinessCalendar,
) -> WorkOrder:
    """The customer's own return visit of their answered order: recorded as an agent's
    would be (on the timeline as the customer's, audited, counted in satisfaction); a
    dissatisfied one reopens the order for a second handling. 409 once it is done."""
    order = my_order(session, me, number)
    if not awaits_rating(order) or repository.open_visit(session, order.id) is None:
        raise Conflict("selfcare_not_awaiting_rating", number=order.number)
    if outcome is VisitOutcome.DISSATISFIED and not note.strip():
        raise Unprocessable("selfcare_rating_needs_note", field="note")
    return lifecycle.visit(
        session,
        order=order,
        outcome=outcome,
        note=note.strip(),
        by=None,
        calendar=calendar,
        customer=subscriber_name(me.msisdn),
    )
