"""The intake form's outlook: a repeat complaint and its time limits told before the order
is opened, by the same rules as its creation, and nothing written."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_customer, make_org, make_staff
from kefu.core.base import utcnow
from kefu.core.rbac import Role
from kefu.customers.enums import Tier
from kefu.workorders.models import WorkOrder

CHECK = "/api/v1/work-orders/intake-check"


@pytest.fixture
def desk(db: Session):
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    return org, cats, agent


def _check(client, headers: dict[str, str], category_id: int, **values: object) -> dict:
    body = {"type": "complaint", "category_id": category_id, **values}
    answer = client.post(CHECK, json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    result: dict = answer.json()
    return result


def _orders(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(WorkOrder)) or 0


def test_a_complaint_that_would_repeat_is_told_with_what_it_repeats(client, db, desk) -> None:
    _, cats, agent = desk
    first = complain(client, agent, cats.unknown_charge.id)
    before = _orders(db)

    # another leaf of the same branch, the number written differently: the rule's match
    outlook = _check(client, agent, cats.roaming_charge.id, contact_phone="+86 138 0013 8000")

    assert _orders(db) == before  # nothing written
    assert outlook["repeat"] is True and outlook["window_days"] == 30
    assert [(e["number"], e["status"], e["subject"]) for e in outlook["earlier"]] == [
        (first["number"], "new", "扣费问题")
    ]
    assert outlook["earlier_elsewhere"] == 0
    opened = complain(client, agent, cats.roaming_charge.id, phone="+86 138 0013 8000")
    assert opened["is_repeat"] is True and opened["repeats"] == [first["number"]]
    assert outlook["priority"] == opened["priority"] == first["priority"] + 1
    promised = datetime.fromisoformat(outlook["resolve_due_at"])
    assert abs(datetime.fromisoformat(opened["resolve_due_at"]) - promised) < timedelta(minutes=1)


def test_what_would_not_repeat_says_so(client, db, desk) -> None:
    _, cats, agent = desk
    old = complain(client, agent, cats.unknown_charge.id)
    db.get(WorkOrder, old["id"]).created_at = utcnow() - timedelta(days=31)
    db.commit()
    complain(client, agent, cats.unknown_charge.id, phone="13900139000")

    quiet = [
        _check(client, agent, cats.unknown_charge.id, contact_phone="13800138000"),  # too old
        _check(client, agent, cats.indoor.id, contact_phone="13900139000"),  # another problem
        _check(client, agent, cats.unknown_charge.id, contact_phone="13700137000"),  # number
        _check(
            client, agent, cats.unknown_charge.id, contact_phone="13900139000", type="consultation"
        ),
    ]
    assert [(o["repeat"], o["earlier"], o["earlier_elsewhere"]) for o in quiet] == [
        (False, [], 0)
    ] * 4
    assert quiet[0]["priority"] == 1 and quiet[0]["response_due_at"] is not None


def test_repeats_outside_the_callers_scope_count_but_are_not_shown(client, db, desk) -> None:
    org, cats, agent = desk
    elsewhere = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    complain(client, elsewhere, cats.unknown_charge.id)
    outlook = _check(client, agent, cats.unknown_charge.id, contact_phone="13800138000")
    assert (outlook["repeat"], outlook["earlier"], outlook["earlier_elsewhere"]) == (True, [], 1)


def test_the_customers_number_and_tier_set_the_outlook(client, db, desk) -> None:
    org, cats, agent = desk
    normal = make_customer(db, org.city, "+8613600136000")
    diamond = make_customer(db, org.city, "+8613500135000", tier=Tier.DIAMOND)
    db.commit()
    plain = _check(client, agent, cats.indoor.id, customer_id=normal.id, triage="urgent")
    valued = _check(client, agent, cats.indoor.id, customer_id=diamond.id, triage="urgent")
    assert plain["priority"] == valued["priority"] > 1
    assert valued["resolve_due_at"] < plain["resolve_due_at"]  # a diamond's limit is shorter


def test_the_outlook_refuses_what_creation_would(client, db, desk) -> None:
    org, cats, agent = desk
    english = {**agent, "Accept-Language": "en"}
    phone = "13800138000"
    cases = [
        ({"category_id": cats.unknown_charge.id}, 422, "contact_phone_required"),
        ({"category_id": 999_999, "contact_phone": phone}, 404, "category_not_found"),
        ({"category_id": cats.dispute.id, "contact_phone": phone}, 422, "category_not_leaf"),
        ({"category_id": cats.indoor.id, "contact_phone": "12"}, 422, None),
        ({"category_id": cats.indoor.id, "contact_phone": phone, "subject": "x"}, 422, None),
    ]
    for values, status, code in cases:
        answer = client.post(CHECK, json={"type": "complaint", **values}, headers=english)
        assert answer.status_code == status, answer.text
        error = answer.json()["error"]
        assert error["message"] and (code is None or error["code"] == code)
    assert client.post(CHECK, json={"type": "complaint", "category_id": 1}).status_code == 401
    auditor = bearer(db, make_staff(db, org.city, Role.AUDITOR))
    refused = client.post(
        CHECK,
        json={"type": "complaint", "category_id": cats.indoor.id, "contact_phone": "13800138000"},
        headers=auditor,
    )
    assert refused.status_code == 403


def test_an_order_that_would_join_an_open_incident_names_it(client, db, desk) -> None:
    _, cats, agent = desk
    phones = [f"1380013{n:04d}" for n in range(5)]  # five in an hour: the rule's threshold
    fifth = [complain(client, agent, cats.indoor.id, phone) for phone in phones][-1]
    asked = {"contact_phone": "13900139000"}
    joins = _check(client, agent, cats.indoor.id, **asked)["incident"]
    number = client.get(f"/api/v1/incidents/{fifth['incident_id']}", headers=agent).json()
    assert joins == {
        "id": fifth["incident_id"],
        "number": number["number"],
        "status": "proposed",
        "title": number["title"],
        "news": None,  # its callers were not told anything yet
        "news_at": None,
    }
    opened = complain(client, agent, cats.indoor.id, "13900139000")
    assert opened["incident_id"] == joins["id"]  # as the outlook said
    # another problem, and an order type the rule does not watch, join nothing
    assert _check(client, agent, cats.unknown_charge.id, **asked)["incident"] is None
    question = _check(client, agent, cats.indoor.id, type="consultation", **asked)
    assert question["incident"] is None
