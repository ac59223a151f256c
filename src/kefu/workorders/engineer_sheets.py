"""The engineer's day sheet (派工短信): at 18:00 the evening before, a roster engineer with
visits the next day is texted them — each window, order number and address, the
earliest first. The sheet is composed when it is sent, from the visits booked then, so a
visit moved or called off before the evening is simply not on it; one booked, moved or
called off after the sheet went out (or for the same day) is texted to the engineer at
once. Each sheet and change is audited: it gives customers' addresses to the engineer.

The customers' numbers are not on it: the engineer is given the address to go to, and
the customer was texted the engineer's number with the booking.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.core import audit, outbox
from kefu.core.base import utcnow
from kefu.core.phone import is_mobile, normalize_phone
from kefu.errors import Unprocessable
from kefu.notify.tasks import sms_sending, text_customer
from kefu.workorders.enums import AppointmentStatus
from kefu.workorders.models import FieldEngineer, OrderAppointment, WorkOrder

SHEET = "order.engineer_sheet"
EVENING = time(18)  # with the customers' reminders
# How the engineer reports each visit back (kefu.contact.engineer_report_text).
HOW_TO_REPORT = "上门后请回复 HD+工单号+完成（或 不在）回单。"


def _mobile(engineer: FieldEngineer) -> str | None:
    """The engineer's mobile number in E.164, or None (a landline, none, or unreadable)."""
    try:
        number = normalize_phone(engineer.phone) if engineer.phone else ""
    except Unprocessable:
        return None
    return number if is_mobile(number) else None


def _day_of(visit: OrderAppointment, zone: str) -> date:
    return visit.starts_at.astimezone(ZoneInfo(zone)).date()


def _sheet_at(day: date, zone: str) -> datetime:
    return datetime.combine(day - timedelta(days=1), EVENING, ZoneInfo(zone))


def _line(visit: OrderAppointment, number: str, zone: str) -> str:
    local = ZoneInfo(zone)
    starts, ends = visit.starts_at.astimezone(local), visit.ends_at.astimezone(local)
    return f"{starts:%H:%M}-{ends:%H:%M} {number} {visit.address}"


def booked(session: Session, visit: OrderAppointment, order: WorkOrder, zone: str) -> None:
    """A roster visit booked: on its day's sheet if that is still to go (queued once per
    engineer and day), else texted to the engineer now."""
    engineer = session.get(FieldEngineer, visit.engineer_id) if visit.engineer_id else None
    if engineer is None or _mobile(engineer) is None:
        return
    day = _day_of(visit, zone)
    at = _sheet_at(day, zone)
    if at > utcnow():
        key = f"sheet-{engineer.id}-{day.isoformat()}"
        if session.scalar(select(outbox.Job.id).where(outbox.Job.message_id == key)) is None:
            payload = {"engineer_id": engineer.id, "day": day.isoformat(), "zone": zone}
            outbox.enqueue(session, kind=SHEET, payload=payload, run_at=at, message_id=key)
        return
    said = f"【新派单】{day:%m月%d日} {_line(visit, order.number, zone)}。{HOW_TO_REPORT}"
    _text_engineer(session, engineer, said, order)


def dropped(session: Session, visit: OrderAppointment, order: WorkOrder, *, moved: bool) -> None:
    """A roster visit moved or called off: texted to the engineer if their sheet for it
    has gone out and the window is still ahead (otherwise the sheet never lists it)."""
    engineer = session.get(FieldEngineer, visit.engineer_id) if visit.engineer_id else None
    zone = str(get_settings().timezone)
    if engineer is None or _mobile(engineer) is None or visit.starts_at <= utcnow():
        return
    day = _day_of(visit, zone)
    if _sheet_at(day, zone) > utcnow():
        return
    what = "改约" if moved else "取消"
    said = f"【派单{what}】{day:%m月%d日} {_line(visit, order.number, zone)} 已{what}，请勿前往。"
    _text_engineer(session, engineer, said, order)


def _text_engineer(session: Session, engineer: FieldEngineer, said: str, order: WorkOrder) -> None:
    number = _mobile(engineer)
    assert number is not None
    text_customer(session, phone=number, text=said)
    audit.record(
        session,
        actor=None,
        actor_name="kefu",
        action="order.appointment.engineer_texted",
        entity_type="work_order",
        entity_id=order.id,
        details={"engineer_id": engineer.id, "number": order.number},
    )


@outbox.handler(SHEET)
def _sheet(
    session: Session, payload: dict[str, Any], message_id: str
) -> outbox.Sending[None] | None:
    """The sheet of the visits booked for the engineer that day, as they stand now."""
    engineer = session.get(FieldEngineer, payload["engineer_id"])
    number = _mobile(engineer) if engineer is not None and engineer.active else None
    if engineer is None or number is None:
        return None
    day, zone = date.fromisoformat(payload["day"]), payload["zone"]
    local = ZoneInfo(zone)
    starts = datetime.combine(day, time(0), local)
    rows = session.execute(
        select(OrderAppointment, WorkOrder.number, WorkOrder.id)
        .join(WorkOrder, WorkOrder.id == OrderAppointment.order_id)
        .where(
            OrderAppointment.engineer_id == engineer.id,
            OrderAppointment.status == AppointmentStatus.SCHEDULED,
            OrderAppointment.starts_at >= starts,
            OrderAppointment.starts_at < starts + timedelta(days=1),
        )
        .order_by(OrderAppointment.starts_at)
    ).all()
    if not rows:
        return None  # all moved or called off since: nothing to send
    lines = "；".join(_line(visit, order_number, zone) for visit, order_number, _ in rows)
    said = (
        f"【明日上门】{engineer.name}师傅，{day:%m月%d日}共{len(rows)}单：{lines}。"
        f"如有变动将另行短信通知。{HOW_TO_REPORT}"
    )
    order_ids = [order_id for _, _, order_id in rows]
    engineer_id = engineer.id  # plain values only: the reading session is gone by then

    def record(writing: Session, _answer: None) -> None:
        for order_id in order_ids:
            audit.record(
                writing,
                actor=None,
                actor_name="kefu",
                action="order.appointment.engineer_texted",
                entity_type="work_order",
                entity_id=order_id,
                details={"engineer_id": engineer_id, "sheet": day.isoformat()},
            )

    sending = sms_sending(to=number, text=said, message_id=message_id)
    return outbox.Sending(channel=sending.channel, send=sending.send, record=record)
