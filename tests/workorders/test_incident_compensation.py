"""An incident's compensation (故障补偿): once resolved, every caller whose number is a
live subscriber is asked the same compensation, one per number, each on its order;
someone other than the asker approves or rejects them together, within their limit;
each is credited and texted; asked once, refused with clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    bearer,
    complain,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    run_jobs_texting_to,
)
from kefu.billing import credits  # noqa: F401  (registers the credit's job)
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.workorders.models import OrderRefund

LIVE = 4  # callers 0–3 are subscribers; caller 4 is another operator's


@pytest.fixture
def outage(client, db: Session):
    """A resolved incident of six orders: callers 0–4, caller 0 twice, and a landline."""
    org = make_org(db)
    cats = make_categories(db)
    for n in range(LIVE):
        make_customer(db, org.city, f"+86138001300{n:02d}")
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    asker = bearer(db, make_staff(db, org.city, Role.SUPERVISOR, email="day@kefu.example.cn"))
    other = make_staff(db, org.city, Role.SUPERVISOR, email="night@kefu.example.cn")
    orders = [
        complain(client, agent, cats.indoor.id, f"1380013{n:04d}", subject=f"没有信号 {n}")
        for n in (0, 1, 2, 3, 4, 0)
    ]
    orders.append(complain(client, agent, cats.indoor.id, "010-6234-5678", subject="座机不通"))
    url = f"/api/v1/incidents/{orders[-1]['incident_id']}"
    for step, body in (("confirm", {"note": "基站故障"}), ("resolve", {"reply": "基站已修复。"})):
        version = client.get(url, headers=asker).json()["version"]
        done = client.post(f"{url}/{step}", json=body, headers=asker | {"If-Match": f'"{version}"'})
        assert done.status_code == 200, done.text
    return {
        "url": url,
        "orders": orders,
        "agent": agent,
        "asker": asker,
        "other": bearer(db, other),
        "lead": bearer(db, make_staff(db, org.city, Role.TEAM_LEAD)),
    }


def _ask(client, outage, amount_fen: int = 1000, key: str | None = None):
    headers = outage["asker"] | ({"Idempotency-Key": key} if key else {})
    body = {"amount_fen": amount_fen, "reason": "基站中断两天，按天补偿"}
    return client.post(f"{outage['url']}/compensation", json=body, headers=headers)


def test_every_caller_is_compensated_once_approved_by_another(
    client, db: Session, outage, session_factory, tmp_path: Path, monkeypatch
) -> None:
    asked = _ask(client, outage, key="comp-1")
    assert asked.status_code == 201, asked.text
    shown = asked.json()
    assert (shown["callers"], shown["awaiting"], shown["amount_fen"]) == (LIVE, LIVE, 1000)
    assert _ask(client, outage, key="comp-1").json() == shown  # a double click asks once
    again = _ask(client, outage, key="comp-2")
    assert (again.status_code, again.json()["error"]["code"]) == (
        409,
        "incident_compensation_asked",
    )

    listed = client.get("/incidents?view=resolved", headers=outage["asker"]).text
    assert f"待审批 {LIVE}" in listed.split("compensation-glance", 1)[1]  # the list says so

    rows = db.scalars(select(OrderRefund).order_by(OrderRefund.order_id)).all()
    first_of_each = [o["id"] for o in outage["orders"][:LIVE]]  # not caller 0's second
    assert [r.order_id for r in rows] == first_of_each
    assert {(r.kind, r.status, r.amount_fen) for r in rows} == {("compensation", "requested", 1000)}
    mails = [
        json.loads(j.payload) for j in db.scalars(select(Job).where(Job.kind == "notify.email"))
    ]
    told = [m for m in mails if "故障补偿待审批" in m["subject"]]
    assert [m["to"] for m in told] == ["night@kefu.example.cn"]  # once, not the asker
    assert "40.00" in told[0]["body"]  # the total

    own = client.post(f"{outage['url']}/compensation/approve", json={}, headers=outage["asker"])
    assert (own.status_code, own.json()["error"]["code"]) == (403, "refund_own_request")
    approved = client.post(
        f"{outage['url']}/compensation/approve", json={"note": "同意"}, headers=outage["lead"]
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["awaiting"], approved.json()["on_way"]) == (0, LIVE)
    twice = client.post(f"{outage['url']}/compensation/approve", json={}, headers=outage["other"])
    assert (twice.status_code, twice.json()["error"]["code"]) == (
        409,
        "incident_compensation_none_waiting",
    )

    texts = run_jobs_texting_to(session_factory, tmp_path / "sms.jsonl", monkeypatch)
    credited = [t for t in texts if "补偿" in t["text"]]  # besides the incident's answers
    assert sorted(t["to"] for t in credited) == [f"+86138001300{n:02d}" for n in range(LIVE)]
    assert all("您的补偿10.00元已存入话费账户" in t["text"] for t in credited)
    detail = client.get(outage["url"], headers=outage["agent"]).json()
    assert (detail["compensation"]["credited"], detail["compensation"]["credited_fen"]) == (
        LIVE,
        LIVE * 1000,
    )
    listed = client.get("/incidents?view=resolved", headers=outage["asker"]).text
    glance = listed.split("compensation-glance", 1)[1].split("</td>", 1)[0]
    assert f"已到账 {LIVE} · ¥{LIVE * 10}.00" in glance and "待审批" not in glance
    order = client.get(f"/api/v1/work-orders/{first_of_each[0]}", headers=outage["agent"]).json()
    steps = [e["details"] for e in order["events"] if e["kind"] == "refund"]
    assert [s["step"] for s in steps] == ["request", "approve", "credit"]
    assert steps[0]["incident"] == detail["number"]
    logged = db.scalars(
        select(AuditLog.action).where(AuditLog.action.like("incident.compensation.%"))
    ).all()
    assert sorted(logged) == ["incident.compensation.approve", "incident.compensation.ask"]


def test_rejected_together_then_asked_again(client, db: Session, outage) -> None:
    assert _ask(client, outage, amount_fen=30_000).status_code == 201
    beyond = client.post(f"{outage['url']}/compensation/approve", json={}, headers=outage["lead"])
    assert (beyond.status_code, beyond.json()["error"]["code"]) == (403, "refund_beyond_limit")
    body = {"reason": "补偿标准过高，按公司规定每户10元"}
    rejected = client.post(
        f"{outage['url']}/compensation/reject", json=body, headers=outage["other"]
    )
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["refused"], rejected.json()["awaiting"]) == (LIVE, 0)
    mails = [
        json.loads(j.payload) for j in db.scalars(select(Job).where(Job.kind == "notify.email"))
    ]
    refused = [m["to"] for m in mails if "故障补偿未获批准" in m["subject"]]
    assert refused == ["day@kefu.example.cn"]  # the asker, once

    again = _ask(client, outage, amount_fen=1000)
    assert again.status_code == 201, again.text
    assert (again.json()["amount_fen"], again.json()["awaiting"]) == (1000, LIVE)  # the new round


@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-CN", "突发事件解决"), ("en", "once the incident is resolved")],
)
def test_refused_with_clear_errors(client, db: Session, language: str, message: str) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    boss = bearer(db, make_staff(db, org.city, Role.SUPERVISOR)) | {"Accept-Language": language}
    orders = [complain(client, agent, cats.indoor.id, f"1390013{n:04d}") for n in range(5)]
    url = f"/api/v1/incidents/{orders[-1]['incident_id']}"
    body = {"amount_fen": 1000, "reason": "基站中断两天"}
    early = client.post(f"{url}/compensation", json=body, headers=boss)
    assert (early.status_code, early.json()["error"]["code"]) == (
        409,
        "incident_compensation_unresolved",
    )
    assert message in early.json()["error"]["message"]
    for step, step_body in (("confirm", {"note": "基站故障"}), ("resolve", {"reply": "已修复。"})):
        version = client.get(url, headers=boss).json()["version"]
        client.post(f"{url}/{step}", json=step_body, headers=boss | {"If-Match": f'"{version}"'})
    nobody = client.post(f"{url}/compensation", json=body, headers=boss)  # no subscriber
    assert (nobody.status_code, nobody.json()["error"]["code"]) == (
        409,
        "incident_compensation_nobody",
    )
    ceiling = client.post(f"{url}/compensation", json=body | {"amount_fen": 300_000}, headers=boss)
    assert (ceiling.status_code, ceiling.json()["error"]["field"]) == (422, "amount_fen")
    by_agent = client.post(f"{url}/compensation", json=body, headers=agent)
    assert by_agent.status_code == 403
    none = client.post(f"{url}/compensation/reject", json={"reason": "不予补偿"}, headers=boss)
    assert none.status_code == 409


def test_a_caller_compensated_by_hand_is_not_compensated_again(client, db: Session, outage) -> None:
    # an agent had asked a compensation on caller 1's order before the round
    by_hand = OrderRefund(
        order_id=outage["orders"][1]["id"],
        kind="compensation",
        status="approved",
        msisdn="+8613800130001",
        charge_fen=0,
        amount_fen=2000,
        bill_month="",
        reason="断网两天，先行补偿",
        decision_note="",
        billing_ref="",
    )
    db.add(by_hand)
    db.commit()
    asked = _ask(client, outage)
    assert asked.status_code == 201, asked.text
    assert asked.json()["callers"] == LIVE - 1
    numbers = db.scalars(
        select(OrderRefund.msisdn).where(OrderRefund.incident_id.is_not(None))
    ).all()
    assert "+8613800130001" not in numbers


def test_the_refund_queue_names_the_round_to_decide_together(client, db: Session, outage) -> None:
    """The approver's refund queue (退费审批) lists the incident's waiting round, with how
    many and how much, and marks each of its orders, linking to the incident's page where
    they are decided together. The callers' orders closed with the incident: the queue
    shows a refund awaiting approval on a closed order too (it left them out before,
    while its tab counted them)."""
    assert _ask(client, outage).status_code == 201
    incident = client.get(outage["url"], headers=outage["lead"]).json()
    page = client.get("/orders", params={"view": "refunds"}, headers=outage["lead"]).text
    assert 'id="compensation-rounds"' in page
    assert incident["number"] in page and f"{LIVE} 户" in page and "¥40.00" in page
    assert page.count('class="chip blue incident-round"') == LIVE
    client.cookies.set("kefu_lang", "en")
    english = client.get("/orders", params={"view": "refunds"}, headers=outage["lead"]).text
    client.cookies.delete("kefu_lang")
    assert f"{LIVE} callers" in english and "Decide them together" in english
    # once decided, nothing waits
    approved = client.post(f"{outage['url']}/compensation/approve", json={}, headers=outage["lead"])
    assert approved.status_code == 200, approved.text
    after = client.get("/orders", params={"view": "refunds"}, headers=outage["lead"]).text
    assert 'id="compensation-rounds"' not in after
