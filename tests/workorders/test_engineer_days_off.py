"""Field engineers' days off (轮休, 请假): set and cleared by a dispatcher for a day ahead,
audited; an engineer off that day is offered after those working and said so, is not
handed a colleague's visits of that day, and shows off on the day's board; the visits
already booked that day are counted, not moved."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import add_engineer, complain, roster_visit
from kefu.core.audit import AuditLog
from kefu.core.clock import local_today

DAY = (local_today() + timedelta(days=2)).isoformat()


def _off(client: Any, crew: dict, engineer: dict, day: str = DAY, **body: str) -> Any:
    url = f"/api/v1/engineers/{engineer['id']}/days-off/{day}"
    return client.put(url, json=body, headers=crew["lead"])


def test_a_day_off_is_set_changed_and_cleared_and_audited(client, db: Session, crew) -> None:
    zhang = add_engineer(client, crew["lead"], crew["unit"], "张志强")
    booked = roster_visit(
        client, crew["agent"], crew["indoor"], zhang["id"], DAY, ("09:00", "12:00")
    )
    set_off = _off(client, crew, zhang, reason="请假")
    assert set_off.status_code == 200, set_off.text
    # the visit already booked that day stays, counted for the dispatcher to hand over
    assert set_off.json() == {
        "engineer_id": zhang["id"],
        "day": DAY,
        "reason": "请假",
        "visits_that_day": 1,
    }
    visits = client.get(f"/api/v1/work-orders/{booked['id']}/appointments", headers=crew["agent"])
    assert visits.json()["items"][0]["engineer"] == "张志强"
    again = _off(client, crew, zhang, reason="轮休")  # set again: the reason changes
    assert again.status_code == 200 and again.json()["reason"] == "轮休"
    board = client.get("/api/v1/engineers/board", params={"day": DAY}, headers=crew["agent"])
    row = next(r for r in board.json()["rows"] if r["engineer_id"] == zhang["id"])
    assert (row["day_off"], row["day_off_reason"]) == (True, "轮休")
    roster = client.get("/api/v1/engineers", headers=crew["agent"]).json()["items"]
    assert next(e for e in roster if e["id"] == zhang["id"])["days_off_ahead"] == [DAY]
    url = f"/api/v1/engineers/{zhang['id']}/days-off/{DAY}"
    assert client.delete(url, headers=crew["lead"]).status_code == 204
    assert client.delete(url, headers=crew["lead"]).status_code == 204  # nothing left: no error
    board = client.get("/api/v1/engineers/board", params={"day": DAY}, headers=crew["agent"])
    row = next(r for r in board.json()["rows"] if r["engineer_id"] == zhang["id"])
    assert row["day_off"] is False
    roster = client.get("/api/v1/engineers", headers=crew["agent"]).json()["items"]
    assert next(e for e in roster if e["id"] == zhang["id"])["days_off_ahead"] == []
    audited = db.scalars(
        select(AuditLog).where(AuditLog.entity_type == "field_engineer").order_by(AuditLog.id)
    ).all()
    steps = [
        (a.action, json.loads(a.details)) for a in audited if a.action.startswith("engineer.day")
    ]
    assert steps == [
        ("engineer.day_off", {"day": DAY, "reason": "请假"}),
        ("engineer.day_off", {"day": DAY, "reason": "轮休"}),
        ("engineer.day_back", {"day": DAY, "reason": ""}),
    ]


def test_only_a_dispatcher_in_reach_sets_a_day_ahead(client, crew) -> None:
    zhang = add_engineer(client, crew["lead"], crew["unit"], "张志强")
    url = f"/api/v1/engineers/{zhang['id']}/days-off"
    assert client.put(f"{url}/{DAY}", headers=crew["agent"]).status_code == 403
    assert client.put(f"{url}/{DAY}", headers=crew["other_lead"]).status_code == 404
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    past = client.put(f"{url}/{yesterday}", headers=crew["lead"] | {"Accept-Language": "en"})
    assert past.status_code == 422
    assert (past.json()["error"]["code"], past.json()["error"]["field"]) == ("day_off_past", "day")
    assert "gone by" in past.json()["error"]["message"]
    kept = client.delete(f"{url}/{yesterday}", headers=crew["lead"])  # the record stays
    assert kept.status_code == 422 and kept.json()["error"]["code"] == "day_off_past"
    assert client.put(f"{url}/2026-13-01", headers=crew["lead"]).status_code == 422
    long = client.put(f"{url}/{DAY}", json={"reason": "x" * 201}, headers=crew["lead"])
    assert long.status_code == 422 and long.json()["error"]["field"] == "reason"
    today = client.put(f"{url}/{local_today().isoformat()}", headers=crew["lead"])
    assert today.status_code == 200 and today.json()["reason"] == ""  # no body: no reason


def test_one_off_that_day_is_offered_after_those_working(client, crew) -> None:
    zhang = add_engineer(client, crew["lead"], crew["unit"], "张志强")
    add_engineer(client, crew["lead"], crew["unit"], "李建华", "139 2001 3302")
    assert _off(client, crew, zhang).status_code == 200
    order = complain(client, crew["agent"], crew["indoor"], "13800138002")
    url = f"/api/v1/work-orders/{order['id']}/engineers"
    window = {"visit_on": DAY, "from_time": "09:00", "to_time": "12:00"}
    items = client.get(url, params=window, headers=crew["agent"]).json()["items"]
    assert [(i["name"], i["on_duty"], i["day_off"]) for i in items] == [
        ("李建华", True, False),
        ("张志强", False, True),
    ]
    next_day = (local_today() + timedelta(days=3)).isoformat()
    items = client.get(url, params=window | {"visit_on": next_day}, headers=crew["agent"])
    assert [i["day_off"] for i in items.json()["items"]] == [False, False]  # back at work


def test_a_colleagues_visits_of_their_day_off_stay_named(client, crew) -> None:
    zhang = add_engineer(client, crew["lead"], crew["unit"], "张志强")
    li = add_engineer(client, crew["lead"], crew["unit"], "李建华", "139 2001 3302")
    later = (local_today() + timedelta(days=3)).isoformat()
    on_li_day_off = roster_visit(
        client, crew["agent"], crew["indoor"], zhang["id"], DAY, ("09:00", "12:00")
    )
    after = roster_visit(
        client, crew["agent"], crew["indoor"], zhang["id"], later, ("09:00", "12:00")
    )
    assert _off(client, crew, li).status_code == 200
    done = client.post(
        f"/api/v1/engineers/{zhang['id']}/hand-over",
        json={"to_engineer_id": li["id"]},
        headers=crew["lead"],
    )
    assert done.status_code == 200, done.text
    assert [v["number"] for v in done.json()["handed"]] == [after["number"]]
    assert [(v["number"], v["off_duty"]) for v in done.json()["left"]] == [
        (on_li_day_off["number"], True)
    ]


def _leave(client: Any, crew: dict, engineer: dict, first: int, last: int, **more: Any) -> Any:
    body = {
        "first_day": (local_today() + timedelta(days=first)).isoformat(),
        "last_day": (local_today() + timedelta(days=last)).isoformat(),
        "reason": "年假",
    }
    headers = crew["lead"] | more.pop("headers", {})
    return client.post(
        f"/api/v1/engineers/{engineer['id']}/leave", json=body | more, headers=headers
    )


def test_a_leave_marks_each_day_and_its_visits_are_handed_over_together(
    client, db: Session, crew
) -> None:
    zhang = add_engineer(client, crew["lead"], crew["unit"], "张志强")
    li = add_engineer(client, crew["lead"], crew["unit"], "李建华", "139 2001 3302")
    day = lambda ahead: (local_today() + timedelta(days=ahead)).isoformat()  # noqa: E731
    during = [
        roster_visit(client, crew["agent"], crew["indoor"], zhang["id"], day(n), ("09:00", "12:00"))
        for n in (2, 4)
    ]
    after = roster_visit(
        client, crew["agent"], crew["indoor"], zhang["id"], day(6), ("09:00", "12:00")
    )
    key = {"Idempotency-Key": "leave-zhang-1"}
    made = _leave(client, crew, zhang, 2, 5, headers=key)
    assert made.status_code == 200, made.text
    assert made.json() == {
        "engineer_id": zhang["id"],
        "first_day": day(2),
        "last_day": day(5),
        "reason": "年假",
        "days": [day(2), day(3), day(4), day(5)],
        "visits_booked": 2,
    }
    assert _leave(client, crew, zhang, 2, 5, headers=key).json() == made.json()  # replayed
    roster = client.get("/api/v1/engineers", headers=crew["agent"]).json()["items"]
    shown = next(e for e in roster if e["id"] == zhang["id"])["days_off_ahead"]
    assert shown == [day(2), day(3), day(4), day(5)]
    # the leave's visits go to a colleague together; the one after it stays
    handed = client.post(
        f"/api/v1/engineers/{zhang['id']}/hand-over",
        json={"to_engineer_id": li["id"], "day": day(2), "until": day(5)},
        headers=crew["lead"],
    )
    assert handed.status_code == 200, handed.text
    assert sorted(v["number"] for v in handed.json()["handed"]) == sorted(
        v["number"] for v in during
    )
    visits = client.get(f"/api/v1/work-orders/{after['id']}/appointments", headers=crew["agent"])
    assert visits.json()["items"][0]["engineer"] == "张志强"
    audited = db.scalars(select(AuditLog).where(AuditLog.action == "engineer.leave")).all()
    assert [json.loads(a.details) for a in audited] == [
        {"first_day": day(2), "last_day": day(5), "reason": "年假"}
    ]


def test_a_leave_is_ahead_in_order_and_at_most_a_month(client, crew) -> None:
    zhang = add_engineer(client, crew["lead"], crew["unit"], "张志强")
    english = {"headers": {"Accept-Language": "en"}}
    for (first, last), code, field in (
        ((-1, 2), "day_off_past", "first_day"),
        ((5, 3), "leave_order", "last_day"),
        ((1, 32), "leave_too_long", "last_day"),
    ):
        refused = _leave(client, crew, zhang, first, last, **english)
        assert refused.status_code == 422, (first, last)
        assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == (code, field)
    assert _leave(client, crew, zhang, 1, 31).status_code == 200  # 31 days: the most
    assert _leave(client, crew, zhang, 1, 2, headers=crew["agent"]).status_code == 403
    assert _leave(client, crew, zhang, 1, 2, headers=crew["other_lead"]).status_code == 404
    one_end = client.post(
        f"/api/v1/engineers/{zhang['id']}/hand-over",
        json={"to_engineer_id": zhang["id"], "until": DAY},
        headers=crew["lead"],
    )
    assert one_end.status_code == 422  # until without a first day
