"""Emergencies (突发事件): many complaints of one kind from one area, handled once.

When a complaint or fault report arrives, the orders of the same category branch from
the same org unit within the window are counted; at the threshold an incident is
proposed and the orders are linked to it, and the unit's supervisors are told. While
the incident is open, every new order of that kind from that area joins it (that part
runs at intake: ``kefu.workorders.incident_watch``). A supervisor confirms (or
dismisses) it; resolving it sends every caller the reply by SMS and closes every linked
order, each with its own event. Its callers may then be compensated together
(``kefu.workorders.incident_compensation``).
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.phone import is_mobile
from kefu.core.rbac import Principal
from kefu.errors import Conflict, Forbidden, NotFound
from kefu.org.models import OrgUnit
from kefu.workorders import supervising
from kefu.workorders.account_manager_notice import tell_of_incident_answer
from kefu.workorders.enums import (
    OPEN_STATUSES,
    Action,
    IncidentStatus,
)
from kefu.workorders.lifecycle import end_pause, move, text_answer
from kefu.workorders.models import Incident, WorkOrder
from kefu.workorders.templates import require_filled
from kefu.workorders.threaded_answers import answer_in_thread


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
    """Answer every caller and close every open linked order, and mail each account
    manager once of their customers among them; returns how many closed.
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
        # A landline cannot take a text: its caller is answered by the agent who calls back.
        # A customer who wrote in is answered in their message's thread as well.
        texted = is_mobile(order.contact_phone)
        emailed = answer_in_thread(session, order=order, text=reply, by=by, channel="email")
        details = {"incident": incident.number, "reply": reply, "texted": texted}
        if emailed:
            details["emailed"] = True
        move(session, order, Action.INCIDENT_CLOSE, by, reason=reply, details=details)
        order.reply, order.replied_at, order.closed_at = reply, now, now
        if texted:
            text_answer(session, order=order, text=reply, by=by)
        supervising.tell_of_answer(session, order, text=reply, by=by)
    tell_of_incident_answer(session, list(orders), incident=incident.number, text=reply, by=by)
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


def visible_incident(session: Session, incident_id: int, principal: Principal) -> Incident:
    """An incident of the viewer's branches (404 when none, 403 outside them)."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("incident_not_found")
    unit = session.get(OrgUnit, incident.org_unit_id)
    if unit is None or not principal.sees_org_path(unit.path):
        raise Forbidden("incident_out_of_scope")
    return incident
