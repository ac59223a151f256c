"""The analysis over HTTP: staffing an interval, the forecast with its staffing, and the
satisfaction drivers from stored survey answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime

from kefu.analytics import satisfaction, service
from kefu.analytics.deps import CanAnalyze
from kefu.analytics.schemas import (
    BacktestRead,
    DriversRead,
    ForecastRead,
    PlanRead,
    SlotRead,
    StaffingRead,
)
from kefu.analytics.staffing import Load, Target
from kefu.analytics.views import drivers_read
from kefu.contact.enums import ContactChannel
from kefu.core.clock import local_today
from kefu.core.types import INT32_MAX
from kefu.core.web import DbSession
from kefu.surveys.defaults import ECSI_CODE
from kefu.surveys.enums import SurveyChannel

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])

ServiceLevel = Annotated[float, Query(gt=0, lt=1, description="target share within the threshold")]
Threshold = Annotated[float, Query(gt=0, le=3600)]
Shrinkage = Annotated[float, Query(ge=0, lt=1, description="share of paid time off the phones")]
Patience = Annotated[
    float | None, Query(ge=1, le=86400, description="callers' mean patience (s): Erlang A")
]


def _target(level: float, threshold: float, shrinkage: float, patience: float | None) -> Target:
    return Target(level, threshold, shrinkage, patience)


def _model(target: Target) -> str:
    return "erlang_a" if target.patience_seconds else "erlang_c"


@router.get("/staffing", response_model=StaffingRead)
def staffing(
    principal: CanAnalyze,
    calls: Annotated[float, Query(ge=0, le=1_000_000)],
    handle_seconds: Annotated[float, Query(ge=1, le=86400)],
    interval_minutes: Annotated[int, Query(ge=1, le=1440)] = 30,
    service_level: ServiceLevel = 0.8,
    threshold_seconds: Threshold = 20,
    shrinkage: Shrinkage = 0.3,
    patience_seconds: Patience = None,
) -> StaffingRead:
    """Agents and staff one interval needs (Erlang C, or Erlang A given patience)."""
    target = _target(service_level, threshold_seconds, shrinkage, patience_seconds)
    found, nearby = service.staffing(Load(calls, interval_minutes * 60, handle_seconds), target)
    return StaffingRead(
        model=_model(target), plan=PlanRead.of(found), nearby=[PlanRead.of(p) for p in nearby]
    )


@router.get("/forecast", response_model=ForecastRead)
def forecast(
    request: Request,
    principal: CanAnalyze,
    session: DbSession,
    days: Annotated[int, Query(ge=1, le=28)] = 7,
    history_weeks: Annotated[int, Query(ge=1, le=104)] = 8,
    queue_id: Annotated[int | None, Query(ge=1, le=INT32_MAX)] = None,
    channel: ContactChannel = ContactChannel.VOICE,  # calls that reach agents
    handle_seconds: Annotated[float | None, Query(ge=1, le=86400)] = None,
    service_level: ServiceLevel = 0.8,
    threshold_seconds: Threshold = 20,
    shrinkage: Shrinkage = 0.3,
    patience_seconds: Patience = None,
) -> ForecastRead:
    """Half-hourly calls for the next ``days`` days from history, with the staffing."""
    timezone = request.app.state.settings.timezone
    target = _target(service_level, threshold_seconds, shrinkage, patience_seconds)
    found = service.forecast_staffing(
        session,
        today=local_today(timezone),
        timezone=timezone,
        days=days,
        history_weeks=history_weeks,
        target=target,
        queue_id=queue_id,
        channel=channel,
        handle_seconds=handle_seconds,
    )
    return ForecastRead(
        model=_model(target),
        history_from=found.history_from,
        handle_seconds=found.handle_seconds,
        backtest=BacktestRead.of(found.backtest),
        slots=[
            SlotRead(start=s.start, calls=s.calls, plan=PlanRead.of(s.plan)) for s in found.slots
        ],
    )


@router.get("/drivers", response_model=DriversRead)
def satisfaction_drivers(
    principal: CanAnalyze,
    session: DbSession,
    target: str = "SAT",
    questionnaire: str = ECSI_CODE,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
    channel: SurveyChannel | None = None,
    resamples: Annotated[int, Query(ge=50, le=2000)] = 200,
) -> DriversRead:
    """The satisfaction model on the period's survey answers and the weakest drivers."""
    report = satisfaction.satisfaction_drivers(
        session,
        questionnaire=questionnaire,
        target=target,
        since=since,
        until=until,
        channel=channel,
        resamples=resamples,
    )
    return drivers_read(report)
