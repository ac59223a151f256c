"""Erlang A (M/M/N+M, Palm's model): Erlang C with callers who hang up while waiting.

Callers arrive at rate λ, agents serve at rate μ = 1/AHT, and each waiting caller gives up
at rate θ = 1/mean patience. Erlang C (θ = 0) overstates waits when queues are long,
because in a real center the impatient leave; with θ > 0 the queue is stable even with
fewer agents than Erlangs.

Computed exactly from the birth-death chain (no asymptotic approximation):
- the number in the system is π_n ∝ A^n/n! up to N, then each step up multiplies by
  λ / (Nμ + kθ) (k callers waiting); the tail is summed until it no longer counts. The
  weights are kept as logarithms, so neither thousands of agents nor a long queue
  overflows them;
- a caller who joins at place k moves forward at rate Nμ + (j − 1)θ from place j (an agent
  frees up or someone ahead gives up) and gives up at rate θ. The time to the front, S_k,
  is a sum of exponentials whose rates step by θ, so with c = Nμ/θ:
  P(answered at all) = c / (c + k); P(answered within T) = c / (c + k) · I_x(k, c + 1)
  with x = 1 − e^{−θT} (the regularized incomplete beta function: e^{−θS} of the
  patience-tilted sum is Beta(c + 1, k)); and the mean wait of answered calls is
  c / (c + k) · Σ_{j ≤ k} 1 / (Nμ + jθ). Closed forms cost a few vector operations
  however long the queue or the threshold, where the matrix exponential of the caller's
  chain took seconds to minutes (found by the API fuzzer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import betainc, gammaln

# Beyond this the tail's share is below double precision (e^-40 ≈ 4e-18).
_NEGLIGIBLE_LOG = -40.0
# A steady queue longer than this is a center that cannot cope: refused (the plan search
# counts it as falling short). At 100,000 places a caller at the back waits minutes even
# at 1,000 calls a second.
_MAX_WAITING = 100_000


@dataclass(frozen=True)
class ErlangA:
    """What callers experience with ``agents`` agents (shares are of all offered calls)."""

    service_level: float  # answered within the threshold
    answered_wait_seconds: float  # mean wait of answered calls (ASA)
    wait_share: float  # found every agent busy
    abandon_share: float  # hung up before an agent answered
    occupancy: float  # busy agents ÷ agents
    mean_waiting: float  # callers waiting on average


def _log_weights(agents: int, arrival: float, service: float, patience_rate: float) -> np.ndarray:
    """log π_0..π_{N+K} up to a constant; K is where the queue's tail stops counting."""
    traffic = arrival / service
    served = np.arange(agents + 1, dtype=float)
    below = served * math.log(traffic) - gammaln(served + 1)
    floor = float(below.max()) - below[-1]  # relative to π_N
    up, places = np.zeros(0), 256  # most queues end within a few hundred places
    while True:
        waiting = np.arange(len(up) + 1, places + 1, dtype=float)
        steps = np.log(arrival) - np.log(agents * service + waiting * patience_rate)
        up = np.concatenate([up, (up[-1] if len(up) else 0.0) + np.cumsum(steps)])
        # Past the peak (a step up below 1) the weights only fall; cut where they are nothing.
        falling = arrival < agents * service + np.arange(1, places + 1) * patience_rate
        peak = max(0.0, float(up.max()), floor)
        gone = np.flatnonzero(falling & (up < peak + _NEGLIGIBLE_LOG))
        if len(gone):
            return np.concatenate([below, below[-1] + up[: gone[0] + 1]])
        if places >= _MAX_WAITING:
            raise ValueError("the queue grows without bound: more agents or shorter patience")
        places = min(places * 4, _MAX_WAITING)


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
    log_weights = _log_weights(agents, arrival_rate, service, patience_rate)
    weights = np.exp(log_weights - log_weights.max())
    pi = weights / weights.sum()
    queued = pi[agents:]  # arrivals that find n = N + k − 1 in the system wait at place k
    places = np.arange(1, len(queued) + 1, dtype=float)
    answered, answered_by, answered_time = tagged_caller(
        agents, service, patience_rate, places, threshold_seconds
    )
    answered_share = float(pi[:agents].sum() + queued @ answered)
    answered_wait = float(queued @ answered_time) / answered_share if answered_share else math.inf
    busy = arrival_rate * answered_share * handle_seconds
    return ErlangA(
        service_level=float(pi[:agents].sum() + queued @ answered_by),
        answered_wait_seconds=answered_wait,
        wait_share=float(queued.sum()),
        abandon_share=1 - answered_share,
        occupancy=busy / agents,
        mean_waiting=float(queued @ (places - 1)),
    )


def tagged_caller(
    agents: int, service: float, patience_rate: float, places: np.ndarray, seconds: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a caller joining at each of ``places``: P(answered), P(answered within
    ``seconds``), and E[wait; answered] (the wait of answered calls, times their share)."""
    front = agents * service
    ratio = front / patience_rate  # c = Nμ/θ
    answered = ratio / (ratio + places)
    within = betainc(places, ratio + 1, -math.expm1(-patience_rate * seconds))
    mean_to_front = np.cumsum(1 / (front + patience_rate * places))
    return answered, answered * within, answered * mean_to_front
