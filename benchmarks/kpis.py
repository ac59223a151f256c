"""A month of service figures over 10,000,000 interactions and 1,000,000 work orders.

The month is written once into a 100,000-subscriber center (COPY on PostgreSQL, batched
inserts on SQLite): calls through the IVR and the queues with the demo's shares of
self-service, abandonment and answer times, and complaints, consultations and the rest
with their time limits. Then every KPI of the month is computed by day, split each way
the console offers.

Reference in the same process: one count of the month's interactions and one of its
orders (the least any figure must read); each split reads as a multiple of it.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from kefu.analytics import kpi_service
from kefu.analytics.kpis import Dimension, Grain
from kefu.contact.enums import ContactChannel, Direction, EndReason, InteractionStatus
from kefu.contact.models import Interaction
from kefu.core.clock import month_bounds_utc
from kefu.core.db import make_engine, make_sessionmaker
from kefu.customers.models import Customer, Subscription
from kefu.demo.bulk import BulkWriter
from kefu.demo.orders import ORDER_COLUMNS
from kefu.org.models import Staff
from kefu.routing.models import Queue
from kefu.workorders.enums import OrderStatus, OrderType
from kefu.workorders.models import Category, WorkOrder

MONTH = 202610
INTERACTIONS = 10_000_000
ORDERS = 1_000_000
BATCH = 50_000
CALL_COLUMNS = (
    "channel",
    "direction",
    "status",
    "end_reason",
    "address",
    "customer_id",
    "queue_id",
    "agent_id",
    "priority",
    "language",
    "offered_at",
    "queued_at",
    "answered_at",
    "ended_at",
    "wrapped_up_at",
    "wrap_up_code",
    "wrap_up_note",
    "subject",
    "body",
    "created_at",
    "updated_at",
    "version",
)


def _world(session: Session) -> dict[str, Any]:
    return {
        "callers": session.execute(
            select(Subscription.customer_id, Subscription.msisdn, Customer.org_unit_id)
            .join(Customer, Customer.id == Subscription.customer_id)
            .limit(50_000)
        ).all(),
        "queues": list(session.scalars(select(Queue.id))),
        "agents": list(session.scalars(select(Staff.id))),
        "leaves": list(session.scalars(select(Category.id).where(Category.level == 3))),
    }


def _call(rng: random.Random, at: datetime, world: dict[str, Any]) -> tuple[Any, ...]:
    customer, number, _ = rng.choice(world["callers"])
    queued = at + timedelta(seconds=rng.uniform(15, 60))
    kind = rng.random()
    done: tuple[Any, ...]
    if kind < 0.6:  # ended in the IVR after self-service
        done = (ContactChannel.IVR, EndReason.SELF_SERVICE, None, None, None, queued, None)
    elif kind < 0.66:  # gave up in the queue
        gave_up = queued + timedelta(seconds=rng.expovariate(1 / 60))
        queue = rng.choice(world["queues"])
        done = (ContactChannel.VOICE, EndReason.ABANDONED, queue, queued, None, gave_up, None)
    else:
        picked_up = queued + timedelta(seconds=rng.expovariate(1 / 12))
        hung_up = picked_up + timedelta(seconds=rng.expovariate(1 / 200))
        queue = rng.choice(world["queues"])
        done = (
            ContactChannel.VOICE,
            EndReason.COMPLETED,
            queue,
            queued,
            picked_up,
            hung_up,
            hung_up,
        )
    channel, reason, queue, queued_at, answered, ended, wrapped = done
    agent = rng.choice(world["agents"]) if answered else None
    return (
        channel.value,
        Direction.INBOUND.value,
        InteractionStatus.ENDED.value,
        reason.value,
        number,
        customer,
        queue,
        agent,
        0,
        "zh-CN",
        at,
        queued_at if queue else None,
        answered,
        ended,
        wrapped + timedelta(seconds=30) if wrapped else None,
        "solved.first" if answered else None,
        "",
        "",
        "",
        at,
        at,
        1,
    )


def _order(rng: random.Random, n: int, at: datetime, world: dict[str, Any]) -> tuple[Any, ...]:
    customer, number, unit = rng.choice(world["callers"])
    kind = rng.choices(
        [OrderType.CONSULTATION, OrderType.COMPLAINT, OrderType.SERVICE_REQUEST, OrderType.FAULT],
        [45, 25, 20, 10],
    )[0]
    closed = at + timedelta(hours=rng.expovariate(1 / 20))
    due = at + timedelta(hours=48)
    return (
        n,
        f"WB{at:%Y%m%d}-{n:07d}",
        kind.value,
        OrderStatus.CLOSED.value,
        "phone",
        rng.choice(world["leaves"]),
        customer,
        number,
        "",
        "benchmark",
        "",
        None,
        "",
        1,
        kind is OrderType.COMPLAINT and rng.random() < 0.1,
        unit,
        None,
        rng.choice(world["agents"]),
        rng.choice(world["agents"]),
        "",
        at + timedelta(hours=4),
        due,
        at + timedelta(hours=36),
        closed,
        closed,
        at,
        closed,
        3,
    )


def fill(url: str) -> dict[str, Any]:
    """Write the month once (a database that has it is left as it is)."""
    engine = make_engine(url)
    start, end = month_bounds_utc(MONTH)
    with make_sessionmaker(engine)() as session:
        have = session.scalar(
            select(func.count()).select_from(WorkOrder).where(WorkOrder.number.like("WB%"))
        )
        if have:
            return {"written": False}
        world = _world(session)
    rng = random.Random(7)
    writer = BulkWriter(engine)
    seconds = (end - start).total_seconds()
    started = time.perf_counter()
    calls = cast(Table, Interaction.__table__)
    for _ in range(0, INTERACTIONS, BATCH):
        moments = sorted(start + timedelta(seconds=rng.uniform(0, seconds)) for _i in range(BATCH))
        writer.write_rows(calls, CALL_COLUMNS, [_call(rng, at, world) for at in moments])
    written_calls = time.perf_counter() - started
    started = time.perf_counter()
    orders = cast(Table, WorkOrder.__table__)
    for first in range(0, ORDERS, BATCH):
        rows = [
            _order(
                rng,
                10_000_000 + first + i,
                start + timedelta(seconds=rng.uniform(0, seconds)),
                world,
            )
            for i in range(BATCH)
        ]
        writer.write_rows(orders, ORDER_COLUMNS, rows)
    writer.finish(("contact_interactions", "work_orders"))
    engine.dispose()
    return {
        "written": True,
        "interactions_seconds": round(written_calls, 1),
        "orders_seconds": round(time.perf_counter() - started, 1),
    }


def run(url: str) -> dict[str, Any]:
    """Every KPI of the month by day, split each way; and the reference counts."""
    engine = make_engine(url)
    start, end = month_bounds_utc(MONTH)
    report: dict[str, Any] = {}
    with make_sessionmaker(engine)() as session:
        begun = time.perf_counter()
        calls = session.scalar(
            select(func.count())
            .select_from(Interaction)
            .where(Interaction.offered_at >= start, Interaction.offered_at < end)
        )
        orders = session.scalar(
            select(func.count())
            .select_from(WorkOrder)
            .where(WorkOrder.created_at >= start, WorkOrder.created_at < end)
        )
        reference = time.perf_counter() - begun
        report.update(interactions=calls, orders=orders, reference_counts_s=round(reference, 2))
        for dimension in Dimension:
            ask = kpi_service.KpiQuery(date(2026, 10, 1), date(2026, 10, 31), Grain.DAY, dimension)
            begun = time.perf_counter()
            found = kpi_service.kpi_report(
                session,
                ask,
                timezone="Asia/Shanghai",
                scope_path=None,
                now=datetime(2026, 11, 20, tzinfo=UTC),
            )
            took = time.perf_counter() - begun
            report[f"by_{dimension.value}"] = {
                "seconds": round(took, 2),
                "in_reference_counts": round(took / reference, 1),
                "rows": len(found.rows),
                "offered": found.total.figures()["offered"],
            }
    engine.dispose()
    return report
