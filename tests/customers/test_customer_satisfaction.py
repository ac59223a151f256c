"""What the customer said of the service, on the 360: their latest return visits and survey
answers, newest first, and a flag when they were dissatisfied within 90 days, unless a
later return visit of the same order found them satisfied. The lookup by number, a PBX's
screen pop, leaves it out and stays a handful of reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import answer_and_close, bearer, make_customer, make_org, make_staff
from kefu.core.base import utcnow
from kefu.core.rbac import Role
from kefu.surveys.defaults import ECSI_ITEMS, ensure_ecsi_questionnaire
from kefu.workorders.models import Category
from kefu.workorders.taxonomy import ensure_default_categories

NUMBER = "13800138000"


@pytest.fixture
def shop(db: Session) -> dict[str, Any]:
    ensure_default_categories(db)
    ensure_ecsi_questionnaire(db)
    org = make_org(db)
    customer = make_customer(db, org.city, "+8613800138000", name="张伟")
    leaf = db.scalar(select(Category).where(Category.code == "billing.dispute.unknown"))
    found = {
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "surveyor": bearer(db, make_staff(db, org.city, Role.SUPERVISOR)),
        "leaf": leaf.id,
        "customer": customer.id,
    }
    db.commit()
    return found


def _step(client: Any, headers: dict, order: dict, action: str, body: dict) -> dict:
    url = f"/api/v1/work-orders/{order['id']}/{action}"
    moved = client.post(url, json=body, headers=headers | {"If-Match": f'"{order["version"]}"'})
    assert moved.status_code == 200, (action, moved.text)
    return dict(moved.json())


def _view(client: Any, shop: dict) -> dict:
    answer = client.get(f"/api/v1/customers/{shop['customer']}", headers=shop["agent"])
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _survey(client: Any, shop: dict, overall: int, **more: Any) -> None:
    answers = {code: 8 for code, block, *_ in ECSI_ITEMS if block != "COMP"}
    answers |= {"sat1": overall, "hotline1": 2, "hotline2": 3}  # the hotline scored lowest
    body = {"questionnaire": "ecsi-telecom", "channel": "sms", "answers": answers}
    body |= {"customer_id": shop["customer"], **more}
    stored = client.post("/api/v1/surveys/responses", json=body, headers=shop["surveyor"])
    assert stored.status_code == 201, stored.text


def test_a_dissatisfied_return_visit_is_flagged_until_the_reopened_order_satisfies(
    client, shop
) -> None:
    agent = shop["agent"]
    body = {"type": "complaint", "category_id": shop["leaf"], "customer_id": shop["customer"]}
    created = client.post("/api/v1/work-orders", json=body | {"subject": "扣费问题"}, headers=agent)
    assert created.status_code == 201, created.text
    order = answer_and_close(client, agent, created.json())
    order = _step(client, agent, order, "visit", {"outcome": "dissatisfied", "note": "仍被扣费"})
    view = _view(client, shop)
    assert view["flags"]["recently_dissatisfied"] is True
    (mark,) = view["satisfaction"]
    assert mark["kind"] == "return_visit" and mark["outcome"] == "dissatisfied"
    assert mark["order_number"] == order["number"] and mark["note"] == "仍被扣费"
    assert mark["by_customer"] is False
    page = client.get(f"/customers/{shop['customer']}", headers=agent).text
    assert "近期不满意" in page and "仍被扣费" in page

    order = _step(client, agent, order, "reply", {"reply": "已再次核实并退费。"})
    order = _step(client, agent, order, "close", {"note": "已答复"})
    _step(client, agent, order, "visit", {"outcome": "satisfied"})
    view = _view(client, shop)
    assert view["flags"]["recently_dissatisfied"] is False  # mended since
    assert [m["outcome"] for m in view["satisfaction"]] == ["satisfied", "dissatisfied"]


def test_a_low_overall_survey_score_is_flagged_with_the_weakest_aspect(client, shop) -> None:
    _survey(client, shop, overall=3)
    view = _view(client, shop)
    (mark,) = view["satisfaction"]
    assert (mark["kind"], mark["channel"], mark["score"], mark["scale_max"]) == (
        "survey",
        "sms",
        3,
        10,
    )
    assert mark["weakest"] == "HOTLINE" and mark["dissatisfied"] is True
    assert view["flags"]["recently_dissatisfied"] is True
    page = client.get(f"/customers/{shop['customer']}", headers=shop["agent"]).text
    assert "总体 3/10 分" in page and "最低：热线服务" in page


def test_an_old_or_a_fair_answer_is_shown_but_not_flagged(client, shop) -> None:
    long_ago = (utcnow() - timedelta(days=120)).isoformat()
    _survey(client, shop, overall=2, answered_at=long_ago)
    _survey(client, shop, overall=5)  # above the lowest third of 1-10
    view = _view(client, shop)
    assert [m["score"] for m in view["satisfaction"]] == [5, 2]
    assert view["flags"]["recently_dissatisfied"] is False


def test_the_360_shows_the_latest_five_and_the_lookup_none(client, shop) -> None:
    for overall in (9, 8, 7, 6, 5, 4):
        _survey(client, shop, overall=overall)
    view = _view(client, shop)
    assert [m["score"] for m in view["satisfaction"]] == [4, 5, 6, 7, 8]
    looked_up = client.get(
        "/api/v1/customers/lookup", params={"phone": NUMBER}, headers=shop["agent"]
    ).json()
    assert looked_up["satisfaction"] is None
    assert looked_up["flags"]["recently_dissatisfied"] is None


def test_a_customer_who_said_nothing_yet(client, shop) -> None:
    view = _view(client, shop)
    assert view["satisfaction"] == [] and view["flags"]["recently_dissatisfied"] is False
    page = client.get(f"/customers/{shop['customer']}", headers=shop["agent"]).text
    assert "暂无回访或调查记录。" in page and "近期不满意" not in page
