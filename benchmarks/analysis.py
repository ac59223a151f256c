"""Analysis benchmarks (no database): the PLS path model with 1,000 bootstrap resamples
on 5,000 survey responses. Reference in the same process: one estimation, so the
bootstrap's cost reads as a multiple of it (1,000 would be no overhead at all).

Forecast and staffing: fitting eight weeks of half hours and forecasting a week, then
staffing that week's 336 half hours by Erlang C and by Erlang A (reference: the same
week by Erlang C, so Erlang A's exact chain reads as a multiple of it)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import numpy as np

from kefu.analytics import drivers, ecsi, forecast, pls
from kefu.analytics.staffing import Load, Target, plan
from kefu.demo.history import day_level
from kefu.demo.simulator import WEEKDAY_SHAPE

RESPONSES, RESAMPLES = 5_000, 1_000


def pls_bootstrap() -> dict[str, Any]:
    model = ecsi.telecom_model()
    answers = ecsi.responses(RESPONSES, seed=11)
    started = time.perf_counter()
    for _ in range(20):
        result = pls.estimate(model, answers)
    single = (time.perf_counter() - started) / 20
    started = time.perf_counter()
    found = drivers.bootstrap(model, answers, resamples=RESAMPLES, seed=1)
    seconds = time.perf_counter() - started
    weakest = drivers.importance_performance(result, answers, target="SAT")[0]
    return {
        "responses": RESPONSES,
        "items": len(model.item_names),
        "constructs": len(model.blocks),
        "resamples": found.resamples,
        "one_estimate_ms": round(single * 1000, 2),
        "bootstrap_seconds": round(seconds, 2),
        "bootstrap_in_single_estimates": round(seconds / single),
        "weakest_driver": weakest.name,
        "planted_weak_driver": ecsi.planted().weak,
    }


def _history(weeks: int) -> list[forecast.Slot]:
    rng = np.random.default_rng(3)
    starts = forecast.slots(date(2026, 8, 3), weeks * 7)
    shape = WEEKDAY_SHAPE
    # volumes follow the official calendar as the demo's do (holidays quiet, 调休 busy)
    return [
        forecast.Slot(
            s, float(rng.poisson(shape[s.hour * 2 + s.minute // 30] * day_level(s.date())))
        )
        for s in starts
    ]


def forecast_and_staffing() -> dict[str, Any]:
    history = _history(8)
    started = time.perf_counter()
    model = forecast.fit(history)
    week = model.predict(forecast.slots(date(2026, 9, 28), 7))
    fitted = time.perf_counter() - started
    timings = {}
    for name, target in (("erlang_c", Target()), ("erlang_a", Target(patience_seconds=120))):
        started = time.perf_counter()
        plans = [plan(Load(s.calls, 1800, 240), target) for s in week]
        timings[name] = time.perf_counter() - started
    backtest = forecast.backtest(history)
    return {
        "history_half_hours": len(history),
        "fit_and_forecast_week_ms": round(fitted * 1000, 1),
        "staff_week_erlang_c_ms": round(timings["erlang_c"] * 1000, 1),
        "staff_week_erlang_a_ms": round(timings["erlang_a"] * 1000, 1),
        "erlang_a_in_erlang_c": round(timings["erlang_a"] / timings["erlang_c"], 1),
        "peak_agents": max(p.agents for p in plans),
        "backtest_model_wape": round(backtest.model_wape, 3),
        "backtest_naive_wape": round(backtest.naive_wape, 3),
    }


def run() -> dict[str, Any]:
    return {"pls_bootstrap": pls_bootstrap(), "forecast_and_staffing": forecast_and_staffing()}
