"""The demo's asks of the province's network centre (协办): a network complaint or fault
often needs the centre to look at a cell or a link while the branch keeps the customer.
Some of those handled in the last months asked it, and were answered before their reply;
some open ones ask it now, one of them past the time it was wanted by, so the centre's
queue has work in it, and one of them an order of the demo logins' branch when it has one
being handled, so its handler and team lead see what their orders wait for.

Drawn from a stream of its own, after the orders, so everything else the seed makes stays
as it was."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from kefu.core.security import hash_password
from kefu.demo import reference as ref
from kefu.org.enums import OrgLevel
from kefu.org.models import OrgUnit, Staff, Team
from kefu.workorders.enums import AssistStatus, EventKind, OrderStatus, OrderType
from kefu.workorders.models import Category, OrderAssist, OrderEvent, WorkOrder

ASKED_TYPES = (OrderType.COMPLAINT, OrderType.FAULT)
HANDLED = (OrderStatus.ACCEPTED, OrderStatus.DISPATCHED, OrderStatus.IN_PROGRESS)
HISTORY = timedelta(days=90)  # handled orders that asked, over the last three months
HISTORY_SHARE = 0.25
OPEN_SHARE = 0.6  # of the open network orders being handled: the centre is asked now
WANTED_WITHIN = timedelta(hours=24)
QUESTIONS = (
    "客户所在小区信号弱，请网优中心核查周边基站覆盖及近期告警",
    "客户反映通话频繁掉线，请核查所在小区基站是否有故障或干扰",
    "客户称上网速度明显变慢，请核查所在区域基站负荷与传输情况",
    "客户家中室内无信号，请评估是否需要加装室分或优化天线方向",
)
ANSWERS = (
    "已核查：附近基站传输闪断，已修复，请回访客户确认",
    "已核查：该小区负荷较高，已扩容载频，预计两天内明显改善",
    "已核查：基站天线方向偏移，已派维护调整，今晚完成",
    "已核查：周边无告警，建议客户更换 4G/5G 优先设置后观察，仍有问题再派单测试",
)


def generate_assists(engine: Engine, *, seed: int, now: datetime | None = None) -> int:
    """Make the network centre and its engineer, and write the asks of it; returns how
    many asks."""
    rng = random.Random(f"{seed}-assists")
    moment = now or datetime.now(UTC)
    with engine.begin() as connection:
        team_id, answerer = _centre(connection)
        written = 0
        for order_id, asker, started, replied in _handled(connection, moment):
            if rng.random() < HISTORY_SHARE:
                asked = started + (replied - started) * rng.uniform(0.1, 0.3)
                answered = started + (replied - started) * rng.uniform(0.5, 0.8)
                _write(connection, rng, order_id, team_id, asker, asked, (answerer, answered))
                written += 1
        for n, (order_id, asker, since) in enumerate(_being_handled(connection)):
            if n == 0 or rng.random() < OPEN_SHARE:  # the first always: the queue has work
                asked = max(since, moment - timedelta(hours=rng.uniform(2, 30)))
                _write(connection, rng, order_id, team_id, asker, asked, None)
                written += 1
        return written


def _centre(connection: Connection) -> tuple[int, int]:
    """The province's network centre and its engineer (a demo login): (team, engineer)."""
    province = connection.scalar(
        select(OrgUnit.id).where(OrgUnit.level == OrgLevel.PROVINCE).order_by(OrgUnit.id)
    )
    name, name_en = ref.NETWORK_CENTRE
    team = {"name": name, "name_en": name_en, "org_unit_id": province}
    team_id = connection.execute(insert(Team).returning(Team.id), team).scalar_one()
    username, display_name, role, _where = ref.CENTRE_LOGIN
    engineer = {
        "username": username,
        "display_name": display_name,
        "role": role,
        "org_unit_id": province,
        "team_id": team_id,
        "password_hash": hash_password(ref.DEMO_PASSWORD),
        "email": f"{username}@kefu.example.cn",
        "phone": "+8613920009000",
    }
    return team_id, connection.execute(insert(Staff).returning(Staff.id), engineer).scalar_one()


def _network_orders() -> Any:
    return (
        select(WorkOrder.id)
        .join(Category, Category.id == WorkOrder.category_id)
        .where(Category.code.like("network.%"), WorkOrder.type.in_(ASKED_TYPES))
    )


def _handled(connection: Connection, now: datetime) -> list[tuple[int, int, datetime, datetime]]:
    """The network orders started and replied in the last months: (order, who handled it,
    started, replied), oldest first."""
    started = func.min(OrderEvent.occurred_at).filter(OrderEvent.to_status == "in_progress")
    replied = func.min(OrderEvent.occurred_at).filter(OrderEvent.to_status == "replied")
    rows = connection.execute(
        select(OrderEvent.order_id, WorkOrder.assignee_id, started, replied)
        .join(WorkOrder, WorkOrder.id == OrderEvent.order_id)
        .where(
            OrderEvent.order_id.in_(_network_orders()),
            WorkOrder.created_at >= now - HISTORY,
            WorkOrder.assignee_id.is_not(None),
        )
        .group_by(OrderEvent.order_id, WorkOrder.assignee_id)
        .order_by(OrderEvent.order_id)
    )
    return [
        (order_id, asker, start, reply)
        for order_id, asker, start, reply in rows
        if asker is not None and start and reply and reply > start
    ]


def _being_handled(connection: Connection) -> list[tuple[int, int, datetime]]:
    """The open network orders being handled: (order, who holds or opened it, when its
    last step was); the demo logins' branch's first, so its handler and team lead have
    one asking the centre (the first always asks)."""
    lead = ref.LATER_LOGINS[0][0]
    home = select(Staff.org_unit_id).where(Staff.username == lead).scalar_subquery()
    last = func.max(OrderEvent.occurred_at)
    rows = connection.execute(
        select(WorkOrder.id, func.coalesce(WorkOrder.assignee_id, WorkOrder.created_by_id), last)
        .join(OrderEvent, OrderEvent.order_id == WorkOrder.id)
        .where(WorkOrder.id.in_(_network_orders()), WorkOrder.status.in_(HANDLED))
        .group_by(WorkOrder.id, WorkOrder.assignee_id, WorkOrder.created_by_id)
        .order_by(WorkOrder.org_unit_id != home, WorkOrder.id)
    )
    return [(order_id, asker, since) for order_id, asker, since in rows]


def _write(
    connection: Connection,
    rng: random.Random,
    order_id: int,
    team_id: int,
    asker: int,
    asked: datetime,
    answered: tuple[int, datetime] | None,
) -> None:
    name, name_en = ref.NETWORK_CENTRE
    question = rng.choice(QUESTIONS)
    row: dict[str, Any] = {
        "order_id": order_id,
        "team_id": team_id,
        "status": AssistStatus.OPEN,
        "question": question,
        "asked_by_id": asker,
        "asked_at": asked,
        "due_at": asked + WANTED_WITHIN,
        "answer": "",
    }
    team = {"team": name, "team_en": name_en}
    steps = [(asker, asked, question, {"step": "ask", **team, "due_at": row["due_at"].isoformat()})]
    if answered is not None:
        answerer, at = answered
        said = rng.choice(ANSWERS)
        row |= {"status": AssistStatus.ANSWERED, "answer": said, "ended_by_id": answerer}
        row["ended_at"] = at
        steps.append((answerer, at, said, {"step": "answer", **team}))
    assist_id = connection.execute(insert(OrderAssist).returning(OrderAssist.id), row).scalar_one()
    for actor, at, said, details in steps:
        connection.execute(
            insert(OrderEvent),
            {
                "order_id": order_id,
                "kind": EventKind.ASSIST,
                "actor_id": actor,
                "occurred_at": at,
                "reason": said,
                "details": json.dumps({"assist": assist_id, **details}, ensure_ascii=False),
            },
        )
