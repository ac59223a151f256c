"""The demo's progress texts (进度告知): a complaint or fault that runs overnight is often told
midway where it stands, by its handler, in words of its kind (a network test, a billing
check). Some handled in the last months were, before their reply; some open ones being
handled were today or yesterday, the demo logins' branch's first, so the order page and
the self-service page show one.

Drawn from a stream of its own, after the orders, so everything else the seed makes stays
as it was."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, func, insert, select

from kefu.demo import reference as ref
from kefu.org.models import Staff
from kefu.workorders.enums import EventKind, OrderStatus, OrderType
from kefu.workorders.models import Category, OrderEvent, WorkOrder

TOLD_TYPES = (OrderType.COMPLAINT, OrderType.FAULT)
HANDLED = (OrderStatus.ACCEPTED, OrderStatus.DISPATCHED, OrderStatus.IN_PROGRESS)
HISTORY = timedelta(days=90)
LONG_WAIT = timedelta(hours=12)  # an answer sooner (the same day) needs no word between
HISTORY_SHARE = 0.3
OPEN_SHARE = 0.5
# What a handler texts midway, by the category's first level (others: the general words).
SAID = {
    "network": (
        "网络维护人员已安排到您所在区域现场测试信号，测试后我们会告知您结果。",
        "经初步核查，您所在小区附近基站正在优化调整，预计两天内改善，完成后我们再联系您。",
    ),
    "billing": (
        "计费部门正在核实您反映的扣费明细，核实后会第一时间答复您。",
        "经核查您的扣费记录已调取，正在确认退费金额，预计明天下午前答复您。",
    ),
    "broadband": ("宽带维护人员已排查线路，正在协调上门检修时间，稍后会与您联系。",),
    "vas": ("已向业务合作方调取您的订购记录，核实后将答复您是否退费。",),
}
GENERAL = (
    "您反映的问题正在处理中，相关部门正在核实，核实后会尽快答复您。",
    "您的问题已转相关部门处理，预计两个工作日内答复，请保持电话畅通。",
)


def generate_progress_texts(engine: Engine, *, seed: int, now: datetime | None = None) -> int:
    """Write the progress texts on the timelines; returns how many."""
    rng = random.Random(f"{seed}-progress")
    moment = now or datetime.now(UTC)
    written = 0
    with engine.begin() as connection:
        for order_id, holder, code, started, replied in _handled(connection, moment):
            if replied - started >= LONG_WAIT and rng.random() < HISTORY_SHARE:
                at = started + (replied - started) * rng.uniform(0.3, 0.7)
                _write(connection, rng, order_id, holder, code, at)
                written += 1
        for n, (order_id, holder, code, since) in enumerate(_being_handled(connection)):
            if n == 0 or rng.random() < OPEN_SHARE:  # the first always: the pages show one
                at = min(moment - timedelta(minutes=5), since + timedelta(hours=rng.uniform(1, 6)))
                _write(connection, rng, order_id, holder, code, max(since, at))
                written += 1
    return written


def _told_orders():  # type: ignore[no-untyped-def]
    """Complaints and faults called back on a mobile: (order, holder, category code)."""
    holder = func.coalesce(WorkOrder.assignee_id, WorkOrder.created_by_id).label("holder")
    return (
        select(WorkOrder.id, holder, Category.code)
        .join(Category, Category.id == WorkOrder.category_id)
        .where(WorkOrder.type.in_(TOLD_TYPES), WorkOrder.contact_phone.like("+861%"))
    )


def _handled(
    connection: Connection, now: datetime
) -> list[tuple[int, int, str, datetime, datetime]]:
    """The orders started and replied in the last months: (order, holder, category
    code, started, replied), oldest first."""
    started = func.min(OrderEvent.occurred_at).filter(OrderEvent.to_status == "in_progress")
    replied = func.min(OrderEvent.occurred_at).filter(OrderEvent.to_status == "replied")
    told = _told_orders().where(WorkOrder.created_at >= now - HISTORY).subquery()
    rows = connection.execute(
        select(told.c.id, told.c.holder, told.c.code, started, replied)
        .join(OrderEvent, OrderEvent.order_id == told.c.id)
        .group_by(told.c.id, told.c.holder, told.c.code)
        .order_by(told.c.id)
    )
    return [
        (order_id, holder, code, start, reply)
        for order_id, holder, code, start, reply in rows
        if holder is not None and start and reply and reply > start
    ]


def _being_handled(connection: Connection) -> list[tuple[int, int, str, datetime]]:
    """The open orders being handled: (order, holder, category code, when its last step
    was); the demo logins' branch's first."""
    lead = ref.LATER_LOGINS[0][0]
    home = select(Staff.org_unit_id).where(Staff.username == lead).scalar_subquery()
    told = (
        _told_orders().add_columns(WorkOrder.org_unit_id).where(WorkOrder.status.in_(HANDLED))
    ).subquery()
    rows = connection.execute(
        select(told.c.id, told.c.holder, told.c.code, func.max(OrderEvent.occurred_at))
        .join(OrderEvent, OrderEvent.order_id == told.c.id)
        .group_by(told.c.id, told.c.holder, told.c.code, told.c.org_unit_id)
        .order_by(told.c.org_unit_id != home, told.c.id)
    )
    return [
        (order_id, holder, code, since)
        for order_id, holder, code, since in rows
        if holder is not None
    ]


def _write(
    connection: Connection,
    rng: random.Random,
    order_id: int,
    holder: int,
    code: str,
    at: datetime,
) -> None:
    connection.execute(
        insert(OrderEvent),
        {
            "order_id": order_id,
            "kind": EventKind.PROGRESS,
            "actor_id": holder,
            "occurred_at": at,
            "reason": rng.choice(SAID.get(code.split(".")[0], GENERAL)),
            "details": json.dumps({"texted": True}),
        },
    )
