"""Working time that knows the official Chinese calendar: holidays and swapped workdays.

Time limits in working time skip nights, weekends, 春节 and 国庆, and count the Saturdays
and Sundays that the State Council swaps into workdays (调休). The official days come
from ``chinese_calendar``, which covers the years announced so far; for a later year
the calendar falls back to Monday–Friday until the operator records that year's notice
as overrides (a day → workday or not).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

DEFAULT_ZONE = "Asia/Shanghai"


@lru_cache(maxsize=256)
def officially_known(year: int) -> bool:
    """Whether the installed ``chinese_calendar`` knows the State Council's notice for the
    year (it raises NotImplementedError for a year it does not)."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=8192)  # about twenty years of days; the official calendar never changes
def _official_workday(day: date) -> bool:
    """The State Council's calendar for the day (Monday to Friday for a year it has not
    announced yet). Remembered: every new order's time limits walk a week or two of days,
    and ``chinese_calendar`` checks its arguments on each call."""
    if not officially_known(day.year):
        return day.weekday() < 5
    return bool(chinese_calendar.is_workday(day))


@dataclass(frozen=True)
class WorkingHours:
    """The hours of a working day (a team's shift), local time."""

    start: time = time(9, 0)
    end: time = time(18, 0)

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("working hours must start before they end")

    @property
    def length(self) -> timedelta:
        """How long a working day is."""
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)


@dataclass(frozen=True)
class BusinessCalendar:
    """Workdays and working hours in one time zone."""

    hours: WorkingHours = field(default_factory=WorkingHours)
    zone: str = DEFAULT_ZONE
    overrides: Mapping[date, bool] = field(default_factory=dict)

    def is_workday(self, day: date) -> bool:
        """True on working days, including swapped weekend workdays."""
        if day in self.overrides:
            return self.overrides[day]
        return _official_workday(day)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        tz = ZoneInfo(self.zone)
        return (
            datetime.combine(day, self.hours.start, tzinfo=tz),
            datetime.combine(day, self.hours.end, tzinfo=tz),
        )

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of working time after ``start`` has passed."""
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        moment = start.astimezone(ZoneInfo(self.zone))
        left = duration
        day = moment.date()
        while True:
            if self.is_workday(day):
                opens, closes = self._window(day)
                begin = max(moment, opens)
                if begin <= closes:
                    available = closes - begin
                    if left <= available:
                        return (begin + left).astimezone(start.tzinfo)
                    left -= available
            day += timedelta(days=1)
            moment = self._window(day)[0]

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end`` (zero when end is not later)."""
        if end <= start:
            return timedelta(0)
        tz = ZoneInfo(self.zone)
        first, last = start.astimezone(tz), end.astimezone(tz)
        total = timedelta(0)
        day = first.date()
        while day <= last.date():
            if self.is_workday(day):
                opens, closes = self._window(day)
                begin, finish = max(first, opens), min(last, closes)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total
