"""The month's service-quality bulletin as a printable page."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from kefu.analytics import bulletin
from kefu.analytics.deps import CanAnalyze
from kefu.core.types import INT32_MAX
from kefu.core.web import DbSession, request_language
from kefu.org.deps import unit_scope

router = APIRouter(prefix="/api/v1/analytics/bulletin", tags=["analytics"])
Period = Annotated[str, Query(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", description="YYYY-MM")]


def _policy(page: str) -> str:
    """No scripts at all; the page's one style block allowed by its hash."""
    found = re.search(r"<style>(.*?)</style>", page, re.S)
    digest = hashlib.sha256((found.group(1) if found else "").encode()).digest()
    style = base64.b64encode(digest).decode()
    return f"default-src 'none'; style-src 'sha256-{style}'; frame-ancestors 'none'"


@router.get("", response_class=HTMLResponse)
def monthly_bulletin(
    request: Request,
    principal: CanAnalyze,
    session: DbSession,
    period: Period,
    org_unit_id: Annotated[int | None, Query(ge=1, le=INT32_MAX)] = None,
) -> HTMLResponse:
    """Headline figures against the month before, complaint categories, repeat hotspots,
    time-limit breaches, satisfaction drivers and the churn watchlist, within scope."""
    year, month = (int(part) for part in period.split("-"))
    found = bulletin.build(
        session,
        year * 100 + month,
        timezone=request.app.state.settings.timezone,
        language=request_language(request),
        scope_path=unit_scope(session, principal, org_unit_id),
    )
    page = bulletin.render_html(found)
    return HTMLResponse(page, headers={"Content-Security-Policy": _policy(page)})
