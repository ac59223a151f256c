"""HTTP routes of the center's service levels: time limits and what each tier changes."""

from __future__ import annotations

from fastapi import APIRouter, Response

from kefu.core.web import DbSession, IfMatchOptional, etag
from kefu.customers.enums import Tier
from kefu.workorders import intake_rules, service_levels
from kefu.workorders.deps import CanEditPolicy, CanReadOrders
from kefu.workorders.enums import OrderType
from kefu.workorders.incident_watch import IncidentRule
from kefu.workorders.intake_rules import RepeatRule
from kefu.workorders.service_level_views import (
    IntakeRulesRead,
    IntakeRulesWrite,
    Level,
    ServiceLevelsRead,
    TierLevelRead,
    TierLevelWrite,
    TimeLimitRead,
    TimeLimitWrite,
    policy_read,
    rules_read,
    service_levels_read,
    tier_read,
)
from kefu.workorders.service_levels import PolicyChange

router = APIRouter(prefix="/api/v1", tags=["service levels"])


@router.get("/service-levels", response_model=ServiceLevelsRead)
def list_service_levels(principal: CanReadOrders, session: DbSession) -> ServiceLevelsRead:
    """The time limits of every type and triage level, and each tier's share and return
    visit, as they apply to new orders now."""
    return service_levels_read(session)


@router.put("/service-levels/time-limits/{order_type}/{level}", response_model=TimeLimitRead)
def set_time_limit(
    order_type: OrderType,
    level: Level,
    data: TimeLimitWrite,
    principal: CanEditPolicy,
    session: DbSession,
    version: IfMatchOptional,
    response: Response,
) -> TimeLimitRead:
    """Set the center's limits for a type and triage level (``base``: before triage, and
    for levels without their own). Changing limits the center has set needs If-Match.
    New orders get them; limits already set on orders are not moved."""
    row = service_levels.set_policy(
        session,
        order_type=order_type,
        level=level,
        change=PolicyChange(**data.model_dump()),
        version=version,
        by=principal,
    )
    response.headers["ETag"] = etag(row.version)
    return policy_read(session, order_type, level)


@router.delete("/service-levels/time-limits/{order_type}/{level}", response_model=TimeLimitRead)
def reset_time_limit(
    order_type: OrderType,
    level: Level,
    principal: CanEditPolicy,
    session: DbSession,
    version: IfMatchOptional,
) -> TimeLimitRead:
    """Drop the center's limits for a type and level (If-Match): the shipped ones apply
    again. Answers with the policy now in force."""
    service_levels.reset_policy(
        session, order_type=order_type, level=level, version=version, by=principal
    )
    return policy_read(session, order_type, level)


@router.put("/service-levels/rules", response_model=IntakeRulesRead)
def set_intake_rules(
    data: IntakeRulesWrite,
    principal: CanEditPolicy,
    session: DbSession,
    version: IfMatchOptional,
    response: Response,
) -> IntakeRulesRead:
    """Set the center's repeat-complaint and emergency rules; changing rules the center
    has set needs If-Match. New orders follow them at once (other server processes
    within five seconds); repeats and incidents already found stay."""
    row = intake_rules.set_rules(
        session,
        repeat=RepeatRule(data.repeat_window_days, data.repeat_category_level),
        incidents=IncidentRule(
            data.incident_threshold, data.incident_window_minutes, data.incident_category_level
        ),
        version=version,
        by=principal,
    )
    response.headers["ETag"] = etag(row.version)
    return rules_read(session)


@router.delete("/service-levels/rules", response_model=IntakeRulesRead)
def reset_intake_rules(
    principal: CanEditPolicy, session: DbSession, version: IfMatchOptional
) -> IntakeRulesRead:
    """Drop the center's rules (If-Match): the server's settings apply again."""
    intake_rules.reset_rules(session, version=version, by=principal)
    return rules_read(session)


@router.put("/service-levels/tiers/{tier}", response_model=TierLevelRead)
def set_tier_level(
    tier: Tier,
    data: TierLevelWrite,
    principal: CanEditPolicy,
    session: DbSession,
    version: IfMatchOptional,
    response: Response,
) -> TierLevelRead:
    """Set the center's share of each limit, return-visit delay and progress interval
    (进度告知) for a customer tier; changing one the center has set needs If-Match."""
    row = service_levels.set_tier(
        session, tier=tier, **data.model_dump(), version=version, by=principal
    )
    response.headers["ETag"] = etag(row.version)
    return tier_read(session, tier)


@router.delete("/service-levels/tiers/{tier}", response_model=TierLevelRead)
def reset_tier_level(
    tier: Tier, principal: CanEditPolicy, session: DbSession, version: IfMatchOptional
) -> TierLevelRead:
    """Drop the center's level for a tier (If-Match): the shipped one applies again."""
    service_levels.reset_tier(session, tier=tier, version=version, by=principal)
    return tier_read(session, tier)
