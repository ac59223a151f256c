"""The notices page (大客户通告, /notices): the notices of planned work in the viewer's
areas, whom each reaches, and — for those who send them — writing, sending and calling
one off. Every change goes through /api/v1/notices."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Row
from sqlalchemy.orm import Session

from kefu.console.render import render, signed_in
from kefu.core.base import utcnow
from kefu.core.rbac import Principal, Right
from kefu.core.web import DbSession
from kefu.notices import aftermath, service
from kefu.notices.enums import Audience, NoticeKind
from kefu.notices.models import Notice
from kefu.notices.routes import LISTED_SINCE, notice_out
from kefu.org.repository import active_units_in_scope

router = APIRouter(include_in_schema=False)
LATEST_ORDERS = 10  # shown under a sent notice


@router.get("/notices", response_class=HTMLResponse)
def notices_page(request: Request, session: DbSession) -> Response:
    """Upcoming and recent notices, soonest first; the form to write one."""
    principal = signed_in(request, session, Right.CUSTOMER_READ)
    if isinstance(principal, Response):
        return principal
    found = service.listed(session, principal, since=utcnow() - LISTED_SINCE)
    return render(
        request,
        "notices/list.html",
        principal,
        notices=[notice_out(session, notice, principal) for notice in found],
        orders_after=_orders_after(session, found, principal),
        units=active_units_in_scope(session, principal.scope_filter()),
        kinds=list(NoticeKind),
        audiences=list(Audience),
        can_send=principal.has(Right.NOTICE_SEND),
        now=utcnow(),
    )


def _orders_after(
    session: Session, notices: list[Notice], principal: Principal
) -> dict[int, list[Row[*tuple[Any, ...]]]]:
    """The latest orders the told customers opened after each sent notice, for those who
    may read orders (the count links to them all through the API)."""
    if not principal.has(Right.ORDER_READ):
        return {}
    return {
        notice.id: aftermath.orders(session, notice, principal, offset=0, limit=LATEST_ORDERS)
        for notice in notices
        if notice.sent_at is not None
    }
