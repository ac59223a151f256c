"""Console pages of the call center: the agent panel and the supervisor's wallboard. Both
are filled live from the ACD's event streams by calls.js."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from kefu.console.orders import category_leaves, order_queue_rows
from kefu.console.render import page_language, render, signed_in
from kefu.contact.models import WrapUpCode
from kefu.core.pagination import PageParams
from kefu.core.rbac import Right
from kefu.core.web import DbSession
from kefu.routing.models import BreakReason
from kefu.workorders import categories
from kefu.workorders.enums import OrderType

router = APIRouter(include_in_schema=False)
MY_ORDERS = 8  # the agent's most urgent open orders, beside the calls


@router.get("/agent", response_class=HTMLResponse)
def agent_panel(request: Request, session: DbSession) -> Response:
    """The agent's panel: state, the offered call with the caller's 360, wrap-up, order;
    and the agent's own most urgent open orders."""
    principal = signed_in(request, session, Right.CALLS_TAKE)
    if isinstance(principal, Response):
        return principal
    english = page_language(request, principal) == "en"
    reasons = session.scalars(
        select(BreakReason).where(BreakReason.active, BreakReason.code != "missed")
    )
    codes = session.scalars(
        select(WrapUpCode).where(WrapUpCode.active).order_by(WrapUpCode.sort_order)
    )
    mine = (
        order_queue_rows(session, principal, "mine", True, PageParams(page=1, size=MY_ORDERS))
        if principal.has(Right.ORDER_READ)
        else None
    )
    return render(
        request,
        "calls/agent.html",
        principal,
        mine=mine,
        reasons=[(r.code, r.name_en if english and r.name_en else r.name) for r in reasons],
        codes=[(c.code, c.name_en if english and c.name_en else c.name) for c in codes],
        types=list(OrderType),
        leaves=category_leaves(categories.tree(session), english),
    )


@router.get("/wallboard", response_class=HTMLResponse)
def wallboard(request: Request, session: DbSession) -> Response:
    """Live queues, agents and alerts for supervisors and team leads."""
    principal = signed_in(request, session, Right.QUEUES_MONITOR)
    if isinstance(principal, Response):
        return principal
    return render(request, "calls/wallboard.html", principal)
