"""The half-hourly forecast: it learns the day's shape, the week and the holidays, and
beats the seasonal-naive forecast where "a week ago" is the wrong day."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from kefu.analytics import forecast
from kefu.analytics.forecast import DayKind, Slot, day_kind
from kefu.core.calendar import BusinessCalendar

# calls per half hour on a Wednesday: nothing at night, a morning and an afternoon peak
_SHAPE = np.concatenate(
    [
        np.zeros(16),
        np.array(
            [
                1,
                2,
                4,
                6,
                8,
                9,
                8,
                7,
                6,
                7,
                8,
                8.5,
                8,
                7.5,
                7,
                6,
                5,
                4.5,
                4,
                3.5,
                3,
                2.5,
                2,
                1.6,
                1.2,
                0.8,
                0.5,
                0.3,
                0.2,
                0.1,
                0.05,
                0.02,
            ]
        ),
    ]
)
_WEEKDAY = (1.25, 1.1, 1.0, 1.0, 1.05, 0.7, 0.6)


def expected(start: datetime) -> float:
    """The truth the history is drawn from."""
    kind = day_kind(start.date())
    level = _WEEKDAY[start.weekday()]
    if kind is DayKind.HOLIDAY:
        level = 0.45
    elif kind is DayKind.WORKDAY and start.weekday() >= 5:
        level = 1.0  # a swapped Saturday works like a Wednesday
    growth = 1 + 0.002 * (start.date() - date(2026, 7, 6)).days
    return float(_SHAPE[start.hour * 2 + start.minute // 30] * level * growth)


def history(first: date, days: int, seed: int = 1) -> list[Slot]:
    rng = np.random.default_rng(seed)
    return [Slot(s, float(rng.poisson(expected(s)))) for s in forecast.slots(first, days)]


def test_day_kinds_follow_the_official_calendar() -> None:
    assert day_kind(date(2026, 10, 5)) is DayKind.HOLIDAY  # 国庆, a Monday
    assert day_kind(date(2026, 10, 3)) is DayKind.REST  # 国庆, a Saturday: rests anyway
    assert day_kind(date(2026, 9, 20)) is DayKind.WORKDAY  # a Sunday swapped to work (调休)
    assert day_kind(date(2026, 11, 18)) is DayKind.WORKDAY


def test_the_forecast_finds_the_truth_on_ordinary_weeks() -> None:
    past = history(date(2026, 7, 6), 8 * 7)
    ahead = forecast.fit(past).predict(forecast.slots(date(2026, 8, 31), 7))
    truth = np.array([expected(s.start) for s in ahead])
    predicted = np.array([s.calls for s in ahead])
    assert np.abs(predicted - truth).sum() / truth.sum() < 0.08
    assert all(s.calls == 0 for s in ahead if s.start.hour < 8)  # never-busy hours stay shut


def test_the_backtest_beats_seasonal_naive_over_a_normal_week() -> None:
    found = forecast.backtest(history(date(2026, 7, 6), 8 * 7), days=7)
    assert found.calls > 0
    assert found.model_wape < found.naive_wape
    assert found.model_mae < found.naive_mae


def test_national_day_is_forecast_as_a_holiday_not_as_last_week() -> None:
    # The history holds 中秋 (Friday 25 September), where the holiday level is learnt;
    # 1-7 October are held out, and a week earlier was an ordinary busy week.
    past = history(date(2026, 7, 6), (date(2026, 10, 8) - date(2026, 7, 6)).days)
    found = forecast.backtest(past, days=7)  # 1-7 October held out
    assert found.model_wape < found.naive_wape / 2


def test_a_day_the_center_records_as_off_is_forecast_as_a_holiday() -> None:
    # 2 December 2026 is an ordinary Wednesday; the center records it as a local holiday
    local = BusinessCalendar(overrides={date(2026, 12, 2): False})
    assert day_kind(date(2026, 12, 2), local) is DayKind.HOLIDAY
    past = history(date(2026, 7, 6), 8 * 7)  # holds 中秋, where the holiday level is learnt
    days = forecast.slots(date(2026, 12, 1), 2)
    official = forecast.fit(past).predict(days)
    corrected = forecast.fit(past, local).predict(days)
    wednesday = slice(48, 96)
    assert sum(s.calls for s in corrected[wednesday]) < 0.7 * sum(
        s.calls for s in official[wednesday]
    )
    assert [s.calls for s in corrected[:48]] == pytest.approx([s.calls for s in official[:48]])


def test_too_little_history_is_refused() -> None:
    with pytest.raises(ValueError, match="two weeks"):
        forecast.fit(history(date(2026, 7, 6), 10))
