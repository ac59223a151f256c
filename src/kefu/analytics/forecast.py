"""Half-hourly call-volume forecast: a Poisson regression (statsmodels GLM) on the shape
of the day, the day of the week, official holidays and a trend, checked by a backtest
against the seasonal-naive forecast (the same half hour a week earlier).

Why a regression and not a smoother: Chinese holidays move (春节 by the lunar calendar)
and swap weekends for workdays (调休), so "a week ago" is often the wrong day. The day's
kind comes from the center's business calendar (the official one plus the center's own
corrections): a swapped Saturday is a workday, a holiday Monday rests, and a holiday has
its own level on top of the rest-day shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import numpy as np
import statsmodels.api as sm

from kefu.core.calendar import BusinessCalendar

SLOT = timedelta(minutes=30)
SLOTS_PER_DAY = 48
_WEEKDAY_LEVELS = (1, 2, 3, 4, 6)  # Tue-Fri against Monday, Sunday against Saturday


class DayKind(StrEnum):
    WORKDAY = "workday"
    REST = "rest"  # a weekend day not swapped to work
    HOLIDAY = "holiday"  # an official holiday (rest-day shape, its own level)


OFFICIAL = BusinessCalendar()  # without the center's corrections


def day_kind(day: date, calendar: BusinessCalendar = OFFICIAL) -> DayKind:
    """A day as the calendar has it: a weekday off is a holiday, a swapped weekend works."""
    if calendar.is_workday(day):
        return DayKind.WORKDAY
    return DayKind.HOLIDAY if day.weekday() < 5 else DayKind.REST


@dataclass(frozen=True)
class Slot:
    """Calls offered in the half hour from ``start`` (local time)."""

    start: datetime
    calls: float


def _features(starts: Sequence[datetime], origin: date, calendar: BusinessCalendar) -> np.ndarray:
    """A row per slot: its place in a workday or rest day, weekday level, holiday, trend."""
    rows = np.zeros((len(starts), 2 * SLOTS_PER_DAY + len(_WEEKDAY_LEVELS) + 2))
    for row, start in enumerate(starts):
        kind = day_kind(start.date(), calendar)
        place = start.hour * 2 + start.minute // 30
        rows[row, place + (SLOTS_PER_DAY if kind is not DayKind.WORKDAY else 0)] = 1
        if start.weekday() in _WEEKDAY_LEVELS:
            rows[row, 2 * SLOTS_PER_DAY + _WEEKDAY_LEVELS.index(start.weekday())] = 1
        rows[row, -2] = kind is DayKind.HOLIDAY
        rows[row, -1] = (start.date() - origin).days / 7
    return rows


@dataclass(frozen=True)
class Model:
    """A fitted forecast; half hours never seen busy stay at zero."""

    coefficients: np.ndarray
    used: np.ndarray  # the feature columns the fit could estimate
    origin: date
    calendar: BusinessCalendar

    def predict(self, starts: Sequence[datetime]) -> list[Slot]:
        """Expected calls for each half hour."""
        rows = _features(starts, self.origin, self.calendar)
        expected = np.exp(rows[:, self.used] @ self.coefficients)
        quiet = rows[:, : 2 * SLOTS_PER_DAY][:, ~self.used[: 2 * SLOTS_PER_DAY]].any(axis=1)
        expected[quiet] = 0.0
        return [Slot(start, float(calls)) for start, calls in zip(starts, expected, strict=True)]


def fit(history: Sequence[Slot], calendar: BusinessCalendar = OFFICIAL) -> Model:
    """Fit on whole days of history (at least two weeks)."""
    if len(history) < 14 * SLOTS_PER_DAY:
        raise ValueError("a forecast needs at least two weeks of history")
    origin = history[0].start.date()
    rows = _features([s.start for s in history], origin, calendar)
    calls = np.array([s.calls for s in history], dtype=float)
    # A shape cell with no calls ever (the small hours) has no finite log-rate: leave it out.
    busy = rows[:, : 2 * SLOTS_PER_DAY].T @ calls > 0
    used = np.concatenate([busy, rows[:, 2 * SLOTS_PER_DAY :].any(axis=0)])
    keep = (rows[:, : 2 * SLOTS_PER_DAY] @ busy) > 0
    result = sm.GLM(calls[keep], rows[keep][:, used], family=sm.families.Poisson()).fit()
    return Model(np.asarray(result.params), used, origin, calendar)


def slots(first_day: date, days: int) -> list[datetime]:
    """Every half hour of ``days`` days from ``first_day``."""
    start = datetime.combine(first_day, datetime.min.time())
    return [start + SLOT * n for n in range(days * SLOTS_PER_DAY)]


def seasonal_naive(history: Sequence[Slot], starts: Sequence[datetime]) -> list[Slot]:
    """Each half hour as it was a week earlier."""
    known = {s.start: s.calls for s in history}
    return [Slot(start, known.get(start - timedelta(days=7), 0.0)) for start in starts]


@dataclass(frozen=True)
class Backtest:
    """Errors over held-out days: WAPE (Σ|error| ÷ Σ calls) and mean absolute error."""

    days: int
    calls: float
    model_wape: float
    naive_wape: float
    model_mae: float
    naive_mae: float


def backtest(
    history: Sequence[Slot], days: int = 7, calendar: BusinessCalendar = OFFICIAL
) -> Backtest:
    """Hold out the last ``days`` days, fit on the rest, score against seasonal-naive."""
    cut = len(history) - days * SLOTS_PER_DAY
    train, held = history[:cut], history[cut:]
    starts = [s.start for s in held]
    actual = np.array([s.calls for s in held])
    model = np.array([s.calls for s in fit(train, calendar).predict(starts)])
    naive = np.array([s.calls for s in seasonal_naive(train, starts)])
    total = float(actual.sum()) or 1.0
    return Backtest(
        days=days,
        calls=float(actual.sum()),
        model_wape=float(np.abs(actual - model).sum() / total),
        naive_wape=float(np.abs(actual - naive).sum() / total),
        model_mae=float(np.abs(actual - model).mean()),
        naive_mae=float(np.abs(actual - naive).mean()),
    )
