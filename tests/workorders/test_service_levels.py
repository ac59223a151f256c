"""A center's own service levels: time limits per type × triage, and per customer tier the
share of each limit and the return visit, set over the shipped ones through the API."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, make_categories, make_customer, make_org, make_staff, make_team
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.customers.enums import Tier

URGENT_COMPLAINTS = "/api/v1/service-levels/time-limits/complaint/urgent"
FAULTS = "/api/v1/service-levels/time-limits/fault/base"
GOLD = "/api/v1/service-levels/tiers/gold"


def _span(order: dict, field: str) -> timedelta:
    return datetime.fromisoformat(order[field]) - datetime.fromisoformat(order["created_at"])


def _fault(cats, **extra: object) -> dict:
    return {
        "type": "fault",  # natural time: the limits are plain clock spans
        "category_id": cats.indoor.id,
        "contact_phone": "13800138000",
        "subject": "家中无信号",
    } | extra


def test_the_shipped_levels_are_listed_until_the_center_sets_its_own(client, db: Session) -> None:
    org = make_org(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    levels = client.get("/api/v1/service-levels", headers=agent).json()
    urgent = next(
        p for p in levels["time_limits"] if (p["order_type"], p["level"]) == ("complaint", "urgent")
    )
    assert urgent == {
        "order_type": "complaint",
        "level": "urgent",
        "first_response_minutes": 30,
        "resolution_minutes": 480,
        "working_time": False,
        "warn_percent": 80,
        "outer_limit_days": 15,
        "source": "shipped",
        "version": None,
        "updated_at": None,
    }
    assert [t["tier"] for t in levels["tiers"]] == [
        "supreme",
        "diamond",
        "gold",
        "silver",
        "normal",
    ]
    gold = levels["tiers"][2]
    assert (gold["limit_percent"], gold["return_visit_hours"], gold["source"]) == (
        75,
        48,
        "shipped",
    )


def test_new_orders_follow_the_centers_limits_and_old_ones_keep_theirs(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    before = client.post("/api/v1/work-orders", json=_fault(cats), headers=agent).json()
    assert _span(before, "resolve_due_at") == timedelta(hours=24)

    policy = {
        "first_response_minutes": 20,
        "resolution_minutes": 12 * 60,
        "working_time": False,
        "warn_percent": 50,
    }
    set_ = client.put(FAULTS, json=policy, headers=admin)
    assert set_.status_code == 200, set_.text
    assert set_.headers["ETag"] == '"1"'
    assert set_.json()["source"] == "center" and set_.json()["version"] == 1

    after = client.post("/api/v1/work-orders", json=_fault(cats), headers=agent).json()
    assert _span(after, "response_due_at") == timedelta(minutes=20)
    assert _span(after, "resolve_due_at") == timedelta(hours=12)
    again = client.get(f"/api/v1/work-orders/{before['id']}", headers=agent).json()
    assert again["resolve_due_at"] == before["resolve_due_at"]  # limits set are not moved

    # A triage level without its own policy follows the type's base one.
    key = client.get("/api/v1/service-levels", headers=agent).json()["time_limits"]
    assert ("fault", "key") not in {(p["order_type"], p["level"]) for p in key}
    keyed = client.put(
        "/api/v1/service-levels/time-limits/fault/key",
        json=policy | {"resolution_minutes": 6 * 60},
        headers=admin,
    )
    assert keyed.status_code == 200 and keyed.json()["level"] == "key"
    back = client.delete(
        "/api/v1/service-levels/time-limits/fault/key", headers=admin | {"If-Match": '"1"'}
    ).json()
    # It follows the base policy again, and has no version of its own to change.
    assert (back["level"], back["resolution_minutes"], back["version"]) == ("key", 720, None)


def test_the_warning_and_the_outer_limit_are_the_centers_too(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    policy = {
        "first_response_minutes": 60,
        "resolution_minutes": 20 * 24 * 60,  # twenty days, round the clock
        "working_time": False,
        "warn_percent": 50,
        "outer_limit_days": 10,
    }
    assert client.put(FAULTS, json=policy, headers=admin).status_code == 200
    order = client.post("/api/v1/work-orders", json=_fault(cats), headers=agent).json()
    assert _span(order, "resolve_due_at") == timedelta(days=10)  # capped by the outer limit
    row_warn = _warn_at(db, order["id"]) - datetime.fromisoformat(order["created_at"])
    assert row_warn == timedelta(days=5)  # half of the capped limit


def _warn_at(db: Session, order_id: int) -> datetime:
    from kefu.workorders.models import WorkOrder

    db.expire_all()
    order = db.get(WorkOrder, order_id)
    assert order is not None and order.warn_at is not None
    return order.warn_at


def test_a_tier_sets_its_share_and_its_return_visit(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    team = make_team(db, org.city)
    handler = bearer(db, make_staff(db, org.city, Role.BACK_OFFICE, team_id=team.id))
    customer = make_customer(db, org.city, tier=Tier.GOLD)
    answer = client.put(GOLD, json={"limit_percent": 50, "return_visit_hours": 12}, headers=admin)
    assert answer.status_code == 200, answer.text

    fault = _fault(cats, customer_id=customer.id)
    order = client.post("/api/v1/work-orders", json=fault, headers=handler).json()
    assert _span(order, "resolve_due_at") == timedelta(hours=12)  # half of 24 hours

    complaint = fault | {"type": "complaint"}
    order = client.post("/api/v1/work-orders", json=complaint, headers=handler).json()
    for action, body in [("accept", {}), ("reply", {"reply": "已修复基站。"}), ("close", {})]:
        step = client.post(
            f"/api/v1/work-orders/{order['id']}/{action}",
            json=body,
            headers=handler | {"If-Match": f'"{order["version"]}"'},
        )
        assert step.status_code == 200, (action, step.text)
        order = step.json()
    (visit,) = order["visits"]
    booked = datetime.fromisoformat(order["events"][-1]["occurred_at"])
    assert timedelta(hours=11, minutes=59) < datetime.fromisoformat(visit["due_at"]) - booked
    assert datetime.fromisoformat(visit["due_at"]) - booked < timedelta(hours=12, minutes=1)


def test_changes_need_the_right_the_latest_version_and_sense(client, db: Session) -> None:
    org = make_org(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    policy = {"first_response_minutes": 15, "resolution_minutes": 240, "working_time": False}

    assert client.put(URGENT_COMPLAINTS, json=policy, headers=supervisor).status_code == 403
    backwards = client.put(
        URGENT_COMPLAINTS, json=policy | {"first_response_minutes": 300}, headers=admin
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["code"] == "first_response_after_resolution"
    assert backwards.json()["error"]["field"] == "first_response_minutes"
    too_long = client.put(
        URGENT_COMPLAINTS, json=policy | {"resolution_minutes": 10**9}, headers=admin
    )
    assert too_long.status_code == 422
    unknown = client.put(
        "/api/v1/service-levels/time-limits/complaint/sometimes", json=policy, headers=admin
    )
    assert unknown.status_code == 422

    assert client.put(URGENT_COMPLAINTS, json=policy, headers=admin).status_code == 200
    # The center's own policy exists now: changing it needs the version seen.
    assert client.put(URGENT_COMPLAINTS, json=policy, headers=admin).status_code == 428
    stale = client.put(URGENT_COMPLAINTS, json=policy, headers=admin | {"If-Match": '"7"'})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    changed = client.put(
        URGENT_COMPLAINTS,
        json=policy | {"resolution_minutes": 180},
        headers=admin | {"If-Match": '"1"', "Accept-Language": "zh-CN"},
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2

    assert client.delete(URGENT_COMPLAINTS, headers=admin).status_code == 428
    reset = client.delete(URGENT_COMPLAINTS, headers=admin | {"If-Match": '"2"'})
    assert reset.status_code == 200, reset.text
    assert (reset.json()["source"], reset.json()["resolution_minutes"]) == ("shipped", 480)
    gone = client.delete(URGENT_COMPLAINTS, headers=admin | {"If-Match": '"2"'})
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "service_level_not_set"

    actions = db.scalars(
        select(AuditLog.action)
        .where(AuditLog.entity_type == "service_level")
        .order_by(AuditLog.seq)  # PostgreSQL returns unordered rows in any order
    ).all()
    assert actions == [
        "service_level.time_limit",
        "service_level.time_limit",
        "service_level.time_limit_reset",
    ]


def test_refusals_speak_the_callers_language(client, db: Session) -> None:
    org = make_org(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    body = {"first_response_minutes": 300, "resolution_minutes": 240, "working_time": True}
    answer = client.put(URGENT_COMPLAINTS, json=body, headers=admin | {"Accept-Language": "zh-CN"})
    assert answer.json()["error"]["message"] == "首次响应时限不能晚于处理时限。"
    tier = client.delete(GOLD, headers=admin | {"If-Match": '"1"', "Accept-Language": "en"})
    assert tier.status_code == 404
    assert tier.json()["error"]["message"] == (
        "The center has not set its own level here; the shipped one applies."
    )
