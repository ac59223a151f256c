"""HTTP routes of emergencies: the proposed and open incidents, confirm, dismiss, resolve
(the callers' compensation: ``incident_compensation_routes``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.core.idempotency import run_once
from kefu.core.pagination import Paging
from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, IfMatch, check_version, etag
from kefu.org.deps import require
from kefu.org.models import OrgUnit
from kefu.workorders import incident_compensation, incidents, repository
from kefu.workorders.deps import CanReadOrders, OptionalNote, order_calendar
from kefu.workorders.enums import IncidentStatus
from kefu.workorders.incident_progress import (
    CallersTold,
    late_callers,
    tell_callers,
    tell_late_callers,
)
from kefu.workorders.incident_schemas import (
    CallersToldOut,
    IncidentDetail,
    IncidentPage,
    IncidentRead,
    IncidentResolve,
    LateCallersAsk,
)
from kefu.workorders.models import Category, Incident
from kefu.workorders.progress_schemas import ProgressCreate
from kefu.workorders.schemas import ReasonRequest, UnitBrief
from kefu.workorders.views import compensation_out, list_items

router = APIRouter(prefix="/api/v1", tags=["incidents"])
CanManage = Annotated[Principal, Depends(require(Right.INCIDENT_MANAGE))]


def _read(session: Session, incident: Incident, orders: int) -> IncidentRead:
    unit = session.get(OrgUnit, incident.org_unit_id)
    category = session.get(Category, incident.category_id)
    assert unit is not None and category is not None
    return IncidentRead(
        id=incident.id,
        number=incident.number,
        status=incident.status,
        title=incident.title,
        org_unit=UnitBrief(id=unit.id, name=unit.name, name_en=unit.name_en),
        category=UnitBrief(id=category.id, name=category.name, name_en=category.name_en),
        orders=orders,
        first_order_at=incident.first_order_at,
        confirmed_at=incident.confirmed_at,
        resolved_at=incident.resolved_at,
        reply=incident.reply,
        note=incident.note,
        version=incident.version,
    )


def _current(session: Session, incident_id: int, principal: Principal, version: int) -> Incident:
    incident = incidents.visible_incident(session, incident_id, principal)
    check_version(incident.version, version)
    return incident


def _detail(
    session: Session, incident: Incident, principal: Principal, response: Response
) -> IncidentDetail:
    session.flush()
    response.headers["ETag"] = etag(incident.version)
    query = repository.order_list_query(
        scope_path=None,
        viewer_id=principal.staff_id,
        status=None,
        assignee_id=None,
        team_id=None,
        repeat_only=False,
        incident_id=incident.id,
    )
    masked = not principal.has(Right.PII_VIEW)
    rows = session.execute(query.limit(500)).all()
    compensated = incident_compensation.standing(session, incident.id)
    said, said_at = repository.incident_news(session, incident.id) or (None, None)
    return IncidentDetail(
        **_read(
            session, incident, incidents.linked_counts(session, [incident.id])[incident.id]
        ).model_dump(),
        order_list=list_items(session, rows, masked),
        compensation=compensation_out(compensated) if compensated else None,
        news=said,
        news_at=said_at,
        late_callers=late_callers(session, incident),
    )


@router.get("/incidents", response_model=IncidentPage)
def list_incidents(
    principal: CanReadOrders,
    session: DbSession,
    params: Paging,
    status: Annotated[list[IncidentStatus] | None, Query()] = None,
) -> IncidentPage:
    """Incidents in the caller's scope, newest first (proposed ones wait for a decision)."""
    query = select(Incident).join(OrgUnit, OrgUnit.id == Incident.org_unit_id)
    if not principal.has(Right.SCOPE_ALL):
        query = query.where(OrgUnit.path.startswith(principal.scope_path))
    if status:
        query = query.where(Incident.status.in_(status))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    found = session.scalars(
        query.order_by(Incident.id.desc()).offset(params.offset).limit(params.size)
    ).all()
    counts = incidents.linked_counts(session, [i.id for i in found])
    return IncidentPage(
        items=[_read(session, i, counts[i.id]) for i in found],
        total=total,
        page=params.page,
        size=params.size,
    )


@router.get("/incidents/{incident_id}", response_model=IncidentDetail)
def get_incident(
    incident_id: PathId, principal: CanReadOrders, session: DbSession, response: Response
) -> IncidentDetail:
    """One incident with its orders; the ETag carries its version."""
    return _detail(
        session, incidents.visible_incident(session, incident_id, principal), principal, response
    )


@router.post("/incidents/{incident_id}/confirm", response_model=IncidentDetail)
def confirm_incident(
    incident_id: PathId,
    data: OptionalNote,
    principal: CanManage,
    session: DbSession,
    version: IfMatch,
    response: Response,
) -> IncidentDetail:
    """Confirm a proposed incident: its orders will be answered together."""
    incident = _current(session, incident_id, principal, version)
    incidents.confirm(session, incident=incident, note=data.note, by=principal)
    return _detail(session, incident, principal, response)


@router.post("/incidents/{incident_id}/dismiss", response_model=IncidentDetail)
def dismiss_incident(
    incident_id: PathId,
    data: ReasonRequest,
    principal: CanManage,
    session: DbSession,
    version: IfMatch,
    response: Response,
) -> IncidentDetail:
    """Not one incident: release its orders to be handled one by one."""
    incident = _current(session, incident_id, principal, version)
    incidents.dismiss(session, incident=incident, reason=data.reason, by=principal)
    return _detail(session, incident, principal, response)


@router.post("/incidents/{incident_id}/resolve", response_model=IncidentDetail)
def resolve_incident(
    incident_id: PathId,
    data: IncidentResolve,
    principal: CanManage,
    session: DbSession,
    version: IfMatch,
    request: Request,
    response: Response,
) -> IncidentDetail:
    """Resolve: every caller gets the reply by SMS and every open order closes."""
    incident = _current(session, incident_id, principal, version)
    calendar = order_calendar(request, session)
    incidents.resolve(session, incident=incident, reply=data.reply, by=principal, calendar=calendar)
    return _detail(session, incident, principal, response)


@router.post("/incidents/{incident_id}/progress", response_model=CallersToldOut, status_code=201)
def tell_incident_callers(
    incident_id: PathId,
    data: ProgressCreate,
    principal: CanManage,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Text every caller of the confirmed incident whose order is being handled where it
    stands (突发事件进展通报): a progress text on each order. No If-Match: the incident
    does not change. Once per Idempotency-Key; 409 unless confirmed."""
    incident = incidents.visible_incident(session, incident_id, principal)
    return _callers_told(
        session,
        principal,
        idempotency_key,
        f"incident.progress.{incident.id}",
        data,
        lambda: tell_callers(session, incident=incident, text=data.text, by=principal),
    )


@router.post(
    "/incidents/{incident_id}/progress/late", response_model=CallersToldOut, status_code=201
)
def tell_late_incident_callers(
    incident_id: PathId,
    principal: CanManage,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Send the incident's last progress text to the waiting callers who joined after it
    went out (补发), each on their own order; those on a landline are named to call. A
    caller who has the text already is not texted again. Once per Idempotency-Key; 409
    unless confirmed, or before any text went out."""
    incident = incidents.visible_incident(session, incident_id, principal)
    return _callers_told(
        session,
        principal,
        idempotency_key,
        f"incident.progress_late.{incident.id}",
        LateCallersAsk(),
        lambda: tell_late_callers(session, incident=incident, by=principal),
    )


def _callers_told(
    session: Session,
    principal: Principal,
    key: str | None,
    operation: str,
    payload: BaseModel,
    tell: Callable[[], CallersTold],
) -> JSONResponse:
    """Text the callers once per Idempotency-Key; how many were, and whom to call."""

    def create() -> CallersToldOut:
        told = tell()
        return CallersToldOut(texted=told.texted, to_call=told.to_call)

    status, body = run_once(
        session,
        key=key,
        actor_id=principal.staff_id,
        operation=operation,
        payload=payload,
        create=create,
    )
    return JSONResponse(body, status_code=status)
