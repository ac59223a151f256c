"""Early warning: a complaint spike against its 28-day baseline, a figure past its
threshold (only on enough data), each alert raised once, mailed to supervisors, listed
and acknowledged once — on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import bearer, make_categories, make_customer, make_org, make_staff
from kefu.analytics import alerts
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.workorders.enums import OrderStatus, OrderType
from kefu.workorders.models import WorkOrder

DAY = date(2026, 10, 20)
NOW = datetime(2026, 10, 20, 14, tzinfo=UTC)
NOON = datetime(2026, 10, 20, 4, tzinfo=UTC)  # noon in Beijing


class World:
    def __init__(self, db: Session) -> None:
        self.org = make_org(db)
        self.agent = make_staff(db, self.org.city)
        self.cats = make_categories(db)
        self.customer = make_customer(db, self.org.city)
        self.n = 0
        self.db = db

    def complaints(self, category, at: datetime, count: int, **values: object) -> None:  # type: ignore[no-untyped-def]
        for _ in range(count):
            self.n += 1
            self.db.add(
                WorkOrder(
                    number=f"WO-A{self.n}",
                    type=OrderType.COMPLAINT,
                    status=values.get("status", OrderStatus.CLOSED),
                    channel="phone",
                    category_id=category.id,
                    customer_id=self.customer.id,
                    contact_phone="+8613800138000",
                    subject="投诉",
                    created_by_id=self.agent.id,
                    org_unit_id=self.org.city.id,
                    created_at=at,
                    is_repeat=bool(values.get("is_repeat", False)),
                )
            )
        self.db.flush()


def test_a_spike_is_raised_once_and_mailed(db: Session) -> None:
    world = World(db)
    supervisor = make_staff(db, world.org.hq, Role.SUPERVISOR, email="lead@example.cn")
    quiet, busy = world.cats.indoor, world.cats.unknown_charge
    for back in range(1, 29):
        world.complaints(quiet, NOON - timedelta(days=back), 1 if back % 4 == 0 else 0)
        world.complaints(busy, NOON - timedelta(days=back), 6)
    world.complaints(quiet, NOON, 7)  # about 0.25 a day before: a spike
    world.complaints(busy, NOON, 8)  # about 6 a day before: an ordinary day
    world.complaints(quiet, NOON, 3, status=OrderStatus.CANCELLED)  # not counted
    raised = alerts.check(db, DAY, timezone="Asia/Shanghai", now=NOW)
    spikes = [a for a in raised if a.rule == "complaint_spike"]
    # Spikes are counted on the level-2 branch: indoor's branch is 信号覆盖.
    assert [(a.subject, a.value) for a in spikes] == [(f"category:{quiet.parent_id}", 7.0)]
    assert spikes[0].threshold == 7 / 28
    assert alerts.check(db, DAY, timezone="Asia/Shanghai", now=NOW) == []  # once only
    mails = db.scalars(select(Job).where(Job.kind == "notify.email")).all()
    assert len(mails) == 1 and "lead@example.cn" in mails[0].payload
    assert "投诉量突增" in mails[0].payload and supervisor.id


def test_thresholds_need_enough_data(db: Session) -> None:
    world = World(db)
    leaf = world.cats.unknown_charge
    world.complaints(leaf, NOON, 3, is_repeat=True)
    world.complaints(leaf, NOON, 5)
    # 3 repeats of 8 complaints is 37 %, but 8 complaints are too few to judge.
    first = alerts.check(db, DAY, timezone="Asia/Shanghai", now=NOW)
    assert "repeat_rate_high" not in [a.rule for a in first]
    world.complaints(leaf, NOON, 12)  # 3 of 20: 15 %, not over the limit
    assert alerts.check(db, DAY, timezone="Asia/Shanghai", now=NOW) == []
    world.complaints(leaf, NOON, 1, is_repeat=True)  # 4 of 21: over it
    found = alerts.check(db, DAY, timezone="Asia/Shanghai", now=NOW)
    assert [(a.rule, a.subject) for a in found] == [("repeat_rate_high", "center")]
    assert found[0].value == 4 / 21 and found[0].threshold == 0.15


def test_alerts_are_listed_and_acknowledged_once(client: TestClient, db: Session) -> None:
    world = World(db)
    for back in range(1, 29):
        world.complaints(world.cats.indoor, NOON - timedelta(days=back), 0)
    world.complaints(world.cats.indoor, NOON, 6)
    alerts.check(db, DAY, timezone="Asia/Shanghai", now=NOW)
    db.commit()
    supervisor = make_staff(db, world.org.hq, Role.SUPERVISOR)
    listed = client.get(
        "/api/v1/analytics/alerts", headers={**bearer(db, supervisor), "Accept-Language": "en"}
    ).json()
    assert listed["total"] == 1
    alert = listed["items"][0]
    # the test taxonomy now has English names: the subject is in the caller's language
    assert alert["title"] == "Complaint spike" and alert["subject"] == "Coverage"
    in_chinese = client.get(
        "/api/v1/analytics/alerts", headers={**bearer(db, supervisor), "Accept-Language": "zh-CN"}
    ).json()
    assert in_chinese["items"][0]["subject"] == "信号覆盖"
    url = f"/api/v1/analytics/alerts/{alert['id']}/acknowledge"
    done = client.post(url, json={"note": "已通知网络部"}, headers=bearer(db, supervisor))
    assert done.status_code == 200 and done.json()["note"] == "已通知网络部"
    assert done.json()["acknowledged_by"] == supervisor.display_name
    again = client.post(url, json={"note": "x"}, headers=bearer(db, supervisor))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "alert_already_acknowledged"
    missing = client.post(
        "/api/v1/analytics/alerts/999999/acknowledge", json={}, headers=bearer(db, supervisor)
    )
    assert missing.status_code == 404
    assert client.get("/api/v1/analytics/alerts", headers=bearer(db, supervisor)).json() == {
        "total": 0,
        "items": [],
    }
    everything = client.get(
        "/api/v1/analytics/alerts", params={"open": "false"}, headers=bearer(db, supervisor)
    )
    assert everything.json()["total"] == 1
    audited = db.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action == "alert.acknowledge")
    )
    assert audited == 1
    agent = make_staff(db, world.org.city, Role.AGENT)
    assert client.get("/api/v1/analytics/alerts", headers=bearer(db, agent)).status_code == 403
