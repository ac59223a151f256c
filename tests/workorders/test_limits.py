"""Time limits: by type, triage and tier, in working or natural time, from creation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from factories import bearer, make_categories, make_customer, make_org, make_staff
from kefu.core.calendar import BusinessCalendar
from kefu.core.rbac import Role
from kefu.customers.enums import Tier
from kefu.workorders.enums import OrderType, Triage
from kefu.workorders.limits import COMPLAINT_OUTER_LIMIT, due_times

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVE_OF_NATIONAL_DAY = datetime(2026, 9, 30, 17, 0, tzinfo=SHANGHAI)


def test_a_complaint_before_the_holiday_is_due_after_it() -> None:
    response, resolution = due_times(
        created_at=EVE_OF_NATIONAL_DAY,
        order_type=OrderType.COMPLAINT,
        triage=None,
        tier=Tier.NORMAL,
        calendar=BusinessCalendar(),
    )
    # 1 hour on 30 September, the rest after the 1–7 October holiday
    assert response == datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)
    assert BusinessCalendar().between(EVE_OF_NATIONAL_DAY, resolution) == timedelta(hours=27)


def test_the_best_customers_get_shorter_limits() -> None:
    common = {"created_at": EVE_OF_NATIONAL_DAY, "order_type": OrderType.FAULT, "triage": None}
    calendar = BusinessCalendar()
    _, normal = due_times(**common, tier=Tier.NORMAL, calendar=calendar)
    _, supreme = due_times(**common, tier=Tier.SUPREME, calendar=calendar)
    assert normal - EVE_OF_NATIONAL_DAY == timedelta(hours=24)  # faults: natural time
    assert supreme - EVE_OF_NATIONAL_DAY == timedelta(hours=12)


def test_the_regulators_outer_limit_caps_a_complaint() -> None:
    shut = {date(2026, 10, 1) + timedelta(days=n): False for n in range(60)}
    _, resolution = due_times(
        created_at=EVE_OF_NATIONAL_DAY.replace(hour=18),
        order_type=OrderType.COMPLAINT,
        triage=Triage.NORMAL,
        tier=Tier.NORMAL,
        calendar=BusinessCalendar(overrides=shut),
    )
    assert resolution == EVE_OF_NATIONAL_DAY.replace(hour=18) + COMPLAINT_OUTER_LIMIT


def test_triage_recomputes_limits_from_creation(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    customer = make_customer(db, org.city, tier=Tier.NORMAL)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    body = {
        "type": "complaint",
        "category_id": cats.indoor.id,
        "contact_phone": "13800138000",
        "customer_id": customer.id,
        "subject": "家中无信号",
    }
    order = client.post("/api/v1/work-orders", json=body, headers=agent).json()
    assert order["response_due_at"] and order["resolve_due_at"]
    urgent = client.post(
        f"/api/v1/work-orders/{order['id']}/triage",
        json={"triage": "urgent", "reason": "客户为孕妇，家中无法通话"},
        headers=supervisor | {"If-Match": f'"{order["version"]}"'},
    ).json()
    created = datetime.fromisoformat(urgent["created_at"])
    assert datetime.fromisoformat(urgent["resolve_due_at"]) - created == timedelta(hours=8)
    assert datetime.fromisoformat(urgent["response_due_at"]) - created == timedelta(minutes=30)
