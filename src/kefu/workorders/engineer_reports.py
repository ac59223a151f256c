"""Engineers reporting their visits from the doorstep (回单): a roster engineer texts
that a visit was made, or that nobody was at home, and the visit is closed at once as
the console would close it, in the engineer's name.

Why: an engineer's report that waits for someone at a desk to type it in is the
partner turnaround (合作商流转) the seeds name as a cause of repeat complaints. Closing at
once tells the order's holder to answer the customer (or book again), and a customer who
was out is texted that the engineer came and how to book again (GY), before they call to
ask where the engineer was.

Only the engineer the visit is booked for may report it, only on or after its day, and
"nobody at home" only once its window has begun: a text can close a visit that is due,
never one still ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core.base import utcnow
from kefu.core.phone import is_mobile, normalize_phone
from kefu.errors import Unprocessable
from kefu.notify.tasks import text_customer
from kefu.workorders import appointments
from kefu.workorders.enums import AppointmentStatus
from kefu.workorders.models import FieldEngineer, OrderAppointment, WorkOrder
from kefu.workorders.service import customer_language, sms_answer
from kefu.workorders.urging import tell_holders

SAME_NUMBER_DIGITS = 4  # compared first; rosters keep numbers as typed (139 2001 3301)


def engineer_texting(session: Session, number: str) -> FieldEngineer | None:
    """The active roster engineer whose phone is ``number`` (E.164); None when no one's
    is, or when two engineers share it (a report is never put in the wrong name)."""
    tail = number[-SAME_NUMBER_DIGITS:]
    candidates = session.scalars(
        select(FieldEngineer).where(
            FieldEngineer.active.is_(True), FieldEngineer.phone.like(f"%{tail}")
        )
    )
    found = [engineer for engineer in candidates if _number_of(engineer) == number]
    return found[0] if len(found) == 1 else None


def _number_of(engineer: FieldEngineer) -> str | None:
    try:
        return normalize_phone(engineer.phone)
    except Unprocessable:
        return None


class NotReportable(Exception):
    """Why a report cannot close the visit; ``code`` picks the reply."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def visit_to_report(
    session: Session, engineer: FieldEngineer, number: str | None, zone: str
) -> tuple[WorkOrder, OrderAppointment]:
    """The booked visit of the engineer's that the report is about: the order named, or
    else the one visit of theirs of today that has begun."""
    query = (
        select(WorkOrder, OrderAppointment)
        .join(OrderAppointment, OrderAppointment.order_id == WorkOrder.id)
        .where(
            OrderAppointment.engineer_id == engineer.id,
            OrderAppointment.status == AppointmentStatus.SCHEDULED,
        )
    )
    if number is not None:
        found = session.execute(query.where(WorkOrder.number == number)).first()
        if found is None:
            raise NotReportable(
                "closed" if _reported_before(session, engineer, number) else "not_yours"
            )
        return found[0], found[1]
    now = utcnow()
    begun = [
        (order, visit)
        for order, visit in session.execute(query.where(OrderAppointment.starts_at <= now))
        if _local_day(visit.starts_at, zone) == _local_day(now, zone)
    ]
    if len(begun) != 1:
        raise NotReportable("name_the_order")
    return begun[0]


def _reported_before(session: Session, engineer: FieldEngineer, number: str) -> bool:
    """The order had a visit of the engineer's, closed since (a report sent twice)."""
    closed = session.scalar(
        select(OrderAppointment.id)
        .join(WorkOrder, WorkOrder.id == OrderAppointment.order_id)
        .where(
            WorkOrder.number == number,
            OrderAppointment.engineer_id == engineer.id,
            OrderAppointment.status.in_((AppointmentStatus.DONE, AppointmentStatus.MISSED)),
        )
        .limit(1)
    )
    return closed is not None


@dataclass(frozen=True)
class Report:
    """What the engineer said of the visit, as they texted it."""

    made: bool  # False: nobody was at home
    words: str


def close_reported(
    session: Session,
    *,
    engineer: FieldEngineer,
    order: WorkOrder,
    visit: OrderAppointment,
    report: Report,
    zone: str,
) -> OrderAppointment:
    """Close the visit as the engineer reports it; the order's holder is told, and a
    customer who was out is texted that the engineer came, and how to book again."""
    now = utcnow()
    if _local_day(visit.starts_at, zone) > _local_day(now, zone):
        raise NotReportable("not_yet")
    if not report.made and visit.starts_at > now:
        raise NotReportable("window_not_begun")
    note = f"工程师{engineer.name}短信回单：{report.words}"[:500]
    closed = appointments.close(
        session,
        order=order,
        appointment=visit,
        outcome=AppointmentStatus.DONE if report.made else AppointmentStatus.MISSED,
        by=None,
        note=note,
        missed_by="" if report.made else "customer",
        reported_by=engineer.name,
    )
    what = "上门已完成 / The visit was made" if report.made else "客户不在 / Nobody was at home"
    tell_holders(session, order, subject=f"工程师回单 {order.number}: {what}", said=note)
    if not report.made and is_mobile(order.contact_phone):
        language = customer_language(session, order)
        text_customer(
            session, phone=order.contact_phone, text=_out_text(order, closed, zone, language)
        )
    return closed


def _out_text(order: WorkOrder, visit: OrderAppointment, zone: str, language: str) -> str:
    """The text to a customer the engineer found out: when they came, and how to book
    again (GY books from the missed visit for a week: kefu.contact.visit_move_text)."""
    english = language == "en"
    window = appointments.window_text(visit.starts_at, visit.ends_at, zone, english=english)
    if english:
        return (
            f"[{order.number}] Engineer {visit.engineer} came for your visit of {window} "
            "and found nobody at home. To book again, reply GY with the day and morning, "
            "afternoon or evening (GY 9 Dec afternoon), or call us."
        )
    return sms_answer(
        order,
        f"工程师{visit.engineer}按约于{window}上门，未能见到您。如需重新预约，请回复 "
        "GY+日期+时段（如 GY 12月9日下午）或致电客服热线。",
    )


def _local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()
