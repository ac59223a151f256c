"""The bulletin's refunds (退费与赔付): what reached customers' accounts in the month, by
kind and by branch, beside last month's, and what still waits for its approval.

Why in the bulletin: money given back is the cost of what went wrong, and a double
refund (双倍返还) means a service was charged that the customer never agreed to — the
regulator's own concern; a branch that gives back more than the others shows where to
look."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from kefu.core.i18n import gettext
from kefu.org.models import OrgUnit
from kefu.workorders.enums import RefundStatus
from kefu.workorders.models import OrderRefund, WorkOrder

TOP_BRANCHES = 10
Query = TypeVar("Query", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True)
class MonthRefunds:
    """The month's credits (counts and fen), the last month's total, and how many asked
    in the month still wait for approval."""

    kinds: list[tuple[str, int, int]]  # kind (in the bulletin's language), credited, fen
    branches: list[tuple[int, int, int]]  # unit id, credited, fen; the most given first
    total_fen: int
    previous_fen: int
    awaiting: int

    @property
    def credited(self) -> int:
        """How many refunds reached an account."""
        return sum(count for _, count, _ in self.kinds)


def month_refunds(
    session: Session,
    span: tuple[datetime, datetime],
    before: tuple[datetime, datetime],
    language: str,
    scope_path: str | None,
) -> MonthRefunds:
    """The month's refunds within a scope (None: the whole center)."""
    counted = (func.count(), func.sum(OrderRefund.amount_fen))
    by_kind = _in_scope(select(OrderRefund.kind, *counted), scope_path).where(*_credited_in(span))
    kinds = [
        (gettext(language, f"refund_kind.{kind}"), count, fen)
        for kind, count, fen in session.execute(
            by_kind.group_by(OrderRefund.kind).order_by(counted[1].desc(), OrderRefund.kind)
        )
    ]
    by_unit = _in_scope(select(WorkOrder.org_unit_id, *counted), scope_path).where(
        *_credited_in(span)
    )
    branches = session.execute(
        by_unit.group_by(WorkOrder.org_unit_id)
        .order_by(counted[1].desc(), WorkOrder.org_unit_id)
        .limit(TOP_BRANCHES)
    ).all()
    previous = session.scalar(
        _in_scope(select(counted[1]), scope_path).where(*_credited_in(before))
    )
    awaiting = session.scalar(
        _in_scope(select(func.count()), scope_path).where(
            OrderRefund.status == RefundStatus.REQUESTED,
            OrderRefund.requested_at >= span[0],
            OrderRefund.requested_at < span[1],
        )
    )
    return MonthRefunds(
        kinds=kinds,
        branches=[(unit, count, fen) for unit, count, fen in branches],
        total_fen=sum(fen for _, _, fen in kinds),
        previous_fen=int(previous or 0),
        awaiting=awaiting or 0,
    )


def _in_scope(query: Query, scope_path: str | None) -> Query:
    """Refunds of the orders of the units in the scope."""
    return (
        query.select_from(OrderRefund)
        .join(WorkOrder, WorkOrder.id == OrderRefund.order_id)
        .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
        .where(OrgUnit.path.startswith(scope_path or "/"))
    )


def _credited_in(span: tuple[datetime, datetime]) -> tuple[ColumnElement[bool], ...]:
    """Credited to the customer within the span."""
    return (
        OrderRefund.status == RefundStatus.CREDITED,
        OrderRefund.credited_at >= span[0],
        OrderRefund.credited_at < span[1],
    )
