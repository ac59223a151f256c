"""Request and response bodies of the center's calendar a year at a time and of the
State Council's holiday notice."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from kefu.core.types import NoteText
from kefu.workorders.calendar_years import NoticePreview, NoticeRecorded, YearDay


class NoticeIn(BaseModel):
    """The notice as published (pasted whole or in part), and for which year when it
    does not say."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[NoteText, Field(min_length=10)]
    year: Annotated[int | None, Field(ge=2000, le=2100)] = None
    replace_recorded: bool = False  # replace days the center recorded otherwise
    move_open_orders: bool = False  # count again the limits running through changed days


class NoticeHolidayOut(BaseModel):
    """One holiday as read from the notice."""

    name: str
    first: date
    last: date
    days: int
    stated_days: int | None


class NoticeDayOut(BaseModel):
    """One day of the notice next to what kefu has for it."""

    day: date
    workday: bool
    name: str
    official: bool | None
    recorded: bool | None
    change: Literal["new", "same", "replaces"]


class NoticePreviewOut(BaseModel):
    """What recording the notice would do."""

    year: int
    holidays: list[NoticeHolidayOut]
    days: list[NoticeDayOut]
    worked_weekdays: list[date]
    differs_from_official: list[date]
    changed_days: list[date]
    open_orders: int
    open_asks: int  # open asks to teams keeping hours wanted through a changed day

    @classmethod
    def of(cls, preview: NoticePreview) -> NoticePreviewOut:
        """The answer for a preview."""
        holidays = [
            NoticeHolidayOut(
                name=h.name,
                first=h.first,
                last=h.last,
                days=len(h.days),
                stated_days=h.stated_days,
            )
            for h in preview.notice.holidays
        ]
        return cls(
            year=preview.notice.year,
            holidays=holidays,
            days=[NoticeDayOut(**vars(d)) for d in preview.days],
            worked_weekdays=preview.worked_weekdays,
            differs_from_official=preview.differs_from_official,
            changed_days=preview.changed_days,
            open_orders=preview.open_orders,
            open_asks=preview.open_asks,
        )


class NoticeRecordedOut(BaseModel):
    """How many days the notice added, changed and found as they were."""

    year: int
    added: int
    changed: int
    unchanged: int
    orders_moved: int
    asks_moved: int  # open asks of teams whose time wanted was counted again

    @classmethod
    def of(cls, recorded: NoticeRecorded) -> NoticeRecordedOut:
        """The answer for a recorded notice."""
        return cls(**vars(recorded))


class DayForgotten(BaseModel):
    """A recorded day forgotten, and how many open orders' limits and open asks' times
    were counted again."""

    day: date
    orders_moved: int
    asks_moved: int


class YearDayOut(BaseModel):
    """A day that is off on a weekday, worked on a weekend, or named."""

    day: date
    workday: bool
    name: str
    source: Literal["official", "center"]

    @classmethod
    def of(cls, day: YearDay) -> YearDayOut:
        """The answer for a day."""
        return cls(**vars(day))


class YearOut(BaseModel):
    """A year of the center's calendar: whether its holidays are known, and its days."""

    year: int
    official: bool
    announced: bool
    days: list[YearDayOut]
