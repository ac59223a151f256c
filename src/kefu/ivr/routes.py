"""IVR over HTTP: the telephony webhook (call started / digits / ended), flow versions
(draft, check, publish, roll back) and the IVR figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from kefu.core.base import utcnow
from kefu.core.idempotency import run_once
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, IfMatch, check_version, etag, request_language
from kefu.errors import Unprocessable
from kefu.ivr import flows, service, stats
from kefu.ivr.actions import ACTION_NAMES
from kefu.ivr.deps import CanManageIvr, CanTelephony, Setup, problem_messages, rejected
from kefu.ivr.flow import FlowInvalid, parse
from kefu.ivr.graph import flow_graph
from kefu.ivr.models import IvrFlow
from kefu.ivr.schemas import (
    CallEnded,
    CallId,
    CallInput,
    CallInstruction,
    CallStart,
    FlowCheck,
    FlowCheckResult,
    FlowCode,
    FlowDraft,
    FlowRead,
    IvrFigures,
    VersionRead,
    VersionSource,
)
from kefu.routing.schemas import CallRoute

router = APIRouter(prefix="/api/v1/ivr", tags=["ivr"])
CallPath = Annotated[CallId, Path()]
CodePath = Annotated[FlowCode, Path()]


@router.post("/calls", response_model=CallInstruction)
def call_started(data: CallStart, setup: Setup, session: DbSession) -> CallInstruction:
    """A call arrived: the first instruction (a repeated start gets the same answer)."""
    answer = service.start_call(
        session,
        call_id=data.call_id,
        caller=data.caller,
        dialled=data.dialled,
        flow=data.flow,
        setup=setup,
    )
    return CallInstruction.model_validate(answer)


@router.post("/calls/{call_id}/input", response_model=CallInstruction)
def call_input(
    call_id: CallPath, data: CallInput, setup: Setup, session: DbSession
) -> CallInstruction:
    """The caller's digits (or a timeout) for the question of ``step``."""
    answer = service.answer_call(
        session, call_id=call_id, step=data.step, digits=data.digits, setup=setup
    )
    return CallInstruction.model_validate(answer)


@router.get("/calls/{call_id}/route", response_model=CallRoute)
def call_route(call_id: CallPath, principal: CanTelephony, session: DbSession) -> CallRoute:
    """Where the call stands after a transfer: the agent whose extension to ring."""
    return CallRoute.model_validate(service.call_route(session, call_id=call_id))


@router.post("/calls/{call_id}/end", response_model=CallEnded)
def call_ended(call_id: CallPath, setup: Setup, session: DbSession) -> CallEnded:
    """The call is over on the PBX (the caller hung up, or the transfer ended)."""
    return CallEnded.model_validate(service.end_call(session, call_id=call_id))


def _flow_read(session: DbSession, flow: IvrFlow) -> FlowRead:
    return FlowRead(
        code=flow.code,
        name=flow.name,
        numbers=flow.numbers.split(),
        published_number=flow.published_number,
        version=flow.version,
        versions=[
            VersionRead.model_validate(v, from_attributes=True)
            for v in flows.versions(session, flow.id)
        ],
    )


@router.get("/flows", response_model=list[FlowRead])
def list_flows(principal: CanManageIvr, session: DbSession) -> list[FlowRead]:
    """Every flow with its versions."""
    return [_flow_read(session, f) for f in flows.all_flows(session)]


@router.get("/flows/{code}", response_model=FlowRead)
def get_flow(
    code: CodePath, principal: CanManageIvr, session: DbSession, response: Response
) -> FlowRead:
    """One flow; the ETag carries its version for If-Match on publish and roll-back."""
    flow = flows.flow_by_code(session, code)
    response.headers["ETag"] = etag(flow.version)
    return _flow_read(session, flow)


@router.get("/flows/{code}/versions/{number}", response_model=VersionSource)
def get_version(
    code: CodePath, number: PathId, principal: CanManageIvr, session: DbSession
) -> VersionSource:
    """One version with its YAML."""
    found = flows.version(session, flows.flow_by_code(session, code), number)
    return VersionSource.model_validate(found, from_attributes=True)


@router.post("/flows/{code}/versions", response_model=VersionRead, status_code=201)
def save_version(
    code: CodePath,
    data: FlowDraft,
    principal: CanManageIvr,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Keep a checked draft (a new code starts a new flow); 422 lists every problem by line."""

    def create() -> VersionRead:
        try:
            draft = flows.save_draft(
                session, code=code, source=data.source, note=data.note, by=principal
            )
        except FlowInvalid as invalid:
            raise rejected(request, invalid) from None
        return VersionRead.model_validate(draft, from_attributes=True)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation=f"ivr.draft.{code}",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


def _checked_flow(session: DbSession, code: str, version: int) -> IvrFlow:
    flow = flows.flow_by_code(session, code)
    check_version(flow.version, version)
    return flow


@router.post("/flows/{code}/versions/{number}/publish", response_model=FlowRead)
def publish_version(
    code: CodePath,
    number: PathId,
    principal: CanManageIvr,
    session: DbSession,
    version: IfMatch,
    response: Response,
) -> FlowRead:
    """Make a version answer calls (If-Match: the flow's version)."""
    flow = flows.publish(
        session, flow=_checked_flow(session, code, version), number=number, by=principal
    )
    response.headers["ETag"] = etag(flow.version)
    return _flow_read(session, flow)


@router.post("/flows/{code}/rollback", response_model=FlowRead)
def roll_back(
    code: CodePath,
    principal: CanManageIvr,
    session: DbSession,
    version: IfMatch,
    response: Response,
) -> FlowRead:
    """Publish again the version that answered before (If-Match: the flow's version)."""
    flow = flows.roll_back(session, flow=_checked_flow(session, code, version), by=principal)
    response.headers["ETag"] = etag(flow.version)
    return _flow_read(session, flow)


@router.post("/check", response_model=FlowCheckResult)
def check_flow(data: FlowCheck, principal: CanManageIvr, request: Request) -> FlowCheckResult:
    """Check YAML without saving: every problem by line, or the graph for the viewer."""
    try:
        flow = parse(data.source, actions=ACTION_NAMES)
    except FlowInvalid as invalid:
        problems = problem_messages(request_language(request), invalid.problems)
        return FlowCheckResult.model_validate({"ok": False, "problems": problems})
    return FlowCheckResult(ok=True, problems=[], nodes=len(flow.nodes), graph=flow_graph(flow))


# The instants a center can have calls at; beyond them a day's arithmetic overflows.
FIGURES_FROM, FIGURES_UNTIL = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


@router.get("/figures", response_model=IvrFigures)
def figures(
    principal: CanManageIvr,
    session: DbSession,
    since: Annotated[datetime | None, Query()] = None,
    until: Annotated[datetime | None, Query()] = None,
) -> IvrFigures:
    """Containment, abandonment per node, time in the IVR and transfer reasons (default:
    the last 24 hours)."""
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.tzinfo is None:
            raise Unprocessable("timezone_required", field=name)
        if moment is not None and not FIGURES_FROM <= moment < FIGURES_UNTIL:
            raise Unprocessable("invalid_period", field=name)  # 0001-01-01 less a day: a 500
    until = until or utcnow() + timedelta(seconds=1)  # calls started this very second count
    since = since or until - timedelta(days=1)
    if since >= until or until - since > timedelta(days=366):
        raise Unprocessable("invalid_period", field="since")
    return stats.figures(session, since=since, until=until)
