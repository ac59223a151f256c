"""HTTP route of batch dispatch (批量派单): many orders sent to one team at once."""

from __future__ import annotations

from fastapi import APIRouter, Request

from kefu.core.i18n import error_message
from kefu.core.web import DbSession, request_language
from kefu.workorders import batch
from kefu.workorders.deps import CanDispatch, order_calendar
from kefu.workorders.schemas import (
    BatchDispatchRequest,
    BatchDispatchResult,
    BatchRefusal,
    BatchSent,
)

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
