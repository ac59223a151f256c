"""Where a customer's work orders stand, asked by SMS (CX): the sender's open orders, newest
first, each with its state and when the answer is due; one named order whatever its
state, when it is the sender's; served by the text, in the customer's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, complain, make_customer, make_org, make_staff, text_in, texts_sent
from kefu.contact.defaults import ensure_default_intake_rules
from kefu.core.clock import local_today
from kefu.core.rbac import Role
from kefu.customers.models import Customer
from kefu.workorders.models import Category, OrderRefund
from kefu.workorders.taxonomy import ensure_default_categories


@pytest.fixture
def center(db: Session) -> dict:
    ensure_default_categories(db)
    ensure_default_intake_rules(db)
    org = make_org(db)
    customer = make_customer(db, org.city, "+8613800138000")
    leaf = db.scalar(select(Category).where(Category.code == "billing.dispute.unknown"))
    center = {
        "gateway": bearer(db, make_staff(db, org.province, Role.INTEGRATION)),
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "supervisor": bearer(db, make_staff(db, org.city, Role.SUPERVISOR)),
        "customer": customer,
        "leaf": leaf.id,
    }
    db.commit()
    return center


def _ask(client, center: dict, text: str, message_id: str, sender: str = "13800138000"):  # type: ignore[no-untyped-def]
    return text_in(client, center["gateway"], text, message_id, sender)


def _last_text(db: Session) -> str:
    return str(texts_sent(db)[-1]["text"])


def test_a_customer_texts_cx_and_hears_where_their_orders_stand(client, db, center) -> None:
    older = complain(client, center["agent"], center["leaf"], subject="上月扣费")
    newer = complain(client, center["agent"], center["leaf"], subject="本月又扣费")
    # a third on another number: not theirs
    complain(client, center["agent"], center["leaf"], "13900139000", subject="别人的")
    served = _ask(client, center, "cx", "gw-1")
    assert served["rule"] == "工单进度查询" and served["auto_replied"]
    assert served["status"] == "ended"  # served by itself: no agent needed
    text = _last_text(db)
    assert text.startswith("您的工单进度：")
    assert text.index(newer["number"]) < text.index(older["number"])  # newest first
    assert "新建，预计" in text and "前答复" in text
    assert "13900139000" not in text and text.count("WO") == 2


def test_cx_tells_when_the_engineer_comes(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], subject="宽带断网")
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    visit = {
        "visit_on": tomorrow,
        "from_time": "14:00",
        "to_time": "18:00",
        "address": "广州市天河区体育西路 101 号",
        "engineer": "张工",
        "engineer_phone": "139 2001 3301",
    }
    booked = client.post(
        f"/api/v1/work-orders/{order['id']}/appointments", json=visit, headers=center["agent"]
    )
    assert booked.status_code == 201, booked.text
    _ask(client, center, "CX", "gw-9")
    day = local_today() + timedelta(days=1)
    # when, who comes and the number to reach them, as the booking's text said
    assert f"{day:%m月%d日}14:00-18:00工程师张工（139 2001 3301）上门" in _last_text(db)


def test_cx_tells_a_customer_the_engineer_found_out_how_to_book_again(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], subject="宽带断网")
    url = f"/api/v1/work-orders/{order['id']}/appointments"
    tomorrow = local_today() + timedelta(days=1)
    visit = {
        "visit_on": tomorrow.isoformat(),
        "from_time": "09:00",
        "to_time": "12:00",
        "address": "广州市天河区体育西路 101 号",
        "engineer": "张工",
    }
    booked = client.post(url, json=visit, headers=center["agent"]).json()
    out = {"missed_by": "customer", "reason": "敲门无人应"}
    missed = client.post(f"{url}/{booked['id']}/missed", json=out, headers=center["agent"])
    assert missed.status_code == 200, missed.text
    _ask(client, center, "CX", "gw-out")
    said = _last_text(db)
    assert f"工程师{tomorrow:%m月%d日}09:00-12:00上门未遇，可回复GY+日期+时段重新预约" in said
    assert "09:00-12:00工程师张工上门" not in said  # not as if still booked


def test_cx_tells_the_money_given_back_once_it_was_decided(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], subject="误扣彩铃费")
    url = f"/api/v1/work-orders/{order['id']}/refunds"
    body = {"kind": "compensation", "amount_fen": 1000, "reason": "致歉补偿话费"}
    refund = client.post(url, json=body, headers=center["agent"]).json()
    _ask(client, center, "CX", "gw-r1")
    assert "退" not in _last_text(db)  # only asked: nothing promised yet
    approved = client.post(f"{url}/{refund['id']}/approve", json={}, headers=center["supervisor"])
    assert approved.status_code == 200, approved.text
    _ask(client, center, "CX", "gw-r2")
    assert "10.00元退费办理中" in _last_text(db)
    db.execute(
        OrderRefund.__table__.update()
        .where(OrderRefund.id == refund["id"])
        .values(status="credited")
    )
    db.commit()
    _ask(client, center, "CX", "gw-r3")
    assert "已退10.00元到账" in _last_text(db)


def test_a_named_order_is_told_whatever_its_state(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], subject="扣费")
    other = complain(client, center["agent"], center["leaf"], "13900139000", subject="别人的")
    cancelled = client.post(
        f"/api/v1/work-orders/{order['id']}/cancel",
        json={"reason": "客户来电撤销"},
        headers=center["supervisor"] | {"If-Match": f'"{order["version"]}"'},
    )
    assert cancelled.status_code == 200
    _ask(client, center, "CX", "gw-2")
    assert "暂无处理中的工单" in _last_text(db)  # the cancelled one is not open
    typed = order["number"].lower().replace("-", " - ")  # as a phone's keyboard gives it
    _ask(client, center, f"CX {typed}", "gw-3")
    assert f"{order['number']} 已作废" in _last_text(db)
    _ask(client, center, f"cx：{other['number']}", "gw-4")  # a phone's full-width colon
    assert _last_text(db).startswith(f"您的工单进度：未找到您名下的工单 {other['number']}")


def test_a_named_order_being_handled_tells_its_last_progress_text(client, db, center) -> None:
    """The customer who lost the progress text (进度告知) names the order and hears it
    again, with when; the list of open orders leaves it out (a text holds three orders)."""
    order = complain(client, center["agent"], center["leaf"], subject="扣费")
    url = f"/api/v1/work-orders/{order['id']}/progress"
    for said in ("计费部门正在核实扣费明细。", "已核实为误扣，退费明天到账。"):
        told = client.post(url, json={"text": said}, headers=center["agent"])
        assert told.status_code == 201, told.text
    _ask(client, center, f"CX {order['number']}", "gw-p1")
    text = _last_text(db)
    assert text.startswith(f"您的工单进度：{order['number']} 新建，预计")
    assert "，最新进展（" in text and text.endswith(
        "）：已核实为误扣，退费明天到账。如需催办，请回复 CB+工单号。"
    )
    assert "计费部门正在核实" not in text
    _ask(client, center, "CX", "gw-p2")
    assert "最新进展" not in _last_text(db)
    customer = db.get(Customer, center["customer"].id)
    customer.language = "en"
    db.commit()
    _ask(client, center, f"CX {order['number']}", "gw-p3")
    assert ", latest (" in _last_text(db) and "): 已核实为误扣，退费明天到账" in _last_text(db)


def test_an_english_speaker_is_told_in_english(client, db: Session, center) -> None:
    customer = db.get(Customer, center["customer"].id)
    customer.language = "en"
    db.commit()
    order = complain(client, center["agent"], center["leaf"], subject="Unknown charge")
    _ask(client, center, "CX", "gw-5")
    text = _last_text(db)
    assert text.startswith(f"Your work orders: {order['number']} New, answer due by ")


def test_a_customer_chases_their_order_by_text(client, db: Session, center) -> None:
    order = complain(client, center["agent"], center["leaf"], subject="扣费")
    served = _ask(client, center, "CB 怎么还没人联系我", "gw-6")
    assert served["rule"] == "短信催办" and served["status"] == "ended"
    assert _last_text(db) == f"已为您催办工单 {order['number']}（新建），处理人员将尽快与您联系。"
    shown = client.get(f"/api/v1/work-orders/{order['id']}", headers=center["agent"]).json()
    assert shown["urge_count"] == 1 and shown["priority"] == order["priority"] + 1
    step = shown["events"][-1]
    assert step["kind"] == "urge" and step["reason"] == "短信催办 / by SMS: 怎么还没人联系我"
    thread = client.get(f"/api/v1/messages/{served['interaction_id']}", headers=center["agent"])
    assert thread.json()["message"]["order_ids"] == [order["id"]]  # linked both ways

    # two open orders: the text must name one, else an agent reads it
    second = complain(client, center["agent"], center["leaf"], subject="又扣费")
    unclear = _ask(client, center, "CB", "gw-7")
    assert unclear["status"] == "open" and not unclear["auto_replied"]
    named = _ask(client, center, f"CB {second['number']}", "gw-8")
    assert named["auto_replied"] and second["number"] in _last_text(db)
    # another's order is not theirs to chase
    other = complain(client, center["agent"], center["leaf"], "13900139000", subject="别人的")
    refused = _ask(client, center, f"CB {other['number']}", "gw-9")
    assert refused["status"] == "open" and not refused["auto_replied"]
    theirs = client.get(f"/api/v1/work-orders/{other['id']}", headers=center["agent"]).json()
    assert theirs["urge_count"] == 0
