"""Money back to a customer on a work order (退费, 双倍返还, 赔付): a charge billed in error,
one for a service the customer never agreed to (given back twice over, the regulator's
rule), or a credit for a loss (a line down for days).

Why kept like this: money leaves the operator only when someone other than the asker
approved it, within the limit their right gives (a team lead up to one sum, a supervisor
up to the center's ceiling); the billing system then credits it, and the customer is
texted. Each step is decided once (a conditional update), is on the order's timeline and
in the audit log, so finance and the auditor can follow every yuan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kefu.config import Settings
from kefu.core import audit, outbox
from kefu.core.base import utcnow
from kefu.core.clock import local_today
from kefu.core.rbac import Principal, Right
from kefu.customers.repository import live_subscription
from kefu.errors import Conflict, Forbidden, Unprocessable
from kefu.notify import links
from kefu.notify.tasks import notify_staff
from kefu.org.models import OrgUnit
from kefu.org.repository import supervisor_ids, team_lead_ids, tree_position
from kefu.workorders.enums import (
    BEING_HANDLED,
    CHARGE_REFUNDS,
    EventKind,
    OrderType,
    RefundKind,
    RefundStatus,
)
from kefu.workorders.models import Incident, OrderRefund, WorkOrder
from kefu.workorders.order_records import one_of_order, with_names
from kefu.workorders.refund_schemas import RefundCreate
from kefu.workorders.service import record_event
from kefu.workorders.urging import tell_holders

CREDIT = "order.refund_credit"
REFUNDABLE_TYPES = frozenset({OrderType.COMPLAINT, OrderType.FAULT})
# Asked while the order is handled: the reply then says what the customer gets.
ASKABLE = BEING_HANDLED


@dataclass(frozen=True)
class RefundLimits:
    """How much a team lead may approve, and the most any refund may be, in fen."""

    lead_fen: int
    ceiling_fen: int

    @classmethod
    def of(cls, settings: Settings) -> RefundLimits:
        """The limits the center configured."""
        return cls(settings.refund_lead_limit_fen, settings.refund_ceiling_fen)

    def for_approver(self, by: Principal) -> int:
        """The most this person may approve (0: not an approver)."""
        if by.has(Right.REFUND_APPROVE_LARGE):
            return self.ceiling_fen
        return self.lead_fen if by.has(Right.REFUND_APPROVE) else 0


@dataclass(frozen=True)
class ListedRefund:
    """A refund with the names of who asked and who decided."""

    row: OrderRefund
    requested_by: str | None
    decided_by: str | None


def request(
    session: Session,
    *,
    order: WorkOrder,
    data: RefundCreate,
    by: Principal,
    limits: RefundLimits,
    zone: str,
) -> OrderRefund:
    """Ask for money back to the order's number; it waits for an approver."""
    if order.type not in REFUNDABLE_TYPES:
        raise Conflict("refund_order_type")
    if order.status not in ASKABLE:
        raise Conflict("refund_order_finished", number=order.number)
    charge, amount = _amounts(data)
    if amount > limits.ceiling_fen:
        field = "amount_fen" if data.amount_fen is not None else "charge_fen"
        raise Unprocessable("refund_over_ceiling", field=field, yuan=yuan(limits.ceiling_fen))
    _check_bill_month(data.bill_month, zone)
    if live_subscription(session, order.contact_phone) is None:
        raise Unprocessable("refund_no_subscription")
    row = asked(
        session,
        order,
        by,
        kind=data.kind,
        charge_fen=charge,
        amount_fen=amount,
        bill_month=data.bill_month or "",
        reason=data.reason,
    )
    _tell_approvers(session, order, row, by, limits)
    return row


def asked(
    session: Session,
    order: WorkOrder,
    by: Principal,
    *,
    kind: RefundKind,
    charge_fen: int,
    amount_fen: int,
    bill_month: str,
    reason: str,
    at: datetime | None = None,
    incident: Incident | None = None,
) -> OrderRefund:
    """A refund written as asked, to the order's number, on the timeline and audited; at
    ``at`` (one moment for a round of an incident's), for ``incident``'s callers."""
    row = OrderRefund(
        order_id=order.id,
        kind=kind,
        status=RefundStatus.REQUESTED,
        msisdn=order.contact_phone,
        charge_fen=charge_fen,
        amount_fen=amount_fen,
        bill_month=bill_month,
        reason=reason,
        requested_by_id=by.staff_id,
        requested_at=at or utcnow(),
        decision_note="",
        billing_ref="",
        incident_id=incident.id if incident else None,
    )
    session.add(row)
    session.flush()
    more = {"incident": incident.number} if incident else {}
    record_step(session, order, by, "request", row, reason=reason, **more)
    return row


def _tell_approvers(
    session: Session, order: WorkOrder, row: OrderRefund, by: Principal, limits: RefundLimits
) -> None:
    """Whoever may approve it is told: the leads of the order's team within their limit,
    else the supervisors nearest up the order's branch (the queue's count says it too)."""
    leads = (
        team_lead_ids(session, order.team_id)
        if order.team_id is not None and row.amount_fen <= limits.lead_fen
        else []
    )
    approvers = [p for p in leads if p != by.staff_id] or supervisors_up(
        session, order.org_unit_id, by
    )
    for staff_id in approvers:
        notify_staff(
            session,
            staff_id=staff_id,
            subject=f"退费待审批 {order.number} / Refund to approve",
            body=f"{order.number}: {order.subject}\n{yuan(row.amount_fen)}: {row.reason}",
            link=links.order_page(order.id),
        )


def supervisors_up(session: Session, unit_id: int, by: Principal) -> list[int]:
    """The supervisors of the unit, or of the nearest unit above that has any (not the
    asker)."""
    unit = session.get(OrgUnit, unit_id)
    assert unit is not None  # foreign key
    for unit_id in reversed(tree_position(unit.path)):
        found = [p for p in supervisor_ids(session, unit_id) if p != by.staff_id]
        if found:
            return found
    return []


def approve(
    session: Session,
    *,
    order: WorkOrder,
    refund: OrderRefund,
    by: Principal,
    note: str,
    limits: RefundLimits,
    zone: str,
) -> OrderRefund:
    """Approve a refund asked by someone else, within the approver's limit; the billing
    system credits it after the commit (an outbox job, ``kefu.billing.credits``)."""
    if refund.requested_by_id == by.staff_id:
        raise Forbidden("refund_own_request")
    limit = limits.for_approver(by)
    if refund.amount_fen > limit:
        raise Forbidden("refund_beyond_limit", yuan=yuan(limit))
    _decide(session, refund, RefundStatus.APPROVED, by, note)
    outbox.enqueue(session, kind=CREDIT, payload={"refund_id": refund.id, "zone": zone})
    record_step(session, order, by, "approve", refund, reason=note)
    return refund


def reject(
    session: Session, *, order: WorkOrder, refund: OrderRefund, by: Principal, reason: str
) -> OrderRefund:
    """Refuse a refund, with why; the order's holder is told to answer otherwise."""
    decide_rejected(session, order=order, refund=refund, by=by, reason=reason)
    tell_holders(
        session,
        order,
        subject=f"退费未获批准 {order.number} / Refund not approved",
        said=f"{yuan(refund.amount_fen)}: {reason}",
    )
    return refund


def decide_rejected(
    session: Session, *, order: WorkOrder, refund: OrderRefund, by: Principal, reason: str
) -> None:
    """Refuse a refund, once, on the timeline and audited (telling is the caller's)."""
    _decide(session, refund, RefundStatus.REJECTED, by, reason)
    record_step(session, order, by, "reject", refund, reason=reason)


def withdraw(
    session: Session, *, order: WorkOrder, refund: OrderRefund, by: Principal | None, reason: str
) -> OrderRefund:
    """Take back a refund not yet decided: by who asked, or an approver."""
    if (
        by is not None
        and refund.requested_by_id != by.staff_id
        and not by.has(Right.REFUND_APPROVE)
    ):
        raise Forbidden("refund_not_yours")
    return _withdrawn(session, order, refund, by, reason)


def withdraw_awaiting(
    session: Session, order: WorkOrder, by: Principal | None, reason: str
) -> None:
    """An order cancelled (invalid, or merged away) takes back what still waits for a
    decision: no approver should weigh money for an order that no longer stands. Taken
    back in the name of whoever cancelled it, with their reason."""
    for refund in awaiting(session, order.id):
        _withdrawn(session, order, refund, by, reason)


def _withdrawn(
    session: Session, order: WorkOrder, refund: OrderRefund, by: Principal | None, reason: str
) -> OrderRefund:
    _decide(session, refund, RefundStatus.WITHDRAWN, by, reason)
    record_step(session, order, by, "withdraw", refund, reason=reason)
    return refund


def carry_awaiting(
    session: Session, *, source: WorkOrder, target: WorkOrder, by: Principal
) -> None:
    """A duplicate merged into the order kept brings the refunds still awaiting a
    decision along: the approver decides them on the order that is answered."""
    for refund in awaiting(session, source.id):
        refund.order_id = target.id
        session.flush()
        record_step(session, target, by, "carry", refund, reason="", carried_from=source.number)


def awaiting(session: Session, order_id: int) -> list[OrderRefund]:
    """The order's refunds asked and not yet decided."""
    return list(
        session.scalars(
            select(OrderRefund).where(
                OrderRefund.order_id == order_id,
                OrderRefund.status == RefundStatus.REQUESTED,
            )
        )
    )


def require_decided(session: Session, order: WorkOrder) -> None:
    """The reply says what the customer gets: none while a refund awaits its decision."""
    if awaiting(session, order.id):
        raise Conflict("reply_refund_awaiting")


@dataclass(frozen=True)
class MoneyBack:
    """What an order gives back, in fen: credited to the account, approved and on its way,
    and asked but still awaiting approval."""

    credited: int = 0
    on_way: int = 0
    asked: int = 0

    @property
    def granted(self) -> int:
        """What the customer has, or will have once billing credits it."""
        return self.credited + self.on_way


def money_back(session: Session, order_ids: list[int]) -> dict[int, MoneyBack]:
    """For each of these orders with any refund credited, approved or awaiting approval,
    the sums (one grouped query, for a page of a queue or a customer's orders)."""
    if not order_ids:
        return {}
    counted = (RefundStatus.CREDITED, RefundStatus.APPROVED, RefundStatus.REQUESTED)
    rows = session.execute(
        select(OrderRefund.order_id, OrderRefund.status, func.sum(OrderRefund.amount_fen))
        .where(
            OrderRefund.order_id.in_(order_ids),
            OrderRefund.status.in_([s.value for s in counted]),
        )
        .group_by(OrderRefund.order_id, OrderRefund.status)
    )
    sums: dict[int, dict[str, int]] = {}
    for order_id, status, fen in rows:
        sums.setdefault(order_id, {})[str(status)] = int(fen)
    return {
        order_id: MoneyBack(
            credited=by_status.get(RefundStatus.CREDITED, 0),
            on_way=by_status.get(RefundStatus.APPROVED, 0),
            asked=by_status.get(RefundStatus.REQUESTED, 0),
        )
        for order_id, by_status in sums.items()
    }


def the_refund(session: Session, order: WorkOrder, refund_id: int) -> OrderRefund:
    """One of the order's refunds (404 for another order's, or none)."""
    return one_of_order(session, OrderRefund, order, refund_id, missing="refund_not_found")


def listed(session: Session, order_id: int) -> list[ListedRefund]:
    """The order's refunds, the latest asked first."""
    people = (OrderRefund.requested_by_id, OrderRefund.decided_by_id)
    rows = with_names(session, OrderRefund, order_id, people, newest_first=True)
    return [ListedRefund(*row) for row in rows]


def totals(rows: list[OrderRefund]) -> tuple[int, int]:
    """What was credited, and what is asked or approved and not yet credited, in fen."""
    credited = sum(r.amount_fen for r in rows if r.status == RefundStatus.CREDITED)
    waiting = (RefundStatus.REQUESTED, RefundStatus.APPROVED)
    pending = sum(r.amount_fen for r in rows if r.status in waiting)
    return credited, pending


def yuan(fen: int) -> str:
    """An amount as every text names it: 30.00 (yuan, two decimals)."""
    return f"{fen / 100:.2f}"


def _amounts(data: RefundCreate) -> tuple[int, int]:
    """The charge disputed and what the customer gets, by the kind's rule."""
    if data.kind not in CHARGE_REFUNDS:  # a compensation
        if data.charge_fen is not None or data.bill_month is not None:
            field = "charge_fen" if data.charge_fen is not None else "bill_month"
            raise Unprocessable("refund_compensation_has_no_charge", field=field)
        if data.amount_fen is None:
            raise Unprocessable("refund_amount_required", field="amount_fen")
        return 0, data.amount_fen
    if data.charge_fen is None:
        raise Unprocessable("refund_charge_required", field="charge_fen")
    if data.bill_month is None:
        raise Unprocessable("refund_bill_month_required", field="bill_month")
    if data.kind is RefundKind.DOUBLE_REFUND:
        twice = 2 * data.charge_fen
        if data.amount_fen is not None and data.amount_fen != twice:
            raise Unprocessable("refund_double_is_twice", field="amount_fen", yuan=yuan(twice))
        return data.charge_fen, twice
    amount = data.charge_fen if data.amount_fen is None else data.amount_fen
    if amount > data.charge_fen:
        raise Unprocessable("refund_more_than_charge", field="amount_fen")
    return data.charge_fen, amount


def _check_bill_month(bill_month: str | None, zone: str) -> None:
    """A charge is from a month already begun."""
    if bill_month is None:
        return
    year, month = (int(part) for part in bill_month.split("-"))
    if date(year, month, 1) > local_today(zone):
        raise Unprocessable("refund_bill_month_ahead", field="bill_month")


def _decide(
    session: Session, refund: OrderRefund, to: RefundStatus, by: Principal | None, note: str
) -> None:
    """Move a refund out of waiting, once: of two approvers clicking at once, one decides
    and the other is told it was decided."""
    decided = session.execute(
        update(OrderRefund)
        .where(OrderRefund.id == refund.id, OrderRefund.status == RefundStatus.REQUESTED)
        .values(
            status=to,
            decided_at=utcnow(),
            decided_by_id=by.staff_id if by else None,
            decision_note=note,
        )
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("refund_already_decided")
    session.refresh(refund)


def record_step(
    session: Session,
    order: WorkOrder,
    by: Principal | None,
    what: str,
    row: OrderRefund,
    *,
    reason: str,
    action: str = "",
    **more: object,
) -> None:
    """On the order's timeline and in the audit log (as ``order.refund.<action>``, the
    step's name unless told): what kind, how much, where it is, billing's reference."""
    details = {
        "refund": row.id,
        "step": what,
        "kind": str(row.kind),
        "amount_fen": row.amount_fen,
        "status": str(row.status),
        **more,
    }
    record_event(session, order, kind=EventKind.REFUND, by=by, reason=reason, details=details)
    audited: dict[str, object] = {
        "refund": row.id,
        "number": order.number,
        "amount_fen": row.amount_fen,
    }
    if row.billing_ref:
        audited["ref"] = row.billing_ref
    audit.record(
        session,
        actor=by,
        action=f"order.refund.{action or what}",
        entity_type="work_order",
        entity_id=order.id,
        reason=reason or None,
        details=audited,
    )
