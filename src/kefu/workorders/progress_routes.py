"""The progress text to the customer of an open order (进度告知)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from kefu.core.web import DbSession, IdempotencyKey
from kefu.workorders.deps import CanWorkOrders, LoadedOrder
from kefu.workorders.progress import tell_progress
from kefu.workorders.progress_schemas import OrderProgressCreate
from kefu.workorders.schemas import OrderDetail
from kefu.workorders.timeline_posts import timeline_post

router = APIRouter(prefix="/api/v1", tags=["work orders"])


@router.post("/work-orders/{order_id}/progress", response_model=OrderDetail, status_code=201)
def tell_customer_progress(
    order: LoadedOrder,
    data: OrderProgressCreate,
    principal: CanWorkOrders,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Tell the customer where the order being handled stands, its number first: texted,
    or with ``channel: email`` mailed in reply to the customer's mail it came from; on
    the timeline, audited. No If-Match: it changes nothing else of the order. 409 once
    the order is answered or finished; 422 when its callback number takes no texts, or
    (by e-mail) it came from no mail."""
    return timeline_post(
        session,
        order,
        principal,
        idempotency_key,
        "progress",
        data,
        lambda: tell_progress(
            session, order=order, text=data.text, by=principal, channel=data.channel
        ),
    )
