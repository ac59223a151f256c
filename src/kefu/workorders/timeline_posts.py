"""Steps added to an order's timeline without If-Match: a handling note, the customer's
chase, a progress text. Each records what happened, whatever the handler is doing, so it
needs no version; its Idempotency-Key makes a double click one step."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from kefu.core.idempotency import run_once
from kefu.core.rbac import Principal
from kefu.core.web import etag
from kefu.workorders.models import WorkOrder
from kefu.workorders.views import order_detail


def timeline_post(
    session: Session,
    order: WorkOrder,
    principal: Principal,
    key: str | None,
    kind: str,
    payload: BaseModel,
    act: Callable[[], object],
    answer: Callable[[], BaseModel] | None = None,
) -> JSONResponse:
    """Run ``act`` once per Idempotency-Key and order; the order as it then is (or
    ``answer``), with its ETag."""

    def create() -> BaseModel:
        act()
        return answer() if answer else order_detail(session, order, principal)

    status, body = run_once(
        session,
        key=key,
        actor_id=principal.staff_id,
        operation=f"order.{kind}.{order.id}",  # one key, one order
        payload=payload,
        create=create,
    )
    return JSONResponse(body, status_code=status, headers={"ETag": etag(order.version)})
