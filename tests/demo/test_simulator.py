"""The simulator: a steady case lands within three points of Erlang C; Erlang C itself
matches the published worked example; a day through the shipped IVR flow is written as
interactions the live figures count, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from factories import make_customer, make_org, make_staff
from kefu.contact.models import Interaction
from kefu.customers.enums import Tier
from kefu.demo import simulator
from kefu.ivr.actions import ACTION_NAMES
from kefu.ivr.flow import parse
from kefu.ivr.flows import default_source
from kefu.routing import erlang, stats
from kefu.routing.defaults import ensure_default_queues


def test_erlang_c_matches_the_published_worked_example() -> None:
    # 100 calls in 30 minutes, 3 minutes each: 10 Erlangs; 80% in 20 s needs 14 agents
    traffic = 100 * 180 / 1800
    assert erlang.erlang_c(14, traffic) == pytest.approx(0.1741, abs=5e-4)
    assert erlang.service_level(14, traffic, 180, 20) == pytest.approx(0.8884, abs=5e-4)
    assert erlang.service_level(13, traffic, 180, 20) == pytest.approx(0.7956, abs=5e-4)
    assert erlang.average_speed_of_answer(14, traffic, 180) == pytest.approx(7.8, abs=0.05)
    assert erlang.erlang_c(10, traffic) == 1.0  # the agents cannot keep up


@pytest.mark.parametrize("agents", [13, 14])
def test_a_steady_simulated_day_lands_within_three_points_of_erlang_c(agents: int) -> None:
    plan = simulator.steady_day(
        agents=agents, calls_per_half_hour=100, handle_seconds=180, hours=200, seed=11
    )
    plan = replace(plan, tier_mix={Tier.NORMAL: 1.0})  # one tier: first come, first served
    result = simulator.simulate(plan)
    predicted = erlang.service_level(agents, 10.0, 180, 20)
    assert len(result.calls) > 35_000
    assert abs(result.service_level() - predicted) <= 0.03


def test_staffing_by_erlang_c_follows_the_day() -> None:
    staffed = simulator.staffed_for((10.0, 100.0, 300.0), handle_seconds=180)
    assert staffed[1] == 14  # the worked example
    assert staffed[0] < staffed[1] < staffed[2]


def test_a_day_through_the_hotline_flow_becomes_interactions(db) -> None:
    ensure_default_queues(db)
    org = make_org(db)
    for _ in range(3):
        make_staff(db, org.city)
    make_customer(db, org.city, "+8613800138000")
    flow = parse(default_source(), actions=ACTION_NAMES)
    arrivals = tuple(n / 4 for n in simulator.WEEKDAY_SHAPE[16:24])  # 08:00–12:00
    plan = simulator.DayPlan(
        arrivals_per_half_hour=arrivals,
        agents_per_half_hour=simulator.staffed_for(arrivals, handle_seconds=200),
        handle_seconds=200,
    )
    start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Guangzhou
    result = simulator.simulate(plan, flow, start)
    assert 0 < result.containment() < 1
    assert 0 < result.answered <= result.offered < len(result.calls)
    written = simulator.record(db, result, start)
    assert written == len(result.calls)
    assert db.scalar(select(func.count()).select_from(Interaction)) == written
    figures = stats.live_figures(db, since=start, now=datetime(2026, 11, 23, 6, tzinfo=UTC))
    general = next(f for f in figures if f["code"] == "general")
    assert general["answered"] > 0 and general["service_level"] is not None
