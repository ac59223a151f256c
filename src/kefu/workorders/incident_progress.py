"""Telling every caller of an incident how it stands (突发事件进展通报).

Why: while a base station is down, its callers wait together; each has an order of their
own, and texting them one by one from each order's page is an afternoon's work for the
supervisor. One text goes to every caller whose order is still being handled, each as a
progress text on their own order (its number first, on its timeline, audited), and the
incident's audit row counts them. The callers on a landline are named: an agent calls
them.

Callers keep coming while the station is down. Those who joined after the last text
have not had it; the supervisor sends it to them alone (补发), once each: whoever has the
text on their timeline already is not texted again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.phone import is_mobile
from kefu.core.rbac import Principal
from kefu.errors import Conflict
from kefu.workorders.enums import BEING_HANDLED, EventKind, IncidentStatus
from kefu.workorders.models import Incident, OrderEvent, WorkOrder
from kefu.workorders.progress import tell_progress
from kefu.workorders.repository import incident_news
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
    _require_confirmed(incident)
    require_filled(text, field="text")
    orders = session.scalars(_waiting(incident).order_by(WorkOrder.id)).all()
    told = _text(session, orders, incident, text, by, late=False)
    _audit(session, incident, "incident.progress", by, told)
    return told


def tell_late_callers(session: Session, *, incident: Incident, by: Principal) -> CallersTold:
    """Send the incident's last progress text to the callers waiting who have not had it
    (they joined after it went out), and name those of them on a landline; 409 for an
    incident not confirmed, or with no text sent yet."""
    _require_confirmed(incident)
    news = incident_news(session, incident.id)
    if news is None:
        raise Conflict("incident_nothing_told")
    orders = session.scalars(_not_told(incident, news[0]).order_by(WorkOrder.id)).all()
    told = _text(session, orders, incident, news[0], by, late=True)
    _audit(session, incident, "incident.progress_late", by, told)
    return told


def late_callers(session: Session, incident: Incident) -> int:
    """How many waiting callers who take texts have not had the last progress text."""
    news = incident_news(session, incident.id)
    if incident.status != IncidentStatus.CONFIRMED or news is None:
        return 0
    phones = session.scalars(
        _not_told(incident, news[0]).with_only_columns(WorkOrder.contact_phone)
    )
    return sum(1 for phone in phones if is_mobile(phone))


def _waiting(incident: Incident) -> Select[WorkOrder]:
    return select(WorkOrder).where(
        WorkOrder.incident_id == incident.id, WorkOrder.status.in_(list(BEING_HANDLED))
    )


def _not_told(incident: Incident, text: str) -> Select[WorkOrder]:
    """The waiting orders without ``text`` on their timeline as a progress text."""
    had_it = exists().where(
        OrderEvent.order_id == WorkOrder.id,
        OrderEvent.kind == EventKind.PROGRESS,
        OrderEvent.reason == text,
    )
    return _waiting(incident).where(~had_it)


def _require_confirmed(incident: Incident) -> None:
    """A proposed incident may yet be dismissed, a resolved one has answered them."""
    if incident.status != IncidentStatus.CONFIRMED:
        raise Conflict("incident_not_allowed", status=f"incident_status.{incident.status}")


def _text(
    session: Session,
    orders: Sequence[WorkOrder],
    incident: Incident,
    text: str,
    by: Principal,
    *,
    late: bool,
) -> CallersTold:
    texted, to_call = 0, []
    for order in orders:
        if is_mobile(order.contact_phone):
            tell_progress(
                session, order=order, text=text, by=by, incident=incident.number, late=late
            )
            texted += 1
        else:
            to_call.append(order.number)
    return CallersTold(texted, to_call)


def _audit(
    session: Session, incident: Incident, action: str, by: Principal, told: CallersTold
) -> None:
    audit.record(
        session,
        actor=by,
        action=action,
        entity_type="incident",
        entity_id=incident.id,
        details={"number": incident.number, "texted": told.texted, "to_call": told.to_call},
    )
