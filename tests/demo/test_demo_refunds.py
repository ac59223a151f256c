"""The demo's refunds: a repeat complaint about a charge given back already is told it
was refunded and is not given it twice (the demo of 20,000 subscribers had credited two
charges twice, the very mistake the approver's warning is there to stop)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from kefu.demo.refunds import Handled, RefundDesk, refund_steps
from kefu.workorders.enums import OrderType

CREATED = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _desk() -> RefundDesk:
    staff = [
        SimpleNamespace(id=1, org_unit_id=7, role="agent"),
        SimpleNamespace(id=2, org_unit_id=7, role="team_lead"),
        SimpleNamespace(id=3, org_unit_id=7, role="supervisor"),
    ]
    return RefundDesk.of(20261206, staff)


def _order(order_id: int, *, days_later: int = 0, amount: int = 25, phone: str = "+8613800138000"):
    return Handled(
        order_id=order_id,
        order_type=OrderType.COMPLAINT,
        code="vas.sp.unconsented",
        phone=phone,
        unit_id=7,
        handler=1,
        created=CREATED + timedelta(days=days_later),
        amount=amount,
    )


def _answered(desk: RefundDesk, order: Handled) -> list:
    times = [order.created + timedelta(hours=h) for h in (1, 2, 3, 30)]
    path = ["accepted", "dispatched", "in_progress", "replied"]
    answer = f"经核实为未经同意订购，已为您双倍退还{order.amount * 2}元。"
    return refund_steps(desk, order, path, times, answer, CREATED + timedelta(days=60))


def test_a_repeat_about_the_same_charge_is_not_given_it_twice() -> None:
    desk = _desk()
    assert [step[1] for step in _answered(desk, _order(1))] == ["refund"] * 3
    assert _answered(desk, _order(2, days_later=1)) == []  # the same charge, a day later
    assert len(_answered(desk, _order(3, days_later=1, amount=30))) == 3  # another charge
    assert len(_answered(desk, _order(4, days_later=31))) == 3  # next month's bill
    assert len(_answered(desk, _order(5, phone="+8613900139000"))) == 3  # another number
    charges = [(row[4], row[7], row[5]) for row in desk.taken()]
    assert len(charges) == len(set(charges)) == 4
