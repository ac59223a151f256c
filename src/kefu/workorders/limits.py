"""Time limits (时限) by type × triage × customer tier, in natural or working time.

The clock starts when the order is created and is computed from that moment every time
(a triage change or a reassignment never gives the handler a fresh clock). Time spent
waiting on the customer is added back, counted on the policy's own clock. Complaints
also carry the regulator's outer limit: resolved within 15 natural days whatever the
policy says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kefu.core.calendar import BusinessCalendar
from kefu.customers.enums import Tier
from kefu.workorders.enums import OrderType, Triage

HOUR = timedelta(hours=1)
WORKING_DAY = 9 * HOUR  # 09:00–18:00
COMPLAINT_OUTER_LIMIT = timedelta(days=15)
WARN_SHARE = 0.8  # the handler is warned when this share of the resolution time has passed


@dataclass(frozen=True)
class DueTimes:
    """When an order's first response and resolution are due, and when to warn of it."""

    response: datetime
    resolution: datetime
    warn: datetime


@dataclass(frozen=True)
class Limit:
    """How long until the first response and the resolution are due."""

    first_response: timedelta
    resolution: timedelta
    working_time: bool = True


DEFAULT_LIMITS: dict[tuple[OrderType, Triage | None], Limit] = {
    (OrderType.CONSULTATION, None): Limit(2 * HOUR, WORKING_DAY),
    (OrderType.SERVICE_REQUEST, None): Limit(4 * HOUR, 2 * WORKING_DAY),
    (OrderType.COMPLAINT, None): Limit(2 * HOUR, 3 * WORKING_DAY),
    (OrderType.COMPLAINT, Triage.INVALID): Limit(4 * HOUR, WORKING_DAY),
    (OrderType.COMPLAINT, Triage.NORMAL): Limit(2 * HOUR, 3 * WORKING_DAY),
    (OrderType.COMPLAINT, Triage.KEY): Limit(HOUR, WORKING_DAY),
    # Urgent complaints run round the clock.
    (OrderType.COMPLAINT, Triage.URGENT): Limit(HOUR / 2, 8 * HOUR, working_time=False),
    # Network faults are worked day and night.
    (OrderType.FAULT, None): Limit(HOUR, 24 * HOUR, working_time=False),
    (OrderType.FAULT, Triage.URGENT): Limit(HOUR / 2, 4 * HOUR, working_time=False),
    (OrderType.SUGGESTION, None): Limit(WORKING_DAY, 5 * WORKING_DAY),
}

# The best customers wait less: their limits are this share of the policy's.
TIER_SHARE: dict[Tier, float] = {
    Tier.SUPREME: 0.5,
    Tier.DIAMOND: 0.5,
    Tier.GOLD: 0.75,
    Tier.SILVER: 0.75,
    Tier.NORMAL: 1.0,
}


def limit_for(order_type: OrderType, triage: Triage | None) -> Limit:
    """The policy for a type and triage level (the type's default when none is set)."""
    return DEFAULT_LIMITS.get((order_type, triage)) or DEFAULT_LIMITS[(order_type, None)]


def due_times(
    *,
    created_at: datetime,
    order_type: OrderType,
    triage: Triage | None,
    tier: Tier,
    calendar: BusinessCalendar,
    paused: timedelta = timedelta(0),
) -> DueTimes:
    """When the first response and the resolution of an order are due; ``paused`` is the
    time spent waiting on the customer, on the policy's clock."""
    limit = limit_for(OrderType(order_type), Triage(triage) if triage else None)
    share = TIER_SHARE[Tier(tier)]

    def after(span: timedelta) -> datetime:
        total = span + paused
        return calendar.add(created_at, total) if limit.working_time else created_at + total

    resolution_span = limit.resolution * share
    response, resolution = after(limit.first_response * share), after(resolution_span)
    warn = after(resolution_span * WARN_SHARE)
    if order_type == OrderType.COMPLAINT:
        # The regulator's outer limit is natural time; waiting on the customer extends it too.
        outer = created_at + COMPLAINT_OUTER_LIMIT + paused
        resolution = min(resolution, outer)
        warn = min(warn, created_at + (outer - created_at) * WARN_SHARE)
    return DueTimes(response, resolution, warn)


def clock_between(
    start: datetime,
    end: datetime,
    *,
    order_type: OrderType,
    triage: Triage | None,
    calendar: BusinessCalendar,
) -> timedelta:
    """How much of the policy's clock ran between two moments (working or natural time)."""
    limit = limit_for(OrderType(order_type), Triage(triage) if triage else None)
    return calendar.between(start, end) if limit.working_time else end - start
