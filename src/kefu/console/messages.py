"""Console pages for customers' SMS and e-mail: the inbox and one message with its thread.
Text from outside is shown escaped (Jinja autoescape) under a CSP without inline scripts,
so markup in a subject or body is read, never run."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from kefu.console.render import page_language, render, signed_in
from kefu.contact import message_files, message_orders, replies, repository
from kefu.contact.deps import load_interaction
from kefu.contact.enums import ContactChannel, InteractionStatus
from kefu.contact.models import IntakeRule, WrapUpCode
from kefu.contact.views import message_file_read, shown_address
from kefu.core.masking import mask_name
from kefu.core.rbac import Right
from kefu.core.types import PathId
from kefu.core.web import DbSession
from kefu.customers.models import Customer

router = APIRouter(include_in_schema=False)
View = Literal["open", "all"]
PAGE_SIZE = 50


@router.get("/messages", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    session: DbSession,
    view: View = "open",
    channel: ContactChannel | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Waiting SMS and e-mail (oldest first), or every message."""
    principal = signed_in(request, session, Right.INTERACTION_READ)
    if isinstance(principal, Response):
        return principal
    rows, total = repository.inbound_messages(
        session,
        status=InteractionStatus.OPEN if view == "open" else None,
        channel=channel if channel in replies.MESSAGE_CHANNELS else None,
        scope_path=principal.scope_filter(),
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    masked = not principal.has(Right.PII_VIEW)
    return render(
        request,
        "messages/list.html",
        principal,
        rows=[(m, shown_address(m.address, masked)) for m in rows],
        total=total,
        view=view,
        channel=channel,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
    )


@router.get("/messages/{interaction_id}", response_class=HTMLResponse)
def message_page(request: Request, session: DbSession, interaction_id: PathId) -> Response:
    """A message, the replies sent to it, and the agent's answer box."""
    principal = signed_in(request, session, Right.INTERACTION_READ)
    if isinstance(principal, Response):
        return principal
    message = load_interaction(session, interaction_id, principal)
    masked = not principal.has(Right.PII_VIEW)
    english = page_language(request, principal) == "en"
    codes = session.scalars(
        select(WrapUpCode).where(WrapUpCode.active).order_by(WrapUpCode.sort_order)
    )
    rule = session.get(IntakeRule, message.intake_rule_id) if message.intake_rule_id else None
    customer = session.get(Customer, message.customer_id) if message.customer_id else None
    return render(
        request,
        "messages/view.html",
        principal,
        m=message,
        address=shown_address(message.address, masked),
        thread=replies.thread(session, message),
        rule=rule,
        customer_name=(mask_name(customer.name) if masked else customer.name) if customer else "",
        can_answer=principal.has(Right.INTERACTION_WRITE) and replies.reachable(message),
        codes=[(c.code, c.name_en if english and c.name_en else c.name) for c in codes],
        orders=message_orders.linked_orders(session, message),
        files=[message_file_read(f) for f in message_files.files_of(session, message.id)],
        can_open_order=principal.has(Right.INTERACTION_WRITE)
        and principal.has(Right.ORDER_WRITE)
        and message_orders.is_customer_message(message),
    )
