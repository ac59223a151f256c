"""Confirmation before a service change: no reply (carrying it out) until the customer
confirms by a one-time SMS code or recorded verbal consent; the records are kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, make_categories, make_org, make_staff
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.workorders.models import Consent


def _request(client, db: Session) -> tuple[dict, dict]:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    body = {
        "type": "service_request",
        "category_id": cats.roaming_charge.id,
        "contact_phone": "13800138000",
        "subject": "开通国际漫游",
    }
    order = client.post("/api/v1/work-orders", json=body, headers=agent).json()
    accepted = client.post(
        f"/api/v1/work-orders/{order['id']}/accept",
        json={},
        headers=agent | {"If-Match": f'"{order["version"]}"'},
    ).json()
    return accepted, agent


def _reply(client, order: dict, agent: dict):
    return client.post(
        f"/api/v1/work-orders/{order['id']}/reply",
        json={"reply": "已为您开通国际漫游。"},
        headers=agent | {"If-Match": f'"{order["version"]}"'},
    )


def _code_sent(db: Session) -> str:
    texts = [j.payload for j in db.scalars(select(Job).where(Job.kind == "notify.sms"))]
    match = re.search(r"验证码 (\d{6})", texts[-1])
    assert match, texts
    return match.group(1)


def test_a_service_change_waits_for_the_code(client, db: Session) -> None:
    order, agent = _request(client, db)
    assert order["needs_consent"] and order["consent"] is None
    refused = _reply(client, order, agent)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "consent_required"
    texted = client.post(
        f"/api/v1/work-orders/{order['id']}/reply",
        json={"reply": "已为您开通国际漫游。", "send_sms": True},
        headers=agent | {"If-Match": f'"{order["version"]}"'},
    )
    assert texted.json()["error"]["code"] == "consent_required"
    assert db.scalar(select(Job).where(Job.kind == "notify.sms")) is None  # nothing texted

    url = f"/api/v1/work-orders/{order['id']}/consent"
    sent = client.post(f"{url}/code", headers=agent)
    assert sent.status_code == 200, sent.text
    assert sent.json()["consent"]["method"] == "sms_code"
    assert client.post(f"{url}/code", headers=agent).json()["error"]["code"] == (
        "consent_code_too_soon"
    )
    code = _code_sent(db)
    stored = db.scalar(select(Consent))
    assert stored is not None and code not in (stored.code_digest or "")  # only a digest

    wrong = f"{(int(code) + 1) % 10**6:06d}"
    answer = client.post(f"{url}/verify", json={"code": wrong}, headers=agent)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "consent_code_wrong"
    db.expire_all()
    assert db.scalar(select(Consent.attempts)) == 1  # the failed try is counted
    right = client.post(f"{url}/verify", json={"code": code}, headers=agent)
    assert right.status_code == 200, right.text
    assert right.json()["consent"]["confirmed_at"]
    assert _reply(client, right.json(), agent).status_code == 200
    assert "order.consent" in set(db.scalars(select(AuditLog.action)))


def test_five_wrong_codes_lock_it(client, db: Session) -> None:
    order, agent = _request(client, db)
    url = f"/api/v1/work-orders/{order['id']}/consent"
    client.post(f"{url}/code", headers=agent)
    code = _code_sent(db)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    codes = [client.post(f"{url}/verify", json={"code": wrong}, headers=agent) for _ in range(5)]
    assert [c.status_code for c in codes] == [422] * 5
    locked = client.post(f"{url}/verify", json={"code": code}, headers=agent)
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "consent_locked"


def test_recorded_verbal_consent_is_enough_and_kept(client, db: Session) -> None:
    order, agent = _request(client, db)
    url = f"/api/v1/work-orders/{order['id']}/consent/verbal"
    missing = client.post(url, json={"note": "客户同意"}, headers=agent)
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "call_reference"
    given = client.post(url, json={"call_reference": "REC-20261122-0042"}, headers=agent)
    assert given.status_code == 200, given.text
    assert given.json()["consent"]["call_reference"] == "REC-20261122-0042"
    assert _reply(client, given.json(), agent).status_code == 200
    again = client.post(url, json={"call_reference": "REC-2"}, headers=agent)
    assert again.json()["error"]["code"] == "consent_already_given"
    # The timeline says how the customer confirmed, with the recording to find.
    page = client.get(f"/orders/{order['id']}", headers=agent).text
    step = page.split('class="event-note"', 1)[1].split("</li>", 1)[0]
    assert "客户已确认: <b>录音确认</b>" in step and "REC-20261122-0042" in step
    assert "/ confirmed" not in step  # the stored bilingual reason is not shown twice


def test_other_orders_need_no_consent(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    body = {
        "type": "consultation",
        "category_id": cats.indoor.id,
        "contact_phone": "13800138000",
        "subject": "咨询",
    }
    order = client.post("/api/v1/work-orders", json=body, headers=agent).json()
    assert order["needs_consent"] is False
    sent = client.post(f"/api/v1/work-orders/{order['id']}/consent/code", headers=agent)
    assert sent.status_code == 422 and sent.json()["error"]["code"] == "consent_not_needed"


def test_codes_are_capped_at_five_a_day(client, db: Session) -> None:
    """One code a minute let an agent text a customer's phone sixty times an hour."""
    order, agent = _request(client, db)
    url = f"/api/v1/work-orders/{order['id']}/consent/code"
    start = datetime.now(UTC)
    for minute in range(5):
        with time_machine.travel(start + timedelta(minutes=2 * minute), tick=False):
            assert client.post(url, headers=agent).status_code == 200
    with time_machine.travel(start + timedelta(minutes=12), tick=False):
        capped = client.post(url, headers=agent | {"Accept-Language": "en"})
    assert capped.status_code == 409
    error = capped.json()["error"]
    assert error["code"] == "consent_code_limit"
    assert error["message"].startswith("5 codes have been texted for this order")
    with time_machine.travel(start + timedelta(days=1, minutes=1), tick=False):
        assert client.post(url, headers=agent).status_code == 200  # the first one aged out
    texts = db.scalars(select(Job).where(Job.kind == "notify.sms")).all()
    assert len(texts) == 6
