"""Bills by text (ZD 账单查询): the last three finished bill months from the billing system
(kefu's own spend records without one), answered in the customer's language; a number with
no bill yet, or billing not answering, waits for an agent."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from factories import add_spend, text_in, texts_sent
from kefu.app import create_app
from kefu.core.clock import add_months, local_today, month_key
from kefu.customers.models import Customer, Subscription


def _months_back(n: int) -> int:
    return add_months(month_key(local_today()), -n)


def _label(key: int) -> str:
    return f"{key // 100}-{key % 100:02d}"


def test_zd_is_answered_with_the_last_three_bill_months(client, db, sms_desk) -> None:
    number = db.scalars(select(Subscription)).one()
    add_spend(db, number.id, [_months_back(n) for n in (1, 2, 3, 4)], 5900)
    add_spend(db, number.id, [_months_back(0)], 1200)  # this month: not billed yet
    db.commit()
    served = text_in(client, sms_desk["gateway"], "zd", "zd-1")
    assert served["auto_replied"] and served["status"] == "ended"
    recent = "；".join(f"{_label(_months_back(n))}：59.00元" for n in (1, 2, 3))
    assert texts_sent(db)[-1]["text"] == f"您近期的账单：{recent}。更多账单可登录网上客服查看。"


def test_a_customer_served_in_english_reads_them_in_english(client, db, sms_desk) -> None:
    number = db.scalars(select(Subscription)).one()
    db.get(Customer, number.customer_id).language = "en"
    add_spend(db, number.id, [_months_back(1), _months_back(2)], 6150)
    db.commit()
    text_in(client, sms_desk["gateway"], "ZD", "zd-2")
    bills = "; ".join(f"{_label(_months_back(n))} CNY 61.50" for n in (1, 2))
    assert texts_sent(db)[-1]["text"] == (
        f"Your recent bills: {bills}. See more on the web self-service page."
    )


def test_no_bill_yet_or_billing_down_waits_for_an_agent(
    settings, session_factory, client, db, sms_desk
) -> None:
    waiting = text_in(client, sms_desk["gateway"], "ZD", "zd-3")
    assert not waiting["auto_replied"] and waiting["status"] == "open"
    number = db.scalars(select(Subscription)).one()
    add_spend(db, number.id, [_months_back(1)], 5900)
    db.commit()
    down = settings.model_copy(update={"billing_lookup_url": "http://127.0.0.1:9/billing"})
    with TestClient(create_app(down, session_factory), raise_server_exceptions=False) as other:
        unanswered = text_in(other, sms_desk["gateway"], "ZD", "zd-4")
    assert not unanswered["auto_replied"] and unanswered["status"] == "open"
    assert texts_sent(db) == []  # nothing made up, nothing sent
