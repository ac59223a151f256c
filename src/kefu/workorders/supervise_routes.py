"""A supervisor pressing an open order's holder for it (督办)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from kefu.core.base import utcnow
from kefu.core.rbac import Principal, Right
from kefu.core.web import DbSession, IdempotencyKey
from kefu.org.deps import require
from kefu.workorders.deps import CanReadOrders, LoadedOrder
from kefu.workorders.progress_schemas import SuperviseCreate, SupervisionMonth
from kefu.workorders.schemas import OrderDetail
from kefu.workorders.supervising import supervise
from kefu.workorders.supervision_month import month_figures
from kefu.workorders.timeline_posts import timeline_post

router = APIRouter(prefix="/api/v1", tags=["work orders"])
CanSupervise = Annotated[Principal, Depends(require(Right.ORDER_SUPERVISE))]


@router.post("/work-orders/{order_id}/supervise", response_model=OrderDetail, status_code=201)
def supervise_order(
    request: Request,
    order: LoadedOrder,
    data: SuperviseCreate,
    principal: CanSupervise,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Press the holder of the open order in one's scope (督办): counted, on the
    timeline with the note, the order at the top priority, its holder and team leads
    told; audited. With ``answer_by``, both are told again if it is still unanswered
    then. No If-Match: the holder's work is not overwritten, and their next write meets
    the new version. Once per Idempotency-Key; 409 once it is answered."""
    return timeline_post(
        session,
        order,
        principal,
        idempotency_key,
        "supervise",
        data,
        lambda: supervise(
            session,
            order=order,
            note=data.note,
            by=principal,
            answer_by=data.answer_by,
            zone=str(request.app.state.settings.timezone),
        ),
    )


@router.get("/supervision/month", response_model=SupervisionMonth)
def supervision_month(
    principal: CanReadOrders,
    session: DbSession,
    request: Request,
    month: Annotated[str, Query(max_length=7)],
) -> SupervisionMonth:
    """A month's supervisions (督办, YYYY-MM of the center's) in the caller's scope, and
    whether each was answered by the time asked (督办及时率)."""
    return month_figures(
        session,
        month=month,
        scope_path=None if principal.has(Right.SCOPE_ALL) else principal.scope_path,
        timezone=str(request.app.state.settings.timezone),
        now=utcnow(),
    )
