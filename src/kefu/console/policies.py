"""Console pages of the center's rules for orders: time limits (处理时限) and the calendar
they are counted on (节假日安排)."""

from __future__ import annotations

import calendar as month_layout
from datetime import date
from typing import Annotated, NamedTuple

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kefu.console.render import render, signed_in
from kefu.core.clock import local_today
from kefu.core.holiday_notice import HOLIDAY_NAMES, holiday_key
from kefu.core.rbac import Principal, Right
from kefu.core.web import DbSession
from kefu.workorders import calendar_years
from kefu.workorders.calendar_years import YearDay
from kefu.workorders.enums import OrderType, Triage
from kefu.workorders.service_level_views import service_levels_read

router = APIRouter(include_in_schema=False)


def calendar_gap(session: Session, principal: Principal, zone: str) -> int | None:
    """For those who keep the center's rules: the year whose holidays kefu does not know
    and soon needs (its limits would count 春节 as working days), or None."""
    if not principal.has(Right.POLICY_WRITE):
        return None
    return calendar_years.unannounced_year(session, local_today(zone))


@router.get("/orders/time-limits", response_class=HTMLResponse)
def time_limits(request: Request, session: DbSession) -> Response:
    """The center's time limits and tier levels; editable with the policy right."""
    principal = signed_in(request, session, Right.ORDER_READ)
    if isinstance(principal, Response):
        return principal
    return render(
        request,
        "orders/time_limits.html",
        principal,
        levels=service_levels_read(session),
        can_edit=principal.has(Right.POLICY_WRITE),
        types=list(OrderType),
        triages=list(Triage),
        hours=_hours,
        calendar_gap=calendar_gap(session, principal, str(request.app.state.settings.timezone)),
    )


def _hours(minutes: int) -> str:
    """Minutes as hours, without a trailing ".0" (30 → 0.5, 480 → 8)."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


class Cell(NamedTuple):
    """A day in a month's grid: off or worked, and its holiday if it has one."""

    day: date
    workday: bool
    named: YearDay | None


def _months(year: int, named: dict[date, YearDay]) -> list[list[list[Cell | None]]]:
    """Twelve months as weeks from Monday; None pads the weeks' ends."""
    layout = month_layout.Calendar()
    return [
        [[_cell(d, named) if d.month == month else None for d in week] for week in weeks]
        for month, weeks in ((m, layout.monthdatescalendar(year, m)) for m in range(1, 13))
    ]


def _cell(day: date, named: dict[date, YearDay]) -> Cell:
    """A day as the grid shows it: a named day as named, else worked Monday to Friday."""
    found = named.get(day)
    return Cell(day, found.workday if found else day.weekday() < 5, found)


@router.get("/orders/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    session: DbSession,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    """A year of the calendar time limits are counted on: its holidays and swapped
    workdays, official and the center's; those with the policy right record days and the
    State Council's notice."""
    principal = signed_in(request, session, Right.ORDER_READ)
    if isinstance(principal, Response):
        return principal
    zone = str(request.app.state.settings.timezone)
    today = local_today(zone)
    year = year or today.year
    days = calendar_years.year_days(session, year)
    return render(
        request,
        "orders/calendar.html",
        principal,
        year=year,
        days=days,
        holidays=_holidays(days),
        recorded=calendar_years.recorded_days(session, year),
        months=_months(year, {d.day: d for d in days}),
        official=calendar_years.officially_known(year),
        announced=calendar_years.announced(session, year),
        can_edit=principal.has(Right.POLICY_WRITE),
        calendar_gap=calendar_gap(session, principal, zone),
        this_day=today,
        holiday_key=holiday_key,
        holiday_names=HOLIDAY_NAMES,
    )


class HolidaySpan(NamedTuple):
    """A run of days off, with the holidays it is for and the days worked in exchange."""

    names: list[str]  # each a holiday's key, or a recorded day's note
    source: str
    first: date
    last: date
    days: int
    worked: list[date]


def _holidays(days: list[YearDay]) -> list[HolidaySpan]:
    """The year's holidays as runs of consecutive days off (国庆 and 中秋 together are
    one), each with the weekend days worked for it."""
    spans: list[HolidaySpan] = []
    for day in (d for d in days if not d.workday):
        name = holiday_key(day.name) or day.name
        last = spans[-1] if spans else None
        if last and last.source == day.source and (day.day - last.last).days == 1:
            names = last.names if name in last.names else [*last.names, name]
            spans[-1] = last._replace(names=names, last=day.day, days=last.days + 1)
        else:
            spans.append(HolidaySpan([name], day.source, day.day, day.day, 1, []))
    for day in (d for d in days if d.workday):
        key = holiday_key(day.name)
        owner = next((s for s in spans if key and key in s.names), None)
        if owner is not None:
            owner.worked.append(day.day)
    return spans
