"""Local dates and month arithmetic (times are stored in UTC, business dates are local)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


def local_today(timezone: str = DEFAULT_TIMEZONE) -> date:
    """Today's date where the center works."""
    return local_now(timezone).date()


def local_now(timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """The time where the center works."""
    return datetime.now(ZoneInfo(timezone))


def local_midnight_utc(timezone: str, now: datetime) -> datetime:
    """The UTC instant today began where the center works."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def day_start_utc(day: date, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """The UTC instant a local date begins."""
    return datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def day_end_utc(day: date, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """The UTC instant a local date ends: a deadline "by that day" is kept so."""
    return day_start_utc(day + timedelta(days=1), timezone)


def day_ending_at(moment: datetime, timezone: str = DEFAULT_TIMEZONE) -> date:
    """The local date a deadline kept by ``day_end_utc`` names (the instant before it)."""
    return (moment.astimezone(ZoneInfo(timezone)) - timedelta(microseconds=1)).date()


def month_key(day: date) -> int:
    """The yyyymm key of a date's month."""
    return day.year * 100 + day.month


def add_months(key: int, months: int) -> int:
    """Shift a yyyymm key by a number of months (negative goes back)."""
    index = (key // 100) * 12 + (key % 100 - 1) + months
    return (index // 12) * 100 + index % 12 + 1


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (0 when end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def format_month(key: int) -> str:
    """A yyyymm key as ``YYYY-MM``."""
    return f"{key // 100:04d}-{key % 100:02d}"


def month_bounds_utc(key: int, timezone: str = DEFAULT_TIMEZONE) -> tuple[datetime, datetime]:
    """The UTC instants where a local yyyymm month starts and the next one starts."""
    zone = ZoneInfo(timezone)
    nxt = add_months(key, 1)
    start = datetime(key // 100, key % 100, 1, tzinfo=zone)
    end = datetime(nxt // 100, nxt % 100, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)
