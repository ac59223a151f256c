"""The analysis dashboards: satisfaction drivers, the call forecast with its staffing, the
interval staffing calculator, service figures, customer value and churn warning. Charts
are Plotly, its JavaScript served from the installed plotly package (operators' networks
have no CDN)."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy import select

from kefu.analytics import ecsi
from kefu.analytics.kpi_views import filter_options
from kefu.analytics.kpis import Dimension, Grain, Kpi
from kefu.console.render import page_language, render, signed_in
from kefu.core.rbac import Right, Role
from kefu.core.web import DbSession, center_today
from kefu.org.models import OrgUnit, Staff
from kefu.surveys.enums import SurveyChannel
from kefu.workorders.enums import OrderStatus, OrderType, VisitOutcome

router = APIRouter(include_in_schema=False)

_PLOTLY = resources.files("plotly").joinpath("package_data/plotly.min.js")


@router.get("/vendor/plotly.min.js")
def plotly_bundle() -> FileResponse:
    """Plotly's own bundle from the installed package, cached for a day."""
    return FileResponse(
        str(_PLOTLY),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/analysis", response_class=HTMLResponse)
def dashboard(request: Request, session: DbSession) -> Response:
    """Drivers, forecast and staffing for supervisors, team leads and quality staff."""
    principal = signed_in(request, session, Right.ANALYTICS_READ)
    if isinstance(principal, Response):
        return principal
    return render(
        request,
        "analysis/dashboard.html",
        principal,
        constructs=list(ecsi.ITEMS_PER_BLOCK),
        survey_channels=list(SurveyChannel),
    )


@router.get("/analysis/kpis", response_class=HTMLResponse)
def kpi_dashboard(request: Request, session: DbSession) -> Response:
    """The center's service figures by period and group, each drilling down to its records."""
    principal = signed_in(request, session, Right.ANALYTICS_READ)
    if isinstance(principal, Response):
        return principal
    today = center_today(request)
    language = page_language(request, principal)
    return render(
        request,
        "analysis/kpis.html",
        principal,
        first=today - timedelta(days=28),
        last=today - timedelta(days=1),
        kpis=list(Kpi),
        dimensions=list(Dimension),
        grains=list(Grain),
        filters=filter_options(session, principal.scope_filter(), language),
        record_words=RECORD_WORDS,
    )


# How a drill-down's order records are described: the order's type and status, a return
# visit's outcome, what came of an engineer's visit.
RECORD_WORDS = (
    *(f"order_type.{kind.value}" for kind in OrderType),
    *(f"order_status.{status.value}" for status in OrderStatus),
    *(f"outcome.{outcome.value}" for outcome in VisitOutcome),
    "outcome.done",
    "outcome.missed_by_engineer",
    "outcome.missed_by_customer",
)


@router.get("/analysis/customers", response_class=HTMLResponse)
def customer_dashboard(request: Request, session: DbSession) -> Response:
    """Customer value segments and the week's churn warning list. Account managers see
    their own list only; value segments need ``analytics.read``."""
    principal = signed_in(request, session, Right.CHURN_READ)
    if isinstance(principal, Response):
        return principal
    managers = (
        session.execute(
            select(Staff.id, Staff.display_name)
            .join(OrgUnit, OrgUnit.id == Staff.org_unit_id)
            .where(Staff.role == Role.ACCOUNT_MANAGER, Staff.active)
            .where(OrgUnit.path.startswith(principal.scope_filter() or "/"))
            .order_by(Staff.display_name)
        ).all()
        if principal.has(Right.ANALYTICS_READ)
        else []
    )
    return render(
        request,
        "analysis/customers.html",
        principal,
        analyst=principal.has(Right.ANALYTICS_READ),
        managers=managers,
    )
