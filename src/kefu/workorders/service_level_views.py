"""Read and write shapes of the center's service levels, for the API and the console."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from kefu.customers.enums import Tier
from kefu.workorders import intake_rules, service_levels
from kefu.workorders.enums import OrderType, Triage
from kefu.workorders.models import IntakeRules, TierServiceLevel, TimeLimitPolicy
from kefu.workorders.service_levels import BASE_LEVEL, PolicySetting, TierSetting

Level = Literal["base", "invalid", "normal", "key", "urgent"]
assert set(get_args(Level)) == {BASE_LEVEL, *Triage}  # the path takes every level

MINUTES_IN_90_DAYS = 90 * 24 * 60


class TimeLimitWrite(BaseModel):
    """A type × triage level's limits. Minutes of working time when ``working_time`` (a
    working day is the center's or the team's hours), else of natural time."""

    model_config = ConfigDict(extra="forbid")

    first_response_minutes: int = Field(ge=1, le=MINUTES_IN_90_DAYS)
    resolution_minutes: int = Field(ge=1, le=MINUTES_IN_90_DAYS)
    working_time: bool
    warn_percent: int = Field(default=80, ge=1, le=99)  # warned when this share has run
    outer_limit_days: int | None = Field(default=None, ge=1, le=90)  # natural days; none: no cap


class TimeLimitRead(TimeLimitWrite):
    """A policy in force: the center's own (with its version) or the shipped one."""

    order_type: OrderType
    level: Level
    source: Literal["center", "shipped"]
    version: int | None
    updated_at: datetime | None


class TierLevelWrite(BaseModel):
    """What a customer tier changes."""

    model_config = ConfigDict(extra="forbid")

    limit_percent: int = Field(ge=10, le=200)  # of each time limit
    return_visit_hours: int = Field(ge=1, le=720)  # after a complaint closes
    # a customer waiting on an order hears from it at least this often (进度告知); left
    # out, the shipped interval for the tier
    tell_every_hours: int | None = Field(default=None, ge=1, le=168)


class TierLevelRead(TierLevelWrite):
    """A tier's level in force: the center's own (with its version) or the shipped one."""

    tier: Tier
    source: Literal["center", "shipped"]
    version: int | None
    updated_at: datetime | None


class IntakeRulesWrite(BaseModel):
    """When a complaint is a repeat, and when a burst of complaints is an emergency. A
    category level is counted from the top of the taxonomy (1: network, billing …; 3: the
    exact problem): the same problem is the same branch down to that level."""

    model_config = ConfigDict(extra="forbid")

    repeat_window_days: int = Field(ge=1, le=365)
    repeat_category_level: int = Field(ge=1, le=3)
    incident_threshold: int = Field(ge=2, le=1000)  # complaints or fault reports of one area
    incident_window_minutes: int = Field(ge=5, le=1440)
    incident_category_level: int = Field(ge=1, le=3)


class IntakeRulesRead(IntakeRulesWrite):
    """The rules in force: the center's own (with its version) or the server's settings."""

    source: Literal["center", "settings"]
    version: int | None
    updated_at: datetime | None


class ServiceLevelsRead(BaseModel):
    """Every time limit and tier level in force, and the intake rules."""

    time_limits: list[TimeLimitRead]
    tiers: list[TierLevelRead]
    rules: IntakeRulesRead


def _updated(
    row: TimeLimitPolicy | TierServiceLevel | IntakeRules | None,
) -> tuple[int | None, datetime | None]:
    """A setting's version and last change, or none for a shipped one."""
    return (row.version, row.updated_at) if row is not None else (None, None)


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def time_limit_read(setting: PolicySetting) -> TimeLimitRead:
    """A policy as the API shows it, in whole minutes and percent."""
    limit = setting.limit
    version, updated_at = _updated(setting.row)
    return TimeLimitRead(
        order_type=setting.order_type,
        level=setting.level,
        first_response_minutes=_minutes(limit.first_response),
        resolution_minutes=_minutes(limit.resolution),
        working_time=limit.working_time,
        warn_percent=round(limit.warn_share * 100),
        outer_limit_days=limit.outer_limit.days if limit.outer_limit else None,
        source="center" if setting.row else "shipped",
        version=version,
        updated_at=updated_at,
    )


def tier_level_read(setting: TierSetting) -> TierLevelRead:
    """A tier's level as the API shows it."""
    version, updated_at = _updated(setting.row)
    return TierLevelRead(
        tier=setting.tier,
        limit_percent=round(setting.level.limit_share * 100),
        return_visit_hours=setting.level.return_visit_hours,
        tell_every_hours=setting.level.tell_every_hours,
        source="center" if setting.row else "shipped",
        version=version,
        updated_at=updated_at,
    )


def service_levels_read(session: Session) -> ServiceLevelsRead:
    """Every time limit and tier level in force now."""
    return ServiceLevelsRead(
        time_limits=[time_limit_read(s) for s in service_levels.policy_settings(session)],
        tiers=[tier_level_read(s) for s in service_levels.tier_settings(session)],
        rules=rules_read(session),
    )


def rules_read(session: Session) -> IntakeRulesRead:
    """The intake rules in force now."""
    row = intake_rules.rules_row(session)
    rules = intake_rules.rules_from(row)
    version, updated_at = _updated(row)
    return IntakeRulesRead(
        repeat_window_days=rules.repeat.window_days,
        repeat_category_level=rules.repeat.category_level,
        incident_threshold=rules.incidents.threshold,
        incident_window_minutes=rules.incidents.window_minutes,
        incident_category_level=rules.incidents.category_level,
        source="center" if row else "settings",
        version=version,
        updated_at=updated_at,
    )


def policy_read(session: Session, order_type: OrderType, level: Level) -> TimeLimitRead:
    """The policy in force for a type and level. A level without its own shows its type's
    base limits, with no version: there is nothing of its own to change with If-Match."""
    settings = service_levels.policy_settings(session)
    found = [s for s in settings if s.order_type == order_type and s.level == level]
    if found:
        return time_limit_read(found[0])
    base = next(s for s in settings if s.order_type == order_type and s.level == BASE_LEVEL)
    shown = {"level": level, "version": None, "updated_at": None}
    return time_limit_read(base).model_copy(update=shown)


def tier_read(session: Session, tier: Tier) -> TierLevelRead:
    """A tier's level in force."""
    settings = service_levels.tier_settings(session)
    return next(tier_level_read(s) for s in settings if s.tier == tier)
