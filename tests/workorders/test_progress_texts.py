"""Progress texts (进度告知): a handler texts the customer where their open order stands,
the order's number first; on the timeline and audited, once per Idempotency-Key, without
a version and without changing the order. Refused once the order is answered, for a
number that takes no texts, for a text with a template's blanks, for readers and outside
the handler's scope."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import (
    bearer,
    complain,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    texts_sent,
)
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.customers.enums import Tier

SAID = "网络优化中心明天上午到您小区现场测试，测试后我们会再告知您结果。"


def _accepted(client, headers: dict, order: dict) -> dict:
    accepted = client.post(
        f"/api/v1/work-orders/{order['id']}/accept",
        json={},
        headers=headers | {"If-Match": f'"{order["version"]}"'},
    )
    assert accepted.status_code == 200, accepted.text
    return dict(accepted.json())


def test_a_handler_texts_the_customer_where_the_order_stands(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = _accepted(client, agent, complain(client, agent, cats.indoor.id))
    before = len(texts_sent(db))
    url = f"/api/v1/work-orders/{order['id']}/progress"
    untold = client.get(f"/orders/{order['id']}", headers=agent).text
    assert "受理后尚未告知过进度。" in untold and "上次告知" not in untold

    told = client.post(url, json={"text": SAID}, headers=agent | {"Idempotency-Key": "p-1"})
    assert told.status_code == 201, told.text
    body = told.json()
    assert (body["version"], body["status"]) == (order["version"], "accepted")
    step = body["events"][-1]
    assert (step["kind"], step["reason"], step["details"]) == ("progress", SAID, {"texted": True})
    assert texts_sent(db)[before:] == [
        {"to": "+8613800138000", "text": f"【{order['number']}】{SAID}"}
    ]
    # The same key and text: the same answer, one text; another text under it: refused.
    again = client.post(url, json={"text": SAID}, headers=agent | {"Idempotency-Key": "p-1"})
    assert again.status_code == 201 and again.json() == body
    other = client.post(url, json={"text": "别的进展"}, headers=agent | {"Idempotency-Key": "p-1"})
    assert other.status_code == 422
    assert len(texts_sent(db)) == before + 1
    audited = db.scalar(
        select(func.count()).where(
            AuditLog.action == "order.progress", AuditLog.entity_id == str(order["id"])
        )
    )
    assert audited == 1
    # The order was not changed: a write with the version read before still goes through.
    started = client.post(
        f"/api/v1/work-orders/{order['id']}/start",
        json={},
        headers=agent | {"If-Match": f'"{order["version"]}"'},
    )
    assert started.status_code == 200, started.text
    page = client.get(f"/orders/{order['id']}", headers=agent).text
    step_html = page.split('class="event-progress"', 1)[1].split("</li>", 1)[0]
    assert "已告知客户处理进度" in step_html and "网络优化中心明天上午" in step_html
    assert 'id="progress-form"' in page
    assert "上次告知：" in page and "受理后尚未告知过进度" not in page


def test_a_progress_text_is_refused_where_it_cannot_go(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = _accepted(client, agent, complain(client, agent, cats.indoor.id))
    url = f"/api/v1/work-orders/{order['id']}/progress"
    before = len(texts_sent(db))

    def refused(text: str, headers: dict = agent, to: str = url) -> dict:
        answer = client.post(to, json={"text": text}, headers=headers | {"Accept-Language": "en"})
        assert 400 <= answer.status_code < 500, answer.text
        return {"status": answer.status_code, **answer.json()["error"]}

    blanks = refused("您的退费 {amount} 元将于本月到账。")
    assert (blanks["status"], blanks["code"], blanks["field"]) == (422, "reply_has_blanks", "text")
    assert refused("好的")["field"] == "text"  # too short to tell anything
    assert refused("长" * 501)["field"] == "text"  # more than a text holds
    assert refused(SAID, bearer(db, make_staff(db, org.city, Role.QA)))["status"] == 403
    elsewhere = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    assert refused(SAID, elsewhere)["status"] == 403

    landline = complain(client, agent, cats.indoor.id, phone="010-6234-5678")
    no_mobile = refused(SAID, to=f"/api/v1/work-orders/{landline['id']}/progress")
    assert (no_mobile["status"], no_mobile["code"]) == (422, "progress_needs_mobile")
    assert "call the customer" in no_mobile["message"]
    assert 'id="progress-form"' not in client.get(f"/orders/{landline['id']}", headers=agent).text

    replied = client.post(
        f"/api/v1/work-orders/{order['id']}/reply",
        json={"reply": "经测试，小区信号已恢复正常。"},
        headers=agent | {"If-Match": f'"{order["version"]}"'},
    )
    assert replied.status_code == 200, replied.text
    answered = refused(SAID)
    assert (answered["status"], answered["code"]) == (409, "progress_order_not_open")
    assert answered["message"] == (
        f"Order {order['number']} is no longer being handled: its reply tells the customer, "
        "or reopen it."
    )
    assert 'id="progress-form"' not in client.get(f"/orders/{order['id']}", headers=agent).text
    assert len(texts_sent(db)) == before


def test_a_customer_owed_word_for_a_day_shows_on_the_queues(client, db: Session) -> None:
    """An order being handled whose customer has heard nothing for a day (since it was
    taken, or since the last progress text) says so on the queues and the agent's
    workbench, with how long; not while it waits on the customer."""
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    taken = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    with time_machine.travel(taken, tick=False):
        order = _accepted(client, agent, complain(client, agent, cats.indoor.id))
        order = client.post(  # started: theirs, on their queue and workbench
            f"/api/v1/work-orders/{order['id']}/start",
            json={},
            headers=agent | {"If-Match": f'"{order["version"]}"'},
        ).json()

    def untold(hours: float, page: str = "/orders?view=mine") -> str | None:
        with time_machine.travel(taken + timedelta(hours=hours), tick=False):
            html = client.get(page, headers=agent).text
        row = html.split(order["number"], 1)[1].split("</td>", 1)[0]
        found = re.search(r'class="chip orange untold"[^>]*>([^<]+)<', row)
        return found.group(1) if found else None

    assert untold(23.5) is None
    assert untold(25) == "1天1小时未告知"
    assert untold(25, "/agent") == "1天1小时未告知"
    with time_machine.travel(taken + timedelta(hours=26), tick=False):
        told = client.post(
            f"/api/v1/work-orders/{order['id']}/progress", json={"text": SAID}, headers=agent
        )
    assert told.status_code == 201, told.text
    assert untold(49) is None  # 23 hours after the text
    assert untold(76.5) == "2天2小时未告知"
    with time_machine.travel(taken + timedelta(hours=77), tick=False):
        waiting = client.post(
            f"/api/v1/work-orders/{order['id']}/wait",
            json={"reason": "等客户在家测试信号"},
            headers=agent | {"If-Match": f'"{order["version"]}"'},
        )
    assert waiting.status_code == 200, waiting.text
    assert untold(100) is None  # asked for something: the customer knows


def test_a_diamond_customer_is_owed_word_twice_a_day(client, db: Session) -> None:
    """The best tiers hear from an open order at least every 12 hours by default; the
    center sets each tier's interval on its Time limits page."""
    org = make_org(db)
    cats = make_categories(db)
    customer = make_customer(db, org.city, "+8613900139000", tier=Tier.DIAMOND)
    db.commit()
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    taken = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    with time_machine.travel(taken, tick=False):
        body = {"type": "complaint", "category_id": cats.indoor.id, "subject": "扣费问题"}
        made = client.post(
            "/api/v1/work-orders", json=body | {"customer_id": customer.id}, headers=agent
        )
        assert made.status_code == 201, made.text
        diamond = _accepted(client, agent, made.json())
        normal = _accepted(client, agent, complain(client, agent, cats.indoor.id, "13700137000"))
    assert diamond["customer_id"] is not None and normal["customer_id"] is None

    def chips(hours: float) -> dict[str, str | None]:
        with time_machine.travel(taken + timedelta(hours=hours), tick=False):
            html = client.get("/orders?view=all", headers=agent).text
        found = {}
        for order in (diamond, normal):
            row = html.split(order["number"], 1)[1].split("</td>", 1)[0]
            chip = re.search(r'class="chip orange untold"[^>]*>([^<]+)<', row)
            found[order["number"]] = chip.group(1) if chip else None
        return found

    assert chips(11.5) == {diamond["number"]: None, normal["number"]: None}
    assert chips(13) == {diamond["number"]: "13小时未告知", normal["number"]: None}
    assert chips(25) == {diamond["number"]: "1天1小时未告知", normal["number"]: "1天1小时未告知"}

    levels = client.get("/api/v1/service-levels", headers=agent).json()["tiers"]
    shipped = {t["tier"]: t["tell_every_hours"] for t in levels}
    assert (shipped["diamond"], shipped["supreme"], shipped["normal"]) == (12, 12, 24)
    url = "/api/v1/service-levels/tiers/normal"
    body = {"limit_percent": 100, "return_visit_hours": 72, "tell_every_hours": 6}
    assert client.put(url, json=body | {"tell_every_hours": 0}, headers=admin).status_code == 422
    assert client.put(url, json=body, headers=admin).status_code == 200
    assert chips(7)[normal["number"]] == "7小时未告知"
    left_out = {"limit_percent": 100, "return_visit_hours": 72}  # the shipped interval again
    again = client.put(url, json=left_out, headers=admin | {"If-Match": '"1"'})
    assert (again.status_code, again.json()["tell_every_hours"]) == (200, 24)
    assert chips(7)[normal["number"]] is None
