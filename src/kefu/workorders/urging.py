"""A customer chasing an open order (催办): "I reported this last week and no one has
called". The agent on the line records it on the order rather than opening another (a
second complaint on the same problem would count as a repeat against the center), and
whoever holds the order is told, with the order a step higher in their queue.

An order already answered is not chased: if the answer did not help, it is reopened.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.errors import Conflict
from kefu.notify import links
from kefu.notify.tasks import notify_staff
from kefu.org.repository import supervisor_ids, team_lead_ids
from kefu.workorders.enums import MAX_PRIORITY, URGEABLE_STATUSES, EventKind, OrderStatus
from kefu.workorders.models import WorkOrder
from kefu.workorders.service import record_event

ANSWERED = frozenset({OrderStatus.REPLIED, OrderStatus.RETURN_VISIT})


def urge(
    session: Session,
    *,
    order: WorkOrder,
    note: str,
    by: Principal | None,
    customer: str | None = None,
) -> WorkOrder:
    """Record the customer's chase on the order: counted, on the timeline with what they
    said, the priority raised a step (up to the highest), the holder told; audited.
    ``by`` is the staff member or gateway that took it; None with ``customer`` (how the
    audit log names them) when the customer chased it themselves on the web."""
    _check_urgeable(order)
    order.urge_count = (order.urge_count or 0) + 1
    order.last_urged_at = utcnow()
    order.priority = min(MAX_PRIORITY, order.priority + 1)
    details: dict[str, object] = {"count": order.urge_count}
    if by is None:
        details["by_customer"] = "web"
    record_event(session, order, kind=EventKind.URGE, by=by, reason=note, details=details)
    tell_holders(
        session,
        order,
        subject=(
            f"客户催办工单 {order.number}（第 {order.urge_count} 次）/ "
            f"The customer chased work order {order.number} (time {order.urge_count})"
        ),
        said=note,
    )
    audit.record(
        session,
        actor=by,
        actor_name=customer,
        action="order.urge",
        entity_type="work_order",
        entity_id=order.id,
        details={"count": order.urge_count, "status": str(order.status)},
    )
    session.flush()
    return order


def _check_urgeable(order: WorkOrder) -> None:
    if order.status in URGEABLE_STATUSES:
        return
    code = "urge_answered" if order.status in ANSWERED else "urge_finished"
    raise Conflict(code, number=order.number)


def tell_holders(session: Session, order: WorkOrder, *, subject: str, said: str) -> None:
    """Tell whoever holds the order what the customer did, with what they said."""
    mail_about(session, order, holders(session, order), subject=subject, said=said)


def mail_about(
    session: Session, order: WorkOrder, staff_ids: Iterable[int], *, subject: str, said: str
) -> None:
    """Mail each of them about the order: its number and subject, what was said under
    them, and the order page's address."""
    for staff_id in staff_ids:
        notify_staff(
            session,
            staff_id=staff_id,
            subject=subject,
            body=f"{order.number}: {order.subject}\n{said}".strip(),
            link=links.order_page(order.id),
        )


def holders(session: Session, order: WorkOrder) -> list[int]:
    """Who holds the order now: its handler; else the leads of its team; else (no team,
    or a team without a lead) the supervisors of its unit."""
    if order.assignee_id is not None:
        return [order.assignee_id]
    leads = team_lead_ids(session, order.team_id) if order.team_id is not None else []
    return leads or supervisor_ids(session, order.org_unit_id)
