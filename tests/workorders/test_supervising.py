"""A supervisor presses an open order's holder (督办): counted, on the timeline with the
supervisor's words, at the top priority whatever its triage, its handler and the team's
leads told; once per Idempotency-Key; only by who may supervise, only while it is being
handled."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import (
    bearer,
    complain,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    make_team,
    order_step,
)
from kefu.core import outbox
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.workorders.enums import MAX_PRIORITY

NOTE = "媒体已关注此事，请今天17:00前联系客户并回复处理结果。"


def _mails_to(db: Session, address: str) -> list[dict[str, Any]]:
    db.expire_all()
    payloads = db.scalars(select(Job.payload).where(Job.kind == "notify.email").order_by(Job.id))
    return [p for p in map(json.loads, payloads) if p["to"] == address]


def _supervise(client, headers: dict[str, str], order: dict, note: str = NOTE, **more: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/work-orders/{order['id']}/supervise", json={"note": note}, headers=headers | more
    )


def test_a_supervisor_presses_the_holder_of_an_open_order(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    handler = make_staff(
        db, org.city, Role.BACK_OFFICE, team_id=team.id, email="handler@kefu.example.cn"
    )
    make_staff(db, org.city, Role.TEAM_LEAD, team_id=team.id, email="lead@kefu.example.cn")
    boss = make_staff(
        db, org.city, Role.SUPERVISOR, display_name="林静", email="boss@kefu.example.cn"
    )
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, boss)
    order = complain(client, agent, cats.unknown_charge.id)
    body = {"team_id": team.id, "assignee_id": handler.id}
    order = order_step(client, supervisor, order, "dispatch", body)
    assert order["priority"] < MAX_PRIORITY

    assert _supervise(client, agent, order).status_code == 403
    short = _supervise(client, supervisor, order, note="快")
    assert (short.status_code, short.json()["error"]["field"]) == (422, "note")
    pressed = _supervise(client, supervisor, order, **{"Idempotency-Key": "sv-1"})
    assert pressed.status_code == 201, pressed.text
    again = _supervise(client, supervisor, order, **{"Idempotency-Key": "sv-1"})
    assert again.json() == pressed.json()  # replayed: counted once
    detail = pressed.json()
    assert (detail["supervise_count"], detail["priority"]) == (1, MAX_PRIORITY)
    step = detail["events"][-1]
    assert (step["kind"], step["reason"], step["details"]) == ("supervise", NOTE, {"count": 1})
    for address in ("handler@kefu.example.cn", "lead@kefu.example.cn"):
        [mail] = [m for m in _mails_to(db, address) if "督办" in m["subject"]]
        assert mail["subject"] == f"工单 {order['number']} 被督办（第 1 次）/ " + (
            f"Work order {order['number']} supervised by 林静"
        )
        assert mail["body"] == f"{order['number']}: 扣费问题\n林静: {NOTE}"
    assert _mails_to(db, "boss@kefu.example.cn") == []

    # A triage afterwards keeps it at the top; a second press is counted.
    current = client.get(f"/api/v1/work-orders/{order['id']}", headers=supervisor).json()
    triaged = order_step(
        client, supervisor, current, "triage", {"triage": "normal", "reason": "一般问题"}
    )
    assert triaged["priority"] == MAX_PRIORITY
    assert _supervise(client, supervisor, order).json()["supervise_count"] == 2
    listed = client.get("/api/v1/work-orders", params={"view": "all"}, headers=supervisor).json()
    assert {o["id"]: o["supervise_count"] for o in listed["items"]}[order["id"]] == 2
    page = client.get(f"/orders/{order['id']}", headers=supervisor).text
    assert "督办 2 次" in page and 'id="supervise-form"' in page
    assert 'id="supervise-form"' not in client.get(f"/orders/{order['id']}", headers=agent).text
    queue = client.get("/orders", params={"view": "all"}, headers=supervisor).text
    assert "督办 2 次" in queue
    audited = db.scalar(select(func.count()).where(AuditLog.action == "order.supervise"))
    assert audited == 2

    # Answered by its handler: the supervisor who pressed is told, once, of the answer.
    holder = bearer(db, db.merge(handler))
    current = client.get(f"/api/v1/work-orders/{order['id']}", headers=holder).json()
    order_step(client, holder, current, "reply", {"reply": "已核实为误扣，退费10元已到账。"})
    [answered] = [m for m in _mails_to(db, "boss@kefu.example.cn") if "已答复" in m["subject"]]
    assert answered["subject"] == (
        f"督办工单已答复 {order['number']} / The order you supervised was answered: "
        f"{order['number']}"
    )
    assert answered["body"].endswith("已核实为误扣，退费10元已到账。")


def test_an_answered_order_is_not_supervised(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    order = complain(client, agent, cats.unknown_charge.id)
    order = order_step(client, agent, order, "accept", {})
    order = order_step(client, agent, order, "reply", {"reply": "经核实为误扣，已退费。"})
    refused = _supervise(client, supervisor, order, **{"Accept-Language": "en"})
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "supervise_answered",
        "message": f"Order {order['number']} has been answered: there is nobody left to press.",
    }


def test_the_supervisor_is_told_when_an_incident_answers_the_order(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    pressing = make_staff(db, org.city, Role.SUPERVISOR, email="press@kefu.example.cn")
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    resolver = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    orders = [
        complain(client, agent, cats.indoor.id, f"1380013{n:04d}", subject="小区没有信号")
        for n in range(5)
    ]
    assert _supervise(client, bearer(db, pressing), orders[0]).status_code == 201
    url = f"/api/v1/incidents/{orders[-1]['incident_id']}"
    for step, body in (("confirm", {}), ("resolve", {"reply": "基站已修复，信号已恢复。"})):
        version = client.get(url, headers=resolver).json()["version"]
        moved = client.post(
            f"{url}/{step}", json=body, headers=resolver | {"If-Match": f'"{version}"'}
        )
        assert moved.status_code == 200, moved.text
    answered = [m for m in _mails_to(db, "press@kefu.example.cn") if "已答复" in m["subject"]]
    assert [orders[0]["number"] in m["subject"] for m in answered] == [True]
    assert answered[0]["body"].endswith("基站已修复，信号已恢复。")


def test_an_order_unanswered_by_the_time_asked_is_told_of_again(
    client, db: Session, session_factory
) -> None:
    """The supervisor asks for the answer by a time: unanswered then, the handler, the
    team's lead and the supervisor are told, once; answered before, nobody is."""
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    handler = make_staff(db, org.city, Role.BACK_OFFICE, team_id=team.id, email="h@kefu.example.cn")
    make_staff(db, org.city, Role.TEAM_LEAD, team_id=team.id, email="lead@kefu.example.cn")
    boss = make_staff(db, org.city, Role.SUPERVISOR, email="boss@kefu.example.cn")
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, boss)
    dispatch = {"team_id": team.id, "assignee_id": handler.id}
    late, in_time = (
        order_step(
            client,
            supervisor,
            complain(client, agent, cats.unknown_charge.id, phone),
            "dispatch",
            dispatch,
        )
        for phone in ("13800138001", "13800138002")
    )
    now = datetime.now(UTC)
    for when, code in (
        (now - timedelta(minutes=1), "supervise_answer_by_past"),
        (now + timedelta(days=31), "supervise_answer_by_far"),
    ):
        refused = client.post(
            f"/api/v1/work-orders/{late['id']}/supervise",
            json={"note": NOTE, "answer_by": when.isoformat()},
            headers=supervisor,
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, code)
        assert refused.json()["error"]["field"] == "answer_by"
    wanted = (now + timedelta(hours=2)).replace(microsecond=0)
    for order in (late, in_time):
        pressed = client.post(
            f"/api/v1/work-orders/{order['id']}/supervise",
            json={"note": NOTE, "answer_by": wanted.isoformat()},
            headers=supervisor,
        )
        assert pressed.status_code == 201, pressed.text
        step = pressed.json()["events"][-1]
        assert datetime.fromisoformat(step["details"]["answer_by"]) == wanted
    holder = bearer(db, db.merge(handler))
    current = client.get(f"/api/v1/work-orders/{in_time['id']}", headers=holder).json()
    order_step(client, holder, current, "reply", {"reply": "已核实为误扣，已退费。"})
    page = client.get(f"/orders/{late['id']}", headers=supervisor).text
    assert "要求于 " in page and " 前答复" in page

    db.commit()
    with time_machine.travel(wanted + timedelta(minutes=1), tick=False):
        while outbox.run_due(session_factory).done:
            pass
    for address in ("h@kefu.example.cn", "lead@kefu.example.cn", "boss@kefu.example.cn"):
        still = [m for m in _mails_to(db, address) if "督办时限已到" in m["subject"]]
        assert [late["number"] in m["subject"] for m in still] == [True], address
    local = wanted.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"要求答复时间 / Answer wanted by: {local:%Y-%m-%d %H:%M}" in still[0]["body"]


def test_the_agent_on_the_customers_call_sees_the_order_is_supervised(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    customer = make_customer(db, org.city, "+8613800138000")
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    body = {"type": "complaint", "category_id": cats.unknown_charge.id, "subject": "扣费"}
    made = client.post(
        "/api/v1/work-orders", json=body | {"customer_id": customer.id}, headers=agent
    )
    assert made.status_code == 201, made.text
    assert _supervise(client, supervisor, made.json()).status_code == 201
    view = client.get(
        "/api/v1/customers/lookup", params={"phone": "13800138000"}, headers=agent
    ).json()
    assert [item["supervise_count"] for item in view["open_work_items"]] == [1]
    page = client.get(f"/customers/{customer.id}", headers=agent).text
    assert "督办 1 次" in page
