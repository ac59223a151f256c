"""Erlang A (M/M/N+M, Palm's model): Erlang C with callers who hang up while waiting.

Callers arrive at rate λ, agents serve at rate μ = 1/AHT, and each waiting caller gives up
at rate θ = 1/mean patience. Erlang C (θ = 0) overstates waits when queues are long,
because in a real center the impatient leave; with θ > 0 the queue is stable even with
fewer agents than Erlangs.

Computed exactly from the birth-death chain (no asymptotic approximation):
- the number in the system is π_n ∝ A^n/n! up to N, then each step up multiplies by
  λ / (Nμ + kθ) (k callers waiting); the tail is summed until it no longer counts;
- a caller who finds k − 1 waiting ahead moves forward one place at rate Nμ + (k − 1)θ
  (an agent frees up or someone ahead gives up) and gives up at rate θ; the service
  level is the chance of reaching an agent within T, read off the matrix exponential of
  that small chain, and the mean wait of answered calls from its fundamental matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import expm_multiply

# Beyond this many waiting places the tail's share is below double precision.
_TAIL = 1e-17
_MAX_WAITING = 2_000  # a longer queue is a center that cannot cope: refused


@dataclass(frozen=True)
class ErlangA:
    """What callers experience with ``agents`` agents (shares are of all offered calls)."""

    service_level: float  # answered within the threshold
    answered_wait_seconds: float  # mean wait of answered calls (ASA)
    wait_share: float  # found every agent busy
    abandon_share: float  # hung up before an agent answered
    occupancy: float  # busy agents ÷ agents
    mean_waiting: float  # callers waiting on average


def _states(agents: int, traffic: float, ratio_step: list[float]) -> np.ndarray:
    """Unnormalized π_0..π_{N+K}, scaled so π_N = 1 (no overflow for hundreds of agents)."""
    below = [1.0]
    for n in range(agents, 0, -1):
        below.append(below[-1] * n / traffic)
    above = [1.0]
    for step in ratio_step:
        above.append(above[-1] * step)
    return np.array(below[::-1] + above[1:])


def _waiting_steps(
    arrival: float, service: float, agents: int, patience_rate: float
) -> list[float]:
    steps: list[float] = []
    term, total = 1.0, 1.0
    while len(steps) < _MAX_WAITING:
        step = arrival / (agents * service + (len(steps) + 1) * patience_rate)
        steps.append(step)
        term *= step
        total += term
        if term < _TAIL * total and step < 1:
            return steps
    raise ValueError("the queue grows without bound: more agents or shorter patience")


def _tagged_chain(agents: int, service: float, patience_rate: float, places: int) -> np.ndarray:
    """Generator over places 1..K of a waiting caller (transient part; served and gone absorb)."""
    forward = agents * service + patience_rate * np.arange(places)  # from place k: k − 1 ahead
    generator = np.diag(-(forward + patience_rate))
    generator[np.arange(1, places), np.arange(places - 1)] = forward[1:]
    return generator


def erlang_a(
    *,
    agents: int,
    arrival_rate: float,
    handle_seconds: float,
    patience_seconds: float,
    threshold_seconds: float,
) -> ErlangA:
    """Erlang A figures; rates per second. ``patience_seconds`` is the callers' mean patience."""
    if agents < 1 or arrival_rate <= 0 or handle_seconds <= 0 or patience_seconds <= 0:
        raise ValueError("agents, arrivals, handle time and patience must be positive")
    service, patience_rate = 1 / handle_seconds, 1 / patience_seconds
    traffic = arrival_rate * handle_seconds
    steps = _waiting_steps(arrival_rate, service, agents, patience_rate)
    weights = _states(agents, traffic, steps)
    pi = weights / weights.sum()
    queued = pi[agents:]  # arrivals that find n = N + k − 1 in the system wait at place k
    places = len(queued)
    chain = _tagged_chain(agents, service, patience_rate, places)
    to_agent = np.zeros(places)
    to_agent[0] = agents * service
    answered_by = _answered_within(chain, to_agent, threshold_seconds)
    # Fundamental matrix F = (−Q)⁻¹ is upper-bidiagonal's inverse: two triangular solves.
    answered = solve_triangular(-chain, to_agent, lower=True)
    answered_time = solve_triangular(-chain, answered, lower=True)
    waiting_queue = float(np.dot(pi[agents:], np.arange(places)))
    answered_share = float(pi[:agents].sum() + queued @ answered)
    answered_wait = float(queued @ answered_time) / answered_share if answered_share else math.inf
    busy = arrival_rate * answered_share * handle_seconds
    return ErlangA(
        service_level=float(pi[:agents].sum() + queued @ answered_by),
        answered_wait_seconds=answered_wait,
        wait_share=float(queued.sum()),
        abandon_share=1 - answered_share,
        occupancy=busy / agents,
        mean_waiting=waiting_queue,
    )


def _answered_within(chain: np.ndarray, to_agent: np.ndarray, seconds: float) -> np.ndarray:
    """P(reached an agent by ``seconds``) from each place: the served state's column of e^{Qt}.

    The chain is bidiagonal, so e^{Qt} is applied to that one column as a sparse product
    instead of being formed: a dense exponential of a long queue's chain (hundreds of
    places) took seconds, and a staffing plan evaluates several."""
    places = len(to_agent)
    steps = np.arange(places)
    leaving = np.flatnonzero(to_agent)  # into the served state, the last one
    full = coo_matrix(
        (
            np.concatenate([np.diag(chain), np.diag(chain, -1), to_agent[leaving]]) * seconds,
            (
                np.concatenate([steps, steps[1:], leaving]),
                np.concatenate([steps, steps[:-1], np.full(len(leaving), places)]),
            ),
        ),
        shape=(places + 1, places + 1),
    )
    served = np.zeros(places + 1)
    served[places] = 1.0
    column = expm_multiply(full.tocsr(), served)
    return np.clip(column[:places], 0.0, 1.0)
