"""Taking the next order (取下一单): a handler is given the most urgent order waiting in
their queue — one sent to them by name first, then their team's by priority, due time and
age — started in their name, on the timeline and audited; nothing to pick, nothing taken
twice."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    bearer,
    complain,
    make_categories,
    make_org,
    make_staff,
    make_team,
    order_step,
)
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role

URL = "/api/v1/work-orders/next"


@pytest.fixture
def queue(client: Any, db: Session) -> dict[str, Any]:
    """A team with two handlers, an agent opening orders and a supervisor sending them."""
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    other_team = make_team(db, org.city, "宽带班")
    handlers = [make_staff(db, org.city, Role.BACK_OFFICE, team_id=team.id) for _ in range(2)]
    found = {
        "team": team.id,
        "other_team": other_team.id,
        "leaf": cats.unknown_charge.id,
        "handler_ids": [h.id for h in handlers],
        "handlers": [bearer(db, h) for h in handlers],
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "supervisor": bearer(db, make_staff(db, org.city, Role.SUPERVISOR)),
        "teamless": bearer(db, make_staff(db, org.city, Role.BACK_OFFICE)),
    }
    db.commit()
    return found


def _sent(client: Any, queue: dict, phone: str, triage: str = "", **to: int) -> dict:
    """An order opened and dispatched (to the team, unless ``to`` says where)."""
    order = complain(client, queue["agent"], queue["leaf"], phone)
    if triage:
        body = {"triage": triage, "reason": "客户情绪激动"}
        order = order_step(client, queue["supervisor"], order, "triage", body)
    return order_step(
        client, queue["supervisor"], order, "dispatch", to or {"team_id": queue["team"]}
    )


def test_the_most_urgent_waiting_order_is_taken_and_started(client, db, queue) -> None:
    older = _sent(client, queue, "13800138001")
    newer = _sent(client, queue, "13800138002")
    urgent = _sent(client, queue, "13800138003", triage="urgent")
    _sent(client, queue, "13800138004", team_id=queue["other_team"])  # another team's
    named = _sent(client, queue, "13800138005", team_id=queue["team"])
    named = order_step(  # sent to the first handler by name
        client,
        queue["supervisor"],
        named,
        "transfer",
        {"team_id": queue["team"], "assignee_id": queue["handler_ids"][0], "reason": "熟悉"},
    )
    first, second = queue["handlers"]
    taken = [client.post(URL, headers=first) for _ in range(2)]
    assert [t.status_code for t in taken] == [200, 200]
    # their own first, then the team's most urgent
    assert [t.json()["number"] for t in taken] == [named["number"], urgent["number"]]
    started = taken[1].json()
    assert (started["status"], started["assignee"]["id"]) == (
        "in_progress",
        queue["handler_ids"][0],
    )
    assert taken[1].headers["ETag"] == f'"{started["version"]}"'
    step = started["events"][-1]
    assert (step["action"], step["reason"]) == (
        "start",
        "取下一单 / taken as the next in the queue",
    )
    # the longest waiting of equal urgency next, for whoever asks
    assert client.post(URL, headers=second).json()["number"] == older["number"]
    assert client.post(URL, headers=second).json()["number"] == newer["number"]
    empty = client.post(URL, headers=second)  # the other team's is not theirs
    assert empty.status_code == 404 and empty.json()["error"]["code"] == "next_order_none"
    audited = db.scalars(
        select(AuditLog.entity_id).where(AuditLog.action == "order.start").order_by(AuditLog.id)
    ).all()
    assert audited[-4:] == [str(o["id"]) for o in (named, urgent, older, newer)]


def test_a_handler_in_no_team_is_told_why_and_an_agent_may_not(client, queue) -> None:
    _sent(client, queue, "13800138001")
    refused = client.post(URL, headers=queue["teamless"] | {"Accept-Language": "en"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "next_order_no_team"
    assert "ask your team lead" in refused.json()["error"]["message"]


def test_a_lead_reads_who_took_the_next_and_who_picked(client, db, queue) -> None:
    first, second = queue["handlers"]
    for n in range(3):
        _sent(client, queue, f"1380013800{n}")
    picked = _sent(client, queue, "13800138009")
    assert client.post(URL, headers=first).status_code == 200
    assert client.post(URL, headers=first).status_code == 200
    order_step(client, second, picked, "start", {})  # picked from the list by hand
    url = f"/api/v1/teams/{queue['team']}/orders-started"
    read = client.get(url, params={"days": 7}, headers=queue["supervisor"])
    assert read.status_code == 200, read.text
    rows = [(r["staff_id"], r["started"], r["taken_next"]) for r in read.json()["rows"]]
    assert rows == [(queue["handler_ids"][0], 2, 2), (queue["handler_ids"][1], 1, 0)]
    assert read.json()["days"] == 7
    assert client.get(url, headers=queue["agent"]).status_code == 403  # a lead's to read
    elsewhere = bearer(db, make_staff(db, make_org(db).other_city, Role.TEAM_LEAD))
    assert client.get(url, headers=elsewhere).status_code == 404  # another branch's team


def _take_in_turn(client: Any, queue: dict, in_turn: bool, version: int) -> Any:
    return client.put(
        f"/api/v1/teams/{queue['team']}/taking",
        json={"in_turn": in_turn},
        headers=queue["supervisor"] | {"If-Match": f'"{version}"'},
    )


def test_a_team_that_takes_in_turn_leaves_its_handlers_no_picking(client, db, queue) -> None:
    first, second = queue["handlers"]
    pooled = _sent(client, queue, "13800138001")
    urgent = _sent(client, queue, "13800138002", triage="urgent")
    named = _sent(client, queue, "13800138003", team_id=queue["team"])
    named = order_step(
        client,
        queue["supervisor"],
        named,
        "transfer",
        {"team_id": queue["team"], "assignee_id": queue["handler_ids"][1], "reason": "熟悉"},
    )
    made = _take_in_turn(client, queue, True, 1)
    assert made.status_code == 200, made.text
    assert made.json()["takes_in_turn"] is True and made.headers["ETag"] == '"2"'
    picked = client.post(
        f"/api/v1/work-orders/{pooled['id']}/start",
        json={},
        headers=first | {"If-Match": f'"{pooled["version"]}"', "Accept-Language": "en"},
    )
    assert picked.status_code == 409
    assert picked.json()["error"]["code"] == "order_taken_in_turn"
    assert "Take the next order" in picked.json()["error"]["message"]
    for action, body in (("reply", {"reply": "已为您退订"}), ("wait", {"reason": "等客户回电"})):
        handled = client.post(
            f"/api/v1/work-orders/{pooled['id']}/{action}",
            json=body,
            headers=first | {"If-Match": f'"{pooled["version"]}"'},
        )
        assert (handled.status_code, handled.json()["error"]["code"]) == (
            409,
            "order_taken_in_turn",
        ), action
    # what was sent to a handler by name is theirs to start; the pool comes by the next
    assert order_step(client, second, named, "start", {})["status"] == "in_progress"
    assert client.post(URL, headers=first).json()["number"] == urgent["number"]
    # back office may send orders on, but not to themselves: picking by another door
    to_self = client.post(
        f"/api/v1/work-orders/{pooled['id']}/transfer",
        json={"team_id": queue["team"], "assignee_id": queue["handler_ids"][0], "reason": "我来"},
        headers=first | {"If-Match": f'"{pooled["version"]}"'},
    )
    assert to_self.status_code == 409
    assert to_self.json()["error"] | {"message": ""} == {
        "code": "order_taken_in_turn",
        "field": "assignee_id",
        "message": "",
    }
    # a lead (here the supervisor) still starts what they choose
    led = order_step(client, queue["supervisor"], pooled, "start", {})
    assert led["assignee"]["name"] and led["status"] == "in_progress"
    read = client.get(f"/api/v1/teams/{queue['team']}/orders-started", headers=queue["supervisor"])
    assert read.json()["takes_in_turn"] is True
    rows = db.scalars(select(AuditLog).where(AuditLog.action == "team.taking")).all()
    assert [(r.entity_id, json.loads(r.details)) for r in rows] == [
        (str(queue["team"]), {"takes_in_turn": {"from": False, "to": True}})
    ]


def test_picking_comes_back_when_the_team_lets_it(client, queue) -> None:
    first = queue["handlers"][0]
    pooled = _sent(client, queue, "13800138001")
    assert _take_in_turn(client, queue, True, 1).status_code == 200
    assert _take_in_turn(client, queue, False, 2).json()["takes_in_turn"] is False
    assert order_step(client, first, pooled, "start", {})["status"] == "in_progress"


def test_only_a_dispatcher_in_reach_sets_the_rule_on_the_version_read(client, db, queue) -> None:
    url = f"/api/v1/teams/{queue['team']}/taking"
    body = {"in_turn": True}
    handler = queue["handlers"][0] | {"If-Match": '"1"'}
    assert client.put(url, json=body, headers=handler).status_code == 403
    elsewhere = bearer(db, make_staff(db, make_org(db).other_city, Role.TEAM_LEAD))
    assert client.put(url, json=body, headers=elsewhere | {"If-Match": '"1"'}).status_code == 404
    assert client.put(url, json=body, headers=queue["supervisor"]).status_code == 428
    assert _take_in_turn(client, queue, True, 1).status_code == 200
    stale = _take_in_turn(client, queue, False, 1)
    assert stale.status_code in (409, 412) and "error" in stale.json()
    odd = client.put(
        url, json={"in_turn": True, "x": 1}, headers=queue["supervisor"] | {"If-Match": '"2"'}
    )
    assert odd.status_code == 422
