"""The evening before an engineer's visit (上门), the customer who was texted the booking
is reminded of it — unless the visit was moved, made or called off meanwhile: the job
looks at the visit when it runs, and texts at most once (the outbox's delivery record).

Why the evening before: the customer arranges to be at home the next day; a visit booked
for the same day or after that evening's reminder time was just texted at booking.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.core import outbox
from kefu.core.base import utcnow
from kefu.notify.tasks import sms_sending
from kefu.workorders.enums import AppointmentStatus
from kefu.workorders.models import OrderAppointment, WorkOrder
from kefu.workorders.service import customer_language, sms_answer

REMINDER = "order.visit_reminder"


def remind_the_evening_before(session: Session, row: OrderAppointment, zone: str) -> None:
    """Queue the visit's reminder for the evening before (``evening_notices_at``), if that
    is still ahead."""
    local = ZoneInfo(zone)
    day_before = row.starts_at.astimezone(local).date() - timedelta(days=1)
    at = datetime.combine(day_before, get_settings().evening_notices_at, local)
    if at > utcnow():
        outbox.enqueue(
            session, kind=REMINDER, payload={"appointment_id": row.id, "zone": zone}, run_at=at
        )


@outbox.handler(REMINDER)
def _remind(
    session: Session, payload: dict[str, Any], message_id: str
) -> outbox.Sending[None] | None:
    row = session.get(OrderAppointment, payload["appointment_id"])
    if row is None or row.status != AppointmentStatus.SCHEDULED:
        return None  # moved (its new booking has its own reminder), made or called off
    order = session.get(WorkOrder, row.order_id)
    assert order is not None  # foreign key
    said = reminder_text(order, row, payload["zone"], customer_language(session, order))
    return sms_sending(to=order.contact_phone, text=said, message_id=message_id)


def reminder_text(order: WorkOrder, row: OrderAppointment, zone: str, language: str) -> str:
    """Tomorrow's window and who comes."""
    local = ZoneInfo(zone)
    starts, ends = row.starts_at.astimezone(local), row.ends_at.astimezone(local)
    if language == "en":
        return (
            f"[{order.number}] Reminder: engineer {row.engineer} visits tomorrow "
            f"({starts:%d %b}) {starts:%H:%M}–{ends:%H:%M}."
        )
    return sms_answer(
        order,
        f"温馨提醒：工程师{row.engineer}将于明天（{starts:%m月%d日}）"
        f"{starts:%H:%M}-{ends:%H:%M}上门处理，请留意来电。",
    )
