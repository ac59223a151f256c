"""Erlang C: the queueing formula staffing is planned with (calls wait, nobody gives up).

A = traffic in Erlangs (arrival rate × mean handle time), N agents. The chance a call
waits is Erlang C; the service level for a threshold T is 1 − C · e^(−(N − A)·T / AHT).
Computed with the Erlang B recursion, which stays exact for hundreds of agents where
factorials overflow.
"""

from __future__ import annotations

import math


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability with ``agents`` servers and ``traffic`` Erlangs offered."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """The chance a call has to wait (1.0 when the agents cannot keep up)."""
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, handle_seconds: float, threshold: float) -> float:
    """Share of calls answered within ``threshold`` seconds."""
    if agents <= traffic:
        return 0.0
    waits = erlang_c(agents, traffic)
    return 1 - waits * math.exp(-(agents - traffic) * threshold / handle_seconds)


def average_speed_of_answer(agents: int, traffic: float, handle_seconds: float) -> float:
    """Mean wait over all calls, in seconds (infinite when the agents cannot keep up)."""
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * handle_seconds / (agents - traffic)
