"""Taking the next order (取下一单): a handler is given the most urgent order waiting in
their queue — one sent to them by name first, then their team's by priority, due time and
age — started in their name, on the timeline and audited; nothing to pick, nothing taken
twice."""

from __future__ import annotations

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
