"""Dispatching many orders at once (批量派单): a supervisor's morning queue sent to a team
in one go. Each order goes as it would alone (its version as the dispatcher read it, a
state that allows it, in the dispatcher's reach), in a savepoint of its own, so one that
cannot go is refused with the error it would have got alone and the others are sent.
Whoever receives them is told once, with the list, rather than once an order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.calendar import BusinessCalendar
from kefu.core.rbac import Principal
from kefu.core.web import check_version
from kefu.errors import Forbidden, KefuError, NotFound, Unprocessable
from kefu.notify import links
from kefu.notify.tasks import notify_staff
from kefu.org.models import OrgUnit
from kefu.workorders import lifecycle
from kefu.workorders.deps import sees_order
from kefu.workorders.enums import Action, next_status
from kefu.workorders.models import WorkOrder
from kefu.workorders.schemas import BatchDispatchRequest, DispatchRequest

# An owner told of more orders than this reads the first ones and a count.
LISTED_IN_NOTICE = 20


@dataclass(frozen=True, slots=True)
class Refused:
    """An order left as it was: which, and the error it would have got alone."""

    order_id: int
    number: str | None
    error: KefuError


@dataclass(slots=True)
class Outcome:
    """What the batch did, order by order, in the order asked, and where it sent them."""

    target: lifecycle.Target
    dispatched: list[WorkOrder] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def dispatch_many(
    session: Session, *, data: BatchDispatchRequest, by: Principal, calendar: BusinessCalendar
) -> Outcome:
    """Send every order that may go to the one target (checked once: a target that is
    wrong refuses the whole batch, 4xx, as it would each order)."""
    ids = [item.id for item in data.orders]
    if len(set(ids)) != len(ids):
        raise Unprocessable("batch_order_repeated", field="orders")
    request = DispatchRequest(**data.model_dump(include=set(DispatchRequest.model_fields)))
    target = lifecycle.dispatch_target(session, request, by)
    outcome = Outcome(target)
    for item in data.orders:
        order = session.get(WorkOrder, item.id)
        if order is None:
            outcome.refused.append(Refused(item.id, None, NotFound("order_not_found")))
            continue
        try:
            with audit.savepoint(session):
                _send_one(session, order, item.version, request, by, calendar, target)
        except KefuError as error:
            outcome.refused.append(Refused(order.id, order.number, error))
        else:
            outcome.dispatched.append(order)
    _tell_owners(session, target, outcome.dispatched, request)
    _audit(session, by, outcome)
    session.flush()
    return outcome


def _audit(session: Session, by: Principal, outcome: Outcome) -> None:
    """The batch itself, beside each order's own dispatch row: what was asked, what went."""
    refused: dict[str, list[int]] = defaultdict(list)
    for one in outcome.refused:
        refused[one.error.code].append(one.order_id)
    audit.record(
        session,
        actor=by,
        action="order.batch_dispatch",
        entity_type="work_order",
        entity_id=None,
        details={"dispatched": [o.id for o in outcome.dispatched], "refused": dict(refused)},
    )


def _send_one(
    session: Session,
    order: WorkOrder,
    version: int,
    request: DispatchRequest,
    by: Principal,
    calendar: BusinessCalendar,
    target: lifecycle.Target,
) -> None:
    unit = session.get(OrgUnit, order.org_unit_id)
    if unit is None or not sees_order(by, order, unit):
        raise Forbidden("order_out_of_scope")
    check_version(order.version, version)
    # Handing over an order already sent is a transfer, as on the order's page.
    sent = next_status(Action.TRANSFER, order.status, order.type) is not None
    lifecycle.dispatch(
        session,
        order=order,
        request=request,
        by=by,
        action=Action.TRANSFER if sent else Action.DISPATCH,
        calendar=calendar,
        target=target,
        tell_owners=False,
    )


def _tell_owners(
    session: Session, target: lifecycle.Target, orders: list[WorkOrder], request: DispatchRequest
) -> None:
    if not orders:
        return
    owners = lifecycle.new_owners(session, target)
    listed = [f"{order.number}: {order.subject}" for order in orders[:LISTED_IN_NOTICE]]
    if len(orders) > LISTED_IN_NOTICE:
        listed.append(f"… +{len(orders) - LISTED_IN_NOTICE}")
    body = "\n".join([*listed, request.reason]).strip()
    subject = f"{len(orders)} 张工单已派给您 / {len(orders)} work orders assigned to you"
    for staff_id in owners:
        notify_staff(session, staff_id=staff_id, subject=subject, body=body, link=links.QUEUES)
