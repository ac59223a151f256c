"""Compensation for every caller of an incident (故障补偿): a cell site down for two days,
and each customer who called about it is credited the same sum.

Why kept like this: after an incident is resolved its callers are known and final, so
a supervisor asks once — a sum and why — and a compensation (赔付) is asked on each
caller's order, one per number, as if asked on each by hand: on each timeline, audited,
credited by the billing system and texted. Someone other than the asker approves or
rejects them together, within their limit, as the four-eyes rule of every refund
wants; approving fifty orders one by one would be the same decision fifty times.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.customers.repository import live_subscription
from kefu.errors import Conflict, Unprocessable
from kefu.notify import links
from kefu.notify.tasks import notify_staff
from kefu.org.models import Staff
from kefu.workorders import refunds
from kefu.workorders.enums import IncidentStatus, OrderStatus, RefundKind, RefundStatus
from kefu.workorders.models import Incident, OrderRefund, WorkOrder
from kefu.workorders.refunds import RefundLimits, yuan

# a round of compensation stands while any of it waits or was given
STANDING = (RefundStatus.REQUESTED, RefundStatus.APPROVED, RefundStatus.CREDITED)


@dataclass(frozen=True)
class Compensation:
    """An incident's compensation: the sum each caller gets, why, who asked and when, and
    how many of its refunds are in each state (with their sum, in fen)."""

    amount_fen: int
    reason: str
    asked_by_id: int | None
    asked_by: str | None
    asked_at: datetime
    counts: dict[RefundStatus, int]
    sums: dict[RefundStatus, int]
    decided_by: str | None = None  # who approved or rejected them (one decision)
    decided_at: datetime | None = None

    def count(self, *statuses: RefundStatus) -> int:
        """How many of its refunds are in these states."""
        return sum(self.counts.get(status, 0) for status in statuses)


def ask(
    session: Session,
    *,
    incident: Incident,
    amount_fen: int,
    reason: str,
    by: Principal,
    limits: RefundLimits,
) -> int:
    """Ask a compensation for each caller of a resolved incident whose number is a live
    subscriber, one per number; how many were asked."""
    if incident.status != IncidentStatus.RESOLVED:
        raise Conflict("incident_compensation_unresolved")
    if amount_fen > limits.ceiling_fen:
        raise Unprocessable(
            "refund_over_ceiling", field="amount_fen", yuan=yuan(limits.ceiling_fen)
        )
    # two supervisors asking at once: the second waits for the first's commit, then sees
    # its round (PostgreSQL; SQLite's writers take turns anyway)
    session.execute(select(Incident.id).where(Incident.id == incident.id).with_for_update())
    if _rows(session, incident.id, STANDING):
        raise Conflict("incident_compensation_asked")
    callers = _callers(session, incident.id)
    if not callers:
        raise Conflict("incident_compensation_nobody")
    now = utcnow()  # one moment: the round's own (``standing``)
    for order in callers:
        refunds.asked(
            session,
            order,
            by,
            kind=RefundKind.COMPENSATION,
            charge_fen=0,
            amount_fen=amount_fen,
            bill_month="",
            reason=reason,
            at=now,
            incident=incident,
        )
    _tell_approvers(session, incident, amount_fen * len(callers), by)
    _audit(session, incident, "ask", by, reason, amount_fen, len(callers))
    return len(callers)


def approve_all(
    session: Session,
    *,
    incident: Incident,
    by: Principal,
    note: str,
    limits: RefundLimits,
    zone: str,
) -> int:
    """Approve every compensation of the incident still waiting, each as its own refund is
    approved (not by who asked, within the approver's limit); how many."""
    waiting = _waiting(session, incident.id)
    for order, row in waiting:
        refunds.approve(
            session, order=order, refund=row, by=by, note=note, limits=limits, zone=zone
        )
    _audit(session, incident, "approve", by, note, waiting[0][1].amount_fen, len(waiting))
    return len(waiting)


def reject_all(session: Session, *, incident: Incident, by: Principal, reason: str) -> int:
    """Refuse every compensation of the incident still waiting, with why; who asked is
    told once (the callers' orders are closed: nobody holds them to be told)."""
    waiting = _waiting(session, incident.id)
    for order, row in waiting:
        refunds.decide_rejected(session, order=order, refund=row, by=by, reason=reason)
    asker = waiting[0][1].requested_by_id
    if asker is not None:
        notify_staff(
            session,
            staff_id=asker,
            subject=f"故障补偿未获批准 {incident.number} / Compensation not approved",
            body=f"{incident.number}: {incident.title}\n{reason}",
            link=links.incident_page(incident.id),
        )
    _audit(session, incident, "reject", by, reason, waiting[0][1].amount_fen, len(waiting))
    return len(waiting)


def standing(session: Session, incident_id: int) -> Compensation | None:
    """The incident's latest round of compensation (None: never asked); a round refused
    in full may be asked again, and the last one asked is shown."""
    rows = _rows(session, incident_id, tuple(RefundStatus))
    if not rows:
        return None
    latest = max(rows, key=lambda r: (r.requested_at, r.id))
    round_ = [r for r in rows if r.requested_at == latest.requested_at]
    counts = Counter(RefundStatus(r.status) for r in round_)
    sums: Counter[RefundStatus] = Counter()
    for r in round_:
        sums[RefundStatus(r.status)] += r.amount_fen
    decided = next((r for r in round_ if r.decided_by_id is not None), None)
    return Compensation(
        amount_fen=latest.amount_fen,
        reason=latest.reason,
        asked_by_id=latest.requested_by_id,
        asked_by=_name(session, latest.requested_by_id),
        asked_at=latest.requested_at,
        counts=dict(counts),
        sums=dict(sums),
        decided_by=_name(session, decided.decided_by_id) if decided else None,
        decided_at=decided.decided_at if decided else None,
    )


def _name(session: Session, staff_id: int | None) -> str | None:
    staff = session.get(Staff, staff_id) if staff_id else None
    return staff.display_name if staff else None


@dataclass(frozen=True)
class Glance:
    """An incident's compensation at a glance, for the list: waiting, and credited."""

    awaiting: int = 0
    credited: int = 0
    credited_fen: int = 0


def glances(session: Session, incident_ids: list[int]) -> dict[int, Glance]:
    """Each incident's compensation that waits or was credited, in one grouped query
    (incidents without any are left out)."""
    rows = session.execute(
        select(
            OrderRefund.incident_id,
            OrderRefund.status,
            func.count(),
            func.coalesce(func.sum(OrderRefund.amount_fen), 0),
        )
        .where(
            OrderRefund.incident_id.in_(incident_ids),
            OrderRefund.status.in_([RefundStatus.REQUESTED.value, RefundStatus.CREDITED.value]),
        )
        .group_by(OrderRefund.incident_id, OrderRefund.status)
    ).all()
    found: dict[int, Glance] = {}
    for incident_id, status, count, total in rows:
        key = int(incident_id or 0)  # the filter leaves none without an incident
        was = found.get(key, Glance())
        if status == RefundStatus.REQUESTED:
            found[key] = Glance(int(count), was.credited, was.credited_fen)
        else:
            found[key] = Glance(was.awaiting, int(count), int(total))
    return found


def _callers(session: Session, incident_id: int) -> list[WorkOrder]:
    """The incident's orders to compensate: the first of each number that is a live
    subscriber (a landline of another operator has no account to credit), but none whose
    number was compensated for it already by hand, on one of its orders."""
    orders = session.scalars(
        select(WorkOrder)
        .where(
            WorkOrder.incident_id == incident_id,
            WorkOrder.status != OrderStatus.CANCELLED,
            WorkOrder.type.in_([t.value for t in refunds.REFUNDABLE_TYPES]),
        )
        .order_by(WorkOrder.id)
    ).all()
    given = _compensated_by_hand(session, [o.id for o in orders])
    first: dict[str, WorkOrder] = {}
    for order in orders:
        first.setdefault(order.contact_phone, order)
    return [
        o
        for o in first.values()
        if o.contact_phone not in given and live_subscription(session, o.contact_phone)
    ]


def _compensated_by_hand(session: Session, order_ids: list[int]) -> set[str]:
    """The numbers with a compensation asked or given on one of these orders."""
    return set(
        session.scalars(
            select(OrderRefund.msisdn).where(
                OrderRefund.order_id.in_(order_ids),
                OrderRefund.kind == RefundKind.COMPENSATION,
                OrderRefund.status.in_([s.value for s in STANDING]),
            )
        )
    )


def _rows(
    session: Session, incident_id: int, statuses: tuple[RefundStatus, ...]
) -> list[OrderRefund]:
    return list(
        session.scalars(
            select(OrderRefund).where(
                OrderRefund.incident_id == incident_id,
                OrderRefund.status.in_([s.value for s in statuses]),
            )
        )
    )


def _waiting(session: Session, incident_id: int) -> list[tuple[WorkOrder, OrderRefund]]:
    """The compensations still waiting, with their orders, in the orders' order."""
    found = session.execute(
        select(WorkOrder, OrderRefund)
        .join(OrderRefund, OrderRefund.order_id == WorkOrder.id)
        .where(
            OrderRefund.incident_id == incident_id,
            OrderRefund.status == RefundStatus.REQUESTED,
        )
        .order_by(WorkOrder.id)
    ).all()
    if not found:
        raise Conflict("incident_compensation_none_waiting")
    return [(order, row) for order, row in found]


def _tell_approvers(session: Session, incident: Incident, total_fen: int, by: Principal) -> None:
    """The supervisors nearest up the incident's branch are told once, with the total."""
    for staff_id in refunds.supervisors_up(session, incident.org_unit_id, by):
        notify_staff(
            session,
            staff_id=staff_id,
            subject=f"故障补偿待审批 {incident.number} / Incident compensation to approve",
            body=f"{incident.number}: {incident.title}\n{yuan(total_fen)}",
            link=links.incident_page(incident.id),
        )


def _audit(
    session: Session,
    incident: Incident,
    step: str,
    by: Principal,
    why: str,
    amount_fen: int,
    callers: int,
) -> None:
    audit.record(
        session,
        actor=by,
        action=f"incident.compensation.{step}",
        entity_type="incident",
        entity_id=incident.id,
        reason=why or None,
        details={"number": incident.number, "amount_fen": amount_fen, "callers": callers},
    )
