"""Time limits (时限) by type × triage × customer tier, in natural or working time.

The clock starts when the order is created and is computed from that moment every time
(a triage change or a reassignment never gives the handler a fresh clock). Time spent
waiting on the customer is added back, counted on the policy's own clock. Complaints
also carry the regulator's outer limit: resolved within 15 natural days whatever the
policy says. A reopened order (二次处理: the customer was not satisfied) is handled again
under the same policy, outer limit included, counted from its reopening.

The shipped policies below are defaults: a center sets its own per type and triage, and
per tier, through ``/api/v1/service-levels`` (``kefu.workorders.service_levels``). These
functions take the center's ``ServiceLevels`` and read nothing themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from kefu.core.calendar import BusinessCalendar
from kefu.customers.enums import Tier
from kefu.workorders.enums import OrderType, Triage

HOUR = timedelta(hours=1)
WORKING_DAY = 9 * HOUR  # 09:00–18:00
COMPLAINT_OUTER_LIMIT = timedelta(days=15)
WARN_SHARE = 0.8  # the handler is warned when this share of the resolution time has passed


@dataclass(frozen=True)
class DueTimes:
    """When an order's first response and the resolution are due, and when to warn of it."""

    response: datetime
    resolution: datetime
    warn: datetime


@dataclass(frozen=True)
class Limit:
    """How long until the first response and the resolution are due, on which clock, when
    to warn, and the outer limit in natural time that no policy may pass (none: no cap)."""

    first_response: timedelta
    resolution: timedelta
    working_time: bool = True
    warn_share: float = WARN_SHARE
    outer_limit: timedelta | None = None


def _complaint(first_response: timedelta, resolution: timedelta, **clock: bool) -> Limit:
    return Limit(first_response, resolution, outer_limit=COMPLAINT_OUTER_LIMIT, **clock)


PolicyKey = tuple[OrderType, Triage | None]  # triage None: the type's policy when not triaged

DEFAULT_LIMITS: Mapping[PolicyKey, Limit] = MappingProxyType(
    {
        (OrderType.CONSULTATION, None): Limit(2 * HOUR, WORKING_DAY),
        (OrderType.SERVICE_REQUEST, None): Limit(4 * HOUR, 2 * WORKING_DAY),
        (OrderType.COMPLAINT, None): _complaint(2 * HOUR, 3 * WORKING_DAY),
        (OrderType.COMPLAINT, Triage.INVALID): _complaint(4 * HOUR, WORKING_DAY),
        (OrderType.COMPLAINT, Triage.NORMAL): _complaint(2 * HOUR, 3 * WORKING_DAY),
        (OrderType.COMPLAINT, Triage.KEY): _complaint(HOUR, WORKING_DAY),
        # Urgent complaints run round the clock.
        (OrderType.COMPLAINT, Triage.URGENT): _complaint(HOUR / 2, 8 * HOUR, working_time=False),
        # Network faults are worked day and night.
        (OrderType.FAULT, None): Limit(HOUR, 24 * HOUR, working_time=False),
        (OrderType.FAULT, Triage.URGENT): Limit(HOUR / 2, 4 * HOUR, working_time=False),
        (OrderType.SUGGESTION, None): Limit(WORKING_DAY, 5 * WORKING_DAY),
    }
)


@dataclass(frozen=True)
class TierLevel:
    """What a customer tier changes: the share of each limit its orders get, how soon its
    complaints are called back after closing, and how long a customer waiting on an order
    may hear nothing before its queues say so (进度告知)."""

    limit_share: float
    return_visit_hours: int
    tell_every_hours: int = 24


# The best customers wait less, are called back first and told twice a day.
DEFAULT_TIERS: Mapping[Tier, TierLevel] = MappingProxyType(
    {
        Tier.SUPREME: TierLevel(0.5, 24, 12),
        Tier.DIAMOND: TierLevel(0.5, 24, 12),
        Tier.GOLD: TierLevel(0.75, 48),
        Tier.SILVER: TierLevel(0.75, 48),
        Tier.NORMAL: TierLevel(1.0, 72),
    }
)


@dataclass(frozen=True)
class ServiceLevels:
    """A center's policies: the shipped defaults with its own settings over them."""

    limits: Mapping[PolicyKey, Limit] = field(default_factory=lambda: DEFAULT_LIMITS)
    tiers: Mapping[Tier, TierLevel] = field(default_factory=lambda: DEFAULT_TIERS)

    def limit_for(self, order_type: OrderType, triage: Triage | None) -> Limit:
        """The policy for a type and triage level (the type's own when that level has none)."""
        return self.limits.get((order_type, triage)) or self.limits[(order_type, None)]


SHIPPED = ServiceLevels()


def due_times(
    *,
    created_at: datetime,
    order_type: OrderType,
    triage: Triage | None,
    tier: Tier,
    calendar: BusinessCalendar,
    levels: ServiceLevels,
    paused: timedelta = timedelta(0),
    deadline: datetime | None = None,
) -> DueTimes:
    """When the first response and the resolution of an order are due; ``paused`` is the
    time spent waiting on the customer, on the policy's clock. ``deadline``: when whoever
    passed the order on wants the answer (the regulator's date); it does not wait for the
    customer, and one already past when the round starts does not apply."""
    limit = levels.limit_for(OrderType(order_type), Triage(triage) if triage else None)
    share = levels.tiers[Tier(tier)].limit_share

    def after(span: timedelta) -> datetime:
        total = span + paused
        return calendar.add(created_at, total) if limit.working_time else created_at + total

    resolution_span = limit.resolution * share
    response, resolution = after(limit.first_response * share), after(resolution_span)
    warn = after(resolution_span * limit.warn_share)
    if limit.outer_limit is not None:
        # The regulator's outer limit is natural time; waiting on the customer extends it too.
        outer = created_at + limit.outer_limit + paused
        resolution = min(resolution, outer)
        warn = min(warn, created_at + (outer - created_at) * limit.warn_share)
    if deadline is not None and created_at < deadline < resolution:
        resolution = deadline
        warn = min(warn, created_at + (deadline - created_at) * limit.warn_share)
    # Working time can carry the first response past an outer limit in natural time (a
    # short limit over a holiday): it is due by the time the whole order is.
    return DueTimes(min(response, resolution), resolution, warn)


def clock_between(
    start: datetime,
    end: datetime,
    *,
    order_type: OrderType,
    triage: Triage | None,
    calendar: BusinessCalendar,
    levels: ServiceLevels,
) -> timedelta:
    """How much of the policy's clock ran between two moments (working or natural time)."""
    limit = levels.limit_for(OrderType(order_type), Triage(triage) if triage else None)
    return calendar.between(start, end) if limit.working_time else end - start
