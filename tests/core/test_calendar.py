"""Working time over the official calendar: known days, and properties for any instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.core.calendar import BusinessCalendar, WorkingHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 10, 1), False),  # 国庆
        (date(2026, 2, 17), False),  # 春节
        (date(2026, 2, 14), True),  # a Saturday swapped into a workday (调休)
        (date(2026, 10, 10), True),  # another swapped Saturday
        (date(2026, 11, 23), True),  # an ordinary Monday
        (date(2026, 11, 22), False),  # an ordinary Sunday
    ],
)
def test_official_days(day: date, working: bool) -> None:
    assert CAL.is_workday(day) is working


def test_limits_run_over_the_national_day_holiday() -> None:
    # Wednesday 30 September 2026, 17:00 + 4 working hours: 1 hour that day, then the
    # holiday runs 1–7 October (and the 8th is a Thursday workday): 3 hours on the 8th.
    assert CAL.add(at(2026, 9, 30, 17), timedelta(hours=4)) == at(2026, 10, 8, 12)


def test_a_friday_evening_request_waits_for_monday() -> None:
    assert CAL.add(at(2026, 11, 20, 17), timedelta(hours=2)) == at(2026, 11, 23, 10)
    assert CAL.between(at(2026, 11, 20, 17), at(2026, 11, 23, 10)) == timedelta(hours=2)


def test_overrides_record_a_year_not_announced_yet() -> None:
    day = date(2031, 10, 1)
    assert BusinessCalendar().is_workday(day) is True  # falls back to Monday–Friday
    assert BusinessCalendar(overrides={day: False}).is_workday(day) is False


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
durations = st.integers(min_value=0, max_value=60 * 9 * 25).map(lambda m: timedelta(minutes=m))
shifts = st.sampled_from([WorkingHours(), WorkingHours(time(8, 0), time(20, 0))])


@given(start=instants, duration=durations, hours=shifts)
def test_adding_working_time_then_measuring_it_gives_it_back(start, duration, hours) -> None:
    calendar = BusinessCalendar(hours=hours)
    due = calendar.add(start, duration)
    assert due >= start
    assert calendar.between(start, due) == duration


@given(start=instants, duration=durations.filter(lambda d: d > timedelta(0)))
def test_a_limit_falls_due_inside_working_hours_of_a_workday(start, duration) -> None:
    local = CAL.add(start, duration).astimezone(SHANGHAI)
    assert CAL.is_workday(local.date())
    assert time(9, 0) < local.time() <= time(18, 0)


@given(start=instants, shorter=durations, extra=durations)
def test_a_longer_limit_never_falls_due_earlier(start, shorter, extra) -> None:
    assert CAL.add(start, shorter) <= CAL.add(start, shorter + extra)
