"""A number's refunds across its orders, shown beside a refund's asking and approval:
what the number was given back in the last twelve months, what was refused, and
whether the very charge asked about — the same bill month and sum — was given back
already, or is asked, on another order.

Why: money given back on an agent's word is where a claim is made twice (once by
phone, again by e-mail, or again after the first complaint was closed) and where a
pattern of claims shows. kefu warns and does not refuse: two charges of one sum in one
month exist, and the approver is the one who checks the bill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core.base import utcnow
from kefu.workorders.enums import CHARGE_REFUNDS, RefundKind, RefundStatus
from kefu.workorders.models import OrderRefund, WorkOrder

HISTORY = timedelta(days=365)
RECENT = 5  # the earlier refunds listed; the sums count them all
LOOKED_AT = 200  # a number's refunds read at most, newest first: years of any real claimant
GIVEN = (RefundStatus.APPROVED, RefundStatus.CREDITED)
# a charge counts as asked for while a refund of it waits, or once one was given
CLAIMED = (RefundStatus.REQUESTED, *GIVEN)


@dataclass(frozen=True)
class EarlierRefund:
    """A refund of the same number on another order."""

    order_id: int
    order_number: str
    kind: RefundKind
    status: RefundStatus
    amount_fen: int
    requested_at: datetime


@dataclass(frozen=True)
class NumberHistory:
    """The number's refunds on its other orders in the last twelve months, and for each
    of this order's refunds the order on which its charge was claimed already."""

    given_count: int = 0
    given_fen: int = 0
    rejected_count: int = 0
    recent: tuple[EarlierRefund, ...] = ()
    claimed_on: dict[int, str] | None = None  # this order's refund id → the other order

    def claimed_elsewhere(self, refund_id: int) -> str | None:
        """The number of the order on which this refund's charge was claimed already."""
        return (self.claimed_on or {}).get(refund_id)


def number_history(session: Session, order: WorkOrder) -> NumberHistory:
    """The history of the order's number (one query, on the number's index)."""
    rows = session.execute(
        select(OrderRefund, WorkOrder.number)
        .join(WorkOrder, WorkOrder.id == OrderRefund.order_id)
        .where(OrderRefund.msisdn == order.contact_phone)
        .order_by(OrderRefund.requested_at.desc(), OrderRefund.id.desc())
        .limit(LOOKED_AT)
    ).all()
    if not rows:
        return NumberHistory()
    since = utcnow() - HISTORY
    others = [(r, n) for r, n in rows if r.order_id != order.id and r.requested_at >= since]
    given = [r for r, _ in others if r.status in GIVEN]
    return NumberHistory(
        given_count=len(given),
        given_fen=sum(r.amount_fen for r in given),
        rejected_count=sum(1 for r, _ in others if r.status == RefundStatus.REJECTED),
        recent=tuple(_earlier(r, n) for r, n in others[:RECENT]),
        claimed_on=_claimed_on(order.id, [(r, n) for r, n in rows]),
    )


def _earlier(row: OrderRefund, number: str) -> EarlierRefund:
    return EarlierRefund(
        order_id=row.order_id,
        order_number=number,
        kind=RefundKind(row.kind),  # the column gives its text
        status=RefundStatus(row.status),
        amount_fen=row.amount_fen,
        requested_at=row.requested_at,
    )


def _claimed_on(order_id: int, rows: list[tuple[OrderRefund, str]]) -> dict[int, str]:
    """For each refund of the order still awaiting its decision, the other order on which
    the same charge (bill month and sum) is given back or asked already."""
    claimed: dict[tuple[str, int], str] = {}
    for row, number in rows:
        if row.order_id != order_id and row.kind in CHARGE_REFUNDS and row.status in CLAIMED:
            claimed.setdefault((row.bill_month, row.charge_fen), number)
    return {
        row.id: claimed[(row.bill_month, row.charge_fen)]
        for row, _ in rows
        if row.order_id == order_id
        and row.status == RefundStatus.REQUESTED
        and row.kind in CHARGE_REFUNDS
        and (row.bill_month, row.charge_fen) in claimed
    }
