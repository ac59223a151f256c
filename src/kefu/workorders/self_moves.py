"""A customer's ask to move the engineer's visit, done at once when it can be (自助改约).

When the visit was booked from the roster and its engineer is free and working for the
part of the day the customer names, the visit is moved there and then — the same engineer, the same
address, the part's usual window — instead of waiting for the order's holder to call
back. Anything else (an engineer named by hand, one taken, off duty then, off that day or no
longer on the roster, a window the booking rules refuse) leaves the ask standing for the holder,
who may agree overtime with the engineer.
"""

from __future__ import annotations

from datetime import time

from sqlalchemy.orm import Session

from kefu.errors import Conflict, Unprocessable
from kefu.workorders import appointments, engineers
from kefu.workorders import engineer_days_off as days_off
from kefu.workorders.appointment_schemas import AppointmentCreate
from kefu.workorders.enums import PartOfDay
from kefu.workorders.models import FieldEngineer, OrderAppointment, WorkOrder
from kefu.workorders.urging import tell_holders
from kefu.workorders.visit_moves import MoveAsked
from kefu.workorders.visit_reminders import remind_the_evening_before

# The window a part of the day stands for: the windows dispatchers book most.
PART_HOURS = {
    PartOfDay.MORNING: (time(9), time(12)),
    PartOfDay.AFTERNOON: (time(14), time(18)),
    PartOfDay.EVENING: (time(18), time(20)),
}
NOTE = "客户自助改约 / moved by the customer"


def move_if_free(
    session: Session,
    *,
    order: WorkOrder,
    visit: OrderAppointment,
    asked: MoveAsked,
    zone: str,
    customer: str,
) -> OrderAppointment | None:
    """The visit moved to the day and part asked, if its roster engineer is free and
    working then; None (nothing written) when it cannot be. The customer is told by the
    caller (the text's reply, the page); reminded the evening before as the visit was;
    the holder is told."""
    engineer = session.get(FieldEngineer, visit.engineer_id) if visit.engineer_id else None
    starts, ends = PART_HOURS[asked.part]
    if engineer is None or not engineers.works_between(engineer, starts, ends):
        return None
    if days_off.is_off(session, engineer.id, asked.day):  # a rest day: the holder decides
        return None
    data = AppointmentCreate(
        visit_on=asked.day,
        from_time=starts,
        to_time=ends,
        address=visit.address,
        engineer_id=visit.engineer_id,
        note=NOTE,
    )
    try:
        with session.begin_nested():  # a refusal leaves the booked visit as it was
            moved = appointments.book(
                session, order=order, data=data, by=None, zone=zone, customer=customer
            )
    except (Conflict, Unprocessable):
        return None
    if visit.texted:  # told by the reply or the page: reminded as the visit would have been
        moved.texted = True
        remind_the_evening_before(session, moved, zone)
    window = appointments.window_text(moved.starts_at, moved.ends_at, zone, english=False)
    tell_holders(
        session,
        order,
        subject=f"客户已自助改约上门 {order.number} / The customer moved the visit",
        said=f"{window} {moved.engineer}",
    )
    return moved
