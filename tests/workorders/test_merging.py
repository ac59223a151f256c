"""Merging a duplicate into the order kept (合并工单): the duplicate is cancelled naming
the order kept, and leaves the month's complaint counts and repeat rate; the order kept
takes over its chases and the higher priority; both timelines say so; audited. Only the
same customer's open orders are merged."""

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
    order_step,
)
from kefu.core.audit import AuditLog
from kefu.core.clock import local_today
from kefu.core.outbox import Job
from kefu.core.rbac import Role

RATE = "/api/v1/work-orders/repeat-rate"


def _complaint(client, headers: dict, category_id: int, customer_id: int, subject: str) -> dict:  # type: ignore[no-untyped-def]
    body = {
        "type": "complaint",
        "category_id": category_id,
        "customer_id": customer_id,
        "contact_phone": "13800138000",
        "subject": subject,
    }
    made = client.post("/api/v1/work-orders", json=body, headers=headers)
    assert made.status_code == 201, made.text
    order: dict = made.json()
    return order


def _merge(client, order: dict, headers: dict, into: str, reason: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/work-orders/{order['id']}/merge",
        json={"into": into, "reason": reason},
        headers=headers | {"If-Match": f'"{order["version"]}"'},
    )


def test_a_duplicate_is_merged_into_the_order_kept(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    customer = make_customer(db, org.city, "+8613800138000")
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    kept = _complaint(client, agent, cats.unknown_charge.id, customer.id, "扣费问题（来电）")
    # the same problem texted in and registered again: a repeat against the center
    duplicate = _complaint(client, agent, cats.unknown_charge.id, customer.id, "扣费问题（短信）")
    assert duplicate["is_repeat"] is True
    this_month = local_today("Asia/Shanghai").strftime("%Y-%m")
    chased = client.post(f"/api/v1/work-orders/{duplicate['id']}/urge", json={}, headers=agent)
    duplicate = chased.json()
    month = client.get(RATE, params={"month": this_month}, headers=supervisor).json()
    assert (month["complaints"], month["repeats"]) == (2, 1)

    # the number as a caller reads it out: lower case, spaces
    typed = kept["number"].lower().replace("-", " - ")
    merged = _merge(client, duplicate, supervisor, typed, "同一扣费问题，短信与来电各建一单")
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["status"] == "cancelled" and merged.headers["ETag"] == f'"{body["version"]}"'
    step = body["events"][-1]
    assert (step["action"], step["details"]["merged_into"]) == ("cancel", kept["number"])
    after = client.get(f"/api/v1/work-orders/{kept['id']}", headers=supervisor).json()
    assert after["version"] == kept["version"] + 1
    assert (after["urge_count"], after["priority"]) == (1, duplicate["priority"])
    assert (after["events"][-1]["kind"], after["events"][-1]["details"]["merged"]) == (
        "merge",
        duplicate["number"],
    )
    audited = db.scalar(
        select(func.count()).where(
            AuditLog.action == "order.merge", AuditLog.entity_id == str(kept["id"])
        )
    )
    assert audited == 1
    # the duplicate no longer counts against the center
    month = client.get(RATE, params={"month": this_month}, headers=supervisor).json()
    assert (month["complaints"], month["repeats"]) == (1, 0)
    page = client.get(f"/orders/{duplicate['id']}", headers=supervisor).text
    assert "已合并至" in page and f'href="/orders/number/{kept["number"]}"' in page
    page = client.get(f"/orders/{kept['id']}", headers=supervisor).text
    assert "重复工单已并入本单" in page and duplicate["number"] in page


def test_only_the_same_customers_open_orders_are_merged(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    mine = make_customer(db, org.city, "+8613800138000")
    theirs = make_customer(db, org.city, "+8613900139000")
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    first = _complaint(client, agent, cats.unknown_charge.id, mine.id, "扣费")
    second = _complaint(client, agent, cats.indoor.id, mine.id, "信号")
    other = _complaint(client, agent, cats.indoor.id, theirs.id, "信号")
    english = supervisor | {"Accept-Language": "en"}

    itself = _merge(client, first, english, first["number"])
    assert (itself.status_code, itself.json()["error"]["code"]) == (422, "merge_into_itself")
    foreign = _merge(client, first, english, other["number"])
    assert foreign.status_code == 422
    assert foreign.json()["error"] == {
        "code": "merge_other_customer",
        "field": "into",
        "message": f"Order {other['number']} is another customer's: only the same "
        "customer's orders are merged.",
    }
    bad = _merge(client, first, supervisor, "20261206-123")
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "into")
    missing = _merge(client, first, supervisor, "WO20000101-000001")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "order_not_found")
    gone = client.post(
        f"/api/v1/work-orders/{second['id']}/cancel",
        json={"reason": "客户撤回，作废"},
        headers=supervisor | {"If-Match": f'"{second["version"]}"'},
    )
    assert gone.status_code == 200
    finished = _merge(client, first, supervisor, second["number"])
    assert finished.status_code == 409
    assert finished.json()["error"]["message"] == (
        f"工单 {second['number']} 已结单或已作废，请合并到未结工单。"
    )
    stale = client.post(
        f"/api/v1/work-orders/{first['id']}/merge",
        json={"into": other["number"]},
        headers=supervisor | {"If-Match": '"999"'},
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    reader = _merge(client, first, agent, second["number"])  # merging is a dispatcher's
    assert reader.status_code == 403
    elsewhere = bearer(db, make_staff(db, org.other_city, Role.SUPERVISOR))
    hidden = _merge(client, first, elsewhere, second["number"])
    assert hidden.status_code == 403
    unchanged = client.get(f"/api/v1/work-orders/{first['id']}", headers=supervisor).json()
    assert (unchanged["status"], unchanged["version"]) == ("new", first["version"])


def test_a_callers_orders_of_no_known_customer_merge_by_their_number(client, db) -> None:  # type: ignore[no-untyped-def]
    org = make_org(db)
    cats = make_categories(db)
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    first = complain(client, agent, cats.unknown_charge.id, "010-6234 5678")
    again = complain(client, agent, cats.unknown_charge.id, "01062345678")
    stranger = complain(client, agent, cats.unknown_charge.id, "010-6234 5679")
    refused = _merge(client, stranger, supervisor, first["number"])
    assert refused.status_code == 422
    merged = _merge(client, again, supervisor, first["number"])
    assert merged.status_code == 200 and merged.json()["status"] == "cancelled"


def test_a_supervised_duplicate_leaves_the_order_kept_supervised(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    customer = make_customer(db, org.city, "+8613800138000")
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    boss = make_staff(db, org.city, Role.SUPERVISOR, email="boss@kefu.example.cn")
    db.commit()
    supervisor = bearer(db, boss)
    kept = _complaint(client, agent, cats.unknown_charge.id, customer.id, "扣费问题（来电）")
    duplicate = _complaint(client, agent, cats.unknown_charge.id, customer.id, "扣费问题（短信）")
    pressed = client.post(
        f"/api/v1/work-orders/{duplicate['id']}/supervise",
        json={"note": "请今天内回复客户"},
        headers=supervisor,
    )
    assert pressed.status_code == 201, pressed.text
    merged = _merge(client, pressed.json(), supervisor, kept["number"])
    assert merged.status_code == 200, merged.text
    after = client.get(f"/api/v1/work-orders/{kept['id']}", headers=supervisor).json()
    assert (after["supervise_count"], after["priority"]) == (1, 4)
    assert after["last_supervised_at"] == pressed.json()["last_supervised_at"]
    # the supervisor's step comes along, so they hear of the kept order's answer
    step = [e for e in after["events"] if e["kind"] == "supervise"]
    assert [(s["reason"], s["details"]["merged_from"]) for s in step] == [
        ("请今天内回复客户", duplicate["number"])
    ]
    page = client.get(f"/orders/{kept['id']}", headers=supervisor).text
    assert f"原为工单 {duplicate['number']}，已合并至本单" in page
    for action, body in (("accept", {}), ("reply", {"reply": "已核实为误扣，已退费。"})):
        after = order_step(client, agent, after, action, body)
    db.expire_all()
    mails = [
        json.loads(p) for p in db.scalars(select(Job.payload).where(Job.kind == "notify.email"))
    ]
    told = [m for m in mails if m["to"] == "boss@kefu.example.cn" and "已答复" in m["subject"]]
    assert [kept["number"] in m["subject"] for m in told] == [True]
