"""Telling every caller of an incident how it stands (突发事件进展通报).

Why: while a base station is down, its callers wait together; each has an order of their
own, and texting them one by one from each order's page is an afternoon's work for the
supervisor. One text goes to every caller whose order is still being handled, each as a
progress text on their own order (its number first, on its timeline, audited), and the
incident's audit row counts them. The callers on a landline are named: an agent calls
them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.phone import is_mobile
from kefu.core.rbac import Principal
from kefu.errors import Conflict
from kefu.workorders.enums import BEING_HANDLED, IncidentStatus
from kefu.workorders.models import Incident, WorkOrder
from kefu.workorders.progress import tell_progress
from kefu.workorders.templates import require_filled


@dataclass(frozen=True)
class CallersTold:
    """How many callers were texted, and the orders of those on a landline, to call."""

    texted: int
    to_call: list[str]


def tell_callers(session: Session, *, incident: Incident, text: str, by: Principal) -> CallersTold:
    """Text ``text`` to every caller of the confirmed incident whose order is being
    handled; 409 for an incident not confirmed (a proposed one may yet be dismissed, a
    resolved one has answered them), 422 for a template's blanks."""
    if incident.status != IncidentStatus.CONFIRMED:
        raise Conflict("incident_not_allowed", status=f"incident_status.{incident.status}")
    require_filled(text, field="text")
    orders = session.scalars(
        select(WorkOrder)
        .where(WorkOrder.incident_id == incident.id, WorkOrder.status.in_(list(BEING_HANDLED)))
        .order_by(WorkOrder.id)
    ).all()
    texted, to_call = 0, []
    for order in orders:
        if is_mobile(order.contact_phone):
            tell_progress(session, order=order, text=text, by=by, incident=incident.number)
            texted += 1
        else:
            to_call.append(order.number)
    audit.record(
        session,
        actor=by,
        action="incident.progress",
        entity_type="incident",
        entity_id=incident.id,
        details={"number": incident.number, "texted": texted, "to_call": to_call},
    )
    return CallersTold(texted, to_call)
