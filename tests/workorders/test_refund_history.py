"""A number's refunds across its orders, beside a refund's approval: what it was given
back in the last twelve months, what was refused, and a warning when the very charge
asked about (bill month and sum) is given back or asked already on another order."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from factories import (
    ask_refund,
    bearer,
    complain,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    month_back,
    run_jobs_texting_to,
)
from kefu.billing import credits  # noqa: F401  (registers the credit's job)
from kefu.core.base import utcnow
from kefu.core.rbac import Role
from kefu.workorders.models import OrderRefund


@pytest.fixture
def desk(db: Session):
    org = make_org(db)
    cats = make_categories(db)
    make_customer(db, org.city)  # +8613800138000
    make_customer(db, org.city, msisdn="+8613900139000")
    return {
        "cats": cats,
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "lead": bearer(db, make_staff(db, org.city, Role.TEAM_LEAD)),
    }


def _url(order: dict, *more: object) -> str:
    return "/".join([f"/api/v1/work-orders/{order['id']}/refunds", *map(str, more)])


def _ask(client, desk, order: dict, **body: object) -> dict:
    return ask_refund(client, desk["agent"], order["id"], **body)


def _decide(client, desk, order: dict, refund: dict, step: str, **body: str) -> None:
    answer = client.post(_url(order, refund["id"], step), json=body, headers=desk["lead"])
    assert answer.status_code == 200, answer.text


def _complaint(client, desk, phone: str = "13800138000") -> dict:
    return complain(client, desk["agent"], desk["cats"].unknown_charge.id, phone)


def test_the_same_charge_asked_again_on_another_order_is_flagged(
    client, db: Session, desk, session_factory, tmp_path: Path, monkeypatch
) -> None:
    first = _complaint(client, desk)
    given = _ask(client, desk, first)
    _decide(client, desk, first, given, "approve")
    run_jobs_texting_to(session_factory, tmp_path / "sms.jsonl", monkeypatch)
    refused = _ask(client, desk, first, charge_fen=1500, bill_month=month_back(2))
    _decide(client, desk, first, refused, "reject", reason="账单核实无此扣费")

    second = _complaint(client, desk)  # the customer complains again, by e-mail
    again = _ask(client, desk, second)  # the charge credited on the first
    other_month = _ask(client, desk, second, bill_month=month_back(3))
    refused_charge = _ask(client, desk, second, charge_fen=1500, bill_month=month_back(2))
    compensation = _ask(client, desk, second, kind="compensation", amount_fen=3000)

    listed = client.get(_url(second), headers=desk["lead"]).json()
    warned = {item["id"]: item["same_charge_on"] for item in listed["items"]}
    assert warned == {
        again["id"]: first["number"],
        other_month["id"]: None,
        refused_charge["id"]: None,  # refused there: asking again is no second claim
        compensation["id"]: None,  # names no charge
    }
    history = listed["number_history"]
    assert (history["given_count"], history["given_fen"], history["rejected_count"]) == (
        1,
        3000,
        1,
    )
    assert [(e["order_number"], e["status"], e["amount_fen"]) for e in history["recent"]] == [
        (first["number"], "rejected", 1500),
        (first["number"], "credited", 3000),
    ]

    # the first order sees the second's asking the same charge: the approver of either is told
    on_first = client.get(_url(first), headers=desk["lead"]).json()
    assert all(item["same_charge_on"] is None for item in on_first["items"])  # decided there
    assert on_first["number_history"]["given_count"] == 0  # the second's wait, none given
    assert len(on_first["number_history"]["recent"]) == 4

    # once the second's is rejected, nothing of it claims the charge any more
    _decide(client, desk, second, again, "reject", reason="已在前单退还")
    rows = client.get(_url(second), headers=desk["lead"]).json()["items"]
    assert all(item["same_charge_on"] is None for item in rows)


def test_the_history_is_the_numbers_own_and_of_twelve_months(
    client, db: Session, desk, session_factory, tmp_path: Path, monkeypatch
) -> None:
    old = _complaint(client, desk)
    long_ago = _ask(client, desk, old)
    _decide(client, desk, old, long_ago, "approve")
    run_jobs_texting_to(session_factory, tmp_path / "sms.jsonl", monkeypatch)
    row = db.get(OrderRefund, long_ago["id"])
    row.requested_at = utcnow() - timedelta(days=400)
    db.commit()
    _ask(client, desk, _complaint(client, desk, "13900139000"))  # another number's

    now = _complaint(client, desk)
    asked = _ask(client, desk, now)
    listed = client.get(_url(now), headers=desk["lead"]).json()
    assert listed["number_history"] == {
        "given_count": 0,
        "given_fen": 0,
        "rejected_count": 0,
        "recent": [],
    }
    # a charge given back more than a year ago is still the same charge
    (item,) = listed["items"]
    assert (item["id"], item["same_charge_on"]) == (asked["id"], old["number"])


@pytest.mark.parametrize(
    ("language", "said", "warning"),
    [
        ("zh-CN", "此号码近12个月在其他工单", "同一账期同一费用已在"),
        ("en", "This number on other orders, last 12 months", "The same charge is given back"),
    ],
)
def test_the_order_page_shows_the_history_and_the_warning(
    client, desk, language: str, said: str, warning: str
) -> None:
    first = _complaint(client, desk)
    _ask(client, desk, first)
    second = _complaint(client, desk)
    _ask(client, desk, second)
    headers = desk["lead"]
    client.cookies.set("kefu_lang", language)  # the language switch's cookie
    page = client.get(f"/orders/{second['id']}", headers=headers).text
    assert said in page and warning in page
    assert f'href="/orders/{first["id"]}"' in page
    assert "refund_kind." not in page and "refund_status." not in page  # all named
    alone = _complaint(client, desk, "13900139000")
    quiet = client.get(f"/orders/{alone['id']}", headers=headers).text
    assert said not in quiet
    client.cookies.delete("kefu_lang")
