"""A team that takes its orders in turn (按序取单): its handlers come to the orders of the
team's pool only by taking the next (取下一单), not by picking one from the list.

Why: the Chengdu QC study in the seeds names handlers who take the easy complaints and
leave the hard ones (挑易避难) among the causes of repeat complaints. Where a team makes
taking in turn its rule, an order waiting in its pool (dispatched, nobody named) is not
started, answered, set waiting or handed back by a handler who chose it; nor does a
handler send it to themselves by name (back office may dispatch). The team's leads
(``team.rules``) still start any order and name who handles one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kefu.core.rbac import Principal, Right
from kefu.errors import Conflict
from kefu.org.models import Staff, Team
from kefu.workorders.enums import Action, OrderStatus
from kefu.workorders.models import WorkOrder

# What handling an order is: the steps that would make one of the pool the caller's work.
HANDLING = frozenset({Action.START, Action.REPLY, Action.WAIT, Action.RETURN})


def picking_refused(session: Session, order: WorkOrder, by: Principal) -> bool:
    """Whether the order waits in the pool of a team that takes in turn, and the caller
    does not lead it."""
    if by.has(Right.TEAM_RULES) or order.assignee_id is not None or order.team_id is None:
        return False
    if order.status != OrderStatus.DISPATCHED:
        return False
    team = session.get(Team, order.team_id)
    return bool(team and team.takes_in_turn)


def refuse_picking(session: Session, order: WorkOrder, action: Action, by: Principal) -> None:
    """409 ``order_taken_in_turn`` when ``action`` would handle an order of the pool that
    the caller should have been given as the next."""
    if action in HANDLING and picking_refused(session, order, by):
        raise Conflict("order_taken_in_turn")


def refuse_naming_self(team: Team | None, assignee: Staff | None, by: Principal) -> None:
    """409 at ``assignee_id`` when a handler of a team that takes in turn sends an order
    to themselves by name: picking by another door."""
    in_turn = team is not None and team.takes_in_turn and not by.has(Right.TEAM_RULES)
    if in_turn and assignee is not None and assignee.id == by.staff_id:
        raise Conflict("order_taken_in_turn", field="assignee_id")
