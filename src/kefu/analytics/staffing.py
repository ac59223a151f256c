"""Staffing an interval: the fewest agents that meet a service-level target, and the staff
to roster once shrinkage (breaks, training, absence) is taken off.

Erlang C by default, the planning standard; Erlang A when the callers' mean patience is
given, which plans fewer agents because some callers leave (and says how many).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kefu.analytics.erlang_a import erlang_a
from kefu.routing import erlang

# Float noise must not add a person: 14 / (1 − 0.3) is 20.000000000000004.
_ROUNDING = 1e-9
_MAX_AGENTS = 10_000


@dataclass(frozen=True)
class Load:
    """Calls expected in one interval and how long each takes."""

    calls: float
    interval_seconds: float
    handle_seconds: float

    @property
    def traffic(self) -> float:
        """Erlangs: the agents' worth of work the calls bring."""
        return self.calls * self.handle_seconds / self.interval_seconds


@dataclass(frozen=True)
class Target:
    """What the center promises: ``service_level`` of calls within ``threshold_seconds``."""

    service_level: float = 0.8
    threshold_seconds: float = 20
    shrinkage: float = 0.3
    patience_seconds: float | None = None  # given: Erlang A


# Found by the fuzzer: 1e-300 calls made Erlang A's state weights overflow to NaN and the
# plan search answer "10,000 agents are not enough". A load this small is no load.
NEGLIGIBLE_ERLANGS = 1e-9


@dataclass(frozen=True)
class Plan:
    """Figures with ``agents`` on the phones; ``staff`` is the roster that yields them."""

    agents: int
    staff: int
    traffic: float
    service_level: float
    answer_seconds: float  # ASA: Erlang C over all calls, Erlang A over answered calls
    occupancy: float
    wait_share: float
    abandon_share: float | None  # Erlang A only


def rostered(agents: int, shrinkage: float) -> int:
    """Staff to schedule so ``agents`` are on the phones after ``shrinkage``."""
    return math.ceil(agents / (1 - shrinkage) - _ROUNDING)


def figures(agents: int, load: Load, target: Target) -> Plan:
    """What callers get with ``agents`` on the phones."""
    staff = rostered(agents, target.shrinkage)
    if load.traffic < NEGLIGIBLE_ERLANGS:  # no calls, or too few to tell from none
        abandoned = 0.0 if target.patience_seconds else None
        return Plan(agents, staff, 0.0, 1.0, 0.0, 0.0, 0.0, abandoned)
    if target.patience_seconds:
        return _erlang_a(agents, staff, load, target)
    traffic = load.traffic
    return Plan(
        agents=agents,
        staff=staff,
        traffic=traffic,
        service_level=erlang.service_level(
            agents, traffic, load.handle_seconds, target.threshold_seconds
        ),
        answer_seconds=erlang.average_speed_of_answer(agents, traffic, load.handle_seconds),
        occupancy=min(traffic / agents, 1.0) if agents else 1.0,
        wait_share=erlang.erlang_c(agents, traffic) if agents else 1.0,
        abandon_share=None,
    )


def _erlang_a(agents: int, staff: int, load: Load, target: Target) -> Plan:
    assert target.patience_seconds
    if agents == 0:
        return Plan(0, staff, load.traffic, 0.0, math.inf, 1.0, 1.0, 1.0)
    found = erlang_a(
        agents=agents,
        arrival_rate=load.calls / load.interval_seconds,
        handle_seconds=load.handle_seconds,
        patience_seconds=target.patience_seconds,
        threshold_seconds=target.threshold_seconds,
    )
    return Plan(
        agents=agents,
        staff=staff,
        traffic=load.traffic,
        service_level=found.service_level,
        answer_seconds=found.answered_wait_seconds,
        occupancy=found.occupancy,
        wait_share=found.wait_share,
        abandon_share=found.abandon_share,
    )


def plan(load: Load, target: Target) -> Plan:
    """The fewest agents meeting the target; the service level rises with every agent."""
    if load.traffic < NEGLIGIBLE_ERLANGS:
        return figures(0, load, target)
    if load.traffic >= _MAX_AGENTS:
        raise ValueError("no staffing up to 10,000 agents meets the target")
    low = 0 if target.patience_seconds else math.floor(load.traffic)  # known to fall short
    high = min(max(low + 1, 2 * math.ceil(load.traffic) + 1), _MAX_AGENTS)
    while not _meets(high, load, target):
        if high == _MAX_AGENTS:
            raise ValueError("no staffing up to 10,000 agents meets the target")
        low, high = high, min(high * 2, _MAX_AGENTS)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if _meets(middle, load, target) else (middle, high)
    return figures(high, load, target)


def _meets(agents: int, load: Load, target: Target) -> bool:
    try:
        return figures(agents, load, target).service_level >= target.service_level
    except ValueError:  # Erlang A: a queue this short-staffed has no steady state
        return False
