"""A supervisor pressing an open order's holder for it (督办): a complaint the press has
picked up, a VIP's third call, a case the province asks after. The supervisor writes
what they want and by when; whoever holds the order and the leads of its team are told
with those words, the order goes to the top of their queue and stays there, and the
queues show it as supervised until it is answered; each supervisor who pressed for it is
told of the answer when it is given.

Why not an escalation: the order stays where it is, with whoever knows it; the pressure
comes from above, the work does not move. Why not a chase (催办): that is the customer's,
counted against the center's service; this is management's, and the queues tell them
apart.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core import audit, outbox
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.errors import Conflict, Unprocessable
from kefu.org.repository import team_lead_ids
from kefu.workorders.enums import BEING_HANDLED, MAX_PRIORITY, EventKind, OrderStatus
from kefu.workorders.models import OrderEvent, WorkOrder
from kefu.workorders.service import record_event
from kefu.workorders.urging import holders, mail_about

ANSWERED = frozenset({OrderStatus.REPLIED, OrderStatus.RETURN_VISIT})
# The job that tells, once, of a supervised order still unanswered at the time asked.
DUE = "order.supervise_due"
FURTHEST = timedelta(days=30)  # a time asked further off is a typo, not a supervision


def supervise(
    session: Session,
    *,
    order: WorkOrder,
    note: str,
    by: Principal,
    answer_by: datetime | None = None,
    zone: str = "Asia/Shanghai",
) -> WorkOrder:
    """Press the holder of the order being handled: counted, on the timeline with the
    supervisor's words, the order at the top priority, its holder and its team's leads
    told (not the supervisor); audited. ``answer_by``: still unanswered then, the holder
    and the supervisor are told again (422 past, or more than 30 days ahead). 409 once
    it is answered or finished."""
    if order.status not in BEING_HANDLED:
        code = "supervise_answered" if order.status in ANSWERED else "supervise_finished"
        raise Conflict(code, number=order.number)
    now = utcnow()
    _check_answer_by(answer_by, now)
    order.supervise_count = (order.supervise_count or 0) + 1
    order.last_supervised_at = now
    order.priority = MAX_PRIORITY
    count = order.supervise_count
    details: dict[str, object] = {"count": count}
    if answer_by is not None:
        owed = order.supervise_answer_by  # another supervisor's time may come sooner
        order.supervise_answer_by = answer_by if owed is None else min(owed, answer_by)
        details["answer_by"] = answer_by.astimezone(UTC).isoformat()
        payload = {"order_id": order.id, "by": by.staff_id, "zone": zone, "note": note}
        outbox.enqueue(session, kind=DUE, payload=payload | details, run_at=answer_by)
    record_event(session, order, kind=EventKind.SUPERVISE, by=by, reason=note, details=details)
    _tell(session, order, note, by)
    audit.record(
        session,
        actor=by,
        action="order.supervise",
        entity_type="work_order",
        entity_id=order.id,
        reason=note,
        details={"count": count, "status": str(order.status)},
    )
    session.flush()
    return order


def _check_answer_by(answer_by: datetime | None, now: datetime) -> None:
    if answer_by is None:
        return
    if answer_by <= now:
        raise Unprocessable("supervise_answer_by_past", field="answer_by")
    if answer_by > now + FURTHEST:
        raise Unprocessable("supervise_answer_by_far", field="answer_by", days=FURTHEST.days)


@outbox.handler(DUE)
def _tell_still_open(
    session: Session, payload: dict[str, Any], message_id: str
) -> outbox.Sending[None] | None:
    """At the time asked, a supervised order still being handled: its holder, its team's
    leads and the supervisor are told, once (the mails are written where the delivery
    is recorded; answered by then, nobody is told)."""
    order = session.get(WorkOrder, payload["order_id"])
    if order is None or order.status not in BEING_HANDLED:
        return None

    def record(writing: Session, _answer: None) -> None:
        _mail_still_open(writing, payload)

    return outbox.Sending(channel="supervise", send=lambda: None, record=record)


def _mail_still_open(session: Session, payload: dict[str, Any]) -> None:
    order = session.get(WorkOrder, payload["order_id"])
    if order is None or order.status not in BEING_HANDLED:
        return  # answered while the job ran
    told = {*_pressed(session, order), payload["by"]}
    wanted = datetime.fromisoformat(payload["answer_by"]).astimezone(ZoneInfo(payload["zone"]))
    mail_about(
        session,
        order,
        sorted(t for t in told if t is not None),
        subject=(
            f"督办时限已到，工单仍未答复 {order.number} / "
            f"Supervised order {order.number} still unanswered"
        ),
        said=f"{payload['note']}\n要求答复时间 / Answer wanted by: {wanted:%Y-%m-%d %H:%M}",
    )


def _pressed(session: Session, order: WorkOrder) -> set[int]:
    """Whoever holds it, and the leads of its team: the lead answers for the handler."""
    leads = team_lead_ids(session, order.team_id) if order.team_id is not None else []
    return {*holders(session, order), *leads}


def _tell(session: Session, order: WorkOrder, note: str, by: Principal) -> None:
    mail_about(
        session,
        order,
        sorted(_pressed(session, order) - {by.staff_id}),
        subject=(
            f"工单 {order.number} 被督办（第 {order.supervise_count} 次）/ "
            f"Work order {order.number} supervised by {by.display_name}"
        ),
        said=f"{by.display_name}: {note}",
    )


def tell_of_answer(session: Session, order: WorkOrder, *, text: str, by: Principal) -> None:
    """The supervised order was answered: each supervisor who pressed for it (not who
    answered) is told what the customer was told, and by whom; no answer is owed them
    any more."""
    if not order.supervise_count:
        return
    order.supervise_answer_by = None
    pressed = session.scalars(
        select(OrderEvent.actor_id).where(
            OrderEvent.order_id == order.id, OrderEvent.kind == EventKind.SUPERVISE
        )
    )
    mail_about(
        session,
        order,
        sorted({p for p in pressed if p is not None} - {by.staff_id}),
        subject=(
            f"督办工单已答复 {order.number} / The order you supervised was answered: {order.number}"
        ),
        said=f"{by.display_name}: {text}",
    )


def carry_owed(session: Session, *, source: WorkOrder, target: WorkOrder) -> None:
    """A merged duplicate's answer still owed to a supervisor is the order kept's, while
    it is being handled: the sooner time stands, and each reminder asked for is set
    again on the order kept (the duplicate's falls silent once it is cancelled)."""
    owed, source.supervise_answer_by = source.supervise_answer_by, None
    if owed is None or target.status not in BEING_HANDLED:
        return
    kept = target.supervise_answer_by
    target.supervise_answer_by = owed if kept is None else min(kept, owed)
    waiting = select(outbox.Job).where(
        outbox.Job.kind == DUE, outbox.Job.status == outbox.JobStatus.PENDING
    )
    with session.no_autoflush:  # the order kept is written once, its version moving once
        jobs = session.scalars(waiting).all()
    for job in jobs:
        payload = json.loads(job.payload)
        if payload.get("order_id") == source.id:
            moved = payload | {"order_id": target.id, "merged_from": source.number}
            outbox.enqueue(session, kind=DUE, payload=moved, run_at=job.run_at)
