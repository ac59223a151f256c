"""Refunds and credits (退费, 双倍返还, 赔付): asked on a complaint or fault being handled,
approved by someone else within the limit their right gives, credited to the number by
the billing system through the outbox and texted to the customer; decided once; on the
timeline and audited; refused with a clear error otherwise."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    ask_refund,
    bearer,
    complain,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    make_team,
    month_back,
    run_jobs_texting_to,
)
from kefu.billing import credits  # noqa: F401  (registers the credit's job)
from kefu.core.audit import AuditLog
from kefu.core.clock import local_today
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.customers.models import Subscription
from kefu.workorders.models import WorkOrder
from kefu.workorders.refunds import CREDIT
from kefu.workorders.templates import fill_for_order


@pytest.fixture
def desk(db: Session):
    org = make_org(db)
    cats = make_categories(db)
    make_customer(db, org.city)  # +8613800138000, a balance of 52.30
    agent_row = make_staff(db, org.city, Role.AGENT)
    backoffice = make_staff(db, org.city, Role.BACK_OFFICE)
    return {
        "cats": cats,
        "agent": bearer(db, agent_row),
        "agent_id": agent_row.id,
        "lead": bearer(db, make_staff(db, org.city, Role.TEAM_LEAD)),
        "supervisor": bearer(db, make_staff(db, org.city, Role.SUPERVISOR)),
        "backoffice": bearer(db, backoffice),
        "backoffice_name": backoffice.display_name,
    }


def _url(order: dict, *more: object) -> str:
    return "/".join([f"/api/v1/work-orders/{order['id']}/refunds", *map(str, more)])


def _ask(client, desk, order: dict, **body: object) -> dict:
    return ask_refund(client, desk["agent"], order["id"], **body)


def _balance(db: Session) -> int:
    db.expire_all()
    return db.scalar(
        select(Subscription.balance_fen).where(Subscription.msisdn == "+8613800138000")
    )


def _run_jobs(session_factory, tmp_path: Path, monkeypatch) -> list[dict]:
    return run_jobs_texting_to(session_factory, tmp_path / "sms.jsonl", monkeypatch)


def test_a_refund_is_asked_approved_credited_and_texted(
    client, db: Session, desk, session_factory, tmp_path: Path, monkeypatch
) -> None:
    order = complain(client, desk["agent"], desk["cats"].unknown_charge.id)
    headers = desk["agent"] | {"Idempotency-Key": "rf-1"}
    body = {
        "kind": "refund",
        "charge_fen": 3000,
        "bill_month": month_back(),
        "reason": "误扣彩铃费",
    }
    asked = client.post(_url(order), json=body, headers=headers)
    assert asked.status_code == 201, asked.text
    refund = asked.json()
    assert (refund["status"], refund["amount_fen"], refund["charge_fen"]) == (
        "requested",
        3000,
        3000,
    )
    assert refund["msisdn"] == "138****8000"  # an agent sees the number masked
    again = client.post(_url(order), json=body, headers=headers)
    assert again.status_code == 201 and again.json() == refund  # a double click asks once

    own = client.post(_url(order, refund["id"], "approve"), json={}, headers=desk["agent"])
    assert (own.status_code, own.json()["error"]["code"]) == (403, "missing_right")
    approved = client.post(
        _url(order, refund["id"], "approve"), json={"note": "核实无误"}, headers=desk["lead"]
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["decision_note"]) == ("approved", "核实无误")
    twice = client.post(_url(order, refund["id"], "approve"), json={}, headers=desk["supervisor"])
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "refund_already_decided")
    assert _balance(db) == 5230  # nothing credited before the billing system is asked

    texts = _run_jobs(session_factory, tmp_path, monkeypatch)
    assert _balance(db) == 5230 + 3000
    listed = client.get(_url(order), headers=desk["backoffice"]).json()
    (credited,) = listed["items"]
    assert (credited["status"], credited["billing_ref"]) == ("credited", f"KEFU-RF{refund['id']}")
    assert credited["msisdn"] == "13800138000"  # back office may see it
    assert (listed["credited_fen"], listed["pending_fen"]) == (3000, 0)
    (said,) = texts
    assert said["to"] == "+8613800138000"
    assert said["text"] == f"【{order['number']}】您的退费30.00元已存入话费账户，请查收。"

    _run_jobs(session_factory, tmp_path, monkeypatch)  # nothing left: credited once
    assert _balance(db) == 5230 + 3000
    steps = [
        e["details"]
        for e in client.get(f"/api/v1/work-orders/{order['id']}", headers=desk["agent"]).json()[
            "events"
        ]
        if e["kind"] == "refund"
    ]
    assert [(s["step"], s["status"]) for s in steps] == [
        ("request", "requested"),
        ("approve", "approved"),
        ("credit", "credited"),
    ]
    actions = db.scalars(
        select(AuditLog.action).where(AuditLog.action.like("order.refund.%")).order_by(AuditLog.id)
    ).all()
    assert actions == ["order.refund.request", "order.refund.approve", "order.refund.credited"]


def test_an_approver_is_held_to_their_limit_and_never_approves_their_own(client, desk) -> None:
    order = complain(client, desk["agent"], desk["cats"].unknown_charge.id)
    large = _ask(
        client,
        desk,
        order,
        kind="compensation",
        charge_fen=None,
        bill_month=None,
        amount_fen=50_000,
        reason="宽带中断七天补偿",
    )
    beyond = client.post(_url(order, large["id"], "approve"), json={}, headers=desk["lead"])
    assert beyond.status_code == 403
    assert beyond.json()["error"]["code"] == "refund_beyond_limit"
    assert "200.00" in beyond.json()["error"]["message"]  # the lead's limit, named

    lead_ask = client.post(
        _url(order),
        json={"kind": "compensation", "amount_fen": 1000, "reason": "致歉补偿话费"},
        headers=desk["lead"],
    ).json()
    own = client.post(_url(order, lead_ask["id"], "approve"), json={}, headers=desk["lead"])
    assert (own.status_code, own.json()["error"]["code"]) == (403, "refund_own_request")
    assert (
        client.post(
            _url(order, large["id"], "approve"), json={}, headers=desk["supervisor"]
        ).json()["status"]
        == "approved"
    )


def test_a_double_refund_is_twice_the_charge(client, desk) -> None:
    order = complain(client, desk["agent"], desk["cats"].unknown_charge.id)
    double = _ask(client, desk, order, kind="double_refund", charge_fen=1000)
    assert (double["charge_fen"], double["amount_fen"]) == (1000, 2000)
    part = _ask(client, desk, order, amount_fen=1200, charge_fen=2000)  # part of a charge
    assert (part["charge_fen"], part["amount_fen"]) == (2000, 1200)


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"kind": "refund", "bill_month": "2026-01"}, 422, "refund_charge_required", "charge_fen"),
        ({"kind": "refund", "charge_fen": 100}, 422, "refund_bill_month_required", "bill_month"),
        (
            {"kind": "refund", "charge_fen": 100, "amount_fen": 101, "bill_month": "2026-01"},
            422,
            "refund_more_than_charge",
            "amount_fen",
        ),
        (
            {
                "kind": "double_refund",
                "charge_fen": 100,
                "amount_fen": 150,
                "bill_month": "2026-01",
            },
            422,
            "refund_double_is_twice",
            "amount_fen",
        ),
        ({"kind": "compensation"}, 422, "refund_amount_required", "amount_fen"),
        (
            {"kind": "compensation", "amount_fen": 100, "charge_fen": 100},
            422,
            "refund_compensation_has_no_charge",
            "charge_fen",
        ),
        (
            {"kind": "refund", "charge_fen": 100, "bill_month": "2099-12"},
            422,
            "refund_bill_month_ahead",
            "bill_month",
        ),
        ({"kind": "compensation", "amount_fen": 200_001}, 422, "refund_over_ceiling", "amount_fen"),
        ({"kind": "compensation", "amount_fen": 0}, 422, "validation_minimum", "amount_fen"),
        (
            {"kind": "refund", "charge_fen": 100, "bill_month": "2026-13"},
            422,
            "validation_pattern",
            "bill_month",
        ),
        ({"kind": "cashback", "amount_fen": 100}, 422, "validation_choice", "kind"),
    ],
)
def test_a_refund_the_rules_do_not_allow_is_refused_at_its_field(
    client, desk, body: dict, status: int, code: str, field: str
) -> None:
    order = complain(client, desk["agent"], desk["cats"].unknown_charge.id)
    answer = client.post(_url(order), json=body | {"reason": "核实误扣"}, headers=desk["agent"])
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert (error["code"], error.get("field")) == (code, field)


def test_refusals_are_in_the_callers_language(client, desk) -> None:
    order = complain(client, desk["agent"], desk["cats"].unknown_charge.id)
    body = {
        "kind": "double_refund",
        "charge_fen": 100,
        "amount_fen": 150,
        "bill_month": "2026-01",
        "reason": "未经同意订购",
    }
    zh = client.post(_url(order), json=body, headers=desk["agent"]).json()["error"]["message"]
    en = client.post(
        _url(order), json=body, headers=desk["agent"] | {"Accept-Language": "en"}
    ).json()["error"]["message"]
    assert zh == "双倍返还为争议费用的两倍：2.00 元。"
    assert en == "A double refund is twice the charge: 2.00 yuan."


def test_only_a_complaint_or_fault_being_handled_on_a_live_number_gives_money_back(
    client, desk
) -> None:
    agent, cats = desk["agent"], desk["cats"]
    body = {"kind": "compensation", "amount_fen": 500, "reason": "致歉补偿"}
    question = complain(client, agent, cats.unknown_charge.id, kind="consultation")
    refused = client.post(_url(question), json=body, headers=agent)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "refund_order_type")
    stranger = complain(client, agent, cats.unknown_charge.id, "13900000001")
    refused = client.post(_url(stranger), json=body, headers=agent)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "refund_no_subscription")
    fault = complain(client, agent, cats.indoor.id, kind="fault")
    assert client.post(_url(fault), json=body, headers=agent).status_code == 201


def test_a_refund_awaiting_approval_holds_the_reply_and_a_rejection_tells_why(
    client, db: Session, desk
) -> None:
    order = complain(client, desk["agent"], desk["cats"].unknown_charge.id)
    refund = _ask(client, desk, order)
    accepted = client.post(
        f"/api/v1/work-orders/{order['id']}/accept",
        json={},
        headers=desk["agent"] | {"If-Match": f'"{order["version"]}"'},
    )
    assert accepted.status_code == 200, accepted.text
    current = client.get(f"/api/v1/work-orders/{order['id']}", headers=desk["agent"]).json()
    reply = client.post(
        f"/api/v1/work-orders/{order['id']}/reply",
        json={"reply": "经核实已为您处理。"},
        headers=desk["agent"] | {"If-Match": f'"{current["version"]}"'},
    )
    assert (reply.status_code, reply.json()["error"]["code"]) == (409, "reply_refund_awaiting")
    after = client.get(f"/api/v1/work-orders/{order['id']}", headers=desk["agent"]).json()
    assert (after["status"], after["version"], after["reply"]) == (
        "accepted",
        current["version"],
        "",
    )
    rejected = client.post(
        _url(order, refund["id"], "reject"),
        json={"reason": "该费用为客户本人订购"},
        headers=desk["lead"],
    )
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_note"] == "该费用为客户本人订购"
    late = client.post(
        _url(order, refund["id"], "withdraw"), json={"reason": "客户撤回"}, headers=desk["agent"]
    )
    assert (late.status_code, late.json()["error"]["code"]) == (409, "refund_already_decided")
    current = client.get(f"/api/v1/work-orders/{order['id']}", headers=desk["agent"]).json()
    reply = client.post(
        f"/api/v1/work-orders/{order['id']}/reply",
        json={"reply": "经核实该费用为您本人订购。"},
        headers=desk["agent"] | {"If-Match": f'"{current["version"]}"'},
    )
    assert reply.status_code == 200, reply.text


def test_only_who_asked_or_an_approver_withdraws(client, desk) -> None:
    order = complain(client, desk["agent"], desk["cats"].unknown_charge.id)
    refund = _ask(client, desk, order)
    other = client.post(
        _url(order, refund["id"], "withdraw"),
        json={"reason": "不需要了"},
        headers=desk["backoffice"],
    )
    assert (other.status_code, other.json()["error"]["code"]) == (403, "refund_not_yours")
    mine = client.post(
        _url(order, refund["id"], "withdraw"),
        json={"reason": "客户不再要求"},
        headers=desk["agent"],
    )
    assert mine.json()["status"] == "withdrawn"


def test_orders_with_a_refund_to_approve_are_listed_longest_waiting_first(client, desk) -> None:
    agent, cats = desk["agent"], desk["cats"]
    first = complain(client, agent, cats.unknown_charge.id)
    second = complain(client, agent, cats.roaming_charge.id)
    complain(client, agent, cats.unknown_charge.id)  # none asked
    _ask(client, desk, second)
    _ask(client, desk, first)
    _ask(client, desk, second)  # a second one on the same order lists it once
    listed = client.get("/api/v1/work-orders?refund_awaiting=true", headers=desk["lead"]).json()
    assert [item["number"] for item in listed["items"]] == [second["number"], first["number"]]
    assert listed["total"] == 2


def test_a_cancelled_order_takes_back_its_refunds_and_a_merge_carries_them(
    client, db: Session, desk
) -> None:
    agent, cats = desk["agent"], desk["cats"]
    kept = complain(client, agent, cats.unknown_charge.id)
    duplicate = complain(client, agent, cats.unknown_charge.id)
    carried = _ask(client, desk, duplicate)
    merged = client.post(
        f"/api/v1/work-orders/{duplicate['id']}/merge",
        json={"into": kept["number"], "reason": "同一问题重复受理"},
        headers=desk["backoffice"] | {"If-Match": f'"{duplicate["version"]}"'},
    )
    assert merged.status_code == 200, merged.text
    on_kept = client.get(_url(kept), headers=agent).json()["items"]
    assert [(r["id"], r["status"]) for r in on_kept] == [(carried["id"], "requested")]

    current = client.get(f"/api/v1/work-orders/{kept['id']}", headers=agent).json()
    cancelled = client.post(
        f"/api/v1/work-orders/{kept['id']}/cancel",
        json={"reason": "客户重复来电，无效工单"},
        headers=desk["backoffice"] | {"If-Match": f'"{current["version"]}"'},
    )
    assert cancelled.status_code == 200, cancelled.text
    (withdrawn,) = client.get(_url(kept), headers=agent).json()["items"]
    assert withdrawn["status"] == "withdrawn"  # in the name of who cancelled, with why
    assert (withdrawn["decided_by"], withdrawn["decision_note"]) == (
        desk["backoffice_name"],
        "客户重复来电，无效工单",
    )
    db.expire_all()
    assert db.scalar(select(Job.id).where(Job.kind == CREDIT)) is None  # nothing to credit


def test_a_number_gone_by_the_credit_is_marked_failed_and_the_holder_told(
    client, db: Session, desk, session_factory, tmp_path: Path, monkeypatch
) -> None:
    order = complain(client, desk["agent"], desk["cats"].unknown_charge.id)
    refund = _ask(client, desk, order)
    client.post(_url(order, refund["id"], "approve"), json={}, headers=desk["lead"])
    db.execute(
        Subscription.__table__.update()
        .where(Subscription.msisdn == "+8613800138000")
        .values(status="cancelled")
    )
    db.commit()
    assert _run_jobs(session_factory, tmp_path, monkeypatch) == []  # no text for a failure
    (failed,) = client.get(_url(order), headers=desk["agent"]).json()["items"]
    assert (failed["status"], failed["billing_ref"]) == ("failed", "")
    assert failed["credited_at"] is not None


def test_a_reply_names_the_refund_only_once_it_is_approved(client, db: Session, desk) -> None:
    order = complain(client, desk["agent"], desk["cats"].unknown_charge.id)
    body = "尊敬的{customer_name}：经核实，已为您退还{refund}元。"
    row = db.get(WorkOrder, order["id"])
    assert "{refund}" in fill_for_order(db, body, order=row, timezone="Asia/Shanghai")
    refund = _ask(client, desk, order, charge_fen=1550)
    db.expire_all()
    assert "{refund}" in fill_for_order(db, body, order=row, timezone="Asia/Shanghai")  # asked
    client.post(_url(order, refund["id"], "approve"), json={}, headers=desk["lead"])
    db.expire_all()
    filled = fill_for_order(db, body, order=row, timezone="Asia/Shanghai", language="en")
    assert filled.endswith("已为您退还15.50元。")


def test_who_may_approve_is_told(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    lead = make_staff(db, org.city, Role.TEAM_LEAD, team_id=team.id, email="lead@kefu.cn")
    head = make_staff(db, org.province, Role.SUPERVISOR, email="head@kefu.cn")  # above the city
    make_customer(db, org.city, "+8613900139000")
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = complain(client, agent, cats.unknown_charge.id, "13900139000")
    sent = client.post(
        f"/api/v1/work-orders/{order['id']}/dispatch",
        json={"team_id": team.id},
        headers=bearer(db, head) | {"If-Match": f'"{order["version"]}"'},
    )
    assert sent.status_code == 200, sent.text
    url = f"/api/v1/work-orders/{order['id']}/refunds"
    small = {"kind": "compensation", "amount_fen": 1000, "reason": "致歉补偿话费"}
    large = {"kind": "compensation", "amount_fen": 50_000, "reason": "宽带中断七天补偿"}
    assert client.post(url, json=small, headers=agent).status_code == 201
    assert client.post(url, json=large, headers=agent).status_code == 201
    db.expire_all()
    told = [
        json.loads(job.payload)
        for job in db.scalars(select(Job).where(Job.kind == "notify.email").order_by(Job.id))
        if "退费待审批" in json.loads(job.payload)["subject"]
    ]
    # the team's lead for what they may approve; the nearest supervisor up for the rest
    assert [(t["to"], t["body"].splitlines()[1]) for t in told] == [
        (lead.email, "10.00: 致歉补偿话费"),
        (head.email, "500.00: 宽带中断七天补偿"),
    ]


def test_finance_exports_the_refunds_masked_scoped_and_audited(client, db: Session, desk) -> None:
    order = complain(client, desk["agent"], desk["cats"].unknown_charge.id)
    credited = _ask(client, desk, order, charge_fen=3050)
    client.post(
        _url(order, credited["id"], "approve"), json={"note": "核实无误"}, headers=desk["lead"]
    )
    _ask(
        client,
        desk,
        order,
        kind="compensation",
        charge_fen=None,
        bill_month=None,
        amount_fen=800,
        reason="致歉补偿话费",
    )
    today = local_today().isoformat()
    asked = {"reason": "月度退费对账", "asked_from": today, "asked_to": today}
    answer = client.post(
        "/api/v1/refunds/export", json=asked | {"format": "csv"}, headers=desk["supervisor"]
    )
    assert answer.status_code == 200, answer.text
    header, *rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert header[:4] == ["工单号", "所属分公司", "类型", "状态"]
    assert [(r[0], r[2], r[3], r[4], r[6]) for r in rows] == [
        (order["number"], "退费", "已批准", "138****8000", "30.5"),  # masked as on screen
        (order["number"], "赔付", "待审批", "138****8000", "8.0"),
    ]
    assert rows[0][header.index("审批意见")] == "核实无误"
    entry = db.scalars(select(AuditLog).where(AuditLog.action == "order.refund.export")).one()
    assert entry.reason == "月度退费对账" and json.loads(entry.details)["rows"] == 2
    assert answer.headers["x-audit-seq"] == str(entry.seq)

    only = client.post(
        "/api/v1/refunds/export",
        json=asked | {"status": "requested"},
        headers=desk["supervisor"] | {"Accept-Language": "en"},
    )
    sheet = load_workbook(io.BytesIO(only.content)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:4] == ["Order number", "Branch", "Kind", "Status"]
    assert [(r[2], r[3], r[6]) for r in rows] == [("Compensation", "Awaiting approval", 8)]
    refused = client.post("/api/v1/refunds/export", json=asked, headers=desk["lead"])
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "missing_right")
    backwards = asked | {"asked_from": today, "asked_to": "2020-01-01"}
    wrong = client.post("/api/v1/refunds/export", json=backwards, headers=desk["supervisor"])
    assert (wrong.status_code, wrong.json()["error"]["field"]) == (422, "asked_to")


def test_the_360_page_tells_the_agent_where_the_money_is(client, db: Session, desk) -> None:
    customer_id = db.scalar(
        select(Subscription.customer_id).where(Subscription.msisdn == "+8613800138000")
    )
    body = {
        "type": "complaint",
        "category_id": desk["cats"].unknown_charge.id,
        "customer_id": customer_id,
        "subject": "误扣彩铃费",
    }
    made = client.post("/api/v1/work-orders", json=body, headers=desk["agent"])
    assert made.status_code == 201, made.text
    order = made.json()
    approved = _ask(client, desk, order, charge_fen=3000)
    client.post(_url(order, approved["id"], "approve"), json={}, headers=desk["lead"])
    _ask(
        client,
        desk,
        order,
        kind="compensation",
        charge_fen=None,
        bill_month=None,
        amount_fen=500,
        reason="致歉补偿话费",
    )
    lookup = "/api/v1/customers/lookup?phone=13800138000"  # the caller's number, as it rings
    view = client.get(lookup, headers=desk["agent"])
    assert view.status_code == 200, view.text
    view = view.json()
    (item,) = view["open_work_items"]
    money = (item["refund_credited_fen"], item["refund_on_way_fen"], item["refund_asked_fen"])
    assert money == (0, 3000, 500)
