"""A customer's ask to move the engineer's visit booked on their order (改约申请): the
customer names a day and a part of it, and whoever holds the order rebooks the visit with
them — unless the visit's roster engineer is free then, and it is moved at once
(``kefu.workorders.self_moves``). The ask is a step of the order's timeline
(no table of its own): it stands until the visit is booked again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.workorders.enums import EventKind, PartOfDay
from kefu.workorders.models import OrderAppointment, OrderEvent, WorkOrder
from kefu.workorders.service import record_event
from kefu.workorders.urging import tell_holders

MOVE_ASKED = "move_asked"  # the timeline step's action


PART_WORDS = {
    PartOfDay.MORNING: ("上午", "morning"),
    PartOfDay.AFTERNOON: ("下午", "afternoon"),
    PartOfDay.EVENING: ("晚上", "evening"),
}


@dataclass(frozen=True)
class MoveAsked:
    """The move a customer asked for a visit still booked."""

    day: date
    part: PartOfDay


def record_ask(
    session: Session,
    *,
    order: WorkOrder,
    visit: OrderAppointment,
    asked: MoveAsked,
    note: str,
    customer: str,
    via: str = "web",
) -> None:
    """Put the ask on the order's timeline as the customer's, tell its holder, audit it
    (``customer``: how the audit log names them; ``via``: web or sms)."""
    zh, en = PART_WORDS[asked.part]
    day = asked.day
    record_event(
        session,
        order,
        kind=EventKind.APPOINTMENT,
        by=None,
        action=MOVE_ASKED,
        reason=note,
        details={
            "move_asked": True,
            "day": day.isoformat(),
            "part": str(asked.part),
            "by_customer": via,
        },
    )
    tell_holders(
        session,
        order,
        subject=(
            f"客户申请改约上门 {order.number} / "
            f"The customer asks to move the visit of {order.number}"
        ),
        said=f"希望改到 {day:%m月%d日}{zh} / would rather {day:%d %b}, {en}. {note}",
    )
    audit.record(
        session,
        actor=None,
        actor_name=customer,
        action="order.visit_move_asked",
        entity_type="work_order",
        entity_id=order.id,
        details={
            "appointment_id": visit.id,
            "day": day.isoformat(),
            "part": str(asked.part),
            "via": via,
        },
    )


def moves_asked(session: Session, visits: list[OrderAppointment]) -> dict[int, MoveAsked]:
    """For each order of these visits (booked, or missed by a customer who may book
    again), the move its customer asked since the visit was booked (one query)."""
    if not visits:
        return {}
    booked_at = {visit.order_id: visit.booked_at for visit in visits}
    rows = session.execute(
        select(OrderEvent.order_id, OrderEvent.occurred_at, OrderEvent.details)
        .where(
            OrderEvent.order_id.in_(list(booked_at)),
            OrderEvent.kind == EventKind.APPOINTMENT,
            OrderEvent.action == MOVE_ASKED,
        )
        .order_by(OrderEvent.id)
    )
    asked: dict[int, MoveAsked] = {}
    for order_id, occurred_at, details in rows:
        if occurred_at >= booked_at[order_id]:
            found = json.loads(details)
            asked[order_id] = MoveAsked(date.fromisoformat(found["day"]), PartOfDay(found["part"]))
    return asked
