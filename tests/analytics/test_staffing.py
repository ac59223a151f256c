"""Erlang C staffing against the published worked example, Erlang A against its limits,
its own identities and a simulation of callers who give up."""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.analytics.erlang_a import erlang_a
from kefu.analytics.staffing import Load, Target, figures, plan, rostered
from kefu.routing import erlang

WORKED = Load(calls=100, interval_seconds=1800, handle_seconds=180)  # 10 Erlangs


def test_erlang_c_reproduces_the_worked_example() -> None:
    found = plan(WORKED, Target(service_level=0.8, threshold_seconds=20, shrinkage=0.3))
    assert found.traffic == pytest.approx(10.0)
    assert found.agents == 14
    assert found.service_level == pytest.approx(0.888, abs=5e-4)
    assert found.answer_seconds == pytest.approx(7.8, abs=0.05)
    assert found.occupancy == pytest.approx(0.714, abs=5e-4)
    assert found.staff == 20
    assert found.abandon_share is None
    # one agent fewer misses 80%
    assert figures(13, WORKED, Target()).service_level < 0.8


@pytest.mark.parametrize(
    ("agents", "shrinkage", "staff"), [(14, 0.3, 20), (14, 0.0, 14), (7, 0.3, 10), (0, 0.3, 0)]
)
def test_rostered_staff_rounds_up_but_not_for_float_noise(
    agents: int, shrinkage: float, staff: int
) -> None:
    assert rostered(agents, shrinkage) == staff


def test_no_calls_need_no_agents() -> None:
    found = plan(Load(0, 1800, 180), Target())
    assert (found.agents, found.staff, found.service_level) == (0, 0, 1.0)


@given(
    calls=st.floats(1, 2000),
    handle=st.floats(20, 900),
    level=st.floats(0.5, 0.95),
)
def test_the_plan_is_the_fewest_agents_that_meet_the_target(
    calls: float, handle: float, level: float
) -> None:
    load, target = Load(calls, 1800, handle), Target(service_level=level)
    found = plan(load, target)
    assert found.service_level >= level
    if found.agents > 1:
        assert figures(found.agents - 1, load, target).service_level < level


def test_erlang_a_with_endless_patience_is_erlang_c() -> None:
    found = erlang_a(
        agents=14,
        arrival_rate=100 / 1800,
        handle_seconds=180,
        patience_seconds=1e7,
        threshold_seconds=20,
    )
    assert found.service_level == pytest.approx(erlang.service_level(14, 10, 180, 20), abs=1e-5)
    assert found.wait_share == pytest.approx(erlang.erlang_c(14, 10), abs=1e-5)
    assert found.answered_wait_seconds == pytest.approx(
        erlang.average_speed_of_answer(14, 10, 180), rel=1e-3
    )
    assert found.abandon_share < 1e-5


@pytest.mark.parametrize(("agents", "patience"), [(9, 120.0), (12, 60.0), (14, 300.0)])
def test_erlang_a_keeps_its_own_identities(agents: int, patience: float) -> None:
    arrival = 100 / 1800
    found = erlang_a(
        agents=agents,
        arrival_rate=arrival,
        handle_seconds=180,
        patience_seconds=patience,
        threshold_seconds=20,
    )
    # Each waiting caller leaves at rate θ: abandonment = θ·E[queue] ÷ λ (by another route
    # than the tagged caller's chain the share was computed from).
    assert found.abandon_share == pytest.approx(found.mean_waiting / patience / arrival, rel=1e-9)
    # Answered work is what the agents are busy with.
    assert found.occupancy == pytest.approx(arrival * (1 - found.abandon_share) * 180 / agents)
    assert 0 < found.service_level < 1


def _simulate(agents: int, arrival: float, handle: float, patience: float, calls: int) -> dict:
    """First come, first served with callers who hang up when their patience runs out."""
    rng = np.random.default_rng(7)
    arrivals = np.cumsum(rng.exponential(1 / arrival, calls))
    handles = rng.exponential(handle, calls)
    patiences = rng.exponential(patience, calls)
    free = [0.0] * agents  # when each agent is next free
    within = abandoned = 0
    answered_waits = []
    for at, work, give_up in zip(arrivals, handles, patiences, strict=True):
        wait = max(0.0, free[0] - at)
        if wait > give_up:
            abandoned += 1
            continue
        heapq.heapreplace(free, at + wait + work)
        answered_waits.append(wait)
        within += wait <= 20
    return {
        "service_level": within / calls,
        "abandon_share": abandoned / calls,
        "answered_wait": float(np.mean(answered_waits)),
    }


def test_erlang_a_agrees_with_a_simulation_of_impatient_callers() -> None:
    agents, arrival, handle, patience = 11, 100 / 1800, 180.0, 90.0
    found = erlang_a(
        agents=agents,
        arrival_rate=arrival,
        handle_seconds=handle,
        patience_seconds=patience,
        threshold_seconds=20,
    )
    simulated = _simulate(agents, arrival, handle, patience, 400_000)
    assert found.service_level == pytest.approx(simulated["service_level"], abs=0.01)
    assert found.abandon_share == pytest.approx(simulated["abandon_share"], abs=0.005)
    assert found.answered_wait_seconds == pytest.approx(simulated["answered_wait"], rel=0.05)


def test_erlang_a_plans_fewer_agents_and_says_how_many_hang_up() -> None:
    patient = plan(WORKED, Target(patience_seconds=120))
    assert patient.agents < 14
    assert patient.abandon_share is not None and 0 < patient.abandon_share < 0.1
    assert patient.service_level >= 0.8


@pytest.mark.parametrize("patience", [None, 120.0])
def test_a_load_beyond_ten_thousand_agents_is_refused_at_once(patience: float | None) -> None:
    with pytest.raises(ValueError, match="10,000"):
        plan(Load(1_000_000, 1800, 600), Target(patience_seconds=patience))


def test_erlang_a_refuses_impossible_inputs() -> None:
    with pytest.raises(ValueError):
        erlang_a(
            agents=0, arrival_rate=1, handle_seconds=1, patience_seconds=1, threshold_seconds=1
        )
    assert math.isinf(figures(0, WORKED, Target(patience_seconds=60)).answer_seconds)


def _tagged_chain(agents: int, service: float, patience_rate: float, places: int) -> np.ndarray:
    """The waiting caller's generator over places 1..K (answered and gone absorb)."""
    forward = agents * service + patience_rate * np.arange(places)  # from place k: k - 1 ahead
    generator = np.diag(-(forward + patience_rate))
    generator[np.arange(1, places), np.arange(places - 1)] = forward[1:]
    return generator


@pytest.mark.parametrize(
    ("agents", "handle", "patience", "threshold"),
    [(140, 1.2, 600.0, 20.0), (11, 180.0, 90.0, 20.0), (3, 30.0, 1.5, 1500.0), (50, 600, 5e4, 0.5)],
)
def test_the_tagged_callers_closed_forms_equal_the_chain(
    agents: int, handle: float, patience: float, threshold: float
) -> None:
    # The closed forms replaced matrix exponentials of the caller's chain, which took
    # seconds to minutes on long queues and long thresholds (found by the API fuzzer).
    # Here they must equal that chain: e^{Qt}'s answered column, and the fundamental
    # matrix for the answered share and the mean wait of answered calls.
    from scipy.linalg import expm

    from kefu.analytics.erlang_a import tagged_caller

    places, service, patience_rate = 300, 1 / handle, 1 / patience
    chain = _tagged_chain(agents, service, patience_rate, places)
    to_agent = np.zeros(places)
    to_agent[0] = agents * service
    full = np.zeros((places + 1, places + 1))
    full[:places, :places] = chain
    full[:places, places] = to_agent
    within = expm(full * threshold)[:places, places]
    answered = np.linalg.solve(-chain, to_agent)
    answered_time = np.linalg.solve(-chain, answered)
    found = tagged_caller(agents, service, patience_rate, np.arange(1.0, places + 1), threshold)
    assert np.allclose(found[0], answered, atol=1e-12, rtol=1e-9)
    assert np.allclose(found[1], within, atol=1e-10, rtol=0)
    assert np.allclose(found[2], answered_time, atol=1e-12, rtol=1e-9)


@pytest.mark.parametrize(
    ("load", "target", "agents"),
    [
        (Load(706_568.42, 6000, 1.2), Target(0.8617, 20, 0.3, 600.0), 138),
        (Load(365_100, 727 * 60, 1080), Target(0.2254, 1519, 0.3, 1.112), None),
        (Load(721_800, 417 * 60, 5.565), Target(0.8475, 543.1, 0.3, 1.823), None),
        (Load(1_000_000, 60, 0.5), Target(0.5, 0.01, 0.3, 86_400), None),
    ],
)
def test_heavy_loads_found_by_the_fuzzer_are_planned(
    load: Load, target: Target, agents: int | None
) -> None:
    # Each took 10 s to a minute (or overflowed the state weights to NaN) before the closed
    # forms and log weights; a plan must meet its target and one agent fewer must not.
    # The first once planned 142: a queue over 2,000 places was counted as falling short,
    # but at 138 agents its 1,700 callers move up fast enough that 97 % wait under 20 s.
    found = plan(load, target)
    assert found.service_level >= target.service_level
    assert agents is None or found.agents == agents
    fewer = figures(found.agents - 1, load, target) if found.agents > 1 else None
    assert fewer is None or fewer.service_level < target.service_level
