"""HTTP routes of work orders: intake, queues, lifecycle actions, categories, repeat rate."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from kefu.core.i18n import gettext
from kefu.core.idempotency import create_once
from kefu.core.pagination import Paging
from kefu.core.rbac import Principal, Right
from kefu.core.spreadsheet import SPREADSHEET_RESPONSES, download, table_as_csv, table_as_xlsx
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, ReadSession, etag, request_language
from kefu.errors import MethodNotAllowed, NotFound
from kefu.workorders import consent, export, lifecycle, repeats, repository, service, urging
from kefu.workorders.category_tree import category_tree
from kefu.workorders.deps import (
    CanDispatch,
    CanExportOrders,
    CanReadOrders,
    CanWorkOrders,
    CurrentOrder,
    LoadedOrder,
    OptionalNote,
    OrderToChase,
    order_calendar,
)
from kefu.workorders.enums import Action, OrderOrigin, OrderStatus
from kefu.workorders.intake_rules import center_rules
from kefu.workorders.models import WorkOrder
from kefu.workorders.schemas import (
    ChaseReceipt,
    CodeCheck,
    DispatchRequest,
    IntakeCheck,
    IntakeOutlook,
    NoteCreate,
    OrderCreate,
    OrderDetail,
    OrderExportRequest,
    OrderPage,
    ReasonRequest,
    RepeatRate,
    ReplyRequest,
    TriageRequest,
    VerbalConsent,
    VisitRequest,
)
from kefu.workorders.timeline_posts import timeline_post
from kefu.workorders.views import (
    chase_receipt,
    intake_outlook,
    list_items,
    new_order_detail,
    order_detail,
)

router = APIRouter(prefix="/api/v1", tags=["work orders"])


def _answer(
    session: DbSession, order: WorkOrder, principal: Principal, response: Response
) -> OrderDetail:
    session.flush()
    response.headers["ETag"] = etag(order.version)
    return order_detail(session, order, principal)


@router.post("/work-orders", response_model=OrderDetail, status_code=201)
async def create_order(
    data: OrderCreate,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Open an order; a complaint from a number that complained of the same thing is a repeat."""
    status, body = await create_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="order.create",
        payload=data,
        create=lambda: service.create_order(
            session, data=data, by=principal, calendar=order_calendar(request, session)
        ),
        answer=lambda new: new_order_detail(
            session, new.order, principal, timeline=new.timeline, repeats=new.repeats
        ),
    )
    return JSONResponse(body, status_code=status)


@router.post("/work-orders/export", response_class=Response, responses=SPREADSHEET_RESPONSES)
def export_orders(
    data: OrderExportRequest, principal: CanExportOrders, session: DbSession, request: Request
) -> Response:
    """The orders created in a period, in the caller's scope and filtered, as XLSX or CSV;
    callback numbers masked as on screen. Who took which orders, and why, is audited first."""
    settings = request.app.state.settings
    made = export.export_orders(
        session,
        data=data,
        by=principal,
        language=request_language(request),
        timezone=settings.timezone,
        max_rows=settings.export_max_rows,
    )
    body = (
        table_as_csv(made.rows)
        if data.format == "csv"
        else table_as_xlsx(gettext(request_language(request), "Work orders"), made.rows)
    )
    name = f"work-orders-{data.created_from:%Y%m%d}-{data.created_to:%Y%m%d}.{data.format}"
    return download(body, data.format, name, made.audit_seq)


# Every intake form's outlook (new order, call, message) ends so, and writes nothing: it
# waits with the reads, not the writes.
INTAKE_CHECK_ENDING = "/intake-check"


@router.post("/work-orders/intake-check", response_model=IntakeOutlook)
def intake_check(
    data: IntakeCheck, principal: CanWorkOrders, session: ReadSession, request: Request
) -> IntakeOutlook:
    """What the order being filled in would get if it were opened now: whether it is a
    repeat complaint (and of which), its priority and its time limits. Nothing is
    written; it waits with the reads. The same errors as creating it."""
    outlook = service.intake_outlook(
        session, data=data, by=principal, calendar=order_calendar(request, session)
    )
    return intake_outlook(outlook, principal)


@router.get("/work-orders", response_model=OrderPage)
def list_orders(
    principal: CanReadOrders,
    session: DbSession,
    params: Paging,
    status: Annotated[list[OrderStatus] | None, Query()] = None,
    mine: bool = False,
    opened_by_me: bool = False,
    my_customers: bool = False,
    team_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    repeat: bool = False,
    category_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    to_dispatch: bool = False,
    origin: Annotated[list[OrderOrigin] | None, Query()] = None,
    on_site: bool = False,
    refund_awaiting: bool = False,
    supervised: bool = False,
) -> OrderPage:
    """Orders in the caller's scope, most urgent first: all; ``mine``; ``opened_by_me``
    wherever handled now (首问负责); ``my_customers``, those of the customers an account
    manager looks after; a team's; repeats; a category and all under it. ``to_dispatch``:
    those waiting to be sent, longest waiting first among equals. ``origin``: passed on by
    the regulator, a consumer body, the press or the leaders (越级, 交办). ``on_site``: an
    engineer booked, soonest first. ``refund_awaiting``: a refund awaiting approval.
    ``supervised``: pressed for by a supervisor (督办), the answer owed soonest first."""
    query = repository.order_list_query(
        scope_path=None if principal.has(Right.SCOPE_ALL) else principal.scope_path,
        viewer_id=principal.staff_id,
        status=status,
        assignee_id=principal.staff_id if mine else None,
        opened_by=principal.staff_id if opened_by_me else None,
        managed_by=principal.staff_id if my_customers else None,
        team_id=team_id,
        repeat_only=repeat,
        category_path=_category_path(session, category_id),
        to_dispatch=to_dispatch,
        origins=origin,
        on_site=on_site,
        refund_awaiting=refund_awaiting,
        supervised=supervised,
    )
    rows, total = repository.page(session, query, params)
    masked = not principal.has(Right.PII_VIEW)
    return OrderPage(
        items=list_items(session, rows, masked),
        total=total,
        page=params.page,
        size=params.size,
    )


def _category_path(session: DbSession, category_id: int | None) -> str | None:
    if category_id is None:
        return None
    category = category_tree(session).get(category_id)
    if category is None:
        raise NotFound("category_not_found", field="category_id")
    return category.path


@router.get("/work-orders/repeat-rate", response_model=RepeatRate)
def repeat_rate(
    principal: CanReadOrders,
    session: DbSession,
    request: Request,
    month: Annotated[str, Query(max_length=7)],
    by: Literal["org_unit", "category"] = "org_unit",
) -> RepeatRate:
    """Repeat complaints ÷ complaints of a month (YYYY-MM), per org unit or category."""
    settings = request.app.state.settings
    return repeats.monthly_rate(
        session,
        month=month,
        by=by,
        category_level=center_rules(session).repeat.category_level,
        scope_path=None if principal.has(Right.SCOPE_ALL) else principal.scope_path,
        timezone=settings.timezone,
    )


@router.get("/work-orders/{order_id}", response_model=OrderDetail)
def get_order(
    order: LoadedOrder, principal: CanReadOrders, session: DbSession, response: Response
) -> OrderDetail:
    """One order with its timeline; the ETag carries the version for If-Match."""
    return _answer(session, order, principal, response)


@router.delete("/work-orders/{order_id}", status_code=405, include_in_schema=False)
def delete_order(order_id: PathId) -> None:
    """Orders are never deleted; invalid ones are cancelled with a reason."""
    raise MethodNotAllowed()


@router.post("/work-orders/{order_id}/notes", response_model=OrderDetail, status_code=201)
def add_note(
    order: LoadedOrder,
    data: NoteCreate,
    principal: CanWorkOrders,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Keep a handling note on the order's timeline (no If-Match: it changes nothing else)."""
    return timeline_post(
        session,
        order,
        principal,
        idempotency_key,
        "note",
        data,
        lambda: lifecycle.add_note(session, order=order, note=data.note, by=principal),
    )


@router.post(
    "/work-orders/{order_id}/urge", response_model=OrderDetail | ChaseReceipt, status_code=201
)
def urge_order(
    target: OrderToChase,
    data: OptionalNote,
    principal: CanWorkOrders,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """The customer chases the open order (催办): counted, on the timeline with what they
    said (``note``), a step higher in priority, its holder told. No If-Match: the agent
    on the line records what the customer says, whatever the handler is doing; the
    handler's next write then meets the new version. 409 once the order is answered.

    An order beyond the agent's reach (escalated to the province, say) of a customer in
    their scope is chased all the same; the answer is then a ``ChaseReceipt`` (where it
    stands and who holds it), not the order with its handling."""
    order = target.order
    return timeline_post(
        session,
        order,
        principal,
        idempotency_key,
        "urge",
        data,
        lambda: urging.urge(session, order=order, note=data.note, by=principal),
        None if target.in_reach else lambda: chase_receipt(order, target.unit),
    )


@router.post("/work-orders/{order_id}/triage", response_model=OrderDetail)
def triage_order(
    order: CurrentOrder,
    data: TriageRequest,
    principal: CanDispatch,
    session: DbSession,
    request: Request,
    response: Response,
) -> OrderDetail:
    """Triage an order (invalid / normal / key / urgent) with a reason."""
    service.triage(
        session,
        order=order,
        level=data.triage,
        reason=data.reason,
        by=principal,
        calendar=order_calendar(request, session),
    )
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/accept", response_model=OrderDetail)
def accept_order(
    order: CurrentOrder,
    data: OptionalNote,
    principal: CanWorkOrders,
    session: DbSession,
    response: Response,
) -> OrderDetail:
    """Take a new order on."""
    lifecycle.simple_action(
        session, order=order, action=Action.ACCEPT, by=principal, reason=data.note
    )
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/start", response_model=OrderDetail)
def start_order(
    order: CurrentOrder,
    data: OptionalNote,
    principal: CanWorkOrders,
    session: DbSession,
    response: Response,
) -> OrderDetail:
    """Start working on an order (it becomes yours if nobody has it)."""
    lifecycle.simple_action(
        session, order=order, action=Action.START, by=principal, reason=data.note
    )
    return _answer(session, order, principal, response)


def _send(
    order: WorkOrder,
    data: DispatchRequest,
    principal: Principal,
    session: DbSession,
    request: Request,
    response: Response,
    action: Action,
) -> OrderDetail:
    calendar = order_calendar(request, session)
    lifecycle.dispatch(
        session, order=order, request=data, by=principal, action=action, calendar=calendar
    )
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/dispatch", response_model=OrderDetail)
def dispatch_order(
    order: CurrentOrder,
    data: DispatchRequest,
    principal: CanDispatch,
    session: DbSession,
    request: Request,
    response: Response,
) -> OrderDetail:
    """Dispatch to a team or unit, optionally a person in it."""
    return _send(order, data, principal, session, request, response, Action.DISPATCH)


@router.post("/work-orders/{order_id}/transfer", response_model=OrderDetail)
def transfer_order(
    order: CurrentOrder,
    data: DispatchRequest,
    principal: CanDispatch,
    session: DbSession,
    request: Request,
    response: Response,
) -> OrderDetail:
    """Hand a dispatched order to another team, unit or person."""
    return _send(order, data, principal, session, request, response, Action.TRANSFER)


@router.post("/work-orders/{order_id}/escalate", response_model=OrderDetail)
def escalate_order(
    order: CurrentOrder,
    data: ReasonRequest,
    principal: CanDispatch,
    session: DbSession,
    response: Response,
) -> OrderDetail:
    """Send the order one level up (branch → province → HQ) with a reason."""
    lifecycle.escalate(session, order=order, reason=data.reason, by=principal)
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/wait", response_model=OrderDetail)
def wait_order(
    order: CurrentOrder,
    data: ReasonRequest,
    principal: CanWorkOrders,
    session: DbSession,
    response: Response,
) -> OrderDetail:
    """Wait on the customer (待客户), with what is awaited; the time-limit clock pauses."""
    lifecycle.wait_for_customer(session, order=order, reason=data.reason, by=principal)
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/resume", response_model=OrderDetail)
def resume_order(
    order: CurrentOrder,
    data: OptionalNote,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    response: Response,
) -> OrderDetail:
    """Work on after waiting on the customer; the limits move by the time waited."""
    lifecycle.resume(
        session,
        order=order,
        note=data.note,
        by=principal,
        calendar=order_calendar(request, session),
    )
    return _answer(session, order, principal, response)


def _secret(request: Request) -> str:
    secret: str = request.app.state.settings.secret_key
    return secret


@router.post("/work-orders/{order_id}/consent/code", response_model=OrderDetail)
def send_consent_code(
    order: LoadedOrder,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    response: Response,
) -> OrderDetail:
    """Text the customer a one-time code to confirm the service change (5 minutes)."""
    consent.send_code(session, order=order, by=principal, secret=_secret(request))
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/consent/verify", response_model=OrderDetail)
def verify_consent_code(
    order: LoadedOrder,
    data: CodeCheck,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    response: Response,
) -> OrderDetail:
    """Check the code the customer read out; right, the change may be carried out."""
    consent.verify_code(session, order=order, code=data.code, by=principal, secret=_secret(request))
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/consent/verbal", response_model=OrderDetail)
def record_verbal_consent(
    order: LoadedOrder,
    data: VerbalConsent,
    principal: CanWorkOrders,
    session: DbSession,
    response: Response,
) -> OrderDetail:
    """Keep verbal consent given on a recorded call, with the call's reference."""
    consent.record_verbal(
        session, order=order, call_reference=data.call_reference, note=data.note, by=principal
    )
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/reply", response_model=OrderDetail)
def reply_order(
    order: CurrentOrder,
    data: ReplyRequest,
    principal: CanWorkOrders,
    session: DbSession,
    response: Response,
) -> OrderDetail:
    """Record the answer given to the customer and, if asked, text or e-mail it to them."""
    lifecycle.reply(
        session,
        order=order,
        text=data.reply,
        by=principal,
        send_sms=data.send_sms,
        send_email=data.send_email,
    )
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/return", response_model=OrderDetail)
def return_order(
    order: CurrentOrder,
    data: ReasonRequest,
    principal: CanWorkOrders,
    session: DbSession,
    response: Response,
) -> OrderDetail:
    """Send a dispatched order back (退单) with the reason."""
    lifecycle.simple_action(
        session, order=order, action=Action.RETURN, by=principal, reason=data.reason
    )
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/close", response_model=OrderDetail)
def close_order(
    order: CurrentOrder,
    data: OptionalNote,
    principal: CanWorkOrders,
    session: DbSession,
    response: Response,
) -> OrderDetail:
    """Close a replied order; a complaint gets its return visit scheduled first."""
    lifecycle.close(session, order=order, note=data.note, by=principal)
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/visit", response_model=OrderDetail)
def visit_order(
    order: CurrentOrder,
    data: VisitRequest,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    response: Response,
) -> OrderDetail:
    """Record the return visit; dissatisfied reopens the order for a second handling."""
    lifecycle.visit(
        session,
        order=order,
        outcome=data.outcome,
        note=data.note,
        by=principal,
        calendar=order_calendar(request, session),
    )
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/reopen", response_model=OrderDetail)
def reopen_order(
    order: CurrentOrder,
    data: ReasonRequest,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    response: Response,
) -> OrderDetail:
    """Reopen a replied or closed order with the reason: it is handled again, on a clock of
    its own from now (二次处理)."""
    lifecycle.reopen(
        session,
        order=order,
        reason=data.reason,
        by=principal,
        calendar=order_calendar(request, session),
    )
    return _answer(session, order, principal, response)


@router.post("/work-orders/{order_id}/cancel", response_model=OrderDetail)
def cancel_order(
    order: CurrentOrder,
    data: ReasonRequest,
    principal: CanDispatch,
    session: DbSession,
    response: Response,
) -> OrderDetail:
    """Cancel an invalid order (无效单) with the reason."""
    lifecycle.simple_action(
        session, order=order, action=Action.CANCEL, by=principal, reason=data.reason
    )
    return _answer(session, order, principal, response)
