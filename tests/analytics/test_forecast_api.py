"""Forecast and staffing over HTTP, on both databases: half hours counted in the database
by local time, the staffing plan, and clear errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from factories import bearer, make_org, make_staff
from kefu.analytics.repository import half_hour_volumes, mean_handle_seconds
from kefu.contact.enums import ContactChannel, InteractionStatus
from kefu.contact.models import Interaction
from kefu.core.clock import local_today
from kefu.core.rbac import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _call(at: datetime, *, channel: ContactChannel = ContactChannel.VOICE, handled: int = 0):
    answered = at + timedelta(seconds=10) if handled else None
    return Interaction(
        channel=channel,
        status=InteractionStatus.ENDED,
        offered_at=at,
        answered_at=answered,
        wrapped_up_at=answered + timedelta(seconds=handled) if answered else None,
    )


def test_half_hours_are_counted_in_local_time_at_the_day_s_edges(db) -> None:
    day = datetime(2026, 10, 20, tzinfo=SHANGHAI)
    db.add_all(
        [
            _call((day - timedelta(seconds=1)).astimezone(UTC)),  # the evening before: out
            _call(day.astimezone(UTC)),  # 00:00 local = 16:00 UTC the day before
            _call((day + timedelta(minutes=29, seconds=59)).astimezone(UTC)),
            _call((day + timedelta(minutes=30)).astimezone(UTC)),
            _call((day + timedelta(hours=9, minutes=45)).astimezone(UTC), handled=200),
            _call((day + timedelta(hours=9, minutes=50)).astimezone(UTC), handled=100),
            _call(day + timedelta(hours=9), channel=ContactChannel.SMS),
            _call((day + timedelta(days=1)).astimezone(UTC)),  # the next day: out
        ]
    )
    db.flush()
    slots = half_hour_volumes(db, first_day=day.date(), days=1, timezone="Asia/Shanghai")
    assert len(slots) == 48
    counts = {s.start.strftime("%H:%M"): s.calls for s in slots if s.calls}
    assert counts == {"00:00": 2, "00:30": 1, "09:00": 1, "09:30": 2}
    voice = half_hour_volumes(
        db, first_day=day.date(), days=1, timezone="Asia/Shanghai", channel=ContactChannel.VOICE
    )
    assert sum(s.calls for s in voice) == 5
    handle = mean_handle_seconds(db, since=day, until=day + timedelta(days=1))
    assert handle == pytest.approx(150.0, abs=1e-3)


@pytest.fixture
def planner(db):
    org = make_org(db)
    return bearer(db, make_staff(db, org.hq, Role.SUPERVISOR))


def test_staffing_over_http_reproduces_the_worked_example(client, planner) -> None:
    answer = client.get(
        "/api/v1/analytics/staffing",
        params={"calls": 100, "handle_seconds": 180, "shrinkage": 0.3},
        headers=planner,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["model"] == "erlang_c"
    assert (body["plan"]["agents"], body["plan"]["staff"]) == (14, 20)
    assert body["plan"]["service_level"] == pytest.approx(0.888, abs=5e-4)
    assert [p["agents"] for p in body["nearby"]] == [12, 13, 14, 15, 16]
    assert body["nearby"][0]["answer_seconds"] > body["plan"]["answer_seconds"]
    patient = client.get(
        "/api/v1/analytics/staffing",
        params={"calls": 100, "handle_seconds": 180, "patience_seconds": 120},
        headers=planner,
    ).json()
    assert patient["model"] == "erlang_a" and patient["plan"]["agents"] < 14


def test_staffing_refuses_bad_targets_in_the_caller_s_language(client, planner) -> None:
    answer = client.get(
        "/api/v1/analytics/staffing",
        params={"calls": 100, "handle_seconds": 180, "service_level": 1.5},
        headers={**planner, "Accept-Language": "en"},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "service_level"


def test_agents_may_not_read_the_plans(client, db) -> None:
    org = make_org(db)
    agent = bearer(db, make_staff(db, org.hq, Role.AGENT))
    answer = client.get(
        "/api/v1/analytics/staffing", params={"calls": 1, "handle_seconds": 1}, headers=agent
    )
    assert answer.status_code == 403


def test_the_forecast_reads_the_center_s_history_and_staffs_each_half_hour(
    client, db, planner
) -> None:
    today = local_today("Asia/Shanghai")
    rng = np.random.default_rng(3)
    calls = []
    for back in range(1, 22):
        day = datetime.combine(today - timedelta(days=back), datetime.min.time(), SHANGHAI)
        for hour in range(9, 18):  # about 12 calls an hour in office hours
            for _ in range(rng.poisson(12)):
                at = day + timedelta(hours=hour, seconds=float(rng.uniform(0, 3600)))
                calls.append(_call(at.astimezone(UTC), handled=240))
    db.add_all(calls)
    db.flush()
    answer = client.get(
        "/api/v1/analytics/forecast", params={"days": 2, "history_weeks": 3}, headers=planner
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["handle_seconds"] == pytest.approx(240, abs=1e-3)
    assert len(body["slots"]) == 96
    busy = [s for s in body["slots"] if s["calls"] > 0]
    assert {datetime.fromisoformat(s["start"]).hour for s in busy} <= set(range(9, 18))
    assert all(s["plan"]["agents"] >= 1 and s["plan"]["service_level"] >= 0.8 for s in busy)
    assert body["backtest"]["days"] == 7 and body["backtest"]["calls"] > 0


def test_a_forecast_without_history_says_why(client, planner) -> None:
    short = client.get("/api/v1/analytics/forecast", params={"history_weeks": 2}, headers=planner)
    assert short.status_code == 422
    assert short.json()["error"]["code"] == "forecast_history_short"
    empty = client.get("/api/v1/analytics/forecast", headers=planner)
    assert empty.status_code == 422
    assert empty.json()["error"]["code"] == "forecast_no_history"


def test_a_vanishing_load_needs_no_agents_and_sub_second_times_are_refused(client, planner) -> None:
    # Found by the fuzzer: 1e-300 calls made Erlang A's weights overflow (NaN) and the
    # plan search answered that even 10,000 agents could not meet the target.
    tiny = client.get(
        "/api/v1/analytics/staffing",
        params={"calls": 1e-300, "handle_seconds": 180, "patience_seconds": 60},
        headers=planner,
    )
    assert tiny.status_code == 200, tiny.text
    assert tiny.json()["plan"]["agents"] == 0 and tiny.json()["plan"]["service_level"] == 1.0
    for name in ("handle_seconds", "patience_seconds"):
        params = {"calls": 100, "handle_seconds": 180, "patience_seconds": 60, name: 1e-300}
        refused = client.get("/api/v1/analytics/staffing", params=params, headers=planner)
        assert refused.status_code == 422 and refused.json()["error"]["field"] == name
