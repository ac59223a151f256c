"""Forecast and staffing from the center's own history: what the next days bring and
how many people it takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from kefu.analytics import forecast, repository
from kefu.analytics.staffing import Load, Plan, Target, figures, plan
from kefu.contact.enums import ContactChannel
from kefu.core.calendar_days import center_calendar
from kefu.core.clock import day_start_utc
from kefu.errors import Unprocessable
from kefu.routing.stats import DEFAULT_HANDLE_SECONDS

MIN_HISTORY_WEEKS = 3  # two to fit and one to hold out for the backtest


@dataclass(frozen=True)
class StaffedSlot:
    """A half hour ahead: expected calls and the staffing they need."""

    start: datetime
    calls: float
    plan: Plan


@dataclass(frozen=True)
class ForecastPlan:
    """The forecast, how it fared on the last week of history, and the staffing."""

    history_from: date
    handle_seconds: float
    backtest: forecast.Backtest
    slots: list[StaffedSlot]


def forecast_staffing(
    session: Session,
    *,
    today: date,
    timezone: str,
    days: int,
    history_weeks: int,
    target: Target,
    queue_id: int | None = None,
    channel: ContactChannel | None = None,
    handle_seconds: float | None = None,
) -> ForecastPlan:
    """Forecast ``days`` days from ``today`` on ``history_weeks`` whole weeks before it."""
    if history_weeks < MIN_HISTORY_WEEKS:
        raise Unprocessable(
            "forecast_history_short", field="history_weeks", weeks=MIN_HISTORY_WEEKS
        )
    first = today - timedelta(weeks=history_weeks)
    history = repository.half_hour_volumes(
        session,
        first_day=first,
        days=history_weeks * 7,
        timezone=timezone,
        queue_id=queue_id,
        channel=channel,
    )
    if not any(slot.calls for slot in history):
        raise Unprocessable("forecast_no_history", field="history_weeks")
    handle = handle_seconds or _history_handle(session, first, today, timezone, queue_id, channel)
    calendar = center_calendar(session, timezone)  # the center's own corrections count
    expected = forecast.fit(history, calendar).predict(forecast.slots(today, days))
    return ForecastPlan(
        history_from=first,
        handle_seconds=handle,
        backtest=forecast.backtest(history, calendar=calendar),
        slots=[_staffed(slot, handle, target) for slot in expected],
    )


def _history_handle(
    session: Session,
    first: date,
    today: date,
    timezone: str,
    queue_id: int | None,
    channel: ContactChannel | None,
) -> float:
    found = repository.mean_handle_seconds(
        session,
        since=day_start_utc(first, timezone),
        until=day_start_utc(today, timezone),
        queue_id=queue_id,
        channel=channel,
    )
    return found or DEFAULT_HANDLE_SECONDS


def _staffed(slot: forecast.Slot, handle_seconds: float, target: Target) -> StaffedSlot:
    load = Load(slot.calls, forecast.SLOT.total_seconds(), handle_seconds)
    return StaffedSlot(slot.start, slot.calls, plan(load, target))


def staffing(load: Load, target: Target, *, around: int = 2) -> tuple[Plan, list[Plan]]:
    """The plan for one interval, and the figures with a few agents fewer and more."""
    try:
        found = plan(load, target)
    except ValueError as problem:
        raise Unprocessable("staffing_unreachable", field="calls") from problem
    low = max(1, found.agents - around)
    nearby = [_figures(agents, load, target) for agents in range(low, found.agents + around + 1)]
    return found, [p for p in nearby if p is not None]


def _figures(agents: int, load: Load, target: Target) -> Plan | None:
    try:
        return figures(agents, load, target)
    except ValueError:  # Erlang A with no steady state at this staffing
        return None
