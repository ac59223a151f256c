"""A center's own service levels: time limits per type × triage level, and per customer
tier the share of each limit and how soon a closed complaint is called back.

A row overrides the shipped policy it names (``kefu.workorders.limits``); removing it
brings the shipped one back. Limits already set on orders are not moved by a change:
an order's limits are computed again only when its triage, team or pause changes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.kept import kept_value
from kefu.core.rbac import Principal
from kefu.customers.enums import Tier
from kefu.errors import Conflict, NotFound, PreconditionRequired, Unprocessable
from kefu.workorders.enums import OrderType, Triage
from kefu.workorders.limits import (
    DEFAULT_LIMITS,
    DEFAULT_TIERS,
    Limit,
    PolicyKey,
    ServiceLevels,
    TierLevel,
)
from kefu.workorders.models import IntakeRules, TierServiceLevel, TimeLimitPolicy

BASE_LEVEL = "base"  # the type's policy before triage, and for levels without their own


def center_levels(session: Session) -> ServiceLevels:
    """The center's service levels now (read at most every few seconds per process)."""
    return kept_value(
        session, "wo_service_levels", _read_levels, (TimeLimitPolicy, TierServiceLevel)
    )


def _read_levels(session: Session) -> ServiceLevels:
    limits = dict(DEFAULT_LIMITS)
    for row in session.scalars(select(TimeLimitPolicy)):
        limits[_key(row.order_type, row.triage)] = _limit(row)
    tiers = dict(DEFAULT_TIERS)
    for tier_row in session.scalars(select(TierServiceLevel)):
        tiers[Tier(tier_row.tier)] = _tier_level(tier_row)
    return ServiceLevels(limits=MappingProxyType(limits), tiers=MappingProxyType(tiers))


def _key(order_type: str, triage: str) -> PolicyKey:
    return OrderType(order_type), Triage(triage) if triage else None


def _limit(row: TimeLimitPolicy) -> Limit:
    outer = row.outer_limit_days
    return Limit(
        first_response=timedelta(minutes=row.first_response_minutes),
        resolution=timedelta(minutes=row.resolution_minutes),
        working_time=row.working_time,
        warn_share=row.warn_percent / 100,
        outer_limit=timedelta(days=outer) if outer else None,
    )


def _tier_level(row: TierServiceLevel) -> TierLevel:
    shipped = DEFAULT_TIERS[Tier(row.tier)].tell_every_hours
    return TierLevel(
        row.limit_percent / 100, row.return_visit_hours, row.tell_every_hours or shipped
    )


@dataclass(frozen=True)
class PolicySetting:
    """One time-limit policy as the center has it, and whose it is."""

    order_type: OrderType
    level: str  # a triage level, or BASE_LEVEL
    limit: Limit
    row: TimeLimitPolicy | None  # None: the shipped policy


@dataclass(frozen=True)
class TierSetting:
    """One tier's level as the center has it, and whose it is."""

    tier: Tier
    level: TierLevel
    row: TierServiceLevel | None


def policy_settings(session: Session) -> list[PolicySetting]:
    """Every policy in force, the shipped ones and the center's, by type then level."""
    rows = {_key(r.order_type, r.triage): r for r in session.scalars(select(TimeLimitPolicy))}
    keys = sorted(set(DEFAULT_LIMITS) | set(rows), key=_policy_order)
    return [
        PolicySetting(
            order_type=order_type,
            level=triage.value if triage else BASE_LEVEL,
            limit=_limit(rows[(order_type, triage)])
            if (order_type, triage) in rows
            else DEFAULT_LIMITS[(order_type, triage)],
            row=rows.get((order_type, triage)),
        )
        for order_type, triage in keys
    ]


def _policy_order(key: PolicyKey) -> tuple[int, int]:
    order_type, triage = key
    levels = [None, *Triage]
    return list(OrderType).index(order_type), levels.index(triage)


def tier_settings(session: Session) -> list[TierSetting]:
    """Every tier's level, shipped or the center's, best customers first."""
    rows = {Tier(r.tier): r for r in session.scalars(select(TierServiceLevel))}
    return [
        TierSetting(
            tier=tier,
            level=_tier_level(rows[tier]) if tier in rows else DEFAULT_TIERS[tier],
            row=rows.get(tier),
        )
        for tier in DEFAULT_TIERS
    ]


@dataclass(frozen=True)
class PolicyChange:
    """What a center sets for a type × triage level."""

    first_response_minutes: int
    resolution_minutes: int
    working_time: bool
    warn_percent: int
    outer_limit_days: int | None


def _triage(level: str) -> str:
    return "" if level == BASE_LEVEL else Triage(level).value


def set_policy(
    session: Session,
    *,
    order_type: OrderType,
    level: str,
    change: PolicyChange,
    version: int | None,
    by: Principal,
) -> TimeLimitPolicy:
    """Set the center's policy for a type and level; changing one it has needs If-Match."""
    if change.first_response_minutes > change.resolution_minutes:
        # No figure in the message: the console edits hours, the API minutes.
        raise Unprocessable("first_response_after_resolution", field="first_response_minutes")
    key = {"order_type": order_type.value, "triage": _triage(level)}
    row = own_row(session, TimeLimitPolicy(**key), version)
    row.first_response_minutes = change.first_response_minutes
    row.resolution_minutes = change.resolution_minutes
    row.working_time = change.working_time
    row.warn_percent = change.warn_percent
    row.outer_limit_days = change.outer_limit_days
    row.updated_by_id = by.staff_id
    session.flush()
    audit_change(
        session, by, "service_level.time_limit", f"{order_type.value}:{level}", vars(change)
    )
    return row


def reset_policy(
    session: Session, *, order_type: OrderType, level: str, version: int | None, by: Principal
) -> None:
    """Drop the center's policy for a type and level: the shipped one applies again."""
    row = session.get(TimeLimitPolicy, (order_type.value, _triage(level)))
    drop_row(session, row, version, field="level")
    audit_change(session, by, "service_level.time_limit_reset", f"{order_type.value}:{level}", {})


def set_tier(
    session: Session,
    *,
    tier: Tier,
    limit_percent: int,
    return_visit_hours: int,
    tell_every_hours: int | None,
    version: int | None,
    by: Principal,
) -> TierServiceLevel:
    """Set the center's level for a customer tier; changing one it has needs If-Match.
    ``tell_every_hours`` None: the shipped one."""
    row = own_row(session, TierServiceLevel(tier=tier.value), version)
    row.limit_percent, row.return_visit_hours = limit_percent, return_visit_hours
    row.tell_every_hours = tell_every_hours
    row.updated_by_id = by.staff_id
    session.flush()
    details = {
        "limit_percent": limit_percent,
        "return_visit_hours": return_visit_hours,
        "tell_every_hours": tell_every_hours,
    }
    audit_change(session, by, "service_level.tier", tier.value, details)
    return row


def reset_tier(session: Session, *, tier: Tier, version: int | None, by: Principal) -> None:
    """Drop the center's level for a tier: the shipped one applies again."""
    drop_row(session, session.get(TierServiceLevel, tier.value), version, field="tier")
    audit_change(session, by, "service_level.tier_reset", tier.value, {})


Setting = TypeVar("Setting", TimeLimitPolicy, TierServiceLevel, IntakeRules)


def own_row(session: Session, fresh: Setting, version: int | None) -> Setting:
    """The center's row for ``fresh``'s key, added when it has none; changing one it has
    needs the version its writer saw."""
    key = inspect(fresh).mapper.primary_key_from_instance(fresh)
    row = session.get(type(fresh), tuple(key))
    if row is None:
        session.add(fresh)
        return fresh
    _check(row.version, version)
    return row


def drop_row(
    session: Session,
    row: TimeLimitPolicy | TierServiceLevel | IntakeRules | None,
    version: int | None,
    field: str,
    missing: str = "service_level_not_set",
) -> None:
    """Delete the center's row (the shipped setting applies again); ``missing`` is the
    error when the center has none."""
    if row is None:
        raise NotFound(missing, field=field)
    _check(row.version, version)
    session.delete(row)
    session.flush()


def _check(current: int, version: int | None) -> None:
    """A setting the center has is changed only by whoever saw its latest version."""
    if version is None:
        raise PreconditionRequired(field="If-Match")
    if current != version:
        raise Conflict("stale_version", current=current)


def audit_change(
    session: Session, by: Principal, action: str, entity: str, details: Mapping[str, object]
) -> None:
    """Audit a change of the center's service levels or rules."""
    audit.record(
        session,
        actor=by,
        action=action,
        entity_type="service_level",
        entity_id=entity,
        details=dict(details),
    )
