"""Account managers (客户经理) follow their customers' orders: told by mail when one of
their customers — their own, or a member of a group they look after — complains or
reports a fault, in their language; a queue of their customers' orders; the order's page
names the manager to involve."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    answer_and_close,
    bearer,
    make_categories,
    make_customer,
    make_group,
    make_org,
    make_staff,
    order_step,
)
from kefu.core.outbox import Job
from kefu.core.rbac import Role

ORDERS = "/api/v1/work-orders"


@pytest.fixture
def book(db: Session) -> dict[str, Any]:
    """A manager looking after 李娜 and a group's members; another manager, in English,
    looking after a second group; an agent; a customer nobody looks after."""
    org = make_org(db)
    cats = make_categories(db)
    manager = make_staff(
        db, org.city, Role.ACCOUNT_MANAGER, display_name="王经理", email="wang@kefu.example.cn"
    )
    english = make_staff(
        db, org.city, Role.ACCOUNT_MANAGER, email="amy@kefu.example.cn", language="en"
    )
    looked_after = (("物流", manager), ("港务", english))
    groups = [
        make_group(db, org.city.id, f"广州某{name}有限公司", account_manager_id=m.id)
        for name, m in looked_after
    ]
    agent = make_staff(db, org.city, Role.AGENT, display_name="陈晓")
    found = {
        "cats": cats,
        "city": org.city,
        "manager": manager,
        "manager_headers": bearer(db, manager),
        "agent": bearer(db, agent),
        "own": make_customer(
            db, org.city, "+8613800138001", name="李娜", account_manager_id=manager.id
        ),
        "member": make_customer(db, org.city, "+8613800138002", name="周强", enterprise=groups[0]),
        "other_group": make_customer(db, org.city, "+8613800138003", enterprise=groups[1]),
        "nobodys": make_customer(db, org.city, "+8613800138004"),
    }
    db.commit()
    return found


def _open(client: Any, headers: dict, customer: Any, category_id: int, kind: str = "complaint"):
    body = {"type": kind, "category_id": category_id, "customer_id": customer.id, "subject": "扣费"}
    answer = client.post(ORDERS, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _mails_to(db: Session, address: str) -> list[dict[str, Any]]:
    db.expire_all()
    payloads = db.scalars(select(Job.payload).where(Job.kind == "notify.email").order_by(Job.id))
    return [p for p in map(json.loads, payloads) if p["to"] == address]


def test_the_manager_is_mailed_of_their_customers_complaint(client, db, book) -> None:
    cats = book["cats"]
    order = _open(client, book["agent"], book["own"], cats.unknown_charge.id)
    [mail] = _mails_to(db, "wang@kefu.example.cn")
    assert mail["subject"] == f"【客户经理知会】您的客户李娜有新投诉：{order['number']}"
    assert "138****8001" in mail["body"] and "13800138001" not in mail["body"]
    assert "分类：计费账务 › 费用争议 › " in mail["body"]
    assert "受理人：陈晓" in mail["body"] and "查询框输入工单号" in mail["body"]
    assert "答复时限" in mail["body"]
    # a group's member without a manager of their own: the group's manager
    member = _open(client, book["agent"], book["member"], cats.indoor.id, kind="fault")
    assert member["number"] in _mails_to(db, "wang@kefu.example.cn")[1]["subject"]
    # the other group's manager reads English
    other = _open(client, book["agent"], book["other_group"], cats.indoor.id)
    [english] = _mails_to(db, "amy@kefu.example.cn")
    assert english["subject"] == f"[Your customer] 张伟: a new complaint, {other['number']}"
    assert "Opened by: 陈晓" in english["body"] and "a new complaint" in english["body"]
    assert "Category: Network quality › Coverage › No indoor signal" in english["body"]


def test_no_mail_for_a_question_their_own_order_or_a_customer_nobody_keeps(
    client, db, book
) -> None:
    cats = book["cats"]
    _open(client, book["agent"], book["own"], cats.unknown_charge.id, kind="consultation")
    _open(client, book["manager_headers"], book["own"], cats.unknown_charge.id)  # their own
    _open(client, book["agent"], book["nobodys"], cats.unknown_charge.id)
    assert _mails_to(db, "wang@kefu.example.cn") == []
    assert db.scalar(select(Job.id).where(Job.kind == "notify.email")) is None


def test_the_manager_lists_their_customers_orders(client, db, book) -> None:
    cats = book["cats"]
    own = _open(client, book["agent"], book["own"], cats.unknown_charge.id)
    member = _open(client, book["agent"], book["member"], cats.indoor.id, kind="consultation")
    _open(client, book["agent"], book["other_group"], cats.indoor.id)
    _open(client, book["agent"], book["nobodys"], cats.indoor.id)
    listed = client.get(ORDERS, params={"my_customers": "true"}, headers=book["manager_headers"])
    assert listed.status_code == 200, listed.text
    assert sorted(i["number"] for i in listed.json()["items"]) == sorted(
        [own["number"], member["number"]]
    )

    page = client.get("/orders", params={"view": "clients"}, headers=book["manager_headers"]).text
    assert 'class="on" data-queue="clients"' in page and "我的客户" in page
    tab = page.split('data-queue="clients">')[1].split("</a>")[0]
    assert tab.startswith("我的客户") and ">2</span>" in tab  # its two customers' open orders
    assert own["number"] in page and member["number"] in page
    assert 'data-queue="clients"' not in client.get("/orders", headers=book["agent"]).text
    # the order's page names the manager to involve
    order_page = client.get(f"/orders/{own['id']}", headers=book["agent"]).text
    assert "王经理" in order_page.split('id="account-manager"')[1].split("</dd>")[0]


def test_the_intake_outlook_says_the_manager_will_be_told(client, db, book) -> None:
    cats = book["cats"]

    def told(headers: dict, customer: Any, kind: str = "complaint") -> Any:
        body = {"type": kind, "category_id": cats.indoor.id, "customer_id": customer.id}
        answer = client.post(f"{ORDERS}/intake-check", json=body, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()["account_manager_told"]

    assert told(book["agent"], book["own"]) == "王经理"
    assert told(book["agent"], book["member"], "fault") == "王经理"  # through the group
    assert told(book["agent"], book["own"], "consultation") is None
    assert told(book["manager_headers"], book["own"]) is None  # they open it themselves
    assert told(book["agent"], book["nobodys"]) is None
    assert _mails_to(db, "wang@kefu.example.cn") == []  # an outlook writes nothing


def test_the_manager_hears_of_the_answer_and_of_a_displeased_customer(client, db, book) -> None:
    supervisor = bearer(db, make_staff(db, book["city"], Role.SUPERVISOR))
    db.commit()
    member = _open(client, book["agent"], book["member"], book["cats"].unknown_charge.id)
    answered = answer_and_close(client, supervisor, member)  # awaits its return visit
    order_step(
        client, supervisor, answered, "visit", {"outcome": "dissatisfied", "note": "仍被扣费"}
    )
    opened, told, displeased = _mails_to(db, "wang@kefu.example.cn")
    assert opened["subject"].endswith(member["number"])
    assert told["subject"] == f"【客户经理知会】您的客户周强的工单已答复：{member['number']}"
    assert "答复内容：经核实为误扣，已退费 10 元。" in told["body"]
    assert displeased["subject"] == f"【客户经理知会】您的客户周强对答复不满意：{member['number']}"
    assert "客户意见：仍被扣费" in displeased["body"] and "重新处理" in displeased["body"]
    # the English manager's customer, answered: in English
    other = _open(client, book["agent"], book["other_group"], book["cats"].indoor.id)
    accepted = order_step(client, supervisor, other, "accept", {})
    order_step(client, supervisor, accepted, "reply", {"reply": "已为您优化室内信号。"})
    english = _mails_to(db, "amy@kefu.example.cn")[-1]
    assert english["subject"] == f"[Your customer] 张伟: {other['number']} answered"
    assert "The answer: 已为您优化室内信号。" in english["body"]


def test_an_incidents_answer_is_mailed_once_to_each_manager_naming_their_customers(
    client, db, book
) -> None:
    """Five complaints of no signal from the branch make an incident; resolving it
    answers them together: 王经理 is mailed once naming 李娜's and 周强's orders, the
    English manager once in English; no mail for the customer nobody keeps."""
    supervisor = bearer(db, make_staff(db, book["city"], Role.SUPERVISOR))
    db.commit()
    indoor = book["cats"].indoor.id
    customers = ("own", "member", "other_group", "nobodys")
    orders = {who: _open(client, book["agent"], book[who], indoor) for who in customers}
    fifth = client.post(
        ORDERS,
        json={"type": "complaint", "category_id": indoor, "contact_phone": "13900139000"}
        | {"subject": "小区没信号"},
        headers=book["agent"],
    ).json()
    assert fifth["incident_id"] is not None
    url = f"/api/v1/incidents/{fifth['incident_id']}"
    for step, body in (("confirm", {}), ("resolve", {"reply": "基站故障已修复，信号已恢复。"})):
        version = client.get(url, headers=supervisor).json()["version"]
        moved = client.post(
            f"{url}/{step}", json=body, headers=supervisor | {"If-Match": f'"{version}"'}
        )
        assert moved.status_code == 200, moved.text
    number = moved.json()["number"]
    *opened, told = _mails_to(db, "wang@kefu.example.cn")
    assert len(opened) == 2  # as each was opened; then once for both
    assert told["subject"] == f"【客户经理知会】突发事件{number}已处理，您的2位客户已获答复"
    assert f"- 李娜：{orders['own']['number']}（扣费）" in told["body"]
    assert f"- 周强：{orders['member']['number']}（扣费）" in told["body"]
    assert "答复内容：基站故障已修复，信号已恢复。" in told["body"]
    english = _mails_to(db, "amy@kefu.example.cn")[-1]
    assert english["subject"] == f"[Your customers] Incident {number} resolved: 1 answered"
    assert f"- 张伟: {orders['other_group']['number']} (扣费)" in english["body"]
