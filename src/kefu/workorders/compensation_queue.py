"""An incident's compensations as the refund approvals queue (退费审批) shows them: each
waiting compensation is an order of that queue, and an approver working down it would
decide the same round once per caller. So the queue names the rounds waiting, with how
many and how much, and marks their orders: approving the round on its incident's page
decides them together (``incident_compensation.approve_all``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.org.models import OrgUnit
from kefu.workorders.enums import RefundStatus
from kefu.workorders.models import Incident, OrderRefund, WorkOrder


@dataclass(frozen=True)
class WaitingRound:
    """An incident's compensation waiting for a decision, within the viewer's scope."""

    incident_id: int
    number: str
    title: str
    count: int
    total_fen: int


def waiting_rounds(session: Session, scope_path: str | None) -> list[WaitingRound]:
    """The incidents whose compensation waits, oldest first, counted over the orders the
    viewer sees (one grouped query)."""
    query = (
        select(
            Incident.id,
            Incident.number,
            Incident.title,
            func.count(OrderRefund.id),
            func.coalesce(func.sum(OrderRefund.amount_fen), 0),
        )
        .join(OrderRefund, OrderRefund.incident_id == Incident.id)
        .join(WorkOrder, WorkOrder.id == OrderRefund.order_id)
        .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
        .where(OrderRefund.status == RefundStatus.REQUESTED)
        .group_by(Incident.id, Incident.number, Incident.title)
        .order_by(Incident.id)
    )
    if scope_path is not None:
        query = query.where(OrgUnit.path.startswith(scope_path))
    return [
        WaitingRound(int(i), str(number), str(title), int(count), int(total))
        for i, number, title, count, total in session.execute(query)
    ]


def incidents_waiting_on(session: Session, order_ids: list[int]) -> dict[int, tuple[int, str]]:
    """For each of these orders with an incident's compensation waiting, the incident's id
    and number."""
    if not order_ids:
        return {}
    rows = session.execute(
        select(OrderRefund.order_id, Incident.id, Incident.number)
        .join(Incident, Incident.id == OrderRefund.incident_id)
        .where(OrderRefund.order_id.in_(order_ids), OrderRefund.status == RefundStatus.REQUESTED)
    )
    return {int(order_id): (int(i), str(number)) for order_id, i, number in rows}
