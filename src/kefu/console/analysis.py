"""The analysis dashboard: satisfaction drivers, the call forecast with its staffing, and
the interval staffing calculator. Charts are Plotly, its JavaScript served from the
installed plotly package (operators' networks have no CDN)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from kefu.analytics import ecsi
from kefu.console.render import render, signed_in
from kefu.core.rbac import Right
from kefu.core.web import DbSession

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
        request, "analysis/dashboard.html", principal, constructs=list(ecsi.ITEMS_PER_BLOCK)
    )
