"""The demo's on-site visits: open broadband and coverage faults and complaints get an
engineer booked for the coming days, some after an earlier visit that did not settle it; every visit
is written as the booking service writes it, after the order's last step, so each
timeline stays in order; consultations, finished orders and other problems get none."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import make_org, make_staff
from kefu.demo.days_off import rest_days
from kefu.demo.visits import book_visits
from kefu.workorders.enums import OrderStatus, OrderType
from kefu.workorders.models import (
    Category,
    EngineerDayOff,
    FieldEngineer,
    OrderAppointment,
    OrderEvent,
    WorkOrder,
)
from kefu.workorders.taxonomy import ensure_default_categories

NOW = datetime(2026, 12, 7, 2, tzinfo=UTC)


def _orders(db: Session) -> dict[str, list[int]]:
    ensure_default_categories(db)
    org = make_org(db)
    agent = make_staff(db, org.city)
    leaf = {
        code: db.scalar(select(Category.id).where(Category.code == code))
        for code in ("broadband.fault.down", "network.coverage.indoor", "billing.dispute.unknown")
    }
    made: dict[str, list[int]] = {"on_site": [], "none": []}

    def order(n: int, code: str, kind: OrderType, status: OrderStatus, group: str) -> None:
        opened = NOW - timedelta(days=3, hours=n)
        row = WorkOrder(
            number=f"WO-V{n}",
            type=kind,
            status=status,
            channel="phone",
            category_id=leaf[code],
            contact_phone="+8613800138000",
            subject="宽带断网",
            created_by_id=agent.id,
            org_unit_id=org.city.id,
            created_at=opened,
        )
        db.add(row)
        db.flush()
        db.add(OrderEvent(order_id=row.id, kind="created", actor_id=agent.id, occurred_at=opened))
        made[group].append(row.id)

    for n in range(30):
        kind = OrderType.FAULT if n % 2 else OrderType.COMPLAINT
        code = "broadband.fault.down" if n % 3 else "network.coverage.indoor"
        order(n, code, kind, OrderStatus.IN_PROGRESS, "on_site")
    order(31, "broadband.fault.down", OrderType.CONSULTATION, OrderStatus.NEW, "none")
    order(32, "broadband.fault.down", OrderType.FAULT, OrderStatus.CLOSED, "none")
    order(33, "billing.dispute.unknown", OrderType.COMPLAINT, OrderStatus.NEW, "none")
    db.flush()
    return made


def test_open_on_site_orders_get_engineers_booked_after_their_last_step(db: Session) -> None:
    made = _orders(db)
    written = book_visits(db.connection(), seed=7, now=NOW)
    visits = db.scalars(select(OrderAppointment).order_by(OrderAppointment.id)).all()
    assert written == len(visits) > 0
    assert {v.order_id for v in visits} <= set(made["on_site"])  # none for the others
    statuses = {v.status for v in visits}
    assert statuses == {"scheduled", "missed", "done"}  # some after one that did not settle it
    for order_id in {v.order_id for v in visits}:
        own = [v for v in visits if v.order_id == order_id]
        assert [v.status for v in own][-1] == "scheduled" and len(own) <= 2
        assert all(v.missed_by in ("customer", "engineer") for v in own if v.status == "missed")
        steps = db.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
        ).all()
        times = [s.occurred_at.replace(tzinfo=None) for s in steps]
        assert times == sorted(times)  # in order, read by id as the timeline is
        booked = [json.loads(s.details) for s in steps if s.kind == "appointment"]
        assert len(booked) == len(own) + sum(v.status != "scheduled" for v in own)
    for visit in visits:
        starts = (
            visit.starts_at.replace(tzinfo=UTC)
            if visit.starts_at.tzinfo is None
            else visit.starts_at
        )
        if visit.status == "scheduled":
            assert starts > NOW  # the coming days


def test_the_branches_engineers_are_booked_from_their_roster_once_a_window(db: Session) -> None:
    _orders(db)
    book_visits(db.connection(), seed=7, now=NOW)
    roster = {e.id: e for e in db.scalars(select(FieldEngineer))}
    assert roster and all(e.active for e in roster.values())
    visits = db.scalars(select(OrderAppointment)).all()
    from_roster = [v for v in visits if v.engineer_id is not None]
    assert from_roster  # most are booked from the roster
    for visit in from_roster:
        engineer = roster[visit.engineer_id]
        assert (visit.engineer, visit.engineer_phone) == (engineer.name, engineer.phone)
    windows = [(v.engineer_id, v.starts_at) for v in from_roster if v.status == "scheduled"]
    assert len(windows) == len(set(windows))  # never at two doors at once
    # and only within their working hours: the evenings go to the late shift
    zone = ZoneInfo("Asia/Shanghai")
    for visit in from_roster:
        engineer = roster[visit.engineer_id]
        starts, ends = (
            moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            for moment in (visit.starts_at, visit.ends_at)
        )
        assert engineer.work_start <= starts.astimezone(zone).time()
        assert ends.astimezone(zone).time() <= engineer.work_end


def test_each_engineer_rests_a_day_of_the_week_with_no_visit_booked(db: Session) -> None:
    _orders(db)
    book_visits(db.connection(), seed=7, now=NOW)
    zone = ZoneInfo("Asia/Shanghai")
    today = NOW.astimezone(zone).date()
    written = rest_days(db.connection(), today=today)
    roster = db.scalars(select(FieldEngineer.id).where(FieldEngineer.active)).all()
    days_off = {d.engineer_id: d.day for d in db.scalars(select(EngineerDayOff))}
    assert written == len(roster) == len(days_off)  # one each
    assert all(today < day <= today + timedelta(days=7) for day in days_off.values())
    assert len(set(days_off.values())) > 1  # spread over the week, not all on one day
    booked = {
        (v.engineer_id, (v.starts_at if v.starts_at.tzinfo else v.starts_at.replace(tzinfo=UTC)))
        for v in db.scalars(select(OrderAppointment).where(OrderAppointment.status == "scheduled"))
    }
    booked_days = {(engineer, at.astimezone(zone).date()) for engineer, at in booked}
    assert booked_days  # visits were booked in the week, and none on a rest day
    assert not booked_days & set(days_off.items())
