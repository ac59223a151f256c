"""Who may do what with orders, and loading the order in the path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Body, Depends, Request
from sqlalchemy.orm import Session

from kefu.core.calendar import BusinessCalendar
from kefu.core.calendar_days import center_calendar
from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import DbSession, IfMatch, check_version
from kefu.customers.models import Customer
from kefu.errors import Forbidden, NotFound
from kefu.org.deps import require
from kefu.org.models import OrgUnit
from kefu.workorders.attachments import AttachmentLimits
from kefu.workorders.models import WorkOrder
from kefu.workorders.schemas import NoteRequest

CanReadOrders = Annotated[Principal, Depends(require(Right.ORDER_READ))]
CanWorkOrders = Annotated[Principal, Depends(require(Right.ORDER_WRITE))]
CanDispatch = Annotated[Principal, Depends(require(Right.ORDER_DISPATCH))]
CanSetTeamRules = Annotated[Principal, Depends(require(Right.TEAM_RULES))]
CanExportOrders = Annotated[Principal, Depends(require(Right.ORDER_EXPORT))]
CanEditCategories = Annotated[Principal, Depends(require(Right.CATEGORY_WRITE))]
CanEditPolicy = Annotated[Principal, Depends(require(Right.POLICY_WRITE))]
# An action whose note is optional (accept, start, close …) needs no body at all.
OptionalNote = Annotated[NoteRequest, Body(default_factory=NoteRequest)]


def order_calendar(request: Request, session: DbSession) -> BusinessCalendar:
    """The center's working calendar, corrections included."""
    return center_calendar(session, request.app.state.settings.timezone)


def attachment_limits(request: Request) -> AttachmentLimits:
    """The center's limits on an order's files."""
    settings = request.app.state.settings
    return AttachmentLimits(settings.attachment_max_bytes, settings.attachments_per_order)


def sees_order(principal: Principal, order: WorkOrder, unit: OrgUnit) -> bool:
    """An order is visible in its unit's scope, and always to its creator and assignee."""
    return sees_order_at(principal, unit.path, order.created_by_id, order.assignee_id)


def sees_order_at(
    principal: Principal, unit_path: str, created_by_id: int | None, assignee_id: int | None
) -> bool:
    """``sees_order`` for an order known by its unit's path and its two people."""
    return principal.sees_org_path(unit_path) or principal.staff_id in (created_by_id, assignee_id)


def visible_order(
    session: Session, order_id: int, principal: Principal, field: str | None = None
) -> WorkOrder:
    """The order if the caller may see it (404 unknown, 403 out of scope)."""
    order = session.get(WorkOrder, order_id)
    if order is None:
        raise NotFound("order_not_found", field=field)
    unit = session.get(OrgUnit, order.org_unit_id)
    if unit is None or not sees_order(principal, order, unit):
        raise Forbidden("order_out_of_scope", field=field)
    return order


@dataclass(frozen=True, slots=True)
class ChaseTarget:
    """An order to record a customer's chase on, with the unit holding it; ``in_reach``
    when the agent may also see and handle it."""

    order: WorkOrder
    unit: OrgUnit
    in_reach: bool


def order_to_chase(order_id: PathId, principal: CanWorkOrders, session: DbSession) -> ChaseTarget:
    """The order in the path, for a chase: in the agent's reach, or beyond it (escalated
    to the province, say) but a customer's the agent serves: the customer on the line
    chases their own order wherever it is handled. 404 unknown, 403 otherwise."""
    order = session.get(WorkOrder, order_id)
    if order is None:
        raise NotFound("order_not_found")
    unit = session.get(OrgUnit, order.org_unit_id)
    if unit is None:
        raise Forbidden("order_out_of_scope")
    if sees_order(principal, order, unit):
        return ChaseTarget(order, unit, in_reach=True)
    if _serves_customer(session, principal, order.customer_id):
        return ChaseTarget(order, unit, in_reach=False)
    raise Forbidden("order_out_of_scope")


def _serves_customer(session: Session, principal: Principal, customer_id: int | None) -> bool:
    customer = session.get(Customer, customer_id) if customer_id is not None else None
    home = session.get(OrgUnit, customer.org_unit_id) if customer is not None else None
    return home is not None and principal.sees_org_path(home.path)


def load_order(order_id: PathId, principal: CanReadOrders, session: DbSession) -> WorkOrder:
    """The order in the path (404 unknown, 403 out of scope)."""
    return visible_order(session, order_id, principal)


def current_order(order: Annotated[WorkOrder, Depends(load_order)], version: IfMatch) -> WorkOrder:
    """The order in the path, if the caller's If-Match names its current version."""
    check_version(order.version, version)
    return order


LoadedOrder = Annotated[WorkOrder, Depends(load_order)]
CurrentOrder = Annotated[WorkOrder, Depends(current_order)]
OrderToChase = Annotated[ChaseTarget, Depends(order_to_chase)]
