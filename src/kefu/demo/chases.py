"""Customers chasing their open orders (催办) in the demo: a complaint or fault that waits
days for its answer is chased, the longer the likelier, by calls in the day; each chase
is on the order's timeline with what the customer said, taken by an agent."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kefu.workorders.enums import OrderType

ZONE = ZoneInfo("Asia/Shanghai")
CHASED_TYPES = frozenset({OrderType.COMPLAINT, OrderType.FAULT})
PATIENCE = timedelta(hours=12)  # no one chases an order opened this morning
SHARE_PER_DAY = 0.15  # the chance of a chase, for each day waited beyond that
MOST_LIKELY = 0.6
AGAIN = 0.3  # the chance a chased order is chased once more, up to three times
CALL_HOURS = (9, 20)  # when customers call to chase
SAID = (
    "客户来电催问处理进度",
    "客户称已等待多日，要求尽快答复",
    "客户再次来电，情绪激动，要求今天给出结果",
    "客户询问何时能处理完毕，希望有人回电",
    "客户表示问题仍在影响使用，催促处理",
)
# The steps after which an order is no longer chased, but reopened or opened anew.
ANSWERED_STEPS = frozenset({"replied", "cancelled", "closed"})


def chase_times(
    rng: random.Random, kind: OrderType, created: datetime, answered: datetime
) -> list[datetime]:
    """When the customer chased an order of this kind, waiting from ``created`` until
    ``answered`` (its first answer, or now when it has none): oldest first."""
    waited = answered - created - PATIENCE
    if kind not in CHASED_TYPES or waited <= timedelta(0):
        return []
    days = waited / timedelta(days=1)
    if rng.random() >= min(MOST_LIKELY, SHARE_PER_DAY * days):
        return []
    count = 1 + sum(1 for _ in range(2) if rng.random() < AGAIN)
    start = created + PATIENCE
    moments = sorted(_in_call_hours(rng, start + waited * rng.random()) for _ in range(count))
    return [moment for moment in moments if moment < answered]


def _in_call_hours(rng: random.Random, moment: datetime) -> datetime:
    """The moment moved into the hours customers call on its day (they do not at night)."""
    local = moment.astimezone(ZONE)
    opens, closes = CALL_HOURS
    if opens <= local.hour < closes:
        return moment
    minutes = rng.randint(0, (closes - opens) * 60 - 1)
    return datetime.combine(local.date(), time(opens), ZONE) + timedelta(minutes=minutes)


def chase_steps(
    rng: random.Random, order_id: int, moments: list[datetime], agents: list[int]
) -> list[tuple[Any, ...]]:
    """The timeline steps of the chases, as the events table's rows."""
    return [
        (
            order_id,
            "urge",
            "",
            "",
            "",
            rng.choice(agents),
            moment.astimezone(UTC),
            rng.choice(SAID),
            json.dumps({"count": number}),
        )
        for number, moment in enumerate(moments, start=1)
    ]
