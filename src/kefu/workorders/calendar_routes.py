"""HTTP routes of the center's calendar corrections (holidays and worked days)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from kefu.core.calendar_days import CalendarDay
from kefu.core.holiday_notice import read_notice
from kefu.core.idempotency import run_once
from kefu.core.types import ShortText
from kefu.core.web import DbSession, IdempotencyKey, IfMatch, IfMatchOptional
from kefu.errors import Unprocessable
from kefu.workorders import calendar_years
from kefu.workorders.calendar_schemas import (
    DayForgotten,
    NoticeIn,
    NoticePreviewOut,
    NoticeRecordedOut,
    YearDayOut,
    YearOut,
)
from kefu.workorders.deps import CanEditPolicy, CanReadOrders

router = APIRouter(prefix="/api/v1", tags=["calendar"])


class CalendarDayWrite(BaseModel):
    """Whether the day is worked, and why (the notice, the local holiday)."""

    model_config = ConfigDict(extra="forbid")

    workday: bool
    note: ShortText = ""
    move_open_orders: bool = False  # count again the limits of open orders through it


class CalendarDayRead(BaseModel):
    """A recorded day."""

    day: date
    workday: bool
    note: str
    updated_at: datetime
    version: int
    orders_moved: int = 0  # open orders whose limits were counted again
    asks_moved: int = 0  # open asks of teams whose time wanted was counted again


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
    request: Request,
    principal: CanEditPolicy,
    session: DbSession,
    version: IfMatchOptional,
) -> CalendarDayRead:
    """Record a day as worked or not; changing a recorded day needs its If-Match version.
    Limits computed from now on use it; with ``move_open_orders`` the open orders whose
    limits run through it, and the open asks wanted through it, are counted again."""
    if not 2000 <= day.year <= 2100:
        raise Unprocessable("calendar_day_out_of_range", field="day")
    row, moved = calendar_years.record_day(
        session,
        day,
        workday=data.workday,
        note=data.note,
        version=version,
        by=principal,
        zone=_zone(request),
        move_open_orders=data.move_open_orders,
    )
    return CalendarDayRead(
        day=row.day,
        workday=row.workday,
        note=row.note,
        updated_at=row.updated_at,
        version=row.version,
        orders_moved=moved.orders,
        asks_moved=moved.asks,
    )


@router.delete("/calendar/days/{day}", response_model=DayForgotten)
def forget_day(
    day: date,
    request: Request,
    principal: CanEditPolicy,
    session: DbSession,
    version: IfMatch,
    move_open_orders: bool = False,
) -> DayForgotten:
    """Forget a recorded day (needs its If-Match version): the official calendar, or
    Monday to Friday, counts for it again; with ``move_open_orders`` the open orders whose
    limits run through it, and the open asks wanted through it, are counted again."""
    moved = calendar_years.forget_day(
        session,
        day,
        version=version,
        by=principal,
        zone=_zone(request),
        move_open_orders=move_open_orders,
    )
    return DayForgotten(day=day, orders_moved=moved.orders, asks_moved=moved.asks)


def _zone(request: Request) -> str:
    return str(request.app.state.settings.timezone)


YearPath = Annotated[int, Path(ge=2000, le=2100)]


@router.get("/calendar/years/{year}", response_model=YearOut)
def year_outlook(year: YearPath, principal: CanReadOrders, session: DbSession) -> YearOut:
    """A year's holidays and swapped workdays, official and the center's, and whether
    they are known at all (when not, working time counts Monday to Friday)."""
    days = calendar_years.year_days(session, year)
    return YearOut(
        year=year,
        official=calendar_years.officially_known(year),
        announced=calendar_years.announced(session, year),
        days=[YearDayOut.of(d) for d in days],
    )


@router.post("/calendar/notices/preview", response_model=NoticePreviewOut)
def preview_notice(
    data: NoticeIn, request: Request, principal: CanEditPolicy, session: DbSession
) -> NoticePreviewOut:
    """Read a State Council holiday notice: its holidays and worked days, and what
    recording it would add or replace. Nothing is written."""
    notice = read_notice(data.text, data.year)
    preview = calendar_years.preview_notice(session, notice, _zone(request))
    return NoticePreviewOut.of(preview)


@router.post("/calendar/notices", status_code=201, response_model=NoticeRecordedOut)
def record_notice(
    data: NoticeIn,
    request: Request,
    principal: CanEditPolicy,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Record every day of a State Council holiday notice as the center's calendar days,
    once per Idempotency-Key; 409 if it would replace days recorded otherwise, unless
    ``replace_recorded``. Limits already set are not moved."""
    notice = read_notice(data.text, data.year)

    def create() -> NoticeRecordedOut:
        recorded = calendar_years.record_notice(
            session,
            notice,
            by=principal,
            zone=_zone(request),
            replace_recorded=data.replace_recorded,
            move_open_orders=data.move_open_orders,
        )
        return NoticeRecordedOut.of(recorded)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="calendar.notice",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)
