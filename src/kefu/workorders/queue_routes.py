"""HTTP routes of work across orders: many sent to one team at once (批量派单), the next
of the queue taken (取下一单), a duplicate merged into the order kept (合并工单), and an
order found passed on (越级)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from kefu.core.i18n import error_message
from kefu.core.rbac import Principal
from kefu.core.types import PathId
from kefu.core.web import DbSession, IfMatch, check_version, etag, request_language
from kefu.errors import NotFound, Unprocessable
from kefu.org.models import Team
from kefu.org.schemas import TeamRead
from kefu.org.service import unit_seen
from kefu.workorders import batch, merging, passing_on, take_next
from kefu.workorders.deps import (
    CanDispatch,
    CanSetTeamRules,
    CanWorkOrders,
    CurrentOrder,
    order_calendar,
    visible_order,
)
from kefu.workorders.numbering import order_number_in
from kefu.workorders.origin_schemas import OriginChange
from kefu.workorders.queue_schemas import HandlerStarts, TeamStarts, TeamTaking
from kefu.workorders.repository import order_by_number
from kefu.workorders.schemas import (
    BatchDispatchRequest,
    BatchDispatchResult,
    BatchRefusal,
    BatchSent,
    MergeRequest,
    OrderDetail,
)
from kefu.workorders.views import order_detail

router = APIRouter(prefix="/api/v1", tags=["work orders"])


@router.post("/work-orders/batch-dispatch", response_model=BatchDispatchResult)
def batch_dispatch(
    data: BatchDispatchRequest, principal: CanDispatch, session: DbSession, request: Request
) -> BatchDispatchResult:
    """Send many orders to one team or unit (and person) at once (批量派单), each with the
    ``version`` the dispatcher read (its If-Match). Each goes or is refused on its own, with
    the error it would get alone (stale, not in a state to send, out of reach); a target
    that is wrong refuses them all (4xx). Whoever receives them is told once."""
    outcome = batch.dispatch_many(
        session, data=data, by=principal, calendar=order_calendar(request, session)
    )
    language = request_language(request)
    unit, assignee = outcome.target.unit, outcome.target.assignee
    return BatchDispatchResult(
        dispatched=[
            BatchSent(
                id=o.id,
                number=o.number,
                status=o.status,
                version=o.version,
                org_unit=unit.name,
                org_unit_en=unit.name_en or unit.name,
                assignee=assignee.display_name if assignee else None,
            )
            for o in outcome.dispatched
        ],
        refused=[
            BatchRefusal(
                id=one.order_id,
                number=one.number,
                code=one.error.code,
                message=error_message(language, one.error.code, one.error.params),
            )
            for one in outcome.refused
        ],
    )


@router.post("/work-orders/next", response_model=OrderDetail)
def take_next_order(
    principal: CanWorkOrders, session: DbSession, response: Response
) -> OrderDetail:
    """Take the next order of one's queue (取下一单): the most urgent waiting — one the
    dispatcher sent to the caller by name first, then the team's by priority, due time
    and age — started in the caller's name, with its ETag. 404 ``next_order_none`` when
    nothing waits; 409 ``next_order_no_team`` for a caller in no team."""
    order = take_next.take_next(session, principal)
    session.flush()
    response.headers["ETag"] = etag(order.version)
    return order_detail(session, order, principal)


@router.get("/teams/{team_id}/orders-started", response_model=TeamStarts)
def orders_started(
    team_id: PathId,
    principal: CanDispatch,
    session: DbSession,
    days: Annotated[int, Query(ge=1, le=92)] = 30,
) -> TeamStarts:
    """For each active member of a team the caller sees, the orders they started in the
    last ``days`` and how many of those were the next of the queue (取下一单) rather than
    picked from the list; the busiest first."""
    team = _team_seen(session, team_id, principal)
    rows = take_next.started_lately(session, team, days)
    return TeamStarts(
        team_id=team.id,
        takes_in_turn=team.takes_in_turn,
        days=days,
        rows=[HandlerStarts(**vars(row)) for row in rows],
    )


@router.put("/teams/{team_id}/taking", response_model=TeamRead)
def set_team_taking(
    team_id: PathId,
    data: TeamTaking,
    principal: CanSetTeamRules,
    session: DbSession,
    version: IfMatch,
    response: Response,
) -> TeamRead:
    """Make taking in turn (按序取单) a team's rule, or let its handlers pick from the list
    again. In turn, a handler starting an order of the team's pool from the list gets 409
    ``order_taken_in_turn``, as does one sending an order to themselves; a lead still
    starts any order and names who handles one. For team leads, supervisors and admins
    (right ``team.rules``); audited."""
    team = _team_seen(session, team_id, principal)
    check_version(team.version, version)
    take_next.set_taking(session, team, in_turn=data.in_turn, by=principal)
    session.flush()
    response.headers["ETag"] = etag(team.version)
    return TeamRead.model_validate(team)


def _team_seen(session: DbSession, team_id: int, principal: Principal) -> Team:
    """The team if its unit is in the caller's reach; else 404, as if there were none."""
    team = session.get(Team, team_id)
    if team is None or unit_seen(session, team.org_unit_id, principal) is None:
        raise NotFound("team_not_found")
    return team


@router.post("/work-orders/{order_id}/passed-on", response_model=OrderDetail)
def pass_order_on(
    order: CurrentOrder,
    data: OriginChange,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    response: Response,
) -> OrderDetail:
    """Record that an open order was passed on (越级, 交办) — the customer's appeal to the
    regulator arrived naming it, say — or correct who did, their reference or their day;
    with a reason. Raised to key if lower; due by that day's end at the latest; on the
    timeline and audited. ``origin: customer`` undoes a mistake. 409 once finished."""
    passing_on.pass_on(
        session, order=order, data=data, by=principal, calendar=order_calendar(request, session)
    )
    response.headers["ETag"] = etag(order.version)
    return order_detail(session, order, principal)


@router.post("/work-orders/{order_id}/merge", response_model=OrderDetail)
def merge_order(
    order: CurrentOrder,
    data: MergeRequest,
    principal: CanDispatch,
    session: DbSession,
    response: Response,
) -> OrderDetail:
    """Merge this order, a duplicate, into another of the same customer's (``into``, its
    number): this one is cancelled naming the order kept, which takes over its chases
    and its priority if higher. 409 when the order kept is finished; 422 when it is
    another customer's."""
    number = order_number_in(data.into)
    if number is None:
        raise Unprocessable("order_number_invalid", field="into")
    found = order_by_number(session, number)
    if found is None:
        raise NotFound("order_not_found", field="into")
    kept = visible_order(session, found.id, principal, field="into")
    merging.merge(session, duplicate=order, kept=kept, reason=data.reason, by=principal)
    response.headers["ETag"] = etag(order.version)
    return order_detail(session, order, principal)
