"""The center's calendar a year at a time: which days are off or worked and why, whether
the year's holidays are known at all, and recording the State Council's notice.

Why: working-time limits skip holidays only if kefu knows them. The ``chinesecalendar``
package knows the years announced before its release; for a later year kefu counts
Monday to Friday, so 春节 would be counted as working days and orders would breach their
limits over the holiday. The notice comes out each November; until it is recorded,
those who keep the center's rules are told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import chinese_calendar
from chinese_calendar import constants
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.calendar import officially_known
from kefu.core.calendar_days import CalendarDay, center_calendar
from kefu.core.holiday_notice import WORKED_SUFFIX, Notice, worked_weekdays
from kefu.core.rbac import Principal
from kefu.core.web import check_version
from kefu.errors import Conflict, NotFound, PreconditionRequired
from kefu.workorders.calendar_moves import Moved, asks_through, move_limits, orders_through

# From this many days before a year starts, an unannounced year is worth a warning: the
# notice is usually out in November, and limits set in December already reach into it.
WARN_DAYS_AHEAD = 45

Source = Literal["official", "center"]


@dataclass(frozen=True)
class YearDay:
    """A day that is not simply a weekday worked or a weekend off, or that has a name."""

    day: date
    workday: bool
    name: str  # the holiday (official: its key, such as "spring_festival"; center: the note)
    source: Source


def _official_days(year: int) -> dict[date, YearDay]:
    if not officially_known(year):
        return {}
    found: dict[date, YearDay] = {}
    for table, workday in ((constants.holidays, False), (constants.workdays, True)):
        for day, holiday in table.items():
            if day.year == year:
                key = constants.Holiday(holiday).name
                found[day] = YearDay(day, workday, key, "official")
    return found


def _recorded(session: Session, first: date, last: date) -> list[CalendarDay]:
    query = select(CalendarDay).where(CalendarDay.day >= first, CalendarDay.day <= last)
    return list(session.scalars(query.order_by(CalendarDay.day)))


def recorded_days(session: Session, year: int) -> list[CalendarDay]:
    """The days the center recorded in the year, in order."""
    return _recorded(session, date(year, 1, 1), date(year, 12, 31))


def year_days(session: Session, year: int) -> list[YearDay]:
    """The year's named and swapped days, the center's own over the official ones."""
    days = _official_days(year)
    for row in recorded_days(session, year):
        days[row.day] = YearDay(row.day, row.workday, row.note, "center")
    return [days[d] for d in sorted(days)]


def announced(session: Session, year: int) -> bool:
    """Whether the year's holidays are known: officially, or recorded by the center (a
    weekday recorded as a day off)."""
    if officially_known(year):
        return True
    return any(not r.workday and r.day.weekday() < 5 for r in recorded_days(session, year))


def unannounced_year(session: Session, today: date) -> int | None:
    """The year whose holidays kefu does not know and soon needs: this year, or the next
    once it is less than ``WARN_DAYS_AHEAD`` days away; None when both are known."""
    years = [today.year]
    if date(today.year + 1, 1, 1) - today <= timedelta(days=WARN_DAYS_AHEAD):
        years.append(today.year + 1)
    return next((y for y in years if not announced(session, y)), None)


Change = Literal["new", "same", "replaces"]


@dataclass(frozen=True)
class NoticeDay:
    """One day of a notice, next to what kefu has for it now."""

    day: date
    workday: bool
    name: str
    official: bool | None  # the package's word, when it knows the year
    recorded: bool | None  # the center's recorded day, if any
    change: Change


@dataclass(frozen=True)
class NoticePreview:
    """What recording a notice would do."""

    notice: Notice
    days: list[NoticeDay]
    worked_weekdays: list[date]
    differs_from_official: list[date]
    changed_days: list[date]  # those whose working or not changes from what kefu counts now
    open_orders: int  # open orders whose limits run through a changed day
    open_asks: int  # open asks to teams keeping hours wanted through a changed day


def preview_notice(session: Session, notice: Notice, zone: str) -> NoticePreview:
    """Each day of the notice, and whether recording it adds, repeats or replaces; the
    days it changes for the limits, and how many open orders' limits run through them."""
    named = notice.days()
    first, last = min(named), max(named)
    recorded = {r.day: r.workday for r in _recorded(session, first, last)}
    days = []
    for day, (workday, name) in sorted(named.items()):
        official = chinese_calendar.is_workday(day) if officially_known(day.year) else None
        was = recorded.get(day)
        change: Change = "new" if was is None else "same" if was == workday else "replaces"
        days.append(NoticeDay(day, workday, name, official, was, change))
    differs = [d.day for d in days if d.official is not None and d.official != d.workday]
    now_counted = center_calendar(session, zone)
    changed = [d.day for d in days if now_counted.is_workday(d.day) != d.workday]
    open_orders = orders_through(session, changed, zone)
    open_asks = asks_through(session, changed, zone)
    return NoticePreview(
        notice, days, worked_weekdays(notice), differs, changed, open_orders, open_asks
    )


@dataclass(frozen=True)
class NoticeRecorded:
    """How many days recording the notice added, changed and left as they were."""

    year: int
    added: int
    changed: int
    unchanged: int
    orders_moved: int
    asks_moved: int


def record_notice(
    session: Session,
    notice: Notice,
    *,
    by: Principal,
    zone: str,
    replace_recorded: bool,
    move_open_orders: bool,
) -> NoticeRecorded:
    """Record every day of the notice as the center's (off: the holiday's name; worked:
    "…调休上班"). A day the center recorded otherwise is replaced only when asked (409
    naming them otherwise). The limits of open orders running through a day it changes
    are counted again when asked; otherwise limits already set stay."""
    preview = preview_notice(session, notice, zone)
    replaced = [d.day for d in preview.days if d.change == "replaces"]
    if replaced and not replace_recorded:
        days = "、".join(d.isoformat() for d in replaced)
        raise Conflict("notice_replaces_recorded", field="replace_recorded", days=days)
    rows = {r.day: r for r in _recorded(session, preview.days[0].day, preview.days[-1].day)}
    counts = {"new": 0, "same": 0, "replaces": 0}
    for item in preview.days:
        counts[item.change] += 1
        if item.change == "same":
            continue  # the center's own note on the day stays
        row = rows.get(item.day)
        if row is None:
            row = CalendarDay(day=item.day)
            session.add(row)
        row.workday = item.workday
        row.note = f"{item.name}{WORKED_SUFFIX}" if item.workday else item.name
        row.updated_by_id = by.staff_id
    session.flush()
    moved = Moved()
    if move_open_orders:
        because = {"calendar_notice": notice.year}
        moved = move_limits(session, preview.changed_days, by=by, zone=zone, because=because)
    recorded = NoticeRecorded(
        notice.year, counts["new"], counts["replaces"], counts["same"], moved.orders, moved.asks
    )
    audit.record(
        session,
        actor=by,
        action="calendar.notice",
        entity_type="calendar_year",
        entity_id=str(notice.year),
        details={
            "added": recorded.added,
            "changed": recorded.changed,
            "replaced": replaced,
            "orders_moved": moved.orders,
            "asks_moved": moved.asks,
        },
    )
    return recorded


def record_day(
    session: Session,
    day: date,
    *,
    workday: bool,
    note: str,
    version: int | None,
    by: Principal,
    zone: str,
    move_open_orders: bool,
) -> tuple[CalendarDay, Moved]:
    """Record one day as worked or not (a recorded one at its version); audited. Returns
    the day and how many open orders' limits and asks' times were counted again."""
    row = session.get(CalendarDay, day)
    if row is not None and version is None:
        raise PreconditionRequired(field="If-Match")
    if row is not None and version is not None:
        check_version(row.version, version)
    counted_before = center_calendar(session, zone).is_workday(day)
    if row is None:
        row = CalendarDay(day=day, workday=workday, note=note)
        session.add(row)
    row.workday, row.note, row.updated_by_id = workday, note, by.staff_id
    session.flush()
    moves = move_open_orders and counted_before != workday
    return row, _audited(session, row, "calendar.day", by=by, zone=zone, move=moves)


def forget_day(
    session: Session, day: date, *, version: int, by: Principal, zone: str, move_open_orders: bool
) -> Moved:
    """Forget a recorded day at its version: the official calendar, or Monday to Friday,
    counts for it again; audited. Returns how many open orders' limits and asks' times
    were counted again."""
    row = session.get(CalendarDay, day)
    if row is None:
        raise NotFound("calendar_day_not_recorded", field="day")
    check_version(row.version, version)
    session.delete(row)
    session.flush()
    moves = move_open_orders and row.workday != center_calendar(session, zone).is_workday(day)
    return _audited(session, row, "calendar.day_forgotten", by=by, zone=zone, move=moves)


def _audited(
    session: Session, row: CalendarDay, action: str, *, by: Principal, zone: str, move: bool
) -> Moved:
    """Audit a day recorded or forgotten (as it was recorded); count again the limits of
    open orders and the times of open asks through it when ``move``; how many moved."""
    audit.record(
        session,
        actor=by,
        action=action,
        entity_type="calendar_day",
        entity_id=row.day.isoformat(),
        details={"workday": row.workday, "note": row.note},
    )
    days = [row.day] if move else []
    return move_limits(session, days, by=by, zone=zone, because={"calendar_day": row.day})
