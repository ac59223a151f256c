"""The notices page (大客户通告, /notices): the notices of planned work in the viewer's
areas, whom each reaches, and — for those who send them — writing, sending and calling
one off. Every change goes through /api/v1/notices."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from kefu.console.render import render, signed_in
from kefu.core.base import utcnow
from kefu.core.rbac import Right
from kefu.core.web import DbSession
from kefu.notices import service
from kefu.notices.enums import Audience, NoticeKind
from kefu.notices.routes import LISTED_SINCE, notice_out
from kefu.org.models import OrgUnit
from kefu.org.repository import tree_position

router = APIRouter(include_in_schema=False)


@router.get("/notices", response_class=HTMLResponse)
def notices_page(request: Request, session: DbSession) -> Response:
    """Upcoming and recent notices, soonest first; the form to write one."""
    principal = signed_in(request, session, Right.CUSTOMER_READ)
    if isinstance(principal, Response):
        return principal
    found = service.listed(session, principal, since=utcnow() - LISTED_SINCE)
    units = select(OrgUnit).where(OrgUnit.active)
    scope = principal.scope_filter()
    if scope is not None:
        units = units.where(OrgUnit.path.startswith(scope))
    return render(
        request,
        "notices/list.html",
        principal,
        notices=[notice_out(session, notice) for notice in found],
        units=sorted(session.scalars(units), key=lambda unit: tree_position(unit.path)),
        kinds=list(NoticeKind),
        audiences=list(Audience),
        can_send=principal.has(Right.NOTICE_SEND),
        now=utcnow(),
    )
