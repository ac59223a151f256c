"""The emergency rule at intake: a new order joins its area's open incident, or its
arrival makes enough orders of one kind from one area to propose one.

It runs while the order is being opened, before its row is written, so the order goes
in with its incident in one INSERT (joining afterwards cost every such order an UPDATE
and a second version). Confirming, dismissing and resolving are in
``kefu.workorders.incidents``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.notify import links
from kefu.notify.tasks import notify_staff
from kefu.org.repository import known_unit, supervisor_ids
from kefu.workorders.category_tree import CategoryNode, category_tree
from kefu.workorders.enums import OPEN_STATUSES, IncidentStatus, OrderType
from kefu.workorders.models import Category, Incident, WorkOrder

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
_RECENT_UNLINKED = select(WorkOrder.id, WorkOrder.created_at).where(
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
) -> list[Row[tuple[int, datetime]]]:
    """The area's open orders of the branch within the window that no incident holds
    (ids and times only: below the threshold, as for most orders, nothing else is read)."""
    values = {
        "org_unit_id": order.org_unit_id,
        "since": order.created_at - timedelta(minutes=rule.window_minutes),
        "branch_path": branch.path,
    }
    return list(session.connection().execute(_RECENT_UNLINKED, values))


_OPEN_INCIDENT = select(Incident.id).where(Incident.open_key == bindparam("key"))


def _open_incident(session: Session, key: str) -> int | None:
    return session.connection().execute(_OPEN_INCIDENT, {"key": key}).scalar()


def _area_key(order: WorkOrder, branch: CategoryNode) -> str:
    """The area and problem an incident is open for (``Incident.open_key``)."""
    return f"{order.org_unit_id}:{branch.path}"


def open_incident_for(session: Session, order: WorkOrder, rule: IncidentRule) -> Incident | None:
    """The open incident a new order, not yet written, would join (None when there is
    none, or the rule does not watch its type)."""
    if order.type not in WATCHED_TYPES:
        return None
    branch = _branch(session, order.category_id, rule.category_level)
    incident_id = _open_incident(session, _area_key(order, branch))
    return session.get(Incident, incident_id) if incident_id is not None else None


def watch(session: Session, order: WorkOrder, rule: IncidentRule) -> None:
    """Put a new order, not yet written, into its area's open incident (its
    ``incident_id``), or propose one when it makes the threshold."""
    if order.type not in WATCHED_TYPES:
        return
    branch = _branch(session, order.category_id, rule.category_level)
    key = _area_key(order, branch)
    incident_id = _open_incident(session, key)
    if incident_id is None:
        earlier = _recent(session, order, branch, rule)
        if len(earlier) + 1 < rule.threshold:  # the new order counts too
            return
        incident_id = _propose(session, order, branch, key, earlier)
    order.incident_id = incident_id


def _propose(
    session: Session,
    order: WorkOrder,
    branch: CategoryNode,
    key: str,
    earlier: list[Row[tuple[int, datetime]]],
) -> int:
    unit = known_unit(session, order.org_unit_id)
    assert unit is not None  # foreign key
    incident = Incident(
        number=f"INC{order.number[2:]}",
        status=IncidentStatus.PROPOSED,
        title=f"{unit.name} {branch.name}",
        org_unit_id=unit.id,
        category_id=branch.id,
        open_key=key,
        first_order_at=min([order.created_at, *(o.created_at for o in earlier)]),
    )
    try:
        with session.begin_nested():  # another caller may have proposed it a moment ago
            session.add(incident)
            session.flush()
    except IntegrityError:
        existing = _open_incident(session, key)
        assert existing is not None
        return existing
    joined = update(WorkOrder).where(WorkOrder.id.in_([o.id for o in earlier]))
    # the linked orders change: their versions move, as any change of an order's does
    session.execute(
        joined.values(incident_id=incident.id, version=WorkOrder.version + 1, updated_at=utcnow())
    )
    _tell_supervisors(session, incident, len(earlier) + 1)
    audit.record(
        session,
        actor=None,
        actor_name="incident rule",
        action="incident.propose",
        entity_type="incident",
        entity_id=incident.id,
        details={"number": incident.number, "orders": len(earlier) + 1},
    )
    return incident.id


def _tell_supervisors(session: Session, incident: Incident, orders: int) -> None:
    for staff_id in supervisor_ids(session, incident.org_unit_id):
        notify_staff(
            session,
            staff_id=staff_id,
            subject=f"疑似突发事件 {incident.number} / Possible incident",
            body=f"{incident.title}: {orders} 张工单 / orders. 请确认 / please confirm.",
            link=links.incident_page(incident.id),
        )
