"""Return visits by text (短信回访): a complaint closed for its return visit texts the
customer "回复1满意，2一般，3不满意"; their answer is the return visit (counted, on the
timeline as the customer's by SMS, audited), "3" reopens the order; anything unclear
waits for an agent; a sms_desk with the rules off texts nothing."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from factories import answer_and_close, complain, text_in, texts_sent
from kefu.contact.models import IntakeRule
from kefu.core.audit import AuditLog


def _texts(db: Session) -> list[str]:
    return [sent["text"] for sent in texts_sent(db)]


def _closed(client, sms_desk: dict, subject: str = "多扣费") -> dict:  # type: ignore[no-untyped-def]
    order = complain(client, sms_desk["agent"], sms_desk["leaf"], subject=subject)
    closed = answer_and_close(client, sms_desk["agent"], order)
    assert closed["status"] == "return_visit"
    return closed


def _text(client, sms_desk: dict, text: str, message_id: str) -> dict:  # type: ignore[no-untyped-def]
    return text_in(client, sms_desk["gateway"], text, message_id)


def test_the_customer_answers_the_return_visit_by_text(client, db, sms_desk) -> None:
    order = _closed(client, sms_desk)
    assert _texts(db)[-1] == (
        f"【{order['number']}】您反映的问题已处理完毕，请对处理结果评价："
        "回复1满意，2一般，3不满意（可附原因）。"
    )
    served = _text(client, sms_desk, "1", "rv-1")
    assert served["rule"] == "短信回访：满意" and served["status"] == "ended"
    assert _texts(db)[-1] == "感谢您的评价，祝您生活愉快！"
    detail = client.get(f"/api/v1/work-orders/{order['id']}", headers=sms_desk["agent"]).json()
    assert detail["status"] == "closed" and detail["visits"][0]["outcome"] == "satisfied"
    invited = next(e for e in detail["events"] if e["details"].get("visit_invited"))
    assert invited["kind"] == "note"
    assert detail["events"][-1]["details"]["by_customer"] == "sms"
    audited = db.scalars(select(AuditLog).where(AuditLog.action == "order.visit")).one()
    assert audited.actor_name == "subscriber 138****8000"
    # nothing waits any more: a second "1" is left to an agent
    assert _text(client, sms_desk, "1", "rv-2")["status"] == "open"


def test_a_3_reopens_the_order_with_what_the_customer_wrote(client, db, sms_desk) -> None:
    order = _closed(client, sms_desk)
    served = _text(client, sms_desk, "3 钱还没到账", "rv-3")
    assert served["auto_replied"]
    assert _texts(db)[-1] == (
        f"抱歉未能让您满意，工单 {order['number']} 已重新处理，我们会尽快与您联系。"
    )
    detail = client.get(f"/api/v1/work-orders/{order['id']}", headers=sms_desk["agent"]).json()
    assert detail["handling_round"] == 2 and detail["visits"][0]["outcome"] == "dissatisfied"
    assert "钱还没到账" in detail["events"][-1]["reason"]


def test_with_two_awaiting_the_text_names_the_order(client, db, sms_desk) -> None:
    first, second = _closed(client, sms_desk, "多扣费"), _closed(client, sms_desk, "又多扣费")
    assert _text(client, sms_desk, "2", "rv-a")["status"] == "open"  # which one? an agent asks
    named = _text(client, sms_desk, f"2 {second['number']}", "rv-b")
    assert named["status"] == "ended"
    detail = client.get(f"/api/v1/work-orders/{second['id']}", headers=sms_desk["agent"]).json()
    assert detail["visits"][0]["outcome"] == "neutral"
    untouched = client.get(f"/api/v1/work-orders/{first['id']}", headers=sms_desk["agent"]).json()
    assert untouched["status"] == "return_visit"


def test_a_center_with_the_rules_off_invites_no_one(client, db, sms_desk) -> None:
    db.execute(update(IntakeRule).where(IntakeRule.lookup == "rating").values(active=False))
    db.commit()
    before = len(_texts(db))
    order = _closed(client, sms_desk)
    assert len(_texts(db)) == before  # no invitation; the agents call back
    detail = client.get(f"/api/v1/work-orders/{order['id']}", headers=sms_desk["agent"]).json()
    assert not any(e["details"].get("visit_invited") for e in detail["events"])
    assert _text(client, sms_desk, "1", "rv-off")["status"] == "open"  # no rule takes it


def test_an_order_closed_before_the_rules_were_on_is_not_rated_by_a_stray_1(
    client, db, sms_desk
) -> None:
    """Only a return visit the customer was texted about takes a "1": one closed while
    the rules were off waits for the agents' call."""
    db.execute(update(IntakeRule).where(IntakeRule.lookup == "rating").values(active=False))
    db.commit()
    order = _closed(client, sms_desk)
    db.execute(update(IntakeRule).where(IntakeRule.lookup == "rating").values(active=True))
    db.commit()
    assert _text(client, sms_desk, "1", "rv-stray")["status"] == "open"
    detail = client.get(f"/api/v1/work-orders/{order['id']}", headers=sms_desk["agent"]).json()
    assert detail["status"] == "return_visit"
