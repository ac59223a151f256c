"""Orders passed on to the center (越级投诉 from the regulator, a consumer body or the
press; 领导交办 from the company's leaders): kept with who passed them on and their
reference, handled as key at least, due by their date at the latest, listed apart and
counted in the month's appeal rate (越级投诉率)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_customer, make_org, make_staff
from kefu.core.audit import AuditLog
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.clock import day_start_utc, local_today
from kefu.core.rbac import Role
from kefu.customers.enums import Tier
from kefu.workorders.enums import OrderType, Triage
from kefu.workorders.limits import SHIPPED, due_times
from kefu.workorders.models import WorkOrder

URL = "/api/v1/work-orders"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def desk(db: Session):
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    return org, cats, agent, supervisor


def _appeal(cats, **more: object) -> dict[str, object]:
    return {
        "type": "complaint",
        "category_id": cats.unknown_charge.id,
        "contact_phone": "13800138000",
        "subject": "客户向工信部申诉：不明扣费未退",
        "origin": "regulator",
        "origin_ref": "12300-2026-0012345",
    } | more


def test_a_regulator_appeal_is_key_due_by_its_date_and_says_who_passed_it_on(
    client, db: Session, desk
) -> None:
    _, cats, agent, _ = desk
    due_on = local_today()
    made = client.post(URL, json=_appeal(cats, origin_due_on=due_on.isoformat()), headers=agent)
    assert made.status_code == 201, made.text
    order = made.json()
    assert (order["origin"], order["origin_ref"]) == ("regulator", "12300-2026-0012345")
    assert (order["triage"], order["priority"]) == ("key", 2)  # key without being told
    end_of_day = day_start_utc(due_on + timedelta(days=1))
    assert datetime.fromisoformat(order["origin_due_at"]) == end_of_day
    assert datetime.fromisoformat(order["resolve_due_at"]) <= end_of_day
    row = db.get(WorkOrder, order["id"])
    assert row.warn_at is not None and row.warn_at <= row.resolve_due_at
    created = order["events"][0]
    assert created["details"] == {"origin": "regulator", "origin_ref": "12300-2026-0012345"}
    audited = db.scalars(select(AuditLog).where(AuditLog.action == "order.create")).one()
    assert json.loads(audited.details)["origin_ref"] == "12300-2026-0012345"
    shown = client.get(f"{URL}/{order['id']}", headers=agent).json()
    assert (shown["origin"], shown["origin_ref"]) == ("regulator", "12300-2026-0012345")


def test_a_given_triage_of_key_or_above_is_kept(client, desk) -> None:
    _, cats, agent, _ = desk
    body = _appeal(cats, origin="media", origin_ref="", triage="urgent", triage_reason="央视曝光")
    made = client.post(URL, json=body, headers=agent)
    assert made.status_code == 201, made.text
    assert (made.json()["triage"], made.json()["priority"]) == ("urgent", 3)


@pytest.mark.parametrize(
    ("more", "code", "field"),
    [
        ({"origin_ref": ""}, "origin_ref_required", "origin_ref"),
        ({"origin": "consumer_body", "origin_ref": ""}, "origin_ref_required", "origin_ref"),
        ({"origin": "customer"}, "origin_ref_needs_origin", "origin_ref"),
        (
            {"origin": "customer", "origin_ref": "", "origin_due_on": "2099-01-01"},
            "origin_due_needs_origin",
            "origin_due_on",
        ),
        ({"origin_due_on": "2001-01-01"}, "origin_due_past", "origin_due_on"),
        ({"triage": "normal", "triage_reason": "一般"}, "origin_triage_too_low", "triage"),
        ({"triage": "invalid", "triage_reason": "恶意"}, "origin_triage_too_low", "triage"),
        ({"origin_ref": "1" * 65}, "validation_too_long", "origin_ref"),
        ({"origin": "ministry"}, "validation_choice", "origin"),
    ],
)
def test_a_passed_on_order_that_does_not_add_up_is_refused(
    client, db: Session, desk, more, code, field
) -> None:
    _, cats, agent, _ = desk
    answer = client.post(URL, json=_appeal(cats, **more), headers=agent)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert (error["code"], error.get("field")) == (code, field)
    assert db.scalar(select(WorkOrder.id)) is None


def test_the_refusal_is_in_the_callers_language(client, desk) -> None:
    _, cats, agent, _ = desk
    body = _appeal(cats, origin_ref="")
    zh = client.post(URL, json=body, headers=agent | {"Accept-Language": "zh-CN"}).json()
    en = client.post(URL, json=body, headers=agent | {"Accept-Language": "en"}).json()
    assert "申诉编号" in zh["error"]["message"]
    assert "reference number" in en["error"]["message"]


def test_a_passed_on_order_is_never_triaged_below_key(client, desk) -> None:
    _, cats, agent, supervisor = desk
    order = client.post(URL, json=_appeal(cats, origin="executive", origin_ref=""), headers=agent)
    order = order.json()
    url = f"{URL}/{order['id']}/triage"
    lower = {"triage": "normal", "reason": "经核实为一般咨询"}
    match = {"If-Match": f'"{order["version"]}"'}
    refused = client.post(url, json=lower, headers=supervisor | match)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "origin_triage_too_low"
    raised = client.post(
        url, json={"triage": "urgent", "reason": "领导督办"}, headers=supervisor | match
    )
    assert raised.status_code == 200 and raised.json()["triage"] == "urgent"


def test_passed_on_orders_are_listed_apart_and_counted_as_appeals(client, desk) -> None:
    _, cats, agent, supervisor = desk
    regulator = client.post(URL, json=_appeal(cats), headers=agent).json()
    media = client.post(
        URL,
        json=_appeal(cats, origin="media", origin_ref="", contact_phone="13900139000"),
        headers=agent,
    ).json()
    executive = client.post(
        URL,
        json=_appeal(cats, origin="executive", origin_ref="", contact_phone="13700137000"),
        headers=agent,
    ).json()
    own = complain(client, agent, cats.indoor.id, "13600136000")
    assert own["origin"] == "customer" and own["triage"] is None

    listed = client.get(URL, params={"origin": ["regulator", "media"]}, headers=supervisor).json()[
        "items"
    ]
    assert {row["number"] for row in listed} == {regulator["number"], media["number"]}
    assert {row["origin"] for row in listed} == {"regulator", "media"}
    every = client.get(URL, headers=supervisor).json()["items"]
    assert {row["number"]: row["origin"] for row in every}[executive["number"]] == "executive"

    month = local_today().strftime("%Y-%m")
    rate = client.get(
        f"{URL}/repeat-rate", params={"month": month, "by": "category"}, headers=supervisor
    ).json()
    # taken outside the company: the regulator and the press; not the leaders' own referral
    assert (rate["complaints"], rate["appeals"], rate["appeal_rate"]) == (4, 2, 0.5)
    rows = {row["key_name"]: (row["complaints"], row["appeals"]) for row in rate["rows"]}
    assert rows == {"费用争议": (3, 2), "信号覆盖": (1, 0)}


def test_the_intake_check_shows_the_limits_a_passed_on_order_gets(client, desk) -> None:
    _, cats, agent, _ = desk
    asked = {"type": "complaint", "category_id": cats.indoor.id, "contact_phone": "13800138000"}
    plain = client.post(f"{URL}/intake-check", json=asked, headers=agent).json()
    passed = client.post(
        f"{URL}/intake-check", json=asked | {"origin": "regulator"}, headers=agent
    ).json()
    assert (plain["priority"], passed["priority"]) == (1, 2)
    assert passed["resolve_due_at"] < plain["resolve_due_at"]


def test_the_export_names_who_passed_an_order_on(client, db: Session, desk) -> None:
    org, cats, agent, _ = desk
    client.post(URL, json=_appeal(cats), headers=agent)
    day = local_today().isoformat()
    asked = {"reason": "越级投诉月度通报", "format": "csv", "created_from": day, "created_to": day}
    exporter = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    answer = client.post(f"{URL}/export", json=asked, headers=exporter)
    assert answer.status_code == 200, answer.text
    header, row = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    at = header.index("越级/转办来源")
    assert header[at : at + 2] == ["越级/转办来源", "申诉编号"]
    assert row[at : at + 2] == ["工信部申诉", "12300-2026-0012345"]
    complain(client, agent, cats.indoor.id, "13600136000")  # the customer's own: left out
    only = client.post(f"{URL}/export", json=asked | {"passed_on_only": True}, headers=exporter)
    rows = list(csv.reader(io.StringIO(only.content.decode("utf-8-sig"))))[1:]
    assert [r[at + 1] for r in rows] == ["12300-2026-0012345"]


MORNING = datetime(2026, 12, 7, 9, 30, tzinfo=SHANGHAI)  # a Monday


@given(
    days=st.integers(min_value=-3, max_value=20),
    triage=st.sampled_from([Triage.KEY, Triage.URGENT]),
    tier=st.sampled_from(list(Tier)),
)
def test_a_deadline_only_ever_brings_the_limits_forward(
    days: int, triage: Triage, tier: Tier
) -> None:
    common = {
        "created_at": MORNING,
        "order_type": OrderType.COMPLAINT,
        "triage": triage,
        "tier": tier,
        "calendar": BusinessCalendar(),
        "levels": SHIPPED,
    }
    free = due_times(**common)  # type: ignore[arg-type]
    deadline = MORNING + timedelta(days=days)
    bound = due_times(**common, deadline=deadline)  # type: ignore[arg-type]
    assert bound.resolution <= free.resolution and bound.warn <= free.warn
    assert bound.response <= bound.resolution and bound.warn <= bound.resolution
    if deadline <= MORNING:  # already past when the round starts: it does not apply
        assert bound == free
    else:
        assert bound.resolution == min(free.resolution, deadline)


def test_a_passed_on_order_is_kept_not_merged_away(client, desk) -> None:
    _, cats, agent, supervisor = desk
    own = complain(client, agent, cats.unknown_charge.id)
    appeal = client.post(URL, json=_appeal(cats), headers=agent).json()

    def merge(order: dict, into: dict):  # type: ignore[no-untyped-def]
        return client.post(
            f"{URL}/{order['id']}/merge",
            json={"into": into["number"]},
            headers=supervisor | {"If-Match": f'"{order["version"]}"'},
        )

    refused = merge(appeal, own)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "merge_passed_on"
    kept = merge(own, appeal)  # the customer's own order goes into the appeal
    assert kept.status_code == 200, kept.text
    shown = client.get(f"{URL}/{appeal['id']}", headers=supervisor).json()
    assert shown["status"] == "new" and shown["events"][-1]["kind"] == "merge"


def test_the_360_page_tells_the_agent_the_customer_went_outside(client, db: Session, desk) -> None:
    org, cats, agent, _ = desk
    customer = make_customer(db, org.city)
    db.commit()
    phone = "13800138000"
    body = _appeal(cats, customer_id=customer.id, contact_phone=phone)
    appeal = client.post(URL, json=body, headers=agent).json()
    view = client.get("/api/v1/customers/lookup", params={"phone": phone}, headers=agent).json()
    listed = {item["number"]: item["origin"] for item in view["open_work_items"]}
    assert listed == {appeal["number"]: "regulator"}
    assert view["flags"]["appealed_outside"] is True  # before the agent speaks


def test_only_a_complaint_taken_outside_lately_flags_the_customer(
    client, db: Session, desk
) -> None:
    org, cats, agent, _ = desk
    customer = make_customer(db, org.city)
    db.commit()
    phone = "13800138000"

    def flagged() -> bool:
        view = client.get("/api/v1/customers/lookup", params={"phone": phone}, headers=agent)
        return bool(view.json()["flags"]["appealed_outside"])

    assert flagged() is False
    leaders = _appeal(cats, customer_id=customer.id, origin="executive", origin_ref="")
    assert client.post(URL, json=leaders, headers=agent).status_code == 201
    assert flagged() is False  # handed down inside the company: not outside
    appeal = client.post(URL, json=_appeal(cats, customer_id=customer.id), headers=agent).json()
    assert flagged() is True
    db.get(WorkOrder, appeal["id"]).created_at = utcnow() - timedelta(days=366)
    db.commit()
    assert flagged() is False  # more than a year ago


def test_an_open_order_found_passed_on_is_raised_to_key_and_due_by_their_day(
    client, db: Session, desk
) -> None:
    _, cats, agent, _ = desk
    order = complain(client, agent, cats.unknown_charge.id)
    assert (order["triage"], order["origin"]) == (None, "customer")
    url = f"{URL}/{order['id']}/passed-on"
    due_on = local_today() + timedelta(days=1)
    body = {
        "origin": "regulator",
        "origin_ref": "12300-2026-0099999",
        "origin_due_on": due_on.isoformat(),
        "reason": "工信部申诉转来，指向本工单",
    }
    stale = client.post(url, json=body, headers=agent | {"If-Match": '"999"'})
    assert stale.status_code in (409, 412)
    marked = client.post(url, json=body, headers=agent | {"If-Match": f'"{order["version"]}"'})
    assert marked.status_code == 200, marked.text
    shown = marked.json()
    assert (shown["origin"], shown["origin_ref"], shown["triage"]) == (
        "regulator",
        "12300-2026-0099999",
        "key",
    )
    assert shown["priority"] == 2 and shown["version"] == order["version"] + 1
    end_of_day = day_start_utc(due_on + timedelta(days=1))
    assert datetime.fromisoformat(shown["resolve_due_at"]) <= end_of_day
    step = shown["events"][-1]
    assert (step["kind"], step["reason"]) == ("origin", "工信部申诉转来，指向本工单")
    assert step["details"]["from"] == {"origin": "customer", "origin_ref": ""}
    audited = db.scalars(select(AuditLog).where(AuditLog.action == "order.origin")).one()
    assert audited.reason == "工信部申诉转来，指向本工单"

    # keyed in wrong: put back, with why; the triage stays key (lowering is a triage)
    undo = {"origin": "customer", "reason": "误标，实为客户来电"}
    back = client.post(url, json=undo, headers=agent | {"If-Match": f'"{shown["version"]}"'})
    assert back.status_code == 200, back.text
    assert (back.json()["origin"], back.json()["origin_ref"]) == ("customer", "")
    assert back.json()["triage"] == "key"


def test_passing_on_a_finished_order_or_without_a_reference_is_refused(
    client, db: Session, desk
) -> None:
    _, cats, agent, supervisor = desk
    order = complain(client, agent, cats.unknown_charge.id)
    url = f"{URL}/{order['id']}/passed-on"
    match = {"If-Match": f'"{order["version"]}"'}
    unnumbered = {"origin": "regulator", "reason": "工信部申诉转来"}
    refused = client.post(url, json=unnumbered, headers=agent | match)
    assert refused.json()["error"]["code"] == "origin_ref_required"
    cancelled = client.post(
        f"{URL}/{order['id']}/cancel", json={"reason": "重复登记，作废"}, headers=supervisor | match
    ).json()
    late = client.post(
        url,
        json=unnumbered | {"origin_ref": "12300-1"},
        headers=agent | {"If-Match": f'"{cancelled["version"]}"'},
    )
    assert (late.status_code, late.json()["error"]["code"]) == (409, "origin_order_finished")
