"""Second handling (二次处理): a reopened order is handled again on a clock of its own,
counted from the reopening, warned and escalated once a round, and every breach is kept.

Before, a reopened order kept the limits of its creation: if they had passed, the next
sweep escalated it at once; if the first handling had breached, the second had no limit
at all (the sweep passed over breached orders for good).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_lifecycle import Center, act, complaint
from test_lifecycle import center as center  # the fixture, found by its name

from factories import bearer, make_staff
from kefu.core.calendar import BusinessCalendar
from kefu.core.rbac import Role
from kefu.workorders.models import Breach, WorkOrder
from kefu.workorders.sweeper import sweep

MONDAY_MORNING = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
SHANGHAI_CALENDAR = BusinessCalendar()
COMPLAINT_HOURS = timedelta(hours=27 * 0.75)  # three working days, for a gold customer


def _at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def _sweep(db: Session, moment: datetime) -> tuple[int, int]:
    with _at(moment):
        report = sweep(db, now=moment)
        db.commit()
    return report.warned, report.escalated


def _row(db: Session, order: dict) -> WorkOrder:
    db.expire_all()
    row = db.get(WorkOrder, order["id"])
    assert row is not None
    return row


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _replied_and_visited(client: TestClient, by: dict, order: dict, when: datetime) -> dict:
    """Answer the complaint, close it and hear the customer is not satisfied."""
    with _at(when):
        for action, body in [("reply", {"reply": "已退费"}), ("close", {})]:
            order = act(client, order, action, by, body).json()
        answer = act(client, order, "visit", by, {"outcome": "dissatisfied", "note": "仍扣费"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def _open_and_accept(client: TestClient, center: Center) -> dict:
    with _at(MONDAY_MORNING):
        order = client.post(
            "/api/v1/work-orders", json=complaint(center), headers=center.agent
        ).json()
        return act(client, order, "accept", center.handler).json()


def test_a_reopened_complaint_is_handled_on_a_clock_from_its_reopening(
    client: TestClient, db: Session, center: Center
) -> None:
    order = _open_and_accept(client, center)
    assert order["handling_round"] == 1 and order["round_started_at"] is None
    # Answered in time on Tuesday; the customer, called back a week later, is not satisfied.
    answered = MONDAY_MORNING + timedelta(days=1)
    reopened_at = MONDAY_MORNING + timedelta(days=8)
    with _at(answered):
        order = act(client, order, "reply", center.handler, {"reply": "已退费"}).json()
    with _at(reopened_at):
        order = act(client, order, "close", center.handler).json()
        order = act(
            client, order, "visit", center.handler, {"outcome": "dissatisfied", "note": "仍扣费"}
        ).json()

    assert (order["status"], order["handling_round"]) == ("in_progress", 2)
    assert datetime.fromisoformat(order["round_started_at"]) == reopened_at
    due = datetime.fromisoformat(order["resolve_due_at"])
    assert SHANGHAI_CALENDAR.between(reopened_at, due) == COMPLAINT_HOURS
    assert order["replied_at"] is None and order["clock_running"]  # a new answer is awaited
    assert order["visits"][0]["outcome"] == "dissatisfied"
    reopening = order["events"][-1]
    assert (reopening["action"], reopening["details"]["round"]) == ("reopen", 2)
    # The first limit passed long ago: the next sweep leaves the new round alone.
    assert _sweep(db, reopened_at + timedelta(minutes=1)) == (0, 0)
    listed = client.get("/api/v1/work-orders", headers=center.supervisor).json()["items"]
    assert [o["handling_round"] for o in listed if o["id"] == order["id"]] == [2]


def test_each_round_is_warned_and_escalated_once_and_every_breach_is_kept(
    client: TestClient, db: Session, center: Center
) -> None:
    order = _open_and_accept(client, center)
    first_due = _aware(_row(db, order).resolve_due_at)  # type: ignore[arg-type]
    assert _sweep(db, first_due + timedelta(minutes=1)) == (0, 1)  # warned and escalated
    assert _sweep(db, first_due + timedelta(hours=1)) == (0, 0)
    # Escalated to the province, whose supervisor answers it a day late.
    province = bearer(db, make_staff(db, center.org.province, Role.SUPERVISOR))
    late = first_due + timedelta(days=1)
    order = client.get(f"/api/v1/work-orders/{order['id']}", headers=province).json()
    order = _replied_and_visited(client, province, order, late)

    # Before, the breached order was never swept again: the second handling had no limit.
    row = _row(db, order)
    assert (row.handling_round, row.breached_at, row.warned_at) == (2, None, None)
    second_due = _aware(row.resolve_due_at)  # type: ignore[arg-type]
    assert second_due > late
    warn_at = _aware(row.warn_at)  # type: ignore[arg-type]
    assert _sweep(db, warn_at) == (1, 0)
    assert _sweep(db, warn_at + timedelta(minutes=1)) == (0, 0)  # warned once a round
    assert _sweep(db, second_due) == (0, 1)
    assert _sweep(db, second_due + timedelta(hours=5)) == (0, 0)  # escalated once a round

    breaches = db.execute(
        select(Breach.handling_round, Breach.due_at, Breach.breached_at)
        .where(Breach.order_id == order["id"])
        .order_by(Breach.handling_round)
    ).all()
    assert [(r, _aware(d)) for r, d, _ in breaches] == [(1, first_due), (2, second_due)]
    assert _aware(breaches[1][2]) == second_due


def test_a_reopened_order_that_breached_twice_cannot_record_a_round_twice(
    db: Session, client: TestClient, center: Center
) -> None:
    """The database holds one breach per order and round, whatever a sweep does."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    order = _open_and_accept(client, center)
    moment = MONDAY_MORNING + timedelta(days=30)
    db.add(Breach(order_id=order["id"], handling_round=1, due_at=moment, breached_at=moment))
    db.flush()
    db.add(Breach(order_id=order["id"], handling_round=1, due_at=moment, breached_at=moment))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()
