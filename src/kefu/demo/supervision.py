"""The demo's supervised orders (督办): the duty supervisor presses the holders of the few
most pressing open complaints (passed on from outside — the regulator, the press — then
the most chased, then the longest waiting), one of them in the demo logins' branch so its
handler and team lead see the mark. Each is at the top priority, with the supervisor's words on its
timeline, as ``kefu.workorders.supervising`` writes it; the first asks for the answer by a
time later today or tomorrow, so the 督办 tab shows one owed, with its reminder queued.

Drawn from a stream of its own, after the orders, so everything else the seed makes stays
as it was."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, func, insert, select, update

from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.demo import reference as ref
from kefu.org.models import Staff
from kefu.workorders.enums import MAX_PRIORITY, EventKind, OrderOrigin, OrderStatus, OrderType
from kefu.workorders.models import OrderEvent, WorkOrder
from kefu.workorders.supervising import DUE

HANDLED = (OrderStatus.NEW, OrderStatus.ACCEPTED, OrderStatus.DISPATCHED, OrderStatus.IN_PROGRESS)
MOST = 3
ZONE = "Asia/Shanghai"  # the demo center's (the supervisor's time asked shows in it)
NOTES = (
    "客户已多次催办，请今天17:00前联系客户并回复处理结果",
    "该投诉已转至省公司关注，请明天上午前给出处理方案",
    "客户表示将向工信部申诉，请优先处理，今天内回复",
    "请处理人核实进展，明天12:00前在工单上更新处理记录",
)


def generate_supervision(engine: Engine, *, seed: int, now: datetime | None = None) -> int:
    """Supervise the few most pressing open complaints; returns how many."""
    rng = random.Random(f"{seed}-supervision")
    moment = now or datetime.now(UTC)
    with engine.begin() as connection:
        login = next(name for name, _, role, _ in ref.DEMO_LOGINS if role == Role.SUPERVISOR)
        supervisor = connection.scalar(select(Staff.id).where(Staff.username == login))
        if supervisor is None:
            return 0
        chosen = _pressing(connection)[:MOST]
        for rank, (order_id, since) in enumerate(chosen):
            at = max(since, moment - timedelta(hours=rng.uniform(1, 20)))
            hour = moment.replace(minute=0, second=0, microsecond=0)
            wanted = hour + timedelta(hours=rng.randint(4, 28)) if rank == 0 else None
            _write(connection, order_id, supervisor, at, rng.choice(NOTES), wanted)
        return len(chosen)


def _pressing(connection: Connection) -> list[tuple[int, datetime]]:
    """Open complaints, most pressing first: (order, its last step); the demo logins'
    branch's first."""
    lead = ref.LATER_LOGINS[0][0]
    home = select(Staff.org_unit_id).where(Staff.username == lead).scalar_subquery()
    last = func.max(OrderEvent.occurred_at)
    rows = connection.execute(
        select(WorkOrder.id, last)
        .join(OrderEvent, OrderEvent.order_id == WorkOrder.id)
        .where(WorkOrder.type == OrderType.COMPLAINT, WorkOrder.status.in_(HANDLED))
        .group_by(WorkOrder.id)
        .order_by(
            WorkOrder.org_unit_id != home,
            WorkOrder.origin == OrderOrigin.CUSTOMER,
            WorkOrder.urge_count.desc(),
            WorkOrder.created_at,
            WorkOrder.id,
        )
    )
    return [(order_id, since) for order_id, since in rows]


def _write(
    connection: Connection,
    order_id: int,
    supervisor: int,
    at: datetime,
    note: str,
    wanted: datetime | None,
) -> None:
    asked: dict[str, object] = {"count": 1}
    if wanted is not None:
        asked["answer_by"] = wanted.isoformat()
        reminder = {"order_id": order_id, "by": supervisor, "zone": ZONE, "note": note}
        connection.execute(
            insert(Job).values(
                kind=DUE,
                payload=json.dumps(reminder | asked, ensure_ascii=False),
                message_id=f"demo-supervise-{order_id}",
                run_at=wanted,
            )
        )
    connection.execute(
        update(WorkOrder)
        .where(WorkOrder.id == order_id)
        .values(
            supervise_count=1,
            last_supervised_at=at,
            supervise_answer_by=wanted,
            priority=MAX_PRIORITY,
            version=WorkOrder.version + 1,
            updated_at=at,  # its last step: after every other the demo wrote
        )
    )
    connection.execute(
        insert(OrderEvent),
        {
            "order_id": order_id,
            "kind": EventKind.SUPERVISE,
            "actor_id": supervisor,
            "occurred_at": at,
            "reason": note,
            "details": json.dumps(asked),
        },
    )
