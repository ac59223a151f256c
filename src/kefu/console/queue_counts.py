"""The counts on the order queues' tabs: what waits for the viewer in their scope."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.orm import Session

from kefu.core.rbac import Principal, Right
from kefu.customers import managers
from kefu.workorders import repository
from kefu.workorders.enums import BEING_HANDLED, OrderStatus

# What a queue shows unless closed ones are asked for too.
OPEN_QUEUE: list[OrderStatus] = sorted(
    s for s in OrderStatus if s not in (OrderStatus.CLOSED, OrderStatus.CANCELLED)
)
BEING = sorted(BEING_HANDLED)  # a supervised order is pressed for until it is answered


class TabCounts(NamedTuple):
    """How many orders each tab holds for the viewer; a tab they have no part in is 0."""

    to_dispatch: int  # waiting to be sent (待派单), for dispatchers
    refunds: int  # with a refund to approve (退费审批), for approvers
    watches: bool  # whether they watch others' orders (leads, supervisors, QA)
    supervised: int  # pressed for by a supervisor and still unanswered (督办)
    manages: bool  # an account manager
    customers_open: int  # the open orders of the customers they look after


def tab_counts(session: Session, principal: Principal) -> TabCounts:
    """The tabs' counts in the viewer's scope (a query for each tab they have)."""
    watches = principal.has(Right.QUEUES_MONITOR) or principal.has(Right.ORDER_SUPERVISE)
    manages = managers.manages_any(session, principal.staff_id)
    return TabCounts(
        to_dispatch=(
            _in_scope(session, principal, to_dispatch=True)
            if principal.has(Right.ORDER_DISPATCH)
            else 0
        ),
        refunds=(
            _in_scope(session, principal, refund_awaiting=True)
            if principal.has(Right.REFUND_APPROVE)
            else 0
        ),
        watches=watches,
        supervised=_in_scope(session, principal, status=BEING, supervised=True) if watches else 0,
        manages=manages,
        customers_open=(
            _in_scope(session, principal, status=OPEN_QUEUE, managed_by=principal.staff_id)
            if manages
            else 0
        ),
    )


def _in_scope(
    session: Session,
    principal: Principal,
    *,
    to_dispatch: bool = False,
    refund_awaiting: bool = False,
    status: list[OrderStatus] | None = None,
    managed_by: int | None = None,
    supervised: bool = False,
) -> int:
    """How many orders in the viewer's scope the list's filters leave."""
    query = repository.order_list_query(
        scope_path=principal.scope_filter(),
        viewer_id=principal.staff_id,
        status=status,
        assignee_id=None,
        team_id=None,
        repeat_only=False,
        to_dispatch=to_dispatch,
        refund_awaiting=refund_awaiting,
        managed_by=managed_by,
        supervised=supervised,
    )
    return repository.count(session, query)
