"""HTTP routes of a work order's refunds and credits (退费, 双倍返还, 赔付): list, ask,
approve, reject, withdraw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from kefu.core.i18n import gettext
from kefu.core.idempotency import create_once
from kefu.core.rbac import Principal, Right
from kefu.core.spreadsheet import SPREADSHEET_RESPONSES, download, table_as_csv, table_as_xlsx
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, committed, request_language
from kefu.org.deps import require
from kefu.workorders import refunds
from kefu.workorders.deps import (
    CanExportOrders,
    CanReadOrders,
    CanWorkOrders,
    LoadedOrder,
    visible_order,
)
from kefu.workorders.models import OrderRefund, WorkOrder
from kefu.workorders.refund_export import export_refunds
from kefu.workorders.refund_history import number_history
from kefu.workorders.refund_schemas import (
    RefundCreate,
    RefundDecision,
    RefundExportRequest,
    RefundList,
    RefundOut,
)
from kefu.workorders.refunds import ListedRefund, RefundLimits
from kefu.workorders.schemas import ReasonRequest
from kefu.workorders.views import number_history_out, refund_out

router = APIRouter(prefix="/api/v1", tags=["work orders"])
CanApproveRefunds = Annotated[Principal, Depends(require(Right.REFUND_APPROVE))]


@router.get("/work-orders/{order_id}/refunds", response_model=RefundList)
def list_refunds(order: LoadedOrder, principal: CanReadOrders, session: DbSession) -> RefundList:
    """The order's refunds, the latest asked first, with what was credited so far and
    what is still on its way; and the number's refunds on its other orders in the last
    twelve months, with a warning on a refund awaiting approval whose charge (bill month
    and sum) is given back or asked on another order already."""
    masked = not principal.has(Right.PII_VIEW)
    items = refunds.listed(session, order.id)
    credited, pending = refunds.totals([item.row for item in items])
    history = number_history(session, order)
    return RefundList(
        items=[refund_out(i, masked, history.claimed_elsewhere(i.row.id)) for i in items],
        credited_fen=credited,
        pending_fen=pending,
        number_history=number_history_out(history),
    )


@router.post("/work-orders/{order_id}/refunds", response_model=RefundOut, status_code=201)
async def request_refund(
    order_id: PathId,
    data: RefundCreate,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Ask for money back to the order's number (a complaint or fault being handled):
    ``refund`` of a charge (``charge_fen``, ``bill_month``; ``amount_fen`` for part of
    it), ``double_refund`` (twice the charge, for a service never agreed to) or
    ``compensation`` (``amount_fen``). It waits for someone else to approve it. On the
    timeline, audited."""
    settings = request.app.state.settings
    limits, zone = RefundLimits.of(settings), str(settings.timezone)

    def asking() -> ListedRefund:
        order = visible_order(session, order_id, principal)
        row = refunds.request(
            session, order=order, data=data, by=principal, limits=limits, zone=zone
        )
        return ListedRefund(row, principal.display_name, None)

    status, body = await create_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation=f"order.refund.{order_id}",  # one key, one order
        payload=data,
        create=asking,
        answer=lambda made: refund_out(made, not principal.has(Right.PII_VIEW)),
    )
    return JSONResponse(body, status_code=status)


@router.post("/work-orders/{order_id}/refunds/{refund_id}/approve", response_model=RefundOut)
async def approve_refund(
    order_id: PathId,
    refund_id: PathId,
    data: RefundDecision,
    principal: CanApproveRefunds,
    session: DbSession,
    request: Request,
) -> RefundOut:
    """Approve a refund someone else asked, within the approver's limit (403 beyond it,
    or for one's own); the billing system credits it and the customer is texted. 409 once
    decided."""
    settings = request.app.state.settings
    limits, zone = RefundLimits.of(settings), str(settings.timezone)

    def approving(order: WorkOrder, row: OrderRefund) -> None:
        refunds.approve(
            session,
            order=order,
            refund=row,
            by=principal,
            note=data.note,
            limits=limits,
            zone=zone,
        )

    return await _decided(session, principal, order_id, refund_id, approving)


@router.post("/work-orders/{order_id}/refunds/{refund_id}/reject", response_model=RefundOut)
async def reject_refund(
    order_id: PathId,
    refund_id: PathId,
    data: ReasonRequest,
    principal: CanApproveRefunds,
    session: DbSession,
) -> RefundOut:
    """Refuse a refund, with why; the order's holder is told. 409 once decided."""

    def rejecting(order: WorkOrder, row: OrderRefund) -> None:
        refunds.reject(session, order=order, refund=row, by=principal, reason=data.reason)

    return await _decided(session, principal, order_id, refund_id, rejecting)


@router.post("/work-orders/{order_id}/refunds/{refund_id}/withdraw", response_model=RefundOut)
async def withdraw_refund(
    order_id: PathId,
    refund_id: PathId,
    data: ReasonRequest,
    principal: CanWorkOrders,
    session: DbSession,
) -> RefundOut:
    """Take back a refund not yet decided: who asked it, or an approver. 409 once
    decided."""

    def withdrawing(order: WorkOrder, row: OrderRefund) -> None:
        refunds.withdraw(session, order=order, refund=row, by=principal, reason=data.reason)

    return await _decided(session, principal, order_id, refund_id, withdrawing)


@router.post("/refunds/export", response_class=Response, responses=SPREADSHEET_RESPONSES)
def export_refund_list(
    data: RefundExportRequest, principal: CanExportOrders, session: DbSession, request: Request
) -> Response:
    """The refunds asked in a period (退费明细), in the caller's scope and filtered by
    status or kind, as XLSX or CSV: who asked and decided, what billing credited under
    which reference; numbers masked as on screen. Who took them, and why, is audited
    first (``order.refund.export``)."""
    settings = request.app.state.settings
    language = request_language(request)
    made = export_refunds(
        session,
        data=data,
        by=principal,
        language=language,
        timezone=settings.timezone,
        max_rows=settings.export_max_rows,
    )
    body = (
        table_as_csv(made.rows)
        if data.format == "csv"
        else table_as_xlsx(gettext(language, "Refunds and compensation"), made.rows)
    )
    name = f"refunds-{data.asked_from:%Y%m%d}-{data.asked_to:%Y%m%d}.{data.format}"
    return download(body, data.format, name, made.audit_seq)


async def _decided(
    session: Session,
    principal: Principal,
    order_id: int,
    refund_id: int,
    decide: Callable[[WorkOrder, OrderRefund], None],
) -> RefundOut:
    def deciding() -> ListedRefund:
        order = visible_order(session, order_id, principal)
        row = refunds.the_refund(session, order, refund_id)
        decide(order, row)
        return next(i for i in refunds.listed(session, order.id) if i.row.id == row.id)

    masked = not principal.has(Right.PII_VIEW)
    return await committed(session, deciding, lambda item: refund_out(item, masked))
