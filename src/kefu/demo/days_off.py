"""The demo's days off (轮休): each engineer of the roster rests one day in the coming
week, on a day no visit is booked for them, the days spread over the branch so the
board and the booking form show someone off on most days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, insert, select

from kefu.workorders.enums import AppointmentStatus
from kefu.workorders.models import EngineerDayOff, FieldEngineer, OrderAppointment

ZONE = ZoneInfo("Asia/Shanghai")
WEEK = 7
REASON = "轮休"


def generate_days_off(engine: Engine, *, now: datetime | None = None) -> int:
    """Give each active engineer a rest day in the coming week; returns how many."""
    with engine.begin() as connection:
        return rest_days(connection, today=(now or datetime.now(UTC)).astimezone(ZONE).date())


def rest_days(connection: Connection, *, today: date) -> int:
    """``generate_days_off`` in the caller's transaction."""
    engineers = connection.scalars(
        select(FieldEngineer.id).where(FieldEngineer.active).order_by(FieldEngineer.id)
    ).all()
    booked = _days_booked(connection, today)
    written = 0
    for n, engineer_id in enumerate(engineers):
        ahead = [today + timedelta(days=1 + (n + k) % WEEK) for k in range(WEEK)]
        day = next((d for d in ahead if (engineer_id, d) not in booked), None)
        if day is None:  # booked every day of the week: no rest day this week
            continue
        connection.execute(
            insert(EngineerDayOff),
            {"engineer_id": engineer_id, "day": day, "reason": REASON, "set_at": _utc(today)},
        )
        written += 1
    return written


def _days_booked(connection: Connection, today: date) -> set[tuple[int, date]]:
    """(engineer, local day) of each visit booked in the coming week."""
    starts = _utc(today)
    rows = connection.execute(
        select(OrderAppointment.engineer_id, OrderAppointment.starts_at).where(
            OrderAppointment.status == AppointmentStatus.SCHEDULED,
            OrderAppointment.engineer_id.is_not(None),
            OrderAppointment.starts_at >= starts,
            OrderAppointment.starts_at < starts + timedelta(days=WEEK + 1),
        )
    )
    return {(engineer_id, _local_day(at)) for engineer_id, at in rows if engineer_id is not None}


def _local_day(moment: datetime) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZONE).date()


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), ZONE).astimezone(UTC)
