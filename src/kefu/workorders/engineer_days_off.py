"""Field engineers' days off (轮休, 请假): set by the dispatcher for a day of the center's
calendar. An engineer off that day is offered for its visits after those working (and
said so), is not moved onto it by a customer's text or web page, and is not handed a
colleague's visits of that day; the board shows them off.

Why: working hours alone offered an engineer on leave as if at work, and a customer's
move by GY went to their rest day unasked. Marking a day off does not move the visits
already booked that day: the answer counts them, for the dispatcher to hand over.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.core.clock import local_today
from kefu.core.rbac import Principal
from kefu.errors import Unprocessable
from kefu.workorders import engineers
from kefu.workorders.enums import AppointmentStatus
from kefu.workorders.models import EngineerDayOff, FieldEngineer, OrderAppointment

AHEAD_DAYS = 14  # the roster's look ahead at days off
LEAVE_MAX_DAYS = 31  # a longer absence is a leaver's: made inactive, visits handed over


def local_day(moment: datetime, zone: str) -> date:
    """The center's day a moment falls on."""
    return moment.astimezone(ZoneInfo(zone)).date()


def off_on(session: Session, engineer_ids: Sequence[int], day: date) -> dict[int, str]:
    """The engineers of ``engineer_ids`` off on ``day``, with the reason given ("" none)."""
    if not engineer_ids:
        return {}
    rows = session.execute(
        select(EngineerDayOff.engineer_id, EngineerDayOff.reason).where(
            EngineerDayOff.engineer_id.in_(list(engineer_ids)), EngineerDayOff.day == day
        )
    )
    return {engineer_id: reason for engineer_id, reason in rows}


def is_off(session: Session, engineer_id: int, day: date) -> bool:
    return engineer_id in off_on(session, [engineer_id], day)


def off_among(session: Session, engineer_id: int, days: Collection[date]) -> set[date]:
    """Which of ``days`` the engineer is off (one query for a hand-over's many visits)."""
    if not days:
        return set()
    rows = session.scalars(
        select(EngineerDayOff.day).where(
            EngineerDayOff.engineer_id == engineer_id, EngineerDayOff.day.in_(list(days))
        )
    )
    return set(rows)


def ahead(
    session: Session, engineer_ids: Sequence[int], today: date, days: int = AHEAD_DAYS
) -> dict[int, list[date]]:
    """Each engineer's days off from ``today`` for ``days`` days, the soonest first: the
    roster shows who is off when the week is planned."""
    if not engineer_ids:
        return {}
    rows = session.execute(
        select(EngineerDayOff.engineer_id, EngineerDayOff.day)
        .where(
            EngineerDayOff.engineer_id.in_(list(engineer_ids)),
            EngineerDayOff.day >= today,
            EngineerDayOff.day < today + timedelta(days=days),
        )
        .order_by(EngineerDayOff.day)
    )
    found: dict[int, list[date]] = {}
    for engineer_id, day in rows:
        found.setdefault(engineer_id, []).append(day)
    return found


@dataclass(frozen=True)
class DayOff:
    """A day off as set, and the visits still booked for the engineer that day."""

    row: EngineerDayOff
    visits_that_day: int


def set_off(
    session: Session,
    engineer: FieldEngineer,
    day: date,
    *,
    reason: str,
    by: Principal,
    zone: str,
) -> DayOff:
    """Mark the day off (again: the reason is changed); not a day gone by (422)."""
    if day < local_today(zone):
        raise Unprocessable("day_off_past", field="day")
    row = _mark(session, engineer, day, reason, by)
    details = {"day": day.isoformat(), "reason": reason}
    engineers.audit_change(session, by, "engineer.day_off", engineer, details)
    return DayOff(row, _visits_between(session, engineer.id, day, day, zone))


@dataclass(frozen=True)
class Leave:
    """A leave as set: its days, and the visits still booked over them."""

    days: list[date]
    visits_booked: int


def set_leave(
    session: Session,
    engineer: FieldEngineer,
    first: date,
    last: date,
    *,
    reason: str,
    by: Principal,
    zone: str,
) -> Leave:
    """Mark every day from ``first`` to ``last`` off (请假): in order, at most
    ``LEAVE_MAX_DAYS``, none gone by (422 at the field at fault); audited once."""
    if first < local_today(zone):
        raise Unprocessable("day_off_past", field="first_day")
    if last < first:
        raise Unprocessable("leave_order", field="last_day")
    if (last - first).days + 1 > LEAVE_MAX_DAYS:
        raise Unprocessable("leave_too_long", field="last_day", days=LEAVE_MAX_DAYS)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for day in days:
        _mark(session, engineer, day, reason, by)
    details = {"first_day": first.isoformat(), "last_day": last.isoformat(), "reason": reason}
    engineers.audit_change(session, by, "engineer.leave", engineer, details)
    return Leave(days, _visits_between(session, engineer.id, first, last, zone))


def _mark(
    session: Session, engineer: FieldEngineer, day: date, reason: str, by: Principal
) -> EngineerDayOff:
    """The day off, added or given the new reason."""
    row = _day_off(session, engineer.id, day)
    if row is None:
        row = EngineerDayOff(engineer_id=engineer.id, day=day)
        session.add(row)
    row.reason, row.set_by_id = reason, by.staff_id
    session.flush()
    return row


def clear(
    session: Session, engineer: FieldEngineer, day: date, *, by: Principal, zone: str
) -> None:
    """The engineer works that day after all (nothing to clear is no error); a day gone
    by stays as it was (422): the record says who was off when."""
    if day < local_today(zone):
        raise Unprocessable("day_off_past", field="day")
    row = _day_off(session, engineer.id, day)
    if row is None:
        return
    session.delete(row)
    session.flush()
    details = {"day": day.isoformat(), "reason": ""}
    engineers.audit_change(session, by, "engineer.day_back", engineer, details)


def _day_off(session: Session, engineer_id: int, day: date) -> EngineerDayOff | None:
    return session.scalar(
        select(EngineerDayOff).where(
            EngineerDayOff.engineer_id == engineer_id, EngineerDayOff.day == day
        )
    )


def _visits_between(session: Session, engineer_id: int, first: date, last: date, zone: str) -> int:
    """The visits still booked for the engineer from ``first`` to ``last`` (local days)."""
    local = ZoneInfo(zone)
    starts = datetime.combine(first, time(0), local).astimezone(UTC)
    ends = datetime.combine(last + timedelta(days=1), time(0), local).astimezone(UTC)
    return int(
        session.scalar(
            select(func.count()).where(
                OrderAppointment.engineer_id == engineer_id,
                OrderAppointment.status == AppointmentStatus.SCHEDULED,
                OrderAppointment.starts_at >= starts,
                OrderAppointment.starts_at < ends,
            )
        )
        or 0
    )
