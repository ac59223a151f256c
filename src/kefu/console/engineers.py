"""The field engineers' page (装维工程师, /engineers): the day's board of who goes to which
door, and the roster the dispatchers keep. Every change goes through /api/v1/engineers."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kefu.console.render import render, signed_in
from kefu.core.clock import local_today
from kefu.core.rbac import Right
from kefu.core.web import DbSession
from kefu.org.repository import active_units_in_scope
from kefu.workorders import engineers
from kefu.workorders.engineer_routes import engineers_board, roster_out
from kefu.workorders.enums import EngineerSkill

router = APIRouter(include_in_schema=False)


@router.get("/engineers", response_class=HTMLResponse)
def engineers_page(request: Request, session: DbSession, day: date | None = None) -> Response:
    """The day's board (today unless another day is asked) and the roster."""
    principal = signed_in(request, session, Right.ORDER_READ)
    if isinstance(principal, Response):
        return principal
    zone = str(request.app.state.settings.timezone)
    shown = day or local_today(zone)
    return render(
        request,
        "engineers/board.html",
        principal,
        board=engineers_board(principal, session, request, shown),
        roster=roster_out(session, engineers.roster(session, principal), zone),
        units=active_units_in_scope(session, principal.scope_filter()),
        day=shown,
        today=local_today(zone),
        days=(shown - timedelta(days=1), shown + timedelta(days=1)),
        can_manage=principal.has(Right.ORDER_DISPATCH),
        skills=list(EngineerSkill),
    )
