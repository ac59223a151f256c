"""The center's intake rules: the repeat window and category level, and the emergency
threshold, window and category level, set over the server's settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_org, make_staff, open_complaint
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role

RULES = "/api/v1/service-levels/rules"
TIGHT = {
    "repeat_window_days": 7,
    "repeat_category_level": 3,
    "incident_threshold": 2,
    "incident_window_minutes": 30,
    "incident_category_level": 2,
}


def test_the_servers_settings_apply_until_the_center_sets_its_own(client, db: Session) -> None:
    org = make_org(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    rules = client.get("/api/v1/service-levels", headers=agent).json()["rules"]
    assert rules == {
        "repeat_window_days": 30,
        "repeat_category_level": 2,
        "incident_threshold": 5,
        "incident_window_minutes": 60,
        "incident_category_level": 2,
        "source": "settings",
        "version": None,
        "updated_at": None,
    }
    assert client.put(RULES, json=TIGHT, headers=agent).status_code == 403
    answer = client.put(RULES, json=TIGHT, headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.headers["ETag"] == '"1"'
    assert answer.json() | {"updated_at": None} == TIGHT | {
        "source": "center",
        "version": 1,
        "updated_at": None,
    }
    # Changing the center's rules needs the version its writer saw.
    assert client.put(RULES, json=TIGHT, headers=admin).status_code == 428
    stale = admin | {"If-Match": '"7"'}
    assert client.put(RULES, json=TIGHT, headers=stale).status_code == 409
    current = admin | {"If-Match": '"1"'}
    looser = TIGHT | {"repeat_window_days": 60}
    assert client.put(RULES, json=looser, headers=current).json()["version"] == 2
    # Removing them brings the settings back; there is nothing left to remove then.
    removed = client.delete(RULES, headers=admin | {"If-Match": '"2"'})
    assert removed.status_code == 200 and removed.json()["source"] == "settings"
    again = client.delete(RULES, headers=admin | {"If-Match": '"2"', "Accept-Language": "zh-CN"})
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "intake_rules_not_set"
    assert again.json()["error"]["message"] == "本中心未设置自己的规则，按服务器配置执行。"
    actions = db.scalars(
        select(AuditLog.action).where(AuditLog.entity_id == "center").order_by(AuditLog.seq)
    ).all()  # in the chain's order: PostgreSQL returns unordered rows in any order
    assert actions == [
        "service_level.intake_rules",
        "service_level.intake_rules",
        "service_level.intake_rules_reset",
    ]


def test_rules_out_of_bounds_are_refused(client, db: Session) -> None:
    org = make_org(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    for field, value in [
        ("repeat_window_days", 0),
        ("repeat_window_days", 366),
        ("repeat_category_level", 4),
        ("incident_threshold", 1),
        ("incident_window_minutes", 1441),
        ("incident_category_level", 0),
    ]:
        answer = client.put(RULES, json=TIGHT | {field: value}, headers=admin)
        assert answer.status_code == 422, (field, value)
        assert answer.json()["error"]["field"] == field


def test_new_orders_follow_the_centers_rules(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    assert client.put(RULES, json=TIGHT, headers=admin).status_code == 200
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        first = complain(client, agent, cats.indoor.id, "13800138000")
    # Two complaints of the branch within 30 minutes are an emergency now (not five).
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        second = complain(client, agent, cats.indoor.id, "13900139000")
    assert second["incident_id"] is not None
    # Level 3: another problem of the same branch is not a repeat of it …
    with time_machine.travel(start + timedelta(days=1), tick=False):
        unknown = complain(client, agent, cats.unknown_charge.id, "13700137000")
    with time_machine.travel(start + timedelta(days=2), tick=False):
        assert not complain(client, agent, cats.roaming_charge.id, "13700137000")["is_repeat"]
    # … the same problem within seven days is, and after them it is not.
    with time_machine.travel(start + timedelta(days=6), tick=False):
        again = complain(client, agent, cats.unknown_charge.id, "13700137000")
    assert again["repeats"] == [unknown["number"]]
    with time_machine.travel(start + timedelta(days=20), tick=False):
        late = complain(client, agent, cats.indoor.id, "13800138000")
    assert not late["is_repeat"]  # its number's complaint of it was twenty days ago
    first = client.get(f"/api/v1/work-orders/{first['id']}", headers=agent).json()
    assert first["incident_id"] == second["incident_id"]  # moved into it by the second


def test_every_way_in_follows_the_centers_rules(client, db: Session) -> None:
    """The IVR, messages and calls open orders through the same service, which reads the
    center's rules itself: none of them can pass a rule of its own (they used the
    shipped defaults, whatever the server's settings said)."""
    org = make_org(db)
    cats = make_categories(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    assert (
        client.put(RULES, json=TIGHT | {"repeat_window_days": 1}, headers=admin).status_code == 200
    )
    staff = make_staff(db, org.city, Role.AGENT)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    opened = []
    for days in (0, 2):
        with time_machine.travel(start + timedelta(days=days), tick=False):
            opened.append(open_complaint(db, staff, cats.indoor.id, "13800138000"))
    assert [o.is_repeat for o in opened] == [False, False]  # two days apart, window one
