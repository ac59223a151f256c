"""SMS and e-mail over HTTP: the gateway's inbound webhook, the agents' inbox and replies,
and the keyword rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from kefu.contact import intake, message_files, message_orders, replies, repository, rules
from kefu.contact.deps import (
    CanManageIntake,
    CanRead,
    CanWrite,
    Intake,
    load_interaction,
    load_rule,
)
from kefu.contact.enums import ContactChannel, InteractionStatus
from kefu.contact.schemas import (
    IntakeRuleRead,
    IntakeRuleWrite,
    InteractionPage,
    InteractionRead,
    MessageReceived,
    MessageThread,
    ReplyCreate,
    SmsInbound,
)
from kefu.contact.views import interaction_reads, message_file_read
from kefu.core.filekinds import stored_kind
from kefu.core.idempotency import create_once, run_once
from kefu.core.pagination import Paging
from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import (
    DbSession,
    IdempotencyKey,
    IfMatch,
    ReadSession,
    check_version,
    etag,
    served_file,
    write_and_commit,
)
from kefu.workorders.deps import CanWorkOrders, attachment_limits, order_calendar
from kefu.workorders.schemas import IntakeCheck, IntakeOutlook, OrderCreate, OrderDetail
from kefu.workorders.service import NewOrder
from kefu.workorders.views import intake_outlook, order_detail

router = APIRouter(prefix="/api/v1", tags=["messages"])
SMS_INBOUND = "/sms/inbound"
INTAKE_PATHS = frozenset({f"/api/v1{SMS_INBOUND}"})  # they clean text themselves (textsafe)


def _masked(principal: Principal) -> bool:
    return not principal.has(Right.PII_VIEW)


@router.post(SMS_INBOUND, response_model=MessageReceived, status_code=201)
def sms_inbound(data: SmsInbound, setup: Intake, session: DbSession) -> JSONResponse:
    """A text for the center from the SMS gateway; the same ``message_id`` again is 200."""
    message = intake.InboundMessage(
        channel=ContactChannel.SMS,
        sender=data.sender,
        body=data.text,
        reference=data.message_id or "",
    )
    received = intake.receive(session, message, setup)
    body = MessageReceived(
        interaction_id=received.interaction.id,
        status=received.interaction.status,
        rule=received.rule.name if received.rule else None,
        order_number=received.order_number,
        auto_replied=received.auto_replied,
        repeated=received.repeated,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if received.repeated else 201)


@router.get("/messages", response_model=InteractionPage)
def inbox(
    principal: CanRead,
    session: DbSession,
    params: Paging,
    status: Annotated[InteractionStatus | None, Query()] = InteractionStatus.OPEN,
    channel: Annotated[ContactChannel | None, Query()] = None,
) -> InteractionPage:
    """Customers' SMS and e-mail: waiting ones (``status=open``, the default) oldest first,
    any other listing newest first."""
    scope = principal.scope_filter()
    rows, total = repository.inbound_messages(
        session,
        status=status,
        channel=channel,
        scope_path=scope,
        offset=params.offset,
        limit=params.size,
    )
    items = interaction_reads(session, rows, masked=_masked(principal))
    return InteractionPage(items=items, total=total, page=params.page, size=params.size)


@router.get("/messages/{interaction_id}", response_model=MessageThread)
def message_thread(
    interaction_id: PathId, principal: CanRead, session: DbSession, response: Response
) -> MessageThread:
    """A message and the replies sent to it; the ETag carries its version for If-Match."""
    message = load_interaction(session, interaction_id, principal)
    response.headers["ETag"] = etag(message.version)
    shown = interaction_reads(
        session, [message, *replies.thread(session, message)], masked=_masked(principal)
    )
    files = [message_file_read(f) for f in message_files.files_of(session, message.id)]
    return MessageThread(message=shown[0], files=files, replies=shown[1:])


@router.get(
    "/messages/{interaction_id}/files/{file_id}/content",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def open_message_file(
    interaction_id: PathId,
    file_id: PathId,
    principal: CanRead,
    session: DbSession,
    inline: Annotated[bool, Query()] = False,
) -> Response:
    """A file the customer's e-mail brought, audited. ``inline=true`` shows an image or
    audio in the browser; anything else is always downloaded."""
    message = load_interaction(session, interaction_id, principal)
    file = message_files.message_file(session, message, file_id)
    write_and_commit(
        session,
        lambda: message_files.audit_opening(session, message=message, file=file, by=principal),
    )
    kind = stored_kind(file.media_type)
    return served_file(
        file.content,
        media_type=file.media_type,
        file_name=file.file_name,
        inline=inline and kind.opens_in_browser,
    )


@router.post("/messages/{interaction_id}/reply", response_model=InteractionRead, status_code=201)
def reply(
    interaction_id: PathId,
    data: ReplyCreate,
    principal: CanWrite,
    session: DbSession,
    version: IfMatch,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Answer a customer's SMS or e-mail (If-Match: two agents never both answer unseen)."""
    message = load_interaction(session, interaction_id, principal)

    def send() -> InteractionRead:
        check_version(message.version, version)
        sent = replies.answer(session, message=message, text=data.text, by=principal)
        return interaction_reads(session, [sent], masked=_masked(principal))[0]

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation=f"message.reply.{interaction_id}",
        payload=data,
        create=send,
    )
    return JSONResponse(body, status_code=status)


@router.post("/messages/{interaction_id}/orders", response_model=OrderDetail, status_code=201)
async def order_from_message(
    interaction_id: PathId,
    data: OrderCreate,
    principal: CanWrite,
    writer: CanWorkOrders,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Open a work order for what a customer's SMS or e-mail asks, linked to it: the
    sender is its customer and callback number unless others are given, its channel the
    message's. A message may open more than one order (two problems in one e-mail)."""

    def create() -> NewOrder:
        message = load_interaction(session, interaction_id, principal)
        calendar = order_calendar(request, session)
        return message_orders.order_from_message(
            session,
            message=message,
            data=data,
            by=principal,
            calendar=calendar,
            file_limits=attachment_limits(request),
        )

    status, body = await create_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation=f"order.create_from_message.{interaction_id}",
        payload=data,
        create=create,
        # read again: the message's files were put on its timeline after its creation
        answer=lambda new: order_detail(session, new.order, principal),
    )
    return JSONResponse(body, status_code=status)


@router.post("/messages/{interaction_id}/intake-check", response_model=IntakeOutlook)
def message_intake_check(
    interaction_id: PathId,
    data: IntakeCheck,
    principal: CanWrite,
    writer: CanWorkOrders,
    session: ReadSession,
    request: Request,
) -> IntakeOutlook:
    """What an order from this message would get if opened now (a repeat complaint? its
    time limits), with the sender's number and customer as ``POST …/orders`` takes them.
    Nothing is written."""
    message = load_interaction(session, interaction_id, principal)
    outlook = message_orders.outlook_for_message(
        session,
        message=message,
        data=data,
        by=principal,
        calendar=order_calendar(request, session),
    )
    return intake_outlook(outlook, principal)


@router.get("/intake/rules", response_model=list[IntakeRuleRead])
def list_rules(principal: CanManageIntake, session: DbSession) -> list[IntakeRuleRead]:
    """The SMS and e-mail rules, in the order each channel tries them."""
    found = rules.all_rules(session)
    return [IntakeRuleRead.model_validate(rule, from_attributes=True) for rule in found]


@router.post("/intake/rules", response_model=IntakeRuleRead, status_code=201)
def create_rule(
    data: IntakeRuleWrite,
    principal: CanManageIntake,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Add a rule (idempotent with an Idempotency-Key)."""

    def create() -> IntakeRuleRead:
        rule = rules.create_rule(session, data=data, by=principal)
        return IntakeRuleRead.model_validate(rule, from_attributes=True)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="intake_rule.create",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


@router.put("/intake/rules/{rule_id}", response_model=IntakeRuleRead)
def update_rule(
    rule_id: PathId,
    data: IntakeRuleWrite,
    principal: CanManageIntake,
    session: DbSession,
    version: IfMatch,
    response: Response,
) -> IntakeRuleRead:
    """Change a rule (If-Match); switch it off with ``active: false`` (rules are kept)."""
    rule = load_rule(session, rule_id)
    check_version(rule.version, version)
    rules.update_rule(session, rule=rule, data=data, by=principal)
    response.headers["ETag"] = etag(rule.version)
    return IntakeRuleRead.model_validate(rule, from_attributes=True)
