"""Merging a duplicate order into the one kept (合并工单): the same customer's problem
registered twice (a text and a call, two agents), so two handlers would work it and the
customer be answered twice. The duplicate is cancelled, naming the order kept, and so
leaves the month's complaint counts and repeat rate (cancelled orders count for
neither); the order kept records the merge on its timeline and takes over the customer's
chases, its files, the customer's messages it came from (so its answer reaches an SMS or
e-mail in their thread) and the higher priority of the two.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.errors import Conflict, Unprocessable
from kefu.workorders import attachments, supervising
from kefu.workorders.appointments import carry_booked
from kefu.workorders.enums import Action, EventKind, OrderOrigin, OrderStatus
from kefu.workorders.lifecycle import move
from kefu.workorders.models import OrderEvent, WorkOrder
from kefu.workorders.refunds import carry_awaiting
from kefu.workorders.service import record_event
from kefu.workorders.threaded_answers import move_threads

FINISHED = frozenset({OrderStatus.CLOSED, OrderStatus.CANCELLED})


def merge(
    session: Session, *, duplicate: WorkOrder, kept: WorkOrder, reason: str, by: Principal
) -> WorkOrder:
    """Cancel ``duplicate`` as merged into ``kept``, which takes over its chases, its
    files and its priority if higher; both timelines say so; audited."""
    _check(duplicate, kept)
    said = reason or f"合并至 {kept.number} / Merged into {kept.number}"
    carry_booked(session, source=duplicate, target=kept, by=by)  # before it is called off
    carry_awaiting(session, source=duplicate, target=kept, by=by)  # before they are withdrawn
    move(
        session,
        duplicate,
        Action.CANCEL,
        by,
        reason=said,
        details={"merged_into": kept.number, "merged_into_id": kept.id},
    )
    kept.urge_count = (kept.urge_count or 0) + (duplicate.urge_count or 0)
    kept.last_urged_at = _later(kept.last_urged_at, duplicate.last_urged_at)
    kept.supervise_count = (kept.supervise_count or 0) + (duplicate.supervise_count or 0)
    kept.last_supervised_at = _later(kept.last_supervised_at, duplicate.last_supervised_at)
    _carry_supervisions(session, source=duplicate, target=kept)
    supervising.carry_owed(session, source=duplicate, target=kept)
    kept.priority = max(kept.priority, duplicate.priority)
    kept.updated_at = utcnow()  # the kept order changed: its version moves
    files = attachments.move_kept(session, source=duplicate, target=kept)
    move_threads(session, source=duplicate, target=kept)  # answered where they wrote
    merged: dict[str, object] = {"merged": duplicate.number, "merged_id": duplicate.id}
    record_event(
        session,
        kept,
        kind=EventKind.MERGE,
        by=by,
        reason=reason,
        details=merged | ({"files": files} if files else {}),
    )
    audit.record(
        session,
        actor=by,
        action="order.merge",
        entity_type="work_order",
        entity_id=kept.id,
        reason=reason or None,
        details={"merged": duplicate.id, "merged_number": duplicate.number, "files": len(files)},
    )
    session.flush()
    return duplicate


def _check(duplicate: WorkOrder, kept: WorkOrder) -> None:
    if duplicate.id == kept.id:
        raise Unprocessable("merge_into_itself", field="into")
    if kept.status in FINISHED:
        raise Conflict("merge_into_finished", field="into", number=kept.number)
    if not _same_customer(duplicate, kept):
        raise Unprocessable("merge_other_customer", field="into", number=kept.number)
    if duplicate.origin != OrderOrigin.CUSTOMER:
        # Its sender waits for an answer under their own reference and date: it stays.
        raise Conflict("merge_passed_on", number=duplicate.number)


def _same_customer(one: WorkOrder, other: WorkOrder) -> bool:
    """Two known customers must be the one; an order of no known customer (a caller who
    is not a subscriber) is the same customer's by the number to call back."""
    if one.customer_id is not None and other.customer_id is not None:
        return one.customer_id == other.customer_id
    return one.contact_phone == other.contact_phone


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    present = [moment for moment in (first, second) if moment is not None]
    return max(present) if present else None


def _carry_supervisions(session: Session, *, source: WorkOrder, target: WorkOrder) -> None:
    """The supervisors' steps (督办) of the duplicate go onto the order kept, at their own
    times and marked as the duplicate's: whoever pressed is told of the kept order's
    answer, and its page shows who pressed for it."""
    found = select(OrderEvent).where(
        OrderEvent.order_id == source.id, OrderEvent.kind == EventKind.SUPERVISE
    )
    with session.no_autoflush:  # the kept order is written once, its version moving once
        steps = session.scalars(found).all()
    for step in steps:
        details = {**json.loads(step.details), "merged_from": source.number}
        session.add(
            OrderEvent(
                order_id=target.id,
                kind=EventKind.SUPERVISE,
                actor_id=step.actor_id,
                occurred_at=step.occurred_at,
                reason=step.reason,
                details=json.dumps(details, ensure_ascii=False),
            )
        )
