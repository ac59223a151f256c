"""The engineer's day sheet (派工短信): at 18:00 the evening before (the setting
``evening_notices_at``), a roster engineer with visits the next day is texted them —
each window, order number and address, the earliest first. The sheet is composed when it
is sent, from the visits booked then, so a visit moved or called off before the evening
is simply not on it; one booked, moved or called off after the sheet went out (or for
the same day) is texted to the engineer at once. Each sheet and change is audited: it
gives customers' addresses to the engineer. An hour after a visit's window ends with no
report (装维回单, HD), its engineer is reminded to send one. An engineer off that day (轮休,
请假) with visits still booked gets the sheet all the same (it may be overtime agreed with
them), and the unit's supervisors and team leads are mailed with it: at 18:00 there is
still time to hand the visits over before the customers wait for nobody.

The customers' numbers are not on it: the engineer is given the address to go to, and
the customer was texted the engineer's number with the booking.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from kefu.notify import links
from kefu.notify.tasks import notify_staff, sms_sending, text_customer
from kefu.org import repository as org_repo
from kefu.org.repository import supervisor_ids, team_lead_ids
from kefu.workorders import engineer_days_off as days_off
from kefu.workorders.enums import AppointmentStatus
from kefu.workorders.models import FieldEngineer, OrderAppointment, WorkOrder

SHEET = "order.engineer_sheet"
# How the engineer reports each visit back (kefu.contact.engineer_report_text).
HOW_TO_REPORT = "上门后请回复 HD+工单号+完成（或 不在）回单。"
# A visit still unreported this long after its window ends: its engineer is reminded.
REPORT_DUE = "order.engineer_report_due"
REPORT_GRACE = timedelta(hours=1)


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
    """The evening before, with the customers' reminders (``evening_notices_at``)."""
    evening = get_settings().evening_notices_at
    return datetime.combine(day - timedelta(days=1), evening, ZoneInfo(zone))


def _line(visit: OrderAppointment, number: str, zone: str) -> str:
    local = ZoneInfo(zone)
    starts, ends = visit.starts_at.astimezone(local), visit.ends_at.astimezone(local)
    return f"{starts:%H:%M}-{ends:%H:%M} {number} {visit.address}"


def booked(session: Session, visit: OrderAppointment, order: WorkOrder, zone: str) -> None:
    """A roster visit booked: on its day's sheet if that is still to go (queued once per
    engineer and day), else texted to the engineer now; and a reminder to report it, in
    case the window ends with no report."""
    engineer = session.get(FieldEngineer, visit.engineer_id) if visit.engineer_id else None
    if engineer is None or _mobile(engineer) is None:
        return
    _remind_to_report(session, visit)
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


def _remind_to_report(session: Session, visit: OrderAppointment) -> None:
    """Queue the visit's report reminder once (a visit handed over keeps it: the reminder
    goes to whoever has the visit when it is due)."""
    key = f"report-{visit.id}"
    if session.scalar(select(outbox.Job.id).where(outbox.Job.message_id == key)) is None:
        payload = {"appointment_id": visit.id}
        run_at = visit.ends_at + REPORT_GRACE
        outbox.enqueue(session, kind=REPORT_DUE, payload=payload, run_at=run_at, message_id=key)


def awaiting_report(visit: OrderAppointment) -> bool:
    """Still booked after its window ended: the engineer has not reported it."""
    return visit.status == AppointmentStatus.SCHEDULED and visit.ends_at <= utcnow()


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
    _audit_texted(session, order.id, {"engineer_id": engineer.id, "number": order.number})


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
    details = {"engineer_id": engineer.id, "sheet": day.isoformat()}
    warning = _off_day_warning(session, engineer, day, len(rows), lines)
    return _sending(number, said, message_id, order_ids, details, warning)


@dataclass(frozen=True)
class Warning:
    """A mail to the dispatchers, as plain values (the reading session is gone when it
    is queued)."""

    staff_ids: list[int]
    subject: str
    body: str


def _off_day_warning(
    session: Session, engineer: FieldEngineer, day: date, count: int, lines: str
) -> Warning | None:
    """The mail to the engineer's unit's supervisors and team leads when the engineer is
    off that day with visits still booked; None when they work that day."""
    if not days_off.is_off(session, engineer.id, day):
        return None
    unit = engineer.org_unit_id
    leads = [i for team in org_repo.teams(session, unit) for i in team_lead_ids(session, team.id)]
    subject = f"{engineer.name} {day:%m月%d日}休息，仍有{count}个上门 / Off with visits booked"
    body = (
        f"{engineer.name}师傅{day:%m月%d日}休息，仍有{count}个上门未移交：{lines}。"
        "请在装维工程师页面移交给同事，或与其确认加班。"
    )
    return Warning(sorted({*supervisor_ids(session, unit), *leads}), subject, body)


@outbox.handler(REPORT_DUE)
def _report_due(
    session: Session, payload: dict[str, Any], message_id: str
) -> outbox.Sending[None] | None:
    """The reminder to report a visit whose window ended: to the engineer who has it now,
    unless it was reported, moved or called off."""
    visit = session.get(OrderAppointment, payload["appointment_id"])
    if visit is None or not awaiting_report(visit) or visit.engineer_id is None:
        return None
    engineer = session.get(FieldEngineer, visit.engineer_id)
    number = _mobile(engineer) if engineer is not None and engineer.active else None
    if engineer is None or number is None:
        return None
    order_number = session.scalar(select(WorkOrder.number).where(WorkOrder.id == visit.order_id))
    zone = str(get_settings().timezone)
    local = ZoneInfo(zone)
    starts, ends = visit.starts_at.astimezone(local), visit.ends_at.astimezone(local)
    said = (
        f"【回单提醒】{engineer.name}师傅，工单 {order_number}（{starts:%m月%d日%H:%M}-"
        f"{ends:%H:%M}）尚未回单，请回复 HD {order_number} 完成（或 不在）。"
    )
    details = {"engineer_id": engineer.id, "report_reminder": True}
    return _sending(number, said, message_id, [visit.order_id], details)


def _sending(
    number: str,
    said: str,
    message_id: str,
    order_ids: list[int],
    details: dict[str, Any],
    warning: Warning | None = None,
) -> outbox.Sending[None]:
    """The text to an engineer, and, once it is sent, one audit row per order it names
    and the dispatchers' warning, if any (plain values only: the reading session is
    gone by then)."""

    def record(writing: Session, _answer: None) -> None:
        for order_id in order_ids:
            _audit_texted(writing, order_id, details)
        if warning is not None:
            for staff_id in warning.staff_ids:
                notify_staff(
                    writing,
                    staff_id=staff_id,
                    subject=warning.subject,
                    body=warning.body,
                    link=links.ENGINEERS,
                )

    sending = sms_sending(to=number, text=said, message_id=message_id)
    return outbox.Sending(channel=sending.channel, send=sending.send, record=record)


def _audit_texted(session: Session, order_id: int, details: dict[str, Any]) -> None:
    audit.record(
        session,
        actor=None,
        actor_name="kefu",
        action="order.appointment.engineer_texted",
        entity_type="work_order",
        entity_id=order_id,
        details=details,
    )
