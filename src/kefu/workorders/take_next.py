"""Taking the next order (取下一单): a handler asks for work and is given the most urgent
order waiting in their team's queue, started in their name, rather than picking one from
the list.

Why: the Chengdu QC study in the seeds names handlers who take the easy complaints and
leave the hard ones (挑易避难) among the causes of repeat complaints; a queue that hands
out its orders in order leaves nothing to pick. What comes first: an order the
dispatcher sent to this handler by name, then the highest priority (urgent, key,
chased), then the resolution due soonest, then the longest waiting. Two handlers asking
at once get two orders: the row is taken with FOR UPDATE SKIP LOCKED on PostgreSQL, and
SQLite's writers take turns.

A team may make it its rule (按序取单, see ``in_turn``); its lead sets it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.errors import Conflict, NotFound
from kefu.org.models import Staff, Team
from kefu.workorders import lifecycle
from kefu.workorders.enums import Action, OrderStatus
from kefu.workorders.models import OrderEvent, WorkOrder

TAKEN = "取下一单 / taken as the next in the queue"


def take_next(session: Session, by: Principal) -> WorkOrder:
    """Start the next order of the caller's queue in their name (409 without a team, 404
    when nothing waits)."""
    me = session.get(Staff, by.staff_id)
    team_id = me.team_id if me else None
    if team_id is None:
        raise Conflict("next_order_no_team")
    named_me = WorkOrder.assignee_id == by.staff_id
    query = (
        select(WorkOrder)
        .where(
            WorkOrder.status == OrderStatus.DISPATCHED,
            or_(named_me, (WorkOrder.team_id == team_id) & WorkOrder.assignee_id.is_(None)),
        )
        .order_by(
            case((named_me, 0), else_=1),
            WorkOrder.priority.desc(),
            WorkOrder.resolve_due_at.is_(None),
            WorkOrder.resolve_due_at,
            WorkOrder.id,
        )
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    order = session.scalar(query)
    if order is None:
        raise NotFound("next_order_none")
    order.assignee_id = by.staff_id  # given, not picked: a team taking in turn allows it
    lifecycle.simple_action(session, order=order, action=Action.START, by=by, reason=TAKEN)
    return order


def set_taking(session: Session, team: Team, *, in_turn: bool, by: Principal) -> Team:
    """Make taking in turn the team's rule, or let its handlers pick again; audited."""
    before = team.takes_in_turn
    team.takes_in_turn = in_turn
    session.flush()
    audit.record(
        session,
        actor=by,
        action="team.taking",
        entity_type="team",
        entity_id=team.id,
        details={"takes_in_turn": {"from": before, "to": in_turn}},
    )
    return team


@dataclass(frozen=True)
class Started:
    """How many orders a handler started lately, and how many of those were the next of
    their queue: a lead reads who picks (挑易避难) and who takes what comes."""

    staff_id: int
    name: str
    started: int
    taken_next: int


def started_lately(session: Session, team: Team, days: int) -> list[Started]:
    """Each active member of the team, the orders they started in the last ``days`` and
    how many they took as the next; the busiest first."""
    members = session.execute(
        select(Staff.id, Staff.display_name)
        .where(Staff.team_id == team.id, Staff.active.is_(True))
        .order_by(Staff.id)
    ).all()
    counted = dict.fromkeys((staff_id for staff_id, _ in members), (0, 0))
    rows = session.execute(
        select(
            OrderEvent.actor_id,
            func.count(),
            func.sum(case((OrderEvent.reason == TAKEN, 1), else_=0)),
        )
        .where(
            OrderEvent.actor_id.in_(list(counted)),
            OrderEvent.occurred_at >= utcnow() - timedelta(days=days),
            OrderEvent.action == Action.START.value,
        )
        .group_by(OrderEvent.actor_id)
    )
    for actor_id, started, taken in rows:
        counted[actor_id] = (int(started), int(taken or 0))
    found = [Started(i, name, *counted[i]) for i, name in members]
    return sorted(found, key=lambda row: (-row.started, row.name))
