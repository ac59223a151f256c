"""The center's own corrections to the holiday calendar.

The official calendar ships in the ``chinesecalendar`` package and covers the years the
State Council has announced. Operators record what it does not know yet (next year's
notice, a local holiday, a day the center works through) as days here; they win over the
package in every time-limit computation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from sqlalchemy import Boolean, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kefu.core.base import Base, TimestampMixin, VersionedMixin
from kefu.core.calendar import BusinessCalendar
from kefu.core.kept import kept_value


class CalendarDay(TimestampMixin, VersionedMixin, Base):
    """Why: a limit that runs through a holiday the package does not know is unfair."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


def overrides(session: Session) -> Mapping[date, bool]:
    """Every recorded day and whether it is worked (read at most every few seconds)."""
    return kept_value(session, "calendar_days", _read_overrides, (CalendarDay,))


def _read_overrides(session: Session) -> Mapping[date, bool]:
    rows = session.execute(select(CalendarDay.day, CalendarDay.workday))
    return MappingProxyType({day: workday for day, workday in rows})


def center_calendar(session: Session, zone: str) -> BusinessCalendar:
    """The business calendar with the center's corrections."""
    return BusinessCalendar(zone=zone, overrides=overrides(session))
