"""Emergencies (突发事件): many complaints of one kind from one area, handled once.

When a complaint or fault report arrives, the orders of the same category branch from
the same org unit within the window are counted; at the threshold an incident is
proposed and the orders are linked to it, and the unit's supervisors are told. While
the incident is open, every new order of that kind from that area joins it. A
supervisor confirms (or dismisses) it; resolving it sends every caller the reply by SMS
and closes every linked order, each with its own event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.rbac import Principal
from kefu.errors import Conflict
from kefu.notify.tasks import notify_staff, text_customer
from kefu.org.models import OrgUnit
from kefu.org.repository import supervisor_ids
from kefu.workorders.category_tree import CategoryNode, category_tree
from kefu.workorders.enums import (
    OPEN_STATUSES,
    Action,
    IncidentStatus,
    OrderType,
)
from kefu.workorders.lifecycle import end_pause, move
from kefu.workorders.models import Category, Incident, WorkOrder
from kefu.workorders.templates import require_filled

WATCHED_TYPES = (OrderType.COMPLAINT, OrderType.FAULT)


@dataclass(frozen=True)
class IncidentRule:
    """≥ ``threshold`` orders of one category branch in one unit within ``window_minutes``."""

    threshold: int = 5
    window_minutes: int = 60
    category_level: int = 2


def _branch(session: Session, category_id: int, level: int) -> CategoryNode:
    tree = category_tree(session)
    category = tree.get(category_id)
    assert category is not None  # foreign key
    return tree.ancestor(category, level)


# Built once, run with each new order's values (see kefu.workorders.repository).
_RECENT_UNLINKED = select(WorkOrder).where(
    WorkOrder.org_unit_id == bindparam("org_unit_id"),
    WorkOrder.created_at >= bindparam("since"),
    WorkOrder.type.in_([t.value for t in WATCHED_TYPES]),
    WorkOrder.status.in_([s.value for s in OPEN_STATUSES]),
    WorkOrder.category_id.in_(
        select(Category.id).where(Category.path.startswith(bindparam("branch_path")))
    ),
    WorkOrder.incident_id.is_(None),
)


def _recent(
    session: Session, order: WorkOrder, branch: CategoryNode, rule: IncidentRule
) -> list[WorkOrder]:
    values = {
        "org_unit_id": order.org_unit_id,
        "since": order.created_at - timedelta(minutes=rule.window_minutes),
        "branch_path": branch.path,
    }
    return list(session.scalars(_RECENT_UNLINKED, values))


_OPEN_INCIDENT = select(Incident).where(Incident.open_key == bindparam("key"))


def _open_incident(session: Session, key: str) -> Incident | None:
    return session.scalar(_OPEN_INCIDENT, {"key": key})


def watch(session: Session, order: WorkOrder, rule: IncidentRule) -> Incident | None:
    """Join a new order to its area's open incident, or propose one at the threshold."""
    if order.type not in WATCHED_TYPES:
        return None
    branch = _branch(session, order.category_id, rule.category_level)
    key = f"{order.org_unit_id}:{branch.path}"
    # The order is in the database; what else is pending (its timeline, its repeat
    # links) does not change the count and is flushed once, below.
    with session.no_autoflush:
        incident = _open_incident(session, key)
        recent = _recent(session, order, branch, rule) if incident is None else []
    if incident is None:
        if len(recent) < rule.threshold:
            return None
        incident = _propose(session, order, branch, key, recent)
    order.incident_id = incident.id
    session.flush()
    return incident


def _propose(
    session: Session, order: WorkOrder, branch: CategoryNode, key: str, recent: list[WorkOrder]
) -> Incident:
    unit = session.get(OrgUnit, order.org_unit_id)
    assert unit is not None
    incident = Incident(
        number=f"INC{order.number[2:]}",
        status=IncidentStatus.PROPOSED,
        title=f"{unit.name} {branch.name}",
        org_unit_id=unit.id,
        category_id=branch.id,
        open_key=key,
        first_order_at=min(o.created_at for o in recent),
    )
    try:
        with session.begin_nested():  # another caller may have proposed it a moment ago
            session.add(incident)
            session.flush()
    except IntegrityError:
        existing = _open_incident(session, key)
        assert existing is not None
        return existing
    for linked in recent:
        linked.incident_id = incident.id
    _tell_supervisors(session, incident, len(recent))
    audit.record(
        session,
        actor=None,
        actor_name="incident rule",
        action="incident.propose",
        entity_type="incident",
        entity_id=incident.id,
        details={"number": incident.number, "orders": len(recent)},
    )
    return incident


def _tell_supervisors(session: Session, incident: Incident, orders: int) -> None:
    for staff_id in supervisor_ids(session, incident.org_unit_id):
        notify_staff(
            session,
            staff_id=staff_id,
            subject=f"疑似突发事件 {incident.number} / Possible incident",
            body=f"{incident.title}: {orders} 张工单 / orders. 请确认 / please confirm.",
        )


def _require(incident: Incident, *allowed: IncidentStatus) -> None:
    if incident.status not in allowed:
        raise Conflict("incident_not_allowed", status=f"incident_status.{incident.status}")


def confirm(session: Session, *, incident: Incident, note: str, by: Principal) -> Incident:
    """A supervisor agrees it is one incident; new orders keep joining it."""
    _require(incident, IncidentStatus.PROPOSED)
    incident.status = IncidentStatus.CONFIRMED
    incident.confirmed_at, incident.confirmed_by_id, incident.note = utcnow(), by.staff_id, note
    _audit(session, incident, "incident.confirm", by, note)
    return incident


def dismiss(session: Session, *, incident: Incident, reason: str, by: Principal) -> Incident:
    """Not one incident after all: the orders are released and handled one by one."""
    _require(incident, IncidentStatus.PROPOSED, IncidentStatus.CONFIRMED)
    incident.status, incident.open_key, incident.note = IncidentStatus.DISMISSED, None, reason
    released = update(WorkOrder).where(WorkOrder.incident_id == incident.id)
    # released orders change: their versions move, as any change of an order's does
    session.execute(
        released.values(incident_id=None, version=WorkOrder.version + 1, updated_at=utcnow())
    )
    _audit(session, incident, "incident.dismiss", by, reason)
    return incident


def resolve(
    session: Session,
    *,
    incident: Incident,
    reply: str,
    by: Principal,
    calendar: BusinessCalendar,
) -> int:
    """Answer every caller and close every open linked order; returns how many closed.
    An order waiting on its customer stops waiting first: the time waited moves its limit
    on, as a resume does, so the answer is judged in time or late against the right one."""
    _require(incident, IncidentStatus.CONFIRMED)
    require_filled(reply, field="reply")
    orders = session.scalars(
        select(WorkOrder)
        .where(
            WorkOrder.incident_id == incident.id,
            WorkOrder.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(WorkOrder.id)
    ).all()
    now = utcnow()
    for order in orders:
        end_pause(session, order, calendar)
        details = {"incident": incident.number, "reply": reply}
        move(session, order, Action.INCIDENT_CLOSE, by, reason=reply, details=details)
        order.reply, order.replied_at, order.closed_at = reply, now, now
        text_customer(session, phone=order.contact_phone, text=f"【{order.number}】{reply}")
    incident.status, incident.open_key = IncidentStatus.RESOLVED, None
    incident.reply, incident.resolved_at, incident.resolved_by_id = reply, now, by.staff_id
    _audit(session, incident, "incident.resolve", by, f"{len(orders)} orders")
    session.flush()
    return len(orders)


def linked_counts(session: Session, incident_ids: list[int]) -> dict[int, int]:
    """How many orders each incident holds, in one query."""
    query = (
        select(WorkOrder.incident_id, func.count())
        .where(WorkOrder.incident_id.in_(incident_ids))
        .group_by(WorkOrder.incident_id)
    )
    counts: dict[int, int] = {i: 0 for i in incident_ids}
    counts.update({int(i): int(n) for i, n in session.execute(query) if i is not None})
    return counts


def _audit(session: Session, incident: Incident, action: str, by: Principal, why: str) -> None:
    audit.record(
        session,
        actor=by,
        action=action,
        entity_type="incident",
        entity_id=incident.id,
        reason=why or None,
        details={"number": incident.number},
    )
