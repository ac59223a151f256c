"""What the analysis API returns."""

from __future__ import annotations

import math
from datetime import date, datetime

from pydantic import BaseModel

from kefu.analytics.drivers import Interval
from kefu.analytics.forecast import Backtest
from kefu.analytics.staffing import Plan


class PlanRead(BaseModel):
    """Figures with ``agents`` on the phones; ``staff`` to roster after shrinkage."""

    agents: int
    staff: int
    traffic_erlangs: float
    service_level: float
    answer_seconds: float | None  # None: the queue grows without bound
    occupancy: float
    wait_share: float
    abandon_share: float | None  # Erlang A only

    @classmethod
    def of(cls, plan: Plan) -> PlanRead:
        return cls(
            agents=plan.agents,
            staff=plan.staff,
            traffic_erlangs=plan.traffic,
            service_level=plan.service_level,
            answer_seconds=None if math.isinf(plan.answer_seconds) else plan.answer_seconds,
            occupancy=plan.occupancy,
            wait_share=plan.wait_share,
            abandon_share=plan.abandon_share,
        )


class StaffingRead(BaseModel):
    """One interval: the plan, the model used, and the figures around it."""

    model: str  # erlang_c or erlang_a
    plan: PlanRead
    nearby: list[PlanRead]


class BacktestRead(BaseModel):
    """The forecast against seasonal-naive on the last held-out days of history."""

    days: int
    calls: float
    model_wape: float
    naive_wape: float
    model_mae: float
    naive_mae: float

    @classmethod
    def of(cls, found: Backtest) -> BacktestRead:
        return cls(**found.__dict__)


class SlotRead(BaseModel):
    """A half hour ahead (local time)."""

    start: datetime
    calls: float
    plan: PlanRead


class ForecastRead(BaseModel):
    """Forecast half hours with their staffing."""

    model: str
    history_from: date
    handle_seconds: float
    backtest: BacktestRead
    slots: list[SlotRead]


class IntervalRead(BaseModel):
    """A figure on all responses with its bootstrap percentile interval."""

    estimate: float
    low: float
    high: float
    std_error: float

    @classmethod
    def of(cls, found: Interval) -> IntervalRead:
        return cls(
            estimate=found.original, low=found.low, high=found.high, std_error=found.std_error
        )


class ConstructRead(BaseModel):
    name: str
    r_squared: IntervalRead | None  # endogenous constructs only
    ave: float
    composite_reliability: float
    cronbach_alpha: float


class PathRead(BaseModel):
    source: str
    target: str
    coefficient: IntervalRead


class ItemFigures(BaseModel):
    name: str
    block: str
    weight: float
    loading: IntervalRead


class DriverRead(BaseModel):
    """A driver on the importance-performance map."""

    name: str
    importance: IntervalRead  # total effect on the target
    performance: float  # 0-100
    weak: bool


class DriversRead(BaseModel):
    target: str
    responses: int
    incomplete: int  # left out: an item of the model unanswered
    resamples: int
    skipped_resamples: int
    gof: float
    weakest: list[str]
    drivers: list[DriverRead]
    constructs: list[ConstructRead]
    paths: list[PathRead]
    items: list[ItemFigures]
