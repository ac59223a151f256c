"""An order found, once open, to have been passed on (越级, 交办): the customer took it to
the regulator meanwhile and its appeal arrived naming this order, or the leaders took it
up; or who passed it on, their reference or their date was keyed in wrong. The order
then carries who passed it on, is handled as key at least (raised, not refused, since the
order was triaged before anyone knew), and is due by their date; on its timeline and
audited, with why.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.rbac import Principal
from kefu.errors import Conflict
from kefu.workorders import origins
from kefu.workorders.enums import (
    LOWEST_PASSED_ON_TRIAGE,
    TRIAGE_PRIORITY,
    EventKind,
    OrderOrigin,
    OrderStatus,
    Triage,
)
from kefu.workorders.models import WorkOrder
from kefu.workorders.origin_schemas import OriginChange
from kefu.workorders.service import record_event, set_due_times, triaged_priority

FINISHED = (OrderStatus.CLOSED, OrderStatus.CANCELLED)


def pass_on(
    session: Session,
    *,
    order: WorkOrder,
    data: OriginChange,
    by: Principal,
    calendar: BusinessCalendar,
) -> WorkOrder:
    """Set (or correct) who passed the order on, their reference and their date."""
    if order.status in FINISHED:
        raise Conflict("origin_order_finished", number=order.number)
    origins.check_reference(data.origin, data.origin_ref)
    triage = _at_least_key(order) if data.origin is not OrderOrigin.CUSTOMER else None
    settled = origins.settle(
        data.origin,
        data.origin_due_on,
        triage or (Triage(order.triage) if order.triage else None),
        zone=calendar.zone,
    )
    before = {"origin": order.origin, "origin_ref": order.origin_ref}
    order.origin, order.origin_ref = data.origin, data.origin_ref
    order.origin_due_at = settled.origin_due_at
    if triage is not None and triage != order.triage:
        order.triage = triage
        order.priority = triaged_priority(order, triage)
    order.updated_at = utcnow()  # a write: the version moves even when nothing else does
    set_due_times(session, order, calendar)
    details = {
        "from": before,
        "origin": data.origin,
        "origin_ref": data.origin_ref,
        "due_on": data.origin_due_on,
        "triage": order.triage,
    }
    record_event(session, order, kind=EventKind.ORIGIN, by=by, reason=data.reason, details=details)
    audit.record(
        session,
        actor=by,
        action="order.origin",
        entity_type="work_order",
        entity_id=order.id,
        reason=data.reason,
        details={"number": order.number, "origin": data.origin, "origin_ref": data.origin_ref},
    )
    session.flush()
    return order


def _at_least_key(order: WorkOrder) -> Triage:
    """The order's triage, raised to key if it was lower (or none)."""
    current = Triage(order.triage) if order.triage else None
    floor = LOWEST_PASSED_ON_TRIAGE
    if current is None or TRIAGE_PRIORITY[current] < TRIAGE_PRIORITY[floor]:
        return floor
    return current
