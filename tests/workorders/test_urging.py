"""A customer chasing an open order (催办): recorded on the order by the agent on the line,
counted, a step higher in priority, its holder told; once per Idempotency-Key; refused
once the order is answered or finished, and outside the agent's reach."""

from __future__ import annotations

import json

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
)
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.org.models import Staff


def _act(client, order: dict, action: str, headers: dict, body: dict | None = None):  # type: ignore[no-untyped-def]
    answer = client.post(
        f"/api/v1/work-orders/{order['id']}/{action}",
        json=body or {},
        headers=headers | {"If-Match": f'"{order["version"]}"'},
    )
    assert answer.status_code == 200, (action, answer.text)
    return answer.json()


def _mails_to(db: Session, address: str) -> list[dict]:
    db.expire_all()
    jobs = db.scalars(select(Job).where(Job.kind == "notify.email").order_by(Job.id))
    return [json.loads(job.payload) for job in jobs if address in job.payload]


def test_a_chase_is_counted_raises_the_priority_and_tells_the_handler(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    handler = make_staff(db, org.city, Role.BACK_OFFICE, team_id=team.id)
    db.get(Staff, handler.id).email = "handler@kefu.example.cn"
    make_customer(db, org.city)
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    order = complain(client, agent, cats.unknown_charge.id)
    assert (order["urge_count"], order["priority"]) == (0, 1)
    order = _act(
        client, order, "dispatch", supervisor, {"team_id": team.id, "assignee_id": handler.id}
    )
    url = f"/api/v1/work-orders/{order['id']}/urge"
    said = "客户称上周反映的扣费仍未处理，要求今天给答复"

    chased = client.post(url, json={"note": said}, headers=agent | {"Idempotency-Key": "u-1"})
    assert chased.status_code == 201, chased.text
    body = chased.json()
    assert (body["urge_count"], body["priority"], body["status"]) == (1, 2, "dispatched")
    assert body["last_urged_at"] and body["version"] == order["version"] + 1
    assert chased.headers["ETag"] == f'"{body["version"]}"'
    step = body["events"][-1]
    assert (step["kind"], step["reason"], step["details"]) == ("urge", said, {"count": 1})
    # a double click is one chase; another chase under the same key is refused
    again = client.post(url, json={"note": said}, headers=agent | {"Idempotency-Key": "u-1"})
    assert again.status_code == 201 and again.json() == body
    other = client.post(url, json={"note": "又来"}, headers=agent | {"Idempotency-Key": "u-1"})
    assert other.status_code == 422
    assigned, chase = _mails_to(db, "handler@kefu.example.cn")  # the dispatch told them first
    assert "已派给您" in assigned["subject"]
    assert "催办" in chase["subject"] and order["number"] in chase["subject"]
    assert said in chase["body"]
    audited = db.scalar(
        select(func.count()).where(
            AuditLog.action == "order.urge", AuditLog.entity_id == str(order["id"])
        )
    )
    assert audited == 1
    # The handler's page, read before the chase, is stale: their next write says so.
    stale = client.post(
        f"/api/v1/work-orders/{order['id']}/start",
        json={},
        headers=bearer(db, db.get(Staff, handler.id)) | {"If-Match": f'"{order["version"]}"'},
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    # Chased again without a word: counted, up to the highest priority and no further.
    for count in (2, 3, 4):
        body = client.post(url, json={}, headers=agent).json()
        assert body["urge_count"] == count
    assert body["priority"] == 4
    # Triage keeps the steps the chases added, as it keeps a repeat's.
    triaged = _act(
        client, body, "triage", supervisor, {"triage": "normal", "reason": "普通扣费争议"}
    )
    assert triaged["priority"] == 4
    listed = client.get(
        "/api/v1/work-orders", params={"team_id": team.id}, headers=supervisor
    ).json()
    assert [item["urge_count"] for item in listed["items"]] == [4]
    page = client.get(f"/orders/{order['id']}", headers=agent).text
    assert "催办 4 次" in page and "客户催办" in page and 'id="urge-form"' in page


def test_an_answered_or_finished_order_is_reopened_not_chased(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    order = complain(client, agent, cats.unknown_charge.id)
    order = _act(client, order, "accept", supervisor)
    order = _act(client, order, "reply", supervisor, {"reply": "经核查为误扣，已退还 10 元。"})
    url = f"/api/v1/work-orders/{order['id']}/urge"
    answered = client.post(url, json={}, headers=agent | {"Accept-Language": "en"})
    assert answered.status_code == 409
    assert answered.json()["error"] == {
        "code": "urge_answered",
        "message": f"Order {order['number']} has been answered; if the answer did not help, "
        "reopen it rather than chase it.",
    }
    inquiry = complain(client, agent, cats.unknown_charge.id, kind="consultation")
    inquiry = _act(client, inquiry, "accept", supervisor)
    inquiry = _act(client, inquiry, "reply", supervisor, {"reply": "已告知查询方式。"})
    inquiry = _act(client, inquiry, "close", supervisor)
    finished = client.post(f"/api/v1/work-orders/{inquiry['id']}/urge", json={}, headers=agent)
    assert finished.status_code == 409
    assert finished.json()["error"]["message"] == (
        f"工单 {inquiry['number']} 已结束；请重新打开或新建工单。"
    )
    page = client.get(f"/orders/{order['id']}", headers=agent).text
    assert 'id="urge-form"' not in page


def test_chases_are_refused_out_of_reach_and_for_readers(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = complain(client, agent, cats.unknown_charge.id)
    url = f"/api/v1/work-orders/{order['id']}/urge"
    reader = bearer(db, make_staff(db, org.city, Role.QA))
    assert client.post(url, json={}, headers=reader).status_code == 403
    elsewhere = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    assert client.post(url, json={}, headers=elsewhere).status_code == 403
    long = client.post(url, json={"note": "长" * 501}, headers=agent)
    assert long.status_code == 422 and long.json()["error"]["field"] == "note"
    missing = client.post("/api/v1/work-orders/999999/urge", json={}, headers=agent)
    assert missing.status_code == 404


def test_the_customer_chases_an_order_escalated_beyond_the_agents_reach(
    client, db: Session
) -> None:
    """An order escalated to the province is out of a branch agent's reach, but the
    customer on the line chases their own order wherever it is handled: the 360 page
    lists it with the unit holding it and takes the chase, the intake form offers it,
    the province is told, and the agent is answered where it stands, not its handling."""
    org = make_org(db)
    cats = make_categories(db)
    customer = make_customer(db, org.city)
    province_lead = make_staff(db, org.province, Role.SUPERVISOR)
    province_lead.email = "province@kefu.example.cn"
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    body = {"type": "complaint", "category_id": cats.unknown_charge.id}
    body |= {"customer_id": customer.id, "contact_phone": "13800138000", "subject": "扣费"}
    kept = client.post("/api/v1/work-orders", json=body, headers=agent).json()
    raised = client.post("/api/v1/work-orders", json=body | {"subject": "升级"}, headers=agent)
    escalated = _act(
        client, raised.json(), "escalate", supervisor, {"reason": "分公司无法处理，升级省公司"}
    )
    assert escalated["org_unit"]["id"] == org.province.id
    other = bearer(db, make_staff(db, org.city, Role.AGENT))  # neither made nor holds them
    view = client.get(
        "/api/v1/customers/lookup", params={"phone": "13800138000"}, headers=other
    ).json()
    listed = {
        item["number"]: (item["urgeable"], item["in_reach"], item["held_by"])
        for item in view["open_work_items"]
    }
    assert listed == {
        kept["number"]: (True, True, None),
        escalated["number"]: (True, False, "广东"),
    }
    assert client.get(f"/api/v1/work-orders/{escalated['id']}", headers=other).status_code == 403

    url = f"/api/v1/work-orders/{escalated['id']}/urge"
    said = "客户说省公司一周没回电"
    chased = client.post(url, json={"note": said}, headers=other | {"Idempotency-Key": "far"})
    assert chased.status_code == 201, chased.text
    receipt = chased.json()
    assert receipt == {
        "id": escalated["id"],
        "number": escalated["number"],
        "status": escalated["status"],
        "urge_count": 1,
        "last_urged_at": receipt["last_urged_at"],
        "held_by": "广东",
        "held_by_en": "广东",
        "resolve_due_at": escalated["resolve_due_at"],
    }
    assert receipt["last_urged_at"] is not None
    again = client.post(url, json={"note": said}, headers=other | {"Idempotency-Key": "far"})
    assert again.status_code == 201 and again.json() == receipt
    *_, mail = _mails_to(db, "province@kefu.example.cn")  # the escalation told them first
    assert "催办" in mail["subject"] and escalated["number"] in mail["subject"]
    assert said in mail["body"]
    province = bearer(db, province_lead)
    seen = client.get(f"/api/v1/work-orders/{escalated['id']}", headers=province).json()
    assert (seen["urge_count"], seen["events"][-1]["kind"]) == (1, "urge")
    assert seen["priority"] == escalated["priority"] + 1

    # The intake form names it too, with a chase, for this customer; for a bare number
    # it is only counted (whose it is is not known).
    check = "/api/v1/work-orders/intake-check"
    question = {"type": "complaint", "category_id": cats.unknown_charge.id}
    mine = client.post(check, json=question | {"customer_id": customer.id}, headers=other).json()
    assert [(e["number"], e["in_reach"], e["held_by"], e["urgeable"]) for e in mine["earlier"]] == [
        (kept["number"], True, None, True),
        (escalated["number"], False, "广东", True),
    ]
    assert mine["earlier_elsewhere"] == 0
    bare = client.post(
        check, json=question | {"contact_phone": "13800138000"}, headers=other
    ).json()
    assert [e["number"] for e in bare["earlier"]] == [kept["number"]]
    assert bare["earlier_elsewhere"] == 1

    page = client.get(f"/customers/{customer.id}", headers=other).text
    assert page.count('class="urge-form"') == 2
    assert f'href="/orders/{escalated["id"]}"' not in page and "由广东处理中" in page
    assert f'href="/orders/{kept["id"]}"' in page
    # An agent serving neither the order nor its customer may not chase it.
    stranger = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    refused = client.post(url, json={}, headers=stranger)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "order_out_of_scope"
