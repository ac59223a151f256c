"""Web self-service (网上客服): a subscriber signs in with a code texted to the number, sees
only that number's balance, package, orders and messages, and writes to the center;
the agents answer from their inbox, by SMS and on the page."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from factories import (
    add_spend,
    complain,
    self_sign_in,
    texts_sent,
)
from kefu.app import create_app
from kefu.core.audit import AuditLog
from kefu.core.base import utcnow
from kefu.core.clock import add_months, local_today, month_key
from kefu.customers.models import Subscription
from kefu.selfcare.models import SelfCareSession, SignInCode

NUMBER = "13800138000"


def test_a_subscriber_signs_in_with_the_texted_code_and_sees_their_own_number(
    client, db, center
) -> None:
    mine = complain(client, center["agent"], center["leaf"], NUMBER, subject="本月多扣费")
    complain(client, center["agent"], center["leaf"], "13900139000", subject="别人的")
    asked = client.post("/api/v1/self/code", json={"msisdn": "138-0013-8000"})
    assert asked.status_code == 202
    code = asked.json()["demo_code"]
    assert len(code) == 6 and code.isdigit()
    text = texts_sent(db)[-1]
    assert text["to"] == "+8613800138000" and code in text["text"]
    assert "请勿告诉他人" in text["text"]
    stored = db.scalars(select(SignInCode)).one()
    assert code not in stored.digest  # kept as an HMAC, not the code

    signed = client.post("/api/v1/self/session", json={"msisdn": NUMBER, "code": code})
    assert signed.status_code == 200 and "kefu_self" in signed.cookies
    page = client.get("/api/v1/self/overview").json()
    assert page["msisdn"] == "+8613800138000" and page["name"] == "张**"
    assert page["balance"] is not None and page["package"]["name"]
    assert [o["number"] for o in page["orders"]] == [mine["number"]]  # never the other's
    assert page["orders"][0]["status"] == "new" and "前答复" in page["orders"][0]["facts"]

    row = db.scalars(select(AuditLog).where(AuditLog.action == "selfcare.sign_in")).one()
    assert row.actor_name == "subscriber 138****8000" and row.entity_type == "customer"
    # the code is spent: signing in again with it is refused
    again = client.post("/api/v1/self/session", json={"msisdn": NUMBER, "code": code})
    assert again.status_code == 401 and again.json()["error"]["code"] == "selfcare_code_expired"


def test_a_number_that_is_no_subscriber_gets_the_same_answer_and_no_text(
    client, db, center
) -> None:
    asked = client.post("/api/v1/self/code", json={"msisdn": "13700137000"})
    assert asked.status_code == 202
    assert asked.json() == {
        "resend_after_seconds": 60,
        "expires_in_seconds": 300,
        "demo_code": None,
    }
    assert texts_sent(db) == []
    asked_for = db.scalars(select(AuditLog).where(AuditLog.action == "selfcare.code")).one()
    assert asked_for.actor_name == "subscriber 137****7000"
    assert json.loads(asked_for.details) == {"texted": False}
    refused = client.post("/api/v1/self/session", json={"msisdn": "13700137000", "code": "123456"})
    assert refused.status_code == 401 and refused.json()["error"]["field"] == "code"


def _asked_earlier(db: Session, by: timedelta) -> None:
    for code in db.scalars(select(SignInCode)):
        code.sent_at -= by
    db.commit()


def test_a_code_is_not_asked_again_within_a_minute(client, db, center) -> None:
    assert client.post("/api/v1/self/code", json={"msisdn": NUMBER}).status_code == 202
    again = client.post("/api/v1/self/code", json={"msisdn": NUMBER})
    assert again.status_code == 429 and again.json()["error"]["code"] == "selfcare_code_wait"
    assert 0 < int(again.headers["Retry-After"]) <= 60
    # an hour's fifth code is the last: the earlier ones as if asked two minutes apart
    for _ in range(4):
        _asked_earlier(db, timedelta(minutes=2))
        assert client.post("/api/v1/self/code", json={"msisdn": NUMBER}).status_code == 202
    _asked_earlier(db, timedelta(minutes=2))
    sixth = client.post("/api/v1/self/code", json={"msisdn": NUMBER})
    assert sixth.status_code == 429
    assert 0 < int(sixth.headers["Retry-After"]) <= 3600
    assert len(db.scalars(select(SignInCode)).all()) == 5


def test_five_wrong_tries_kill_the_code_and_each_is_counted(client, db, center) -> None:
    code = client.post("/api/v1/self/code", json={"msisdn": NUMBER}).json()["demo_code"]
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        answer = client.post("/api/v1/self/session", json={"msisdn": NUMBER, "code": wrong})
        assert answer.status_code == 401
        assert answer.json()["error"] == {
            "code": "selfcare_code_wrong",
            "message": f"验证码不正确，还可尝试 {left} 次。",
            "field": "code",
        }
    last = client.post("/api/v1/self/session", json={"msisdn": NUMBER, "code": wrong})
    assert last.json()["error"]["code"] == "selfcare_code_expired"
    right = client.post("/api/v1/self/session", json={"msisdn": NUMBER, "code": code})
    assert right.status_code == 401  # the right code comes too late
    assert db.scalars(select(SignInCode)).one().wrong_tries == 5
    # every try is on record, as a staff member's failed sign-in is
    failed = db.scalars(
        select(AuditLog).where(AuditLog.action == "selfcare.sign_in_failed").order_by(AuditLog.seq)
    )
    assert [json.loads(row.details)["reason"] for row in failed] == ["wrong code"] * 5 + [
        "no live code"
    ]


def test_an_expired_code_is_refused(client, db, center) -> None:
    code = client.post("/api/v1/self/code", json={"msisdn": NUMBER}).json()["demo_code"]
    db.execute(update(SignInCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    answer = client.post(
        "/api/v1/self/session",
        json={"msisdn": NUMBER, "code": code},
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == (
        "This code has expired or been used up; ask for a new one."
    )


def test_a_bad_number_is_refused_at_its_field(client, center) -> None:
    answer = client.post("/api/v1/self/code", json={"msisdn": "12345"})
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "msisdn"


def test_nothing_is_shown_without_a_session_and_signing_out_ends_it(client, db, center) -> None:
    answer = client.get("/api/v1/self/overview")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "selfcare_not_signed_in"
    headers = self_sign_in(client)
    token = client.cookies.get("kefu_self")
    assert client.delete("/api/v1/self/session").status_code == 403  # no CSRF token
    assert client.delete("/api/v1/self/session", headers=headers).status_code == 204
    client.cookies.set("kefu_self", token)  # the old cookie, kept by someone
    assert client.get("/api/v1/self/overview").status_code == 401
    assert db.scalars(select(SelfCareSession)).one().ended_at is not None
    assert db.scalar(select(AuditLog.id).where(AuditLog.action == "selfcare.sign_out"))


def test_a_session_idle_for_half_an_hour_is_over(client, db, center) -> None:
    self_sign_in(client)
    assert client.get("/api/v1/self/overview").status_code == 200
    db.execute(update(SelfCareSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    db.commit()
    assert client.get("/api/v1/self/overview").status_code == 401


def test_a_message_waits_in_the_inbox_and_the_answer_comes_by_sms_and_on_the_page(
    client, db, center
) -> None:
    headers = self_sign_in(client)
    body = {"topic": "complaint", "text": "  宽带晚上经常断线，已经一周了。  "}
    no_csrf = client.post("/api/v1/self/messages", json=body)
    assert no_csrf.status_code == 403
    once = {**headers, "Idempotency-Key": "msg-1"}
    sent = client.post("/api/v1/self/messages", json=body, headers=once)
    assert sent.status_code == 201, sent.text
    assert sent.json()["body"] == "宽带晚上经常断线，已经一周了。"
    assert client.post("/api/v1/self/messages", json=body, headers=once).json() == sent.json()

    inbox = client.get("/api/v1/messages?status=open", headers=center["agent"]).json()
    waiting = [m for m in inbox["items"] if m["id"] == sent.json()["id"]]
    assert waiting and waiting[0]["channel"] == "web"
    read = client.get(f"/api/v1/messages/{sent.json()['id']}", headers=center["agent"])
    version = read.headers["ETag"]
    answered = client.post(
        f"/api/v1/messages/{sent.json()['id']}/reply",
        json={"text": "已为您报修，工程师明天上门。"},
        headers={**center["agent"], "If-Match": version},
    )
    assert answered.status_code == 201, answered.text
    assert texts_sent(db)[-1] == {
        "to": "+8613800138000",
        "text": "您在网上客服的留言已答复：已为您报修，工程师明天上门。",
    }
    page = client.get("/api/v1/self/overview").json()
    assert page["messages"][0]["replies"][0]["text"] == "已为您报修，工程师明天上门。"
    audited = db.scalars(select(AuditLog).where(AuditLog.action == "selfcare.message")).one()
    assert audited.entity_id == str(sent.json()["id"])


def test_ten_messages_a_day_at_most(client, db, center) -> None:
    headers = self_sign_in(client)
    for n in range(10):
        body = {"topic": "question", "text": f"问题 {n}"}
        assert client.post("/api/v1/self/messages", json=body, headers=headers).status_code == 201
    over = client.post(
        "/api/v1/self/messages", json={"topic": "question", "text": "再一条"}, headers=headers
    )
    assert over.status_code == 429 and over.json()["error"]["field"] == "text"
    assert "10" in over.json()["error"]["message"]


def test_a_blank_message_is_refused(client, center) -> None:
    headers = self_sign_in(client)
    blank = client.post(
        "/api/v1/self/messages", json={"topic": "question", "text": "   "}, headers=headers
    )
    assert blank.status_code == 422 and blank.json()["error"]["code"] == "selfcare_message_empty"


def test_when_billing_does_not_answer_the_page_says_so(
    settings, session_factory, db, center
) -> None:
    down = settings.model_copy(update={"billing_lookup_url": "http://127.0.0.1:9/billing"})
    with TestClient(create_app(down, session_factory), raise_server_exceptions=False) as client:
        self_sign_in(client)
        page = client.get("/api/v1/self/overview").json()
    assert page["billing_down"] is True
    assert page["balance"] is None and page["package"] is None


def test_an_agent_opens_an_order_from_a_web_message_and_the_page_shows_it(
    client, db, center
) -> None:
    headers = self_sign_in(client)
    body = {"topic": "complaint", "text": "上个月多扣了 15 元，我没有订过视频会员。"}
    sent = client.post("/api/v1/self/messages", json=body, headers=headers).json()
    order = {
        "type": "complaint",
        "category_id": center["leaf"],
        "subject": "不明扣费 15 元",
        "description": body["text"],
    }
    made = client.post(f"/api/v1/messages/{sent['id']}/orders", json=order, headers=center["agent"])
    assert made.status_code == 201, made.text
    assert made.json()["channel"] == "web"
    assert made.json()["contact_phone"] == "138****8000"  # masked for the agent
    page = client.get("/api/v1/self/overview").json()
    assert [o["number"] for o in page["orders"]] == [made.json()["number"]]
    assert page["orders"][0]["type"] == "complaint"


def test_the_page_shows_the_last_six_bill_months_from_kefus_own_data(client, db, center) -> None:
    """Without the operator's billing system the bills come from kefu's spend records:
    the six finished bill months, newest first, not the month under way."""
    this_month = month_key(local_today())
    months = [add_months(this_month, -back) for back in range(8)]
    subscription = db.scalars(
        select(Subscription).where(Subscription.msisdn == "+8613800138000")
    ).one()
    add_spend(db, subscription.id, months, 5900)
    db.commit()
    self_sign_in(client)
    bills = client.get("/api/v1/self/overview").json()["bills"]
    expected = [f"{m // 100}-{m % 100:02d}" for m in months[1:7]]
    assert [b["month"] for b in bills] == expected
    assert {b["amount_fen"] for b in bills} == {5900}
    page = client.get("/self").text
    assert "我的账单" in page and "¥59.00" in page
