"""HTTP routes of another team's part in an order (协办): list, ask, answer, take back;
and the asks waiting for the caller's team."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core.idempotency import create_once
from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, committed
from kefu.errors import Forbidden
from kefu.org.models import Staff, Team
from kefu.workorders import assists
from kefu.workorders.assist_schemas import (
    AssistAnswer,
    AssistCreate,
    AssistList,
    AssistOut,
    AssistTeam,
    TeamAssistList,
    TeamAssistOut,
)
from kefu.workorders.assists import ListedAssist
from kefu.workorders.deps import (
    CanReadOrders,
    CanWorkOrders,
    LoadedOrder,
    order_calendar,
    visible_order,
)
from kefu.workorders.enums import AssistStatus
from kefu.workorders.models import OrderAssist, WorkOrder
from kefu.workorders.schemas import ReasonRequest
from kefu.workorders.views import assist_out

router = APIRouter(prefix="/api/v1", tags=["work orders"])
TEAM_QUEUE_LIMIT = 200


@router.get("/work-orders/{order_id}/assists", response_model=AssistList)
def list_assists(order: LoadedOrder, principal: CanReadOrders, session: DbSession) -> AssistList:
    """What the order asked of other teams, in the order asked, with their answers; and
    the teams its holder may ask (of the order's unit or above, not its own)."""
    teams = assists.teams_in_reach(session, order)
    return AssistList(
        items=[assist_out(item) for item in assists.listed(session, order.id)],
        teams=[AssistTeam(id=t.id, name=t.name, name_en=t.name_en or t.name) for t in teams],
    )


@router.post("/work-orders/{order_id}/assists", response_model=AssistOut, status_code=201)
async def ask_assist(
    order_id: PathId,
    data: AssistCreate,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Ask another team for its part (协办) while keeping the order, wanted within
    ``due_hours`` (of the team's working time when it keeps hours, on the official
    calendar); the team's leads (else its people) are told. 409 for an order no longer
    being handled, or while the same team's earlier ask is open; 422 for a team out of
    the order's reach. On the timeline, audited."""

    def asking() -> ListedAssist:
        order = visible_order(session, order_id, principal)
        row = assists.ask(
            session,
            order=order,
            team_id=data.team_id,
            question=data.question,
            due_hours=data.due_hours,
            by=principal,
            calendar=order_calendar(request, session),
        )
        team = session.get(Team, row.team_id)  # loaded by the ask's checks
        assert team is not None  # foreign key
        return ListedAssist(row, team, principal.display_name, None)

    status, body = await create_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation=f"order.assist.{order_id}",  # one key, one order
        payload=data,
        create=asking,
        answer=assist_out,
    )
    return JSONResponse(body, status_code=status)


@router.post("/work-orders/{order_id}/assists/{assist_id}/answer", response_model=AssistOut)
async def answer_assist(
    order_id: PathId,
    assist_id: PathId,
    data: AssistAnswer,
    principal: CanWorkOrders,
    session: DbSession,
) -> AssistOut:
    """The asked team's answer, by one of its people (403 for anyone else); who asked and
    who holds the order are told. 409 once answered or taken back."""

    def answering(order: WorkOrder, row: OrderAssist) -> None:
        assists.answer(session, order=order, assist=row, text=data.answer, by=principal)

    return await _ended(session, principal, order_id, assist_id, answering)


@router.post("/work-orders/{order_id}/assists/{assist_id}/withdraw", response_model=AssistOut)
async def withdraw_assist(
    order_id: PathId,
    assist_id: PathId,
    data: ReasonRequest,
    principal: CanWorkOrders,
    session: DbSession,
) -> AssistOut:
    """Take back an ask not yet answered, with why. 409 once answered or taken back."""

    def withdrawing(order: WorkOrder, row: OrderAssist) -> None:
        assists.withdraw(session, order=order, assist=row, by=principal, reason=data.reason)

    return await _ended(session, principal, order_id, assist_id, withdrawing)


@router.get("/assists", response_model=TeamAssistList)
def team_assists(
    principal: CanReadOrders, session: DbSession, in_scope: bool = False
) -> TeamAssistList:
    """The asks waiting for the caller's team's answer, the soonest due first (none for
    someone in no team). ``in_scope``: those waiting on any order of the caller's scope,
    whichever team is asked, for whoever watches the queues (a supervisor, a team lead;
    403 for anyone else)."""
    if in_scope and not principal.has(Right.QUEUES_MONITOR):
        raise Forbidden("missing_right", right=Right.QUEUES_MONITOR.value)
    followed = assists.followed if in_scope else assists.own_team_asks
    asks = followed(session, principal)
    if asks is None:
        return TeamAssistList(items=[])
    rows = session.execute(
        select(OrderAssist, Team, WorkOrder.number, WorkOrder.subject, Staff.display_name)
        .join(Team, Team.id == OrderAssist.team_id)
        .join(WorkOrder, WorkOrder.id == OrderAssist.order_id)
        .outerjoin(Staff, Staff.id == OrderAssist.asked_by_id)
        .where(asks, OrderAssist.status == AssistStatus.OPEN)
        .order_by(OrderAssist.due_at, OrderAssist.id)
        .limit(TEAM_QUEUE_LIMIT)
    ).all()
    return TeamAssistList(
        items=[
            TeamAssistOut(
                **assist_out(ListedAssist(row, team, asked_by, None)).model_dump(),
                order_number=number,
                order_subject=subject,
            )
            for row, team, number, subject, asked_by in rows
        ]
    )


async def _ended(
    session: Session,
    principal: Principal,
    order_id: int,
    assist_id: int,
    end: Callable[[WorkOrder, OrderAssist], None],
) -> AssistOut:
    def ending() -> ListedAssist:
        order = visible_order(session, order_id, principal)
        row = assists.the_assist(session, order, assist_id)
        end(order, row)
        return next(i for i in assists.listed(session, order.id) if i.row.id == row.id)

    return await committed(session, ending, assist_out)
