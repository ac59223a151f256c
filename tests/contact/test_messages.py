"""SMS and e-mail intake: keyword rules answer or open orders, the rest wait in the inbox;
a repeated message id changes nothing; replies leave through the outbox, threaded."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_org, make_staff, texts_sent
from kefu.contact.defaults import ensure_default_intake_rules
from kefu.contact.models import IntakeRule, Interaction
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.workorders.models import Category, WorkOrder
from kefu.workorders.taxonomy import ensure_default_categories


@pytest.fixture
def center(db: Session) -> dict:
    ensure_default_categories(db)
    ensure_default_intake_rules(db)
    org = make_org(db)
    customer = make_customer(db, org.city, "+8613800138000", language="zh-CN")
    center = {
        "gateway": bearer(db, make_staff(db, org.province, Role.INTEGRATION)),
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "back_office": bearer(db, make_staff(db, org.city, Role.BACK_OFFICE)),
        "outsider": bearer(db, make_staff(db, org.other_city, Role.AGENT)),
        "supervisor": bearer(db, make_staff(db, org.province, Role.SUPERVISOR)),
        "customer": customer,
    }
    db.commit()
    return center


def sms(client, center: dict, text: str, message_id: str, sender: str = "138 0013 8000"):
    body = {"from": sender, "to": "10086", "text": text, "message_id": message_id}
    # JSON with \u escapes, as gateways send it: lone surrogates and NUL arrive intact
    headers = center["gateway"] | {"Content-Type": "application/json"}
    return client.post("/api/v1/sms/inbound", content=json.dumps(body), headers=headers)


def test_balance_keyword_is_answered_by_text_and_served(client, db: Session, center) -> None:
    answer = sms(client, center, "ye", "gw-1")
    assert answer.status_code == 201
    body = answer.json()
    assert body["rule"] == "余额查询" and body["auto_replied"] and body["status"] == "ended"
    reply = "尊敬的客户，您的账户余额 52.30 元，本月已产生费用 0.00 元。"
    assert texts_sent(db) == [{"to": "+8613800138000", "text": reply}]
    again = sms(client, center, "ye", "gw-1")
    assert again.status_code == 200 and again.json()["repeated"]
    assert again.json()["interaction_id"] == body["interaction_id"]
    assert len(texts_sent(db)) == 1  # the gateway's retry is not answered twice


def test_a_keyword_is_a_whole_word(client, db: Session, center) -> None:
    answer = sms(client, center, "YES please call me", "gw-2").json()
    assert answer["rule"] == "其他短信（人工回复）"
    assert answer["status"] == "open"  # the help text went out; an agent answers the rest
    assert "YE 查余额" in texts_sent(db)[0]["text"]


def test_complaint_keyword_opens_a_complaint_and_texts_its_number(client, db, center) -> None:
    answer = sms(client, center, "KF 本月多扣了 20 元彩铃费", "gw-3").json()
    order = db.scalar(select(WorkOrder).where(WorkOrder.number == answer["order_number"]))
    assert order is not None and order.type == "complaint" and order.channel == "sms"
    assert order.customer_id == center["customer"].id
    assert "多扣了 20 元" in order.description
    assert answer["order_number"] in texts_sent(db)[0]["text"]
    shown = client.get(f"/api/v1/messages/{answer['interaction_id']}", headers=center["agent"])
    assert shown.json()["message"]["order_ids"] == [order.id]


def test_a_retired_category_branch_leaves_the_message_to_an_agent(client, db, center) -> None:
    rule = db.scalar(select(IntakeRule).where(IntakeRule.keyword == "KF"))
    assert rule is not None and rule.category_code
    leaf = db.scalar(select(Category).where(Category.code == rule.category_code))
    assert leaf is not None and leaf.active and leaf.parent_id is not None
    top = db.get(Category, int(leaf.path.strip("/").split("/")[0]))
    assert top is not None
    top.active = False  # the branch is retired; its leaf itself is untouched
    db.commit()
    answer = sms(client, center, "KF 本月多扣了 20 元彩铃费", "gw-retired")
    assert answer.status_code == 201, answer.text
    assert answer.json()["order_number"] is None and answer.json()["status"] == "open"
    assert db.scalar(select(WorkOrder.id)) is None


def test_a_stranger_asking_the_balance_waits_for_an_agent(client, db: Session, center) -> None:
    answer = sms(client, center, "YE", "gw-4", sender="13700137000").json()
    assert answer["status"] == "open" and not answer["auto_replied"]
    assert texts_sent(db) == []  # no balance of somebody else, no reply at all


def test_agent_answers_from_the_inbox_once_with_if_match(client, db: Session, center) -> None:
    waiting = sms(client, center, "我的宽带什么时候能装好？", "gw-5").json()
    sms(client, center, "你好", "gw-6", sender="13700137000")
    inbox = client.get("/api/v1/messages", headers=center["agent"]).json()
    assert [m["body"] for m in inbox["items"]] == ["我的宽带什么时候能装好？", "你好"]
    assert inbox["items"][0]["address"] == "138****8000"
    outsider = client.get("/api/v1/messages", headers=center["outsider"]).json()
    assert [m["body"] for m in outsider["items"]] == ["你好"]  # not the other branch's customer

    url = f"/api/v1/messages/{waiting['interaction_id']}"
    etag = client.get(url, headers=center["agent"]).headers["ETag"]
    url += "/reply"
    text = {"text": "您好，装机人员明天上午联系您。"}
    assert client.post(url, json=text, headers=center["agent"]).status_code == 428
    key = {"If-Match": etag, "Idempotency-Key": "r-1"}
    sent = client.post(url, json=text, headers=center["agent"] | key)
    assert sent.status_code == 201 and sent.json()["direction"] == "outbound"
    replay = client.post(url, json=text, headers=center["agent"] | key)
    assert replay.json()["id"] == sent.json()["id"]
    stale = client.post(url, json=text, headers=center["back_office"] | {"If-Match": etag})
    assert stale.status_code == 409
    assert [t["text"] for t in texts_sent(db)][-1] == text["text"]
    assert len([t for t in texts_sent(db) if t["text"] == text["text"]]) == 1
    thread = client.get(
        f"/api/v1/messages/{waiting['interaction_id']}", headers=center["agent"]
    ).json()
    assert thread["message"]["status"] == "ended"
    help_text, answer = thread["replies"]  # the rule's help text, then the agent's answer
    assert help_text["agent_id"] is None and answer["body"] == text["text"]
    assert db.scalar(select(AuditLog).where(AuditLog.action == "interaction.reply")) is not None
    remaining = client.get("/api/v1/messages", headers=center["agent"]).json()
    assert [m["body"] for m in remaining["items"]] == ["你好"]


def test_hostile_text_is_stored_safely(client, db: Session, center) -> None:
    hostile = "<script>alert(1)</script>\x00\u202e gpj.exe " + "长" * 19_000
    answer = sms(client, center, hostile, "gw-7").json()
    stored = db.get(Interaction, answer["interaction_id"])
    assert stored is not None
    assert stored.body.startswith("<script>alert(1)</script> gpj.exe 长")
    assert "\x00" not in stored.body and "\u202e" not in stored.body
    too_long = sms(client, center, "长" * 20_001, "gw-7b")
    assert too_long.status_code == 422 and too_long.json()["error"]["field"] == "text"


def test_auto_replies_to_one_address_are_capped(client, db: Session, center) -> None:
    for n in range(8):
        sms(client, center, f"hello {n}", f"gw-loop-{n}")
    assert len(texts_sent(db)) == 5  # a robot answering our help text gets five, not more


def test_rules_are_checked_and_versioned(client, db: Session, center) -> None:
    sup = center["supervisor"]
    bad = {"channel": "email", "keyword": "余额", "name": "x", "lookup": "balance"}
    assert (
        client.post("/api/v1/intake/rules", json=bad, headers=sup).json()["error"]["field"]
        == "lookup"
    )
    half = {"channel": "sms", "keyword": "XH", "name": "销号", "order_type": "service_request"}
    assert client.post("/api/v1/intake/rules", json=half, headers=sup).status_code == 422
    rule = {
        "channel": "sms",
        "keyword": "XH",
        "name": "销号咨询",
        "order_type": "consultation",
        "category_code": "number.status.suspend",
        "reply": "已收到，工单 {order_number}。",
        "sort_order": 1,
    }
    made = client.post("/api/v1/intake/rules", json=rule, headers=sup)
    assert made.status_code == 201
    agent = center["agent"]
    assert client.post("/api/v1/intake/rules", json=rule, headers=agent).status_code == 403
    answer = sms(client, center, "XH 我想销号", "gw-8").json()
    assert answer["rule"] == "销号咨询" and answer["order_number"]

    url = f"/api/v1/intake/rules/{made.json()['id']}"
    off = rule | {"active": False}
    assert client.put(url, json=off, headers=sup | {"If-Match": '"1"'}).status_code == 200
    assert client.put(url, json=off, headers=sup | {"If-Match": '"1"'}).status_code == 409
    assert sms(client, center, "XH 再问一次", "gw-9").json()["rule"] != "销号咨询"


def test_waiting_messages_list_oldest_first_and_others_newest_first(
    client, db: Session, center
) -> None:
    """The inbox is a queue worked from its oldest; a listing of handled messages is read
    for what came in lately, so it starts with the newest."""
    for n, text in enumerate(["第一条", "第二条", "第三条", "第四条"]):
        sms(client, center, text, f"order-{n}", sender="13700137000")
    inbox = client.get("/api/v1/messages", headers=center["agent"]).json()["items"]
    assert [m["body"] for m in inbox] == ["第一条", "第二条", "第三条", "第四条"]
    for message in inbox[:3]:
        url = f"/api/v1/messages/{message['id']}"
        etag = client.get(url, headers=center["agent"]).headers["ETag"]
        answer = {"text": "您好，已收到。"}
        replied = client.post(
            f"{url}/reply", json=answer, headers=center["agent"] | {"If-Match": etag}
        )
        assert replied.status_code == 201, replied.text
    handled = client.get("/api/v1/messages?status=ended", headers=center["agent"]).json()
    assert [m["body"] for m in handled["items"]] == ["第三条", "第二条", "第一条"]
    page = client.get("/messages?view=all", headers=center["agent"]).text
    assert page.index("第四条") < page.index("第三条") < page.index("第一条")
