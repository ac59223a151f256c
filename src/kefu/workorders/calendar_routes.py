"""HTTP routes of the center's calendar corrections (holidays and worked days)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from kefu.core import audit
from kefu.core.calendar_days import CalendarDay
from kefu.core.types import ShortText
from kefu.core.web import DbSession, IfMatchOptional, check_version
from kefu.errors import PreconditionRequired, Unprocessable
from kefu.workorders.deps import CanEditPolicy, CanReadOrders

router = APIRouter(prefix="/api/v1", tags=["calendar"])


class CalendarDayWrite(BaseModel):
    """Whether the day is worked, and why (the notice, the local holiday)."""

    model_config = ConfigDict(extra="forbid")

    workday: bool
    note: ShortText = ""


class CalendarDayRead(BaseModel):
    """A recorded day."""

    day: date
    workday: bool
    note: str
    updated_at: datetime
    version: int


@router.get("/calendar/days", response_model=list[CalendarDayRead])
def list_days(
    principal: CanReadOrders,
    session: DbSession,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> list[CalendarDayRead]:
    """The center's corrections for a year (the official calendar needs none)."""
    query = (
        select(CalendarDay)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)
    )
    return [
        CalendarDayRead(
            day=d.day, workday=d.workday, note=d.note, updated_at=d.updated_at, version=d.version
        )
        for d in session.scalars(query)
    ]


@router.put("/calendar/days/{day}", response_model=CalendarDayRead)
def record_day(
    day: date,
    data: CalendarDayWrite,
    principal: CanEditPolicy,
    session: DbSession,
    version: IfMatchOptional,
) -> CalendarDayRead:
    """Record a day as worked or not; changing a recorded day needs its If-Match version.
    Limits computed from now on use it; limits already set are not moved."""
    if not 2000 <= day.year <= 2100:
        raise Unprocessable("calendar_day_out_of_range", field="day")
    row = session.get(CalendarDay, day)
    if row is not None and version is None:
        raise PreconditionRequired(field="If-Match")
    if row is not None and version is not None:
        check_version(row.version, version)
    if row is None:
        row = CalendarDay(day=day, workday=data.workday, note=data.note)
        session.add(row)
    row.workday, row.note, row.updated_by_id = data.workday, data.note, principal.staff_id
    session.flush()
    audit.record(
        session,
        actor=principal,
        action="calendar.day",
        entity_type="calendar_day",
        entity_id=day.isoformat(),
        details={"workday": data.workday, "note": data.note},
    )
    return CalendarDayRead(
        day=row.day,
        workday=row.workday,
        note=row.note,
        updated_at=row.updated_at,
        version=row.version,
    )
