"""A work order opened from a customer's SMS or e-mail by the agent reading it: the
sender is its customer and callback number, its channel the message's, and the two are
linked both ways; the message still waits for its answer."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_org, make_staff, texts_sent
from kefu.contact.defaults import ensure_default_intake_rules
from kefu.contact.enums import ContactChannel, Direction, InteractionStatus
from kefu.contact.models import Interaction
from kefu.contact.service import open_interaction
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.workorders.models import Category, WorkOrder
from kefu.workorders.taxonomy import ensure_default_categories


@pytest.fixture
def desk(db: Session) -> dict:
    ensure_default_categories(db)
    ensure_default_intake_rules(db)
    org = make_org(db)
    customer = make_customer(db, org.city, "+8613800138000")
    leaf = db.scalar(select(Category).where(Category.code == "broadband.fault.down"))
    desk = {
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "outsider": bearer(db, make_staff(db, org.other_city, Role.AGENT)),
        "supervisor": bearer(db, make_staff(db, org.city, Role.SUPERVISOR)),
        "customer": customer,
        "leaf": leaf.id,
    }
    db.commit()
    return desk


def _message(db: Session, channel: ContactChannel, address: str, customer_id: int | None, **kw):
    message = open_interaction(
        db,
        channel=channel,
        status=InteractionStatus.OPEN,
        address=address,
        customer_id=customer_id,
        **kw,
    )
    db.commit()
    return message


def _order(desk: dict, **fields) -> dict:
    return {"type": "fault", "category_id": desk["leaf"], "subject": "宽带断网", **fields}


def test_an_agent_opens_an_order_from_a_customers_sms(client, db: Session, desk) -> None:
    text = "我家宽带三天没网了，请尽快派人上门维修"
    message = _message(db, ContactChannel.SMS, "+8613800138000", desk["customer"].id, body=text)
    url = f"/api/v1/messages/{message.id}/orders"
    key = desk["agent"] | {"Idempotency-Key": "sms-order-1"}
    made = client.post(url, json=_order(desk, description=text), headers=key)
    assert made.status_code == 201, made.text
    order = db.get(WorkOrder, made.json()["id"])
    assert order is not None and order.channel == "sms"
    assert (order.customer_id, order.contact_phone) == (desk["customer"].id, "+8613800138000")
    assert made.json()["contact_phone"] == "138****8000"  # masked for the agent
    # Linked both ways: the message names the order; the message still waits for an answer.
    shown = client.get(f"/api/v1/messages/{message.id}", headers=desk["agent"]).json()
    assert shown["message"]["order_ids"] == [order.id]
    assert shown["message"]["status"] == "open"
    # The same key again is the same order; another body under it is refused.
    again = client.post(url, json=_order(desk, description=text), headers=key)
    assert again.json()["id"] == order.id
    other = client.post(url, json=_order(desk, subject="另一件事"), headers=key)
    assert other.status_code == 422
    # A second problem in the same message is a second order, linked too.
    second = client.post(url, json=_order(desk, type="complaint"), headers=desk["agent"])
    assert second.status_code == 201
    shown = client.get(f"/api/v1/messages/{message.id}", headers=desk["agent"]).json()
    assert shown["message"]["order_ids"] == [order.id, second.json()["id"]]
    audited = db.scalars(select(AuditLog.entity_id).where(AuditLog.action == "order.create"))
    assert {str(order.id), str(second.json()["id"])} <= set(audited)


def test_an_email_from_a_stranger_needs_a_number_to_call_back(client, db: Session, desk) -> None:
    message = _message(
        db, ContactChannel.EMAIL, "zhang.wei@example.cn", None, subject="宽带报修", body="断网"
    )
    url = f"/api/v1/messages/{message.id}/orders"
    refused = client.post(url, json=_order(desk), headers=desk["agent"])
    assert refused.status_code == 422
    assert refused.json()["error"] | {"message": ""} == {
        "code": "contact_phone_required",
        "field": "contact_phone",
        "message": "",
    }
    made = client.post(url, json=_order(desk, contact_phone="139 0013 9000"), headers=desk["agent"])
    assert made.status_code == 201, made.text
    order = db.get(WorkOrder, made.json()["id"])
    assert order is not None and order.channel == "email" and order.customer_id is None
    assert order.contact_phone == "+8613900139000"


def test_only_a_customers_message_in_scope_opens_an_order(client, db: Session, desk) -> None:
    customer = desk["customer"].id
    call = _message(db, ContactChannel.VOICE, "+8613800138000", customer)
    reply = _message(
        db, ContactChannel.SMS, "+8613800138000", customer, direction=Direction.OUTBOUND
    )
    for interaction in (call, reply):
        url = f"/api/v1/messages/{interaction.id}/orders"
        refused = client.post(url, json=_order(desk), headers=desk["agent"])
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "order_needs_a_message"
    sms = _message(db, ContactChannel.SMS, "+8613800138000", customer, body="断网")
    url = f"/api/v1/messages/{sms.id}/orders"
    outside = client.post(url, json=_order(desk), headers=desk["outsider"])
    assert outside.status_code == 403  # the customer belongs to another branch
    missing = "/api/v1/messages/999999/orders"
    assert client.post(missing, json=_order(desk), headers=desk["agent"]).status_code == 404
    assert db.scalar(select(WorkOrder.id)) is None  # nothing was opened


def test_the_forms_outlook_reads_the_senders_number(client, db: Session, desk) -> None:
    """A stranger's second SMS about the same fault is a repeat complaint before the
    order exists: the outlook takes the sender's number as the order would."""
    first = _message(db, ContactChannel.SMS, "+8613900139000", None, body="宽带断网")
    made = client.post(
        f"/api/v1/messages/{first.id}/orders",
        json=_order(desk, type="complaint"),
        headers=desk["agent"],
    )
    assert made.status_code == 201, made.text
    again = _message(db, ContactChannel.SMS, "+8613900139000", None, body="还是断网")
    check = {"type": "complaint", "category_id": desk["leaf"]}
    outlook = client.post(
        f"/api/v1/messages/{again.id}/intake-check", json=check, headers=desk["agent"]
    )
    assert outlook.status_code == 200, outlook.text
    assert outlook.json()["repeat"] is True
    assert [e["number"] for e in outlook.json()["earlier"]] == [made.json()["number"]]
    # The order form's general outlook has no number to go by; a call is no message.
    general = client.post("/api/v1/work-orders/intake-check", json=check, headers=desk["agent"])
    assert general.json()["error"]["code"] == "contact_phone_required"
    call = _message(db, ContactChannel.VOICE, "+8613900139000", None)
    refused = client.post(
        f"/api/v1/messages/{call.id}/intake-check", json=check, headers=desk["agent"]
    )
    assert refused.status_code == 409


def _mails(db: Session) -> list[dict]:
    db.expire_all()
    jobs = db.scalars(select(Job).where(Job.kind == "notify.email").order_by(Job.id))
    return [json.loads(job.payload) for job in jobs]


def _act(client, headers: dict, order_id: int, action: str, body: dict):
    current = client.get(f"/api/v1/work-orders/{order_id}", headers=headers).json()
    return client.post(
        f"/api/v1/work-orders/{order_id}/{action}",
        json=body,
        headers=headers | {"If-Match": f'"{current["version"]}"'},
    )


def _reply(client, headers: dict, order_id: int, body: dict):
    """Accept the order (if new) and answer it."""
    _act(client, headers, order_id, "accept", {})
    return _act(client, headers, order_id, "reply", body)


def _order_from_mail(client, db: Session, desk: dict, callback: str) -> tuple[Interaction, dict]:  # type: ignore[no-untyped-def]
    """张伟's e-mail about his broadband, and the fault opened from it with ``callback``
    as the number to call back."""
    message = _message(
        db,
        ContactChannel.EMAIL,
        "zhang.wei@example.cn",
        desk["customer"].id,
        channel_ref="email:<abc123@mail.example.cn>",
        subject="宽带报修",
        body="家里宽带断网三天",
    )
    made = client.post(
        f"/api/v1/messages/{message.id}/orders",
        json=_order(desk, contact_phone=callback),
        headers=desk["agent"],
    )
    assert made.status_code == 201, made.text
    return message, made.json()


def test_an_order_from_an_email_is_answered_by_mail_in_its_thread(
    client, db: Session, desk
) -> None:
    message, order = _order_from_mail(client, db, desk, "13800138000")
    _act(client, desk["agent"], order["id"], "accept", {})
    page = client.get(f"/orders/{order['id']}", headers=desk["agent"]).text
    assert '<input type="checkbox" name="send_email" checked>' in page  # it came by mail
    assert "z***@example.cn" in page  # the agent sees the address masked
    assert "联系号码" in page and "来电人" not in page  # the customer wrote, did not call

    answer = "经检测为光猫故障，已于今天上门更换，宽带已恢复。"
    replied = _reply(client, desk["agent"], order["id"], {"reply": answer, "send_email": True})
    assert replied.status_code == 200, replied.text
    assert replied.json()["events"][-1]["details"]["emailed"] is True
    (mail,) = _mails(db)
    assert mail["to"] == "zhang.wei@example.cn"
    assert mail["subject"] == "Re: 宽带报修"
    assert mail["in_reply_to"] == "<abc123@mail.example.cn>"  # threaded to the customer's
    assert order["number"] in mail["body"] and answer in mail["body"]
    assert mail["automatic"] is False
    # Kept as the reply to the message, which is now served, and audited as one.
    db.expire_all()
    sent = db.scalar(select(Interaction).where(Interaction.in_reply_to_id == message.id))
    assert sent is not None and sent.direction == Direction.OUTBOUND and sent.body == mail["body"]
    served = db.get(Interaction, message.id)
    assert served is not None and served.status == InteractionStatus.ENDED
    actions = set(db.scalars(select(AuditLog.action).where(AuditLog.entity_id == str(message.id))))
    assert "interaction.reply" in actions
    page = client.get(f"/orders/{order['id']}", headers=desk["agent"]).text
    assert "已邮件答复客户" in page


def test_a_customer_who_wrote_in_english_is_answered_in_english(client, db: Session, desk) -> None:
    message = _message(
        db, ContactChannel.EMAIL, "li.na@example.com", None, language="en", body="No internet"
    )
    made = client.post(
        f"/api/v1/messages/{message.id}/orders",
        json=_order(desk, contact_phone="13900139000"),
        headers=desk["agent"],
    )
    answer = "Your modem was replaced today."
    body = {"reply": answer, "send_email": True}
    assert _reply(client, desk["agent"], made.json()["id"], body).status_code == 200
    (mail,) = _mails(db)
    assert mail["body"].startswith("Hello,") and answer in mail["body"]
    assert mail["subject"] == "Re: 您的来信"  # the customer's mail had no subject


def test_only_an_order_from_an_email_can_be_answered_by_mail(client, db: Session, desk) -> None:
    sms = _message(db, ContactChannel.SMS, "+8613800138000", desk["customer"].id, body="断网")
    from_sms = client.post(
        f"/api/v1/messages/{sms.id}/orders", json=_order(desk), headers=desk["agent"]
    ).json()
    _act(client, desk["agent"], from_sms["id"], "accept", {})
    page = client.get(f"/orders/{from_sms['id']}", headers=desk["agent"]).text
    # No box where no mail can go.
    assert 'name="send_sms"' in page and 'name="send_email"' not in page
    body = {"reply": "已修复。", "send_email": True}
    refused = _reply(client, desk["agent"] | {"Accept-Language": "en"}, from_sms["id"], body)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("reply_email_needs_message", "send_email")
    assert "e-mail" in error["message"]
    current = client.get(f"/api/v1/work-orders/{from_sms['id']}", headers=desk["agent"]).json()
    assert current["status"] == "accepted"  # the answer was not recorded either
    assert _mails(db) == []


def test_an_answer_texted_to_the_sender_of_an_sms_answers_that_sms(
    client, db: Session, desk
) -> None:
    """The answer texted from the order is the SMS's reply: sent once, threaded under the
    message, which leaves the inbox. Texted to another number, the message still waits."""
    sms = _message(db, ContactChannel.SMS, "+8613800138000", desk["customer"].id, body="断网")
    url = f"/api/v1/messages/{sms.id}/orders"
    order = client.post(url, json=_order(desk), headers=desk["agent"]).json()
    body = {"reply": "光猫已更换，宽带已恢复。", "send_sms": True}
    assert _reply(client, desk["agent"], order["id"], body).status_code == 200
    texted = f"【{order['number']}】光猫已更换，宽带已恢复。"
    assert texts_sent(db) == [{"to": "+8613800138000", "text": texted}]  # once
    thread = client.get(f"/api/v1/messages/{sms.id}", headers=desk["agent"]).json()
    assert thread["message"]["status"] == "ended"
    assert [r["body"] for r in thread["replies"]] == [texted]

    other = _message(db, ContactChannel.SMS, "+8613800138000", desk["customer"].id, body="又断了")
    elsewhere = _order(desk, contact_phone="13900139000")  # call back the customer's spouse
    second = client.post(
        f"/api/v1/messages/{other.id}/orders", json=elsewhere, headers=desk["agent"]
    ).json()
    assert _reply(client, desk["agent"], second["id"], body).status_code == 200
    assert texts_sent(db)[-1]["to"] == "+8613900139000"
    waiting = client.get(f"/api/v1/messages/{other.id}", headers=desk["agent"]).json()
    assert waiting["message"]["status"] == "open" and waiting["replies"] == []


def test_an_answer_texted_from_an_order_of_a_web_message_answers_it(
    client, db: Session, desk
) -> None:
    """An order opened from a message left on the self-service page is answered by text:
    the text is that message's reply (shown on the page), and the message leaves the
    inbox."""
    web = _message(db, ContactChannel.WEB, "+8613800138000", desk["customer"].id, body="断网")
    url = f"/api/v1/messages/{web.id}/orders"
    order = client.post(url, json=_order(desk), headers=desk["agent"]).json()
    assert order["channel"] == "web"
    body = {"reply": "光猫已更换，宽带已恢复。", "send_sms": True}
    assert _reply(client, desk["agent"], order["id"], body).status_code == 200
    answer = f"【{order['number']}】光猫已更换，宽带已恢复。"
    texted = {"to": "+8613800138000", "text": f"您在网上客服的留言已答复：{answer}"}
    assert texts_sent(db) == [texted]
    thread = client.get(f"/api/v1/messages/{web.id}", headers=desk["agent"]).json()
    assert thread["message"]["status"] == "ended"
    assert [r["body"] for r in thread["replies"]] == [answer]


def test_a_mailed_answer_greets_the_customer_once() -> None:
    """A unified reply opens with its own greeting (尊敬的…): the mail adds none and puts
    the order's number after it; an answer without one gets the mail's greeting first."""
    from kefu.contact.order_answers import answer_mail

    order = WorkOrder(number="WO20261206-000007")
    chinese, english = Interaction(language="zh-CN"), Interaction(language="en")
    greeted = answer_mail(order, "尊敬的客户：您的发票已重开。", chinese)
    assert greeted.startswith("尊敬的客户：") and "您好" not in greeted
    assert greeted.index("您的发票已重开") < greeted.index("WO20261206-000007")
    plain = answer_mail(order, "发票已重开。", chinese)
    assert plain.startswith("您好：") and plain.index("WO20261206-000007") < plain.index("发票")
    assert answer_mail(order, "Dear Ms Li, it is done.", english).startswith("Dear Ms Li")
    assert answer_mail(order, "It is done.", english).startswith("Hello,")


def test_a_duplicate_from_an_email_merged_into_a_call_is_answered_by_mail(
    client, db: Session, desk
) -> None:
    """The customer called, then e-mailed the same problem: the e-mail's order is merged
    into the call's, and the kept order's answer goes back in the e-mail's thread."""
    supervisor = desk["supervisor"]
    called = client.post(
        "/api/v1/work-orders",
        json=_order(desk, customer_id=desk["customer"].id, contact_phone="13800138000"),
        headers=desk["agent"],
    ).json()
    message = _message(
        db,
        ContactChannel.EMAIL,
        "zhang.wei@example.cn",
        desk["customer"].id,
        channel_ref="email:<dup1@mail.example.cn>",
        subject="宽带又断了",
        body="昨天打过电话，宽带还是断的",
    )
    mailed = client.post(
        f"/api/v1/messages/{message.id}/orders", json=_order(desk), headers=desk["agent"]
    ).json()
    merged = client.post(
        f"/api/v1/work-orders/{mailed['id']}/merge",
        json={"into": called["number"]},
        headers=supervisor | {"If-Match": f'"{mailed["version"]}"'},
    )
    assert merged.status_code == 200, merged.text
    shown = client.get(f"/api/v1/messages/{message.id}", headers=desk["agent"]).json()
    assert shown["message"]["order_ids"] == [called["id"], mailed["id"]]

    answer = "经检测为光猫故障，已更换，宽带已恢复。"
    replied = _reply(client, desk["agent"], called["id"], {"reply": answer, "send_email": True})
    assert replied.status_code == 200, replied.text
    (mail,) = _mails(db)
    assert mail["in_reply_to"] == "<dup1@mail.example.cn>" and called["number"] in mail["body"]


def test_an_order_from_an_email_is_told_where_it_stands_by_mail(client, db: Session, desk) -> None:
    """The customer e-mailed and left a landline to call back: no text can reach them,
    so the progress form offers the mail; the word goes in their mail's thread, saying
    it is not yet the answer, and the answer still follows there."""
    _, order = _order_from_mail(client, db, desk, "020-8888-6666")
    _act(client, desk["agent"], order["id"], "accept", {})
    page = client.get(f"/orders/{order['id']}", headers=desk["agent"]).text
    assert '<input type="hidden" name="channel" value="email">' in page
    assert (
        "以邮件回复客户来信（z***@example.cn）" in page and 'name="channel" value="sms"' not in page
    )

    url = f"/api/v1/work-orders/{order['id']}/progress"
    said = "已安排装维工程师明天上午上门检测线路，检测后再与您联系。"
    by_text = client.post(url, json={"text": said}, headers=desk["agent"])
    assert (by_text.status_code, by_text.json()["error"]["code"]) == (422, "progress_needs_mobile")
    told = client.post(url, json={"text": said, "channel": "email"}, headers=desk["agent"])
    assert told.status_code == 201, told.text
    step = told.json()["events"][-1]
    assert (step["kind"], step["reason"], step["details"]) == ("progress", said, {"emailed": True})
    assert told.json()["status"] == "accepted"  # word of progress answers nothing
    (mail,) = _mails(db)
    assert (mail["to"], mail["in_reply_to"]) == ("zhang.wei@example.cn", "<abc123@mail.example.cn>")
    assert f"关于您来信反映的问题（工单号 {order['number']}），目前的处理进展是" in mail["body"]
    assert said in mail["body"] and "处理完毕后我们会再答复您" in mail["body"]
    assert texts_sent(db) == []
    assert "已邮件告知客户" in client.get(f"/orders/{order['id']}", headers=desk["agent"]).text

    answer = "经检测为光猫故障，已于今天上门更换，宽带已恢复。"
    replied = _act(
        client, desk["agent"], order["id"], "reply", {"reply": answer, "send_email": True}
    )
    assert replied.status_code == 200, replied.text
    assert "答复如下" in _mails(db)[-1]["body"]


def test_word_by_mail_needs_a_mail_to_answer(client, db: Session, desk) -> None:
    message = _message(db, ContactChannel.SMS, "+8613800138000", desk["customer"].id, body="断网")
    made = client.post(
        f"/api/v1/messages/{message.id}/orders",
        json=_order(desk, contact_phone="13800138000"),
        headers=desk["agent"],
    )
    order = made.json()
    _act(client, desk["agent"], order["id"], "accept", {})
    page = client.get(f"/orders/{order['id']}", headers=desk["agent"]).text
    assert 'name="channel"' not in page  # only a text can go: no choice shown
    body = {"text": "已安排工程师明天上门检测。", "channel": "email"}
    refused = client.post(
        f"/api/v1/work-orders/{order['id']}/progress",
        json=body,
        headers=desk["agent"] | {"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "progress_email_needs_message",
        "message": "This order was not opened from a customer's e-mail that can be answered: "
        "text or call the customer instead.",
        "field": "channel",
    }
    assert _mails(db) == [] and texts_sent(db) == []
