"""First-contact responsibility (首问负责): the agent who took a customer's request follows
it through wherever it is handled — a queue of the orders they opened, each saying which
team holds it now, and the order's page naming who opened it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_org, make_staff, make_team, order_step
from kefu.core.rbac import Role

ORDERS = "/api/v1/work-orders"


def _numbers(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [item["number"] for item in answer.json()["items"]]


def test_an_agent_follows_the_orders_they_opened_wherever_they_go(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city, "计费班")
    agent = make_staff(db, org.city, Role.AGENT, display_name="陈晓")
    mine, colleague = bearer(db, agent), bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    db.commit()
    sent = complain(client, mine, cats.unknown_charge.id, "13800138001")
    escalated = complain(client, mine, cats.indoor.id, "13800138002")
    theirs = complain(client, colleague, cats.unknown_charge.id, "13800138003")
    sent = order_step(client, supervisor, sent, "dispatch", {"team_id": team.id})
    # sent up to the province: beyond the agent's branch, still theirs to follow
    order_step(client, supervisor, escalated, "escalate", {"reason": "涉及全省网络"})

    opened = client.get(ORDERS, params={"opened_by_me": "true"}, headers=mine)
    assert sorted(_numbers(opened)) == sorted([sent["number"], escalated["number"]])
    rows = {item["number"]: item for item in opened.json()["items"]}
    assert rows[sent["number"]]["team"] == "计费班" and rows[sent["number"]]["assignee"] is None
    assert rows[escalated["number"]]["org_unit"] == "广东"
    assert _numbers(client.get(ORDERS, params={"opened_by_me": "true"}, headers=colleague)) == [
        theirs["number"]
    ]
    assert _numbers(client.get(ORDERS, params={"mine": "true"}, headers=mine)) == []  # not held

    page = client.get(f"{ORDERS}/{sent['id']}", headers=supervisor).json()
    assert page["opened_by"] == "陈晓"


def test_the_opened_queue_lists_them_with_the_team_holding_each(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city, "计费班")
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    db.commit()
    sent = complain(client, agent, cats.unknown_charge.id, "13800138001")
    order_step(client, supervisor, sent, "dispatch", {"team_id": team.id})
    cancelled = complain(client, agent, cats.indoor.id, "13800138002")
    order_step(client, supervisor, cancelled, "cancel", {"reason": "重复来电，无效单"})
    complain(client, supervisor, cats.indoor.id, "13800138003")  # not the agent's

    page = client.get("/orders", params={"view": "opened"}, headers=agent).text
    assert 'class="on" data-queue="opened"' in page and "我受理的" in page
    assert sent["number"] in page and cancelled["number"] not in page  # open ones only
    assert "计费班" in page.split(sent["number"])[1].split("</tr>")[0]
    assert page.count('class="clickable') == 1
    closed_too = {"view": "opened", "open_only": "false"}
    assert cancelled["number"] in client.get("/orders", params=closed_too, headers=agent).text
    # who watches others handle orders has no such tab
    assert 'data-queue="opened"' not in client.get("/orders", headers=supervisor).text

    client.cookies.set("kefu_lang", "en")
    english = client.get(f"/orders/{sent['id']}", headers=supervisor).text
    client.cookies.clear()
    assert 'id="opened-by"' in english and "Opened by" in english
