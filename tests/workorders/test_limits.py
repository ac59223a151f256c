"""Time limits: by type, triage and tier, in working or natural time, from creation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from factories import bearer, make_categories, make_customer, make_org, make_staff
from kefu.core.calendar import BusinessCalendar, WorkingHours
from kefu.core.rbac import Role
from kefu.customers.enums import Tier
from kefu.workorders.enums import OrderType, Triage
from kefu.workorders.limits import (
    COMPLAINT_OUTER_LIMIT,
    SHIPPED,
    Limit,
    ServiceLevels,
    TierLevel,
    due_times,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVE_OF_NATIONAL_DAY = datetime(2026, 9, 30, 17, 0, tzinfo=SHANGHAI)


def test_a_complaint_before_the_holiday_is_due_after_it() -> None:
    due = due_times(
        created_at=EVE_OF_NATIONAL_DAY,
        order_type=OrderType.COMPLAINT,
        triage=None,
        tier=Tier.NORMAL,
        calendar=BusinessCalendar(),
        levels=SHIPPED,
    )
    # 1 hour on 30 September, the rest after the 1–7 October holiday
    assert due.response == datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)
    assert BusinessCalendar().between(EVE_OF_NATIONAL_DAY, due.resolution) == timedelta(hours=27)
    # warned when 80% of the 27 working hours have run
    assert BusinessCalendar().between(EVE_OF_NATIONAL_DAY, due.warn) == timedelta(hours=27 * 0.8)


def test_the_best_customers_get_shorter_limits() -> None:
    common = {"created_at": EVE_OF_NATIONAL_DAY, "order_type": OrderType.FAULT, "triage": None}
    calendar = BusinessCalendar()
    normal = due_times(**common, tier=Tier.NORMAL, calendar=calendar, levels=SHIPPED).resolution
    supreme = due_times(**common, tier=Tier.SUPREME, calendar=calendar, levels=SHIPPED).resolution
    assert normal - EVE_OF_NATIONAL_DAY == timedelta(hours=24)  # faults: natural time
    assert supreme - EVE_OF_NATIONAL_DAY == timedelta(hours=12)


def test_the_regulators_outer_limit_caps_a_complaint() -> None:
    shut = {date(2026, 10, 1) + timedelta(days=n): False for n in range(60)}
    resolution = due_times(
        created_at=EVE_OF_NATIONAL_DAY.replace(hour=18),
        order_type=OrderType.COMPLAINT,
        triage=Triage.NORMAL,
        tier=Tier.NORMAL,
        calendar=BusinessCalendar(overrides=shut),
        levels=SHIPPED,
    ).resolution
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


def test_the_sweep_warns_then_escalates_once(client, db: Session) -> None:
    from sqlalchemy import select

    from kefu.core.base import utcnow
    from kefu.core.outbox import Job
    from kefu.workorders.models import WorkOrder
    from kefu.workorders.sweeper import sweep

    org = make_org(db)
    cats = make_categories(db)
    handler = make_staff(db, org.city, Role.BACK_OFFICE)
    handler.email = "handler@kefu.example.cn"
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    body = {
        "type": "complaint",
        "category_id": cats.indoor.id,
        "contact_phone": "13800138000",
        "subject": "家中无信号",
    }
    created = client.post("/api/v1/work-orders", json=body, headers=agent).json()
    order = db.get(WorkOrder, created["id"])
    now = utcnow()
    order.warn_at, order.resolve_due_at = now - timedelta(hours=1), now + timedelta(hours=1)
    order.assignee_id = handler.id
    db.commit()

    assert sweep(db, now=now).warned == 1  # past the warning time
    assert sweep(db, now=now).warned == 0  # warned once
    report = sweep(db, now=now + timedelta(hours=2))
    assert report.escalated == 1
    db.commit()
    assert order.org_unit_id == org.province.id
    assert order.breached_at is not None
    assert sweep(db, now=now + timedelta(hours=3)).escalated == 0  # escalated once
    detail = client.get(
        f"/api/v1/work-orders/{order.id}",
        headers=bearer(db, make_staff(db, org.province, Role.SUPERVISOR)),
    ).json()
    last = detail["events"][-1]
    assert (last["action"], last["actor"]) == ("escalate", None)
    mails = [j.payload for j in db.scalars(select(Job))]
    assert len(mails) == 2 and all("handler@kefu.example.cn" in m for m in mails)


def test_waiting_on_the_customer_pauses_the_clock(client, db: Session) -> None:
    from kefu.core.base import utcnow
    from kefu.workorders.models import WorkOrder
    from kefu.workorders.sweeper import sweep

    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    body = {
        "type": "fault",  # natural time, so the pause is plain clock time
        "category_id": cats.indoor.id,
        "contact_phone": "13800138000",
        "subject": "家中无信号",
    }
    order = client.post("/api/v1/work-orders", json=body, headers=agent).json()
    due_before = datetime.fromisoformat(order["resolve_due_at"])

    def act(action: str, payload: dict[str, str], version: int) -> dict:
        answer = client.post(
            f"/api/v1/work-orders/{order['id']}/{action}",
            json=payload,
            headers=agent | {"If-Match": f'"{version}"'},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    accepted = act("accept", {}, order["version"])
    waiting = act("wait", {"reason": "等客户在家测试信号"}, accepted["version"])
    assert waiting["status"] == "waiting_customer" and waiting["paused_at"]
    assert "resume" in waiting["allowed_actions"] and "reply" not in waiting["allowed_actions"]

    # Three hours pass while the customer tests at home; the sweep leaves the order alone.
    row = db.get(WorkOrder, order["id"])
    row.paused_at = utcnow() - timedelta(hours=3)
    row.warn_at = row.resolve_due_at = utcnow() - timedelta(minutes=1)
    db.commit()
    assert sweep(db, now=utcnow()).escalated == 0

    resumed = act("resume", {"note": "客户回电"}, row.version)
    assert resumed["status"] == "in_progress" and resumed["paused_at"] is None
    # the limit is recomputed from creation plus the three hours waited
    moved = datetime.fromisoformat(resumed["resolve_due_at"]) - due_before
    assert timedelta(hours=3) <= moved < timedelta(hours=3, minutes=1)
    assert resumed["events"][-1]["details"]["paused_minutes"] == 180


def test_a_day_the_center_records_as_a_holiday_moves_the_limits(client, db: Session) -> None:
    from kefu.core.base import utcnow
    from kefu.core.calendar import BusinessCalendar

    org = make_org(db)
    cats = make_categories(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    body = {
        "type": "suggestion",  # five working days
        "category_id": cats.indoor.id,
        "contact_phone": "13800138000",
        "subject": "建议延长营业厅时间",
    }
    before = client.post("/api/v1/work-orders", json=body, headers=agent).json()
    calendar = BusinessCalendar()
    today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
    next_workday = next(
        today + timedelta(days=n)
        for n in range(1, 30)
        if calendar.is_workday(today + timedelta(days=n))
    )
    url = f"/api/v1/calendar/days/{next_workday.isoformat()}"
    assert client.put(url, json={"workday": False}, headers=agent).status_code == 403
    recorded = client.put(url, json={"workday": False, "note": "地方节日"}, headers=admin)
    assert recorded.status_code == 200, recorded.text
    again = client.put(url, json={"workday": True}, headers=admin)
    assert again.status_code == 428  # changing a recorded day needs its version
    after = client.post("/api/v1/work-orders", json=body, headers=agent).json()
    moved = datetime.fromisoformat(after["resolve_due_at"]) - datetime.fromisoformat(
        before["resolve_due_at"]
    )
    assert moved >= timedelta(hours=20)  # one working day later, give or take the seconds
    listed = client.get(
        "/api/v1/calendar/days", params={"year": next_workday.year}, headers=agent
    ).json()
    assert [d["note"] for d in listed] == ["地方节日"]


def test_a_team_with_its_own_hours_counts_the_limit_in_them(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    night = client.post(
        "/api/v1/org/teams",
        json={
            "name": "夜班",
            "org_unit_id": org.city.id,
            "work_start": "08:00",
            "work_end": "20:00",
        },
        headers=admin,
    )
    assert night.status_code == 201, night.text
    team = night.json()
    bad = {"work_start": "20:00", "work_end": "08:00"}
    assert (
        client.put(
            f"/api/v1/org/teams/{team['id']}/hours", json=bad, headers=admin | {"If-Match": '"1"'}
        ).status_code
        == 422
    )
    body = {
        "type": "suggestion",  # five working days: 45 hours in a 9-hour day
        "category_id": cats.indoor.id,
        "contact_phone": "13800138000",
        "subject": "建议",
    }
    order = client.post("/api/v1/work-orders", json=body, headers=agent).json()
    created = datetime.fromisoformat(order["created_at"])
    default_due = datetime.fromisoformat(order["resolve_due_at"])
    dispatched = client.post(
        f"/api/v1/work-orders/{order['id']}/dispatch",
        json={"team_id": team["id"]},
        headers=supervisor | {"If-Match": f'"{order["version"]}"'},
    ).json()
    team_due = datetime.fromisoformat(dispatched["resolve_due_at"])
    assert created < team_due < default_due  # 12-hour days: 45 hours end sooner
    hours = BusinessCalendar(hours=WorkingHours(time(8), time(20)))
    assert hours.between(created, team_due) == timedelta(hours=45)


def _minutes(low: int, high: int) -> st.SearchStrategy[timedelta]:
    return st.integers(low, high).map(lambda m: timedelta(minutes=m))


@st.composite
def center_limits(draw: st.DrawFn) -> Limit:
    """Any policy the API accepts: first response no later than resolution."""
    resolution = draw(_minutes(1, 90 * 24 * 60))
    return Limit(
        first_response=draw(_minutes(1, int(resolution.total_seconds() // 60))),
        resolution=resolution,
        working_time=draw(st.booleans()),
        warn_share=draw(st.integers(1, 99)) / 100,
        outer_limit=draw(st.none() | st.integers(1, 90).map(lambda d: timedelta(days=d))),
    )


@settings(max_examples=150, deadline=None)
@given(
    limit=center_limits(),
    share=st.integers(10, 200).map(lambda p: p / 100),
    created=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31)),
    paused=_minutes(0, 30 * 24 * 60),
)
def test_any_center_policy_gives_limits_in_order(
    limit: Limit, share: float, created: datetime, paused: timedelta
) -> None:
    """Whatever a center sets: the warning comes before the resolution is due, and the
    first response is never due after the resolution (an outer limit caps both)."""
    created = created.replace(tzinfo=SHANGHAI)
    levels = ServiceLevels(
        limits={(OrderType.FAULT, None): limit},
        tiers={Tier.NORMAL: TierLevel(share, 72)},
    )
    due = due_times(
        created_at=created,
        order_type=OrderType.FAULT,
        triage=None,
        tier=Tier.NORMAL,
        calendar=BusinessCalendar(),
        levels=levels,
        paused=paused,
    )
    assert created <= due.warn <= due.resolution
    assert created < due.response <= due.resolution
    if limit.outer_limit is not None:
        assert due.resolution <= created + limit.outer_limit + paused
