"""An ask of another team (协办) keeping working hours is counted again when the center's
calendar changes through its time: billing asked on the last Thursday of 2026 for sixteen
working hours is wanted on 元旦 while 2027 is unknown, and on the Monday after once the
notice is recorded. A team on the clock keeps its time; the tell-tale of an ask past its
time follows the new one."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from factories import (
    NOTICE_2027,
    bearer,
    complain,
    make_categories,
    make_org,
    make_staff,
    make_team,
    order_step,
)
from kefu.core import outbox
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.workorders.models import OrderAssist

pytestmark = pytest.mark.usefixtures("year_2027_unannounced")

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Thursday 31 December 2026, ten in the morning.
ASKED = datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def asked(client, db: Session) -> dict[str, Any]:
    """A complaint held by a branch's handler, who asks billing (09:00-18:00 on workdays)
    and the network centre (on the clock) for sixteen hours each, on 31 December."""
    org = make_org(db)
    cats = make_categories(db)
    complaints = make_team(db, org.city)
    billing = make_team(db, org.province, "计费核查中心")
    billing.work_start, billing.work_end = time(9, 0), time(18, 0)
    network = make_team(db, org.province, "网络优化中心")
    handler = make_staff(db, org.city, Role.BACK_OFFICE, team_id=complaints.id)
    make_staff(db, org.province, Role.TEAM_LEAD, team_id=billing.id, email="bill@kefu.example.cn")
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    holder = bearer(db, handler)
    with time_machine.travel(ASKED, tick=False):
        order = complain(client, agent, cats.unknown_charge.id, subject="月初扣费存疑")
        body = {"team_id": complaints.id, "assignee_id": handler.id}
        order = order_step(client, supervisor, order, "dispatch", body)
        asks = {}
        for name, team in (("billing", billing), ("network", network)):
            ask = {"team_id": team.id, "question": "请核查12月扣费明细", "due_hours": 16}
            made = client.post(
                f"/api/v1/work-orders/{order['id']}/assists", json=ask, headers=holder
            )
            assert made.status_code == 201, made.text
            asks[name] = made.json()
    return {
        "order": order,
        "asks": asks,
        "holder": holder,
        "admin": bearer(db, make_staff(db, org.province, Role.ADMIN)),
    }


def _wanted(db: Session, ask: dict[str, Any]) -> datetime:
    db.expire_all()
    row = db.get(OrderAssist, ask["id"])
    assert row is not None
    return row.due_at.astimezone(SHANGHAI)


def _overdue_mails(db: Session) -> list[dict[str, Any]]:
    db.expire_all()
    jobs = db.scalars(select(Job.payload).where(Job.kind == "notify.email").order_by(Job.id))
    return [m for m in map(json.loads, jobs) if "协办已超时" in m["subject"]]


def test_recording_the_notice_moves_an_ask_wanted_on_the_holiday(
    client, db: Session, asked: dict[str, Any], session_factory: sessionmaker[Session]
) -> None:
    billing, network = asked["asks"]["billing"], asked["asks"]["network"]
    # Monday to Friday while 2027 is unknown: eight hours on Thursday, eight on 元旦.
    assert _wanted(db, billing) == datetime(2027, 1, 1, 17, 0, tzinfo=SHANGHAI)
    assert _wanted(db, network) == datetime(2027, 1, 1, 2, 0, tzinfo=SHANGHAI)
    admin = asked["admin"]
    with time_machine.travel(ASKED, tick=False):
        body = {"text": NOTICE_2027}
        read = client.post("/api/v1/calendar/notices/preview", json=body, headers=admin).json()
        assert read["open_asks"] == 1  # billing's: the network centre counts no days
        done = client.post(
            "/api/v1/calendar/notices", json=body | {"move_open_orders": True}, headers=admin
        )
    assert done.status_code == 201, done.text
    assert done.json()["asks_moved"] == 1
    # 元旦 is off, the 2nd and 3rd are the weekend: billing's second eight hours are Monday's.
    assert _wanted(db, billing) == datetime(2027, 1, 4, 17, 0, tzinfo=SHANGHAI)
    assert _wanted(db, network) == datetime(2027, 1, 1, 2, 0, tzinfo=SHANGHAI)

    order = asked["order"]
    events = client.get(f"/api/v1/work-orders/{order['id']}", headers=asked["holder"]).json()
    step = events["events"][-1]
    assert (step["kind"], step["details"]["step"]) == ("assist", "counted_again")
    assert step["details"]["calendar_notice"] == 2027
    assert datetime.fromisoformat(step["details"]["due_before"]) == datetime(
        2027, 1, 1, 17, 0, tzinfo=SHANGHAI
    )
    page = client.get(f"/orders/{order['id']}", headers=asked["holder"]).text
    assert "协办时限已重算" in page and "2027-01-01 17:00 → 2027-01-04 17:00" in page

    # At the old time nobody is told (billing is not late); at the new one its lead is.
    for now, told in ((datetime(2027, 1, 1, 18, 0, tzinfo=SHANGHAI), 0), (None, 1)):
        _run_jobs_at(db, session_factory, now or datetime(2027, 1, 4, 18, 0, tzinfo=SHANGHAI))
        late = [m for m in _overdue_mails(db) if m["to"] == "bill@kefu.example.cn"]
        assert len(late) == told


def test_a_day_recorded_moves_the_ask_and_forgetting_it_moves_it_back(
    client, db: Session, asked: dict[str, Any]
) -> None:
    billing = asked["asks"]["billing"]
    before = _wanted(db, billing)
    url = "/api/v1/calendar/days/2027-01-01"
    off = {"workday": False, "note": "元旦", "move_open_orders": True}
    with time_machine.travel(ASKED, tick=False):
        recorded = client.put(url, json=off, headers=asked["admin"])
        assert (recorded.status_code, recorded.json()["asks_moved"]) == (200, 1)
        assert _wanted(db, billing) == datetime(2027, 1, 4, 17, 0, tzinfo=SHANGHAI)
        forgot = client.delete(
            url, params={"move_open_orders": "true"}, headers=asked["admin"] | {"If-Match": '"1"'}
        )
    # the complaint's own limit moves with it, as any open order's
    moved = recorded.json()["orders_moved"]
    assert forgot.json() == {"day": "2027-01-01", "orders_moved": moved, "asks_moved": 1}
    assert _wanted(db, billing) == before


def _run_jobs_at(db: Session, factory: sessionmaker[Session], now: datetime) -> None:
    """Run the outbox's jobs due by ``now`` (the overdue tell-tales), at ``now``."""
    db.commit()
    with time_machine.travel(now.astimezone(UTC), tick=False):
        while outbox.run_due(factory).done:
            pass
