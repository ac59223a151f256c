"""HTTP routes of an incident's compensation (故障补偿): asked for every caller once the
incident is resolved, approved or rejected together by someone else."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from kefu.core.idempotency import run_once
from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey
from kefu.org.deps import require
from kefu.workorders import incident_compensation, incidents
from kefu.workorders.incident_schemas import CompensationAsk, CompensationOut
from kefu.workorders.refund_schemas import RefundDecision
from kefu.workorders.refunds import RefundLimits
from kefu.workorders.schemas import ReasonRequest
from kefu.workorders.views import compensation_out

router = APIRouter(prefix="/api/v1", tags=["incidents"])
CanManage = Annotated[Principal, Depends(require(Right.INCIDENT_MANAGE))]
CanApproveRefunds = Annotated[Principal, Depends(require(Right.REFUND_APPROVE))]


def _shown(session: Session, incident_id: int) -> CompensationOut:
    session.flush()
    found = incident_compensation.standing(session, incident_id)
    assert found is not None  # just asked or decided
    return compensation_out(found)


@router.post(
    "/incidents/{incident_id}/compensation", response_model=CompensationOut, status_code=201
)
def ask_compensation(
    incident_id: PathId,
    data: CompensationAsk,
    principal: CanManage,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Compensate every caller of a resolved incident the same sum (赔付): one refund per
    caller's number that is a live subscriber, each on the caller's order, waiting for
    someone else to approve them together. 409 before resolution or once asked."""
    incident = incidents.visible_incident(session, incident_id, principal)
    limits = RefundLimits.of(request.app.state.settings)

    def asking() -> CompensationOut:
        incident_compensation.ask(
            session,
            incident=incident,
            amount_fen=data.amount_fen,
            reason=data.reason,
            by=principal,
            limits=limits,
        )
        return _shown(session, incident.id)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation=f"incident.compensation.{incident_id}",
        payload=data,
        create=asking,
    )
    return JSONResponse(body, status_code=status)


@router.post("/incidents/{incident_id}/compensation/approve", response_model=CompensationOut)
def approve_compensation(
    incident_id: PathId,
    data: RefundDecision,
    principal: CanApproveRefunds,
    session: DbSession,
    request: Request,
) -> CompensationOut:
    """Approve every compensation of the incident still waiting, as each refund is
    approved: not by who asked (403), within the approver's limit (403); each is then
    credited and its caller texted. 409 when none waits."""
    incident = incidents.visible_incident(session, incident_id, principal)
    settings = request.app.state.settings
    incident_compensation.approve_all(
        session,
        incident=incident,
        by=principal,
        note=data.note,
        limits=RefundLimits.of(settings),
        zone=str(settings.timezone),
    )
    return _shown(session, incident.id)


@router.post("/incidents/{incident_id}/compensation/reject", response_model=CompensationOut)
def reject_compensation(
    incident_id: PathId,
    data: ReasonRequest,
    principal: CanApproveRefunds,
    session: DbSession,
) -> CompensationOut:
    """Refuse every compensation of the incident still waiting, with why; who asked is
    told. 409 when none waits."""
    incident = incidents.visible_incident(session, incident_id, principal)
    incident_compensation.reject_all(session, incident=incident, by=principal, reason=data.reason)
    return _shown(session, incident.id)
