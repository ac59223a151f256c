"""On-site visits of a work order (上门处理): a broadband line down, no signal indoors, a
router to swap — an engineer has to come. The agent books a window with the customer
(the day and the hours, in the center's time), where and who comes, and may text it to
the customer, who is then reminded the evening before; the visit is then made, missed
(by whom) or called off. Booking again moves the visit (改约): the earlier booking is
kept as moved.

Why kept like this: the customer stays at home for the window they were promised; a
missed or moved visit is what they call about next, and every booking is on the order's
timeline and in the audit log. One visit is booked at a time (the database holds to it
when two people book at once), and a visit is closed once (a conditional update).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.phone import is_mobile
from kefu.core.rbac import Principal
from kefu.errors import Conflict, Unprocessable
from kefu.notify.tasks import text_customer
from kefu.workorders import engineer_sheets, engineers, visit_address
from kefu.workorders.appointment_schemas import AppointmentCreate
from kefu.workorders.enums import BEING_HANDLED, MAX_PRIORITY, AppointmentStatus, EventKind
from kefu.workorders.models import FieldEngineer, OrderAppointment, WorkOrder
from kefu.workorders.order_records import one_of_order, with_names
from kefu.workorders.service import customer_language, record_event, sms_answer
from kefu.workorders.urging import tell_holders
from kefu.workorders.visit_moves import MoveAsked, moves_asked
from kefu.workorders.visit_reminders import remind_the_evening_before

# A customer the engineer found out may book again themselves (GY) this long after.
REBOOK_WITHIN = timedelta(days=7)
LONGEST_WINDOW = timedelta(hours=4)
SHORTEST_WINDOW = timedelta(minutes=30)
FARTHEST_AHEAD = timedelta(days=60)
# A visit belongs to the handling: none once the order is answered or finished.
BOOKABLE = BEING_HANDLED


@dataclass(frozen=True)
class ListedAppointment:
    """A visit with the names of who booked and who closed it."""

    row: OrderAppointment
    booked_by: str | None
    closed_by: str | None
    move_asked: MoveAsked | None = None  # the customer's ask to move it, while booked


def book(
    session: Session,
    *,
    order: WorkOrder,
    data: AppointmentCreate,
    by: Principal | None,
    zone: str,
    customer: str = "",
) -> OrderAppointment:
    """Book a visit (moving the one booked, if any); texted to the customer if asked.
    ``by`` None: the customer moved it themselves (``customer`` names them in the audit
    log), to the same roster engineer."""
    if order.status not in BOOKABLE:
        raise Conflict("appointment_order_finished", number=order.number)
    if data.text_customer and not is_mobile(order.contact_phone):
        raise Unprocessable("appointment_text_needs_mobile", field="text_customer")
    starts, ends = window_of(data.visit_on, data.from_time, data.to_time, zone)
    address = data.address or _address_on_file(session, order)
    engineer_id, engineer, engineer_phone = _who_comes(session, data, by, (starts, ends), order)
    moved = _close_scheduled(session, order, by, AppointmentStatus.RESCHEDULED)
    row = OrderAppointment(
        order_id=order.id,
        status=AppointmentStatus.SCHEDULED,
        starts_at=starts,
        ends_at=ends,
        address=address,
        engineer_id=engineer_id,
        engineer=engineer,
        engineer_phone=engineer_phone,
        note=data.note,
        texted=data.text_customer,
        booked_by_id=by.staff_id if by else None,
        booked_at=utcnow(),
        missed_by="",
        outcome_note="",
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as taken:
        # Someone else booked the order's visit in the same moment (both read none): the
        # database's one-booked-visit index refused this one; the request is undone.
        raise Conflict("appointment_booked_meanwhile") from taken
    if moved is not None:
        engineer_sheets.dropped(session, moved, order, moved=True)
    engineer_sheets.booked(session, row, order, zone)
    if data.text_customer:
        language = customer_language(session, order)
        said = visit_text(order, row, zone, language, moved=moved is not None)
        text_customer(session, phone=order.contact_phone, text=said)
        remind_the_evening_before(session, row, zone)
    details = {
        "appointment": row.id,
        "booked": True,
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "engineer": row.engineer,
        "moved": moved is not None,
        "texted": row.texted,
    }
    _record(session, order, by, "book", row, details, reason=data.note, who=customer)
    return row


def _who_comes(
    session: Session,
    data: AppointmentCreate,
    by: Principal | None,
    window: tuple[datetime, datetime],
    order: WorkOrder,
) -> tuple[int | None, str, str]:
    """The engineer's roster id, name and phone: from the roster when ``engineer_id`` is
    given (free for the window, or 409), else as typed (a contractor, say)."""
    if data.engineer_id is not None:
        found = engineers.book_for(session, data.engineer_id, by, window=window, order=order)
        return found.id, found.name, found.phone
    if not data.engineer:
        raise Unprocessable("appointment_engineer_missing", field="engineer")
    return None, data.engineer, data.engineer_phone


def close(
    session: Session,
    *,
    order: WorkOrder,
    appointment: OrderAppointment,
    outcome: AppointmentStatus,
    by: Principal | None,
    note: str = "",
    missed_by: str = "",
    reported_by: str = "",
) -> OrderAppointment:
    """The visit made, missed (by the customer or the engineer) or called off; once.
    ``reported_by``: the engineer who reported it by text (``by`` None)."""
    closed = session.execute(
        update(OrderAppointment)
        .where(
            OrderAppointment.id == appointment.id,
            OrderAppointment.status == AppointmentStatus.SCHEDULED,
        )
        .values(
            status=outcome,
            closed_at=utcnow(),
            closed_by_id=by.staff_id if by else None,
            outcome_note=note,
            missed_by=missed_by,
        )
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("appointment_not_scheduled")
    session.refresh(appointment)
    if outcome is AppointmentStatus.CANCELLED:
        engineer_sheets.dropped(session, appointment, order, moved=False)
    if outcome is AppointmentStatus.MISSED and missed_by == "engineer":
        _engineer_missed(session, order, appointment, note)
    details = {"appointment": appointment.id, "outcome": outcome, "missed_by": missed_by}
    who = ""
    if reported_by:
        details["engineer_report"] = reported_by
        who = f"工程师 {reported_by}"
    _record(session, order, by, str(outcome), appointment, details, reason=note, who=who)
    return appointment


def change_engineer(
    session: Session,
    *,
    order: WorkOrder,
    visit: OrderAppointment,
    engineer: FieldEngineer,
    by: Principal,
    zone: str,
) -> None:
    """The same window with another roster engineer (a hand-over, 交接): the engineer who
    no longer goes is texted if their sheet is out, the one who now goes gets it on
    theirs (or at once), and a customer who was texted the engineer is texted the new
    one. The caller has checked the engineer is free (``engineers.book_for``)."""
    engineer_sheets.dropped(session, visit, order, moved=False)
    before = visit.engineer
    visit.engineer_id, visit.engineer, visit.engineer_phone = (
        engineer.id,
        engineer.name,
        engineer.phone,
    )
    session.flush()
    engineer_sheets.booked(session, visit, order, zone)
    if visit.texted and is_mobile(order.contact_phone):
        said = _new_engineer_text(order, visit, zone, customer_language(session, order))
        text_customer(session, phone=order.contact_phone, text=said)
    details = {"appointment": visit.id, "engineer": engineer.name, "engineer_before": before}
    _record(session, order, by, "engineer_changed", visit, details, reason="")


def _new_engineer_text(order: WorkOrder, visit: OrderAppointment, zone: str, language: str) -> str:
    english = language == "en"
    window = window_text(visit.starts_at, visit.ends_at, zone, english=english)
    phone = f" {visit.engineer_phone}" if visit.engineer_phone else ""
    if english:
        return (
            f"[{order.number}] Your visit of {window} stands; engineer {visit.engineer}{phone} "
            "now comes instead."
        )
    return sms_answer(order, f"您{window}的上门时间不变，改由工程师{visit.engineer}{phone}上门。")


def call_off_booked(session: Session, order: WorkOrder, by: Principal | None, reason: str) -> None:
    """An order cancelled (invalid, or merged away) calls its booked visit off: no
    engineer goes to a door for an order that no longer stands."""
    visit = booked(session, order.id)
    if visit is not None:
        close(
            session,
            order=order,
            appointment=visit,
            outcome=AppointmentStatus.CANCELLED,
            by=by,
            note=reason,
        )


def carry_booked(session: Session, *, source: WorkOrder, target: WorkOrder, by: Principal) -> None:
    """A duplicate merged into the order kept brings its booked visit along, unless the
    kept order has its own (then the duplicate's is called off with the duplicate)."""
    visit = booked(session, source.id)
    if visit is None or booked(session, target.id) is not None:
        return
    visit.order_id = target.id
    session.flush()
    details = {"appointment": visit.id, "carried_from": source.number}
    _record(session, target, by, "carry", visit, details, reason="")


def booked(session: Session, order_id: int) -> OrderAppointment | None:
    """The order's visit booked now, if any."""
    return session.scalar(
        select(OrderAppointment).where(
            OrderAppointment.order_id == order_id,
            OrderAppointment.status == AppointmentStatus.SCHEDULED,
        )
    )


def _engineer_missed(
    session: Session, order: WorkOrder, appointment: OrderAppointment, note: str
) -> None:
    """The customer stayed at home for nothing: the order moves a step up its holder's
    queue, as a chase moves it, and its holder is told to book again."""
    order.priority = min(MAX_PRIORITY, order.priority + 1)
    order.updated_at = utcnow()  # the order changed: its version moves
    tell_holders(
        session,
        order,
        subject=f"工程师爽约 {order.number} / The engineer missed the visit",
        said=f"{appointment.engineer}: {note}",
    )


def _address_on_file(session: Session, order: WorkOrder) -> str:
    """Where a booking that names no address goes (422 when the order knows none)."""
    known = visit_address.known_address(session, order)
    if known is None:
        raise Unprocessable("appointment_address_required", field="address")
    return known.address


def window_of(
    visit_on: date, from_time: time, to_time: time, zone: str
) -> tuple[datetime, datetime]:
    """The window in UTC, from the day and hours given in the center's time (422 at the
    field when it is backwards, too long or short, past or too far ahead)."""
    local = ZoneInfo(zone)
    starts = datetime.combine(visit_on, from_time.replace(tzinfo=None), local)
    ends = datetime.combine(visit_on, to_time.replace(tzinfo=None), local)
    if ends <= starts:
        raise Unprocessable("appointment_window_backwards", field="to_time")
    if ends - starts > LONGEST_WINDOW:
        raise Unprocessable("appointment_window_too_long", field="to_time", hours=4)
    if ends - starts < SHORTEST_WINDOW:
        raise Unprocessable("appointment_window_too_short", field="to_time", minutes=30)
    now = utcnow()
    if starts <= now:
        raise Unprocessable("appointment_in_past", field="from_time")
    if starts > now + FARTHEST_AHEAD:
        raise Unprocessable("appointment_too_far", field="visit_on", days=60)
    return starts.astimezone(UTC), ends.astimezone(UTC)


def _close_scheduled(
    session: Session, order: WorkOrder, by: Principal | None, outcome: AppointmentStatus
) -> OrderAppointment | None:
    """Close the visit booked on the order, if any (a booking moves it)."""
    visit = booked(session, order.id)
    if visit is None:
        return None
    visit.status = outcome
    visit.closed_at = utcnow()
    visit.closed_by_id = by.staff_id if by else None
    session.flush()  # before the new booking: one booked at a time
    return visit


def _record(
    session: Session,
    order: WorkOrder,
    by: Principal | None,
    what: str,
    row: OrderAppointment,
    details: dict[str, object],
    *,
    reason: str,
    who: str = "",
) -> None:
    """On the order's timeline and in the audit log (never the address: personal data);
    ``who`` names who acted when no staff member did (the customer, the engineer)."""
    record_event(session, order, kind=EventKind.APPOINTMENT, by=by, reason=reason, details=details)
    audit.record(
        session,
        actor=by,
        action=f"order.appointment.{what}",
        entity_type="work_order",
        entity_id=order.id,
        actor_name=who or None,
        reason=reason or None,
        details={"appointment": row.id, "number": order.number},
    )


def visit_text(
    order: WorkOrder, row: OrderAppointment, zone: str, language: str, *, moved: bool
) -> str:
    """The text telling the customer when the engineer comes, and who."""
    english = language == "en"
    window = window_text(row.starts_at, row.ends_at, zone, english=english)
    phone = f" {row.engineer_phone}" if row.engineer_phone else ""
    if english:
        verb = "moved your visit to" if moved else "booked a visit for"
        return (
            f"[{order.number}] We have {verb} {window}: engineer {row.engineer}{phone}. "
            "To change it, reply GY with the day and morning, afternoon or evening "
            "(GY 9 Dec afternoon), or call us."
        )
    verb = "改约至" if moved else "预约"
    return sms_answer(
        order,
        f"已为您{verb}{window}上门处理，工程师{row.engineer}{phone}。"
        "如需改约，请回复 GY+日期+时段（如 GY 12月9日下午）或致电客服热线。",
    )


def window_text(starts: datetime, ends: datetime, zone: str, *, english: bool) -> str:
    """A visit's window as every text and reply names it: 12月08日14:00-18:00, or
    08 Dec 14:00–18:00, in the center's time."""
    local = ZoneInfo(zone)
    starts, ends = starts.astimezone(local), ends.astimezone(local)
    if english:
        return f"{starts:%d %b} {starts:%H:%M}–{ends:%H:%M}"
    return f"{starts:%m月%d日}{starts:%H:%M}-{ends:%H:%M}"


def the_appointment(session: Session, order: WorkOrder, appointment_id: int) -> OrderAppointment:
    """One of the order's visits (404 for another order's, or none)."""
    return one_of_order(
        session, OrderAppointment, order, appointment_id, missing="appointment_not_found"
    )


def booked_on(session: Session, order_ids: list[int]) -> list[OrderAppointment]:
    """The visits booked now on these orders (one query)."""
    if not order_ids:
        return []
    query = select(OrderAppointment).where(
        OrderAppointment.order_id.in_(order_ids),
        OrderAppointment.status == AppointmentStatus.SCHEDULED,
    )
    return list(session.scalars(query))


def booked_windows(session: Session, order_ids: list[int]) -> dict[int, tuple[datetime, datetime]]:
    """The window of the visit booked on each of these orders (those without one left
    out): one query for a page of a queue."""
    if not order_ids:
        return {}
    rows = session.execute(
        select(
            OrderAppointment.order_id, OrderAppointment.starts_at, OrderAppointment.ends_at
        ).where(
            OrderAppointment.order_id.in_(order_ids),
            OrderAppointment.status == AppointmentStatus.SCHEDULED,
        )
    )
    return {order_id: (starts, ends) for order_id, starts, ends in rows}


def listed(session: Session, order_id: int) -> list[ListedAppointment]:
    """The order's visits, the latest booked first."""
    people = (OrderAppointment.booked_by_id, OrderAppointment.closed_by_id)
    rows = with_names(session, OrderAppointment, order_id, people, newest_first=True)
    booked_now = [row[0] for row in rows if row[0].status == AppointmentStatus.SCHEDULED]
    asked = moves_asked(session, booked_now).get(order_id)
    return [
        ListedAppointment(*row, move_asked=asked if row[0] in booked_now else None) for row in rows
    ]


def visit_to_move(session: Session, order_id: int) -> OrderAppointment | None:
    """The visit a customer's ask moves: the one booked; or, for a customer the engineer
    found out lately, the visit they missed, booked again from (the same engineer and
    address). None when the order has neither."""
    return booked(session, order_id) or rebookable(session, [order_id]).get(order_id)


def rebookable(session: Session, order_ids: list[int]) -> dict[int, OrderAppointment]:
    """For each of these orders still being handled with no visit booked, its latest
    visit the customer missed in the last week: what a customer who was out books again
    from (the same engineer and address), one query."""
    if not order_ids:
        return {}
    booked = select(OrderAppointment.order_id).where(
        OrderAppointment.order_id.in_(order_ids),
        OrderAppointment.status == AppointmentStatus.SCHEDULED,
    )
    rows = session.scalars(
        select(OrderAppointment)
        .join(WorkOrder, WorkOrder.id == OrderAppointment.order_id)
        .where(
            OrderAppointment.order_id.in_(order_ids),
            OrderAppointment.order_id.not_in(booked),
            OrderAppointment.status == AppointmentStatus.MISSED,
            OrderAppointment.missed_by == "customer",
            OrderAppointment.closed_at >= utcnow() - REBOOK_WITHIN,
            WorkOrder.status.in_([status.value for status in BOOKABLE]),
        )
        .order_by(OrderAppointment.closed_at, OrderAppointment.id)
    )
    return {visit.order_id: visit for visit in rows}  # the latest of each order last
