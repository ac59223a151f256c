"""Operational KPIs over HTTP: the table by period and group, the records behind any
figure, and the table as CSV or XLSX (audited like every export)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kefu.analytics import kpi_export, kpi_service
from kefu.analytics.deps import CanAnalyze
from kefu.analytics.kpi_schemas import ChannelValue, KpiExportRequest, KpiRecordsRead, KpiReportRead
from kefu.analytics.kpi_views import record_read, report_read
from kefu.analytics.kpis import DEFINITIONS, Dimension, Grain, Kpi
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Right
from kefu.core.spreadsheet import SPREADSHEET_RESPONSES, download
from kefu.core.types import INT32_MAX
from kefu.core.web import DbSession, request_language
from kefu.customers.enums import Brand, Tier
from kefu.errors import Unprocessable
from kefu.org.deps import unit_scope

router = APIRouter(prefix="/api/v1/analytics/kpis", tags=["analytics"])

OptionalId = Annotated[int | None, Query(ge=1, le=INT32_MAX)]


def _query(
    first: date,
    last: date,
    grain: Grain,
    dimension: Dimension,
    channel: str | None,
    queue_id: int | None,
    tier: Tier | None,
    brand: Brand | None,
) -> kpi_service.KpiQuery:
    asked = {
        Dimension.CHANNEL: channel,
        Dimension.QUEUE: queue_id,
        Dimension.TIER: tier,
        Dimension.BRAND: brand,
    }
    filters = {dimension: value for dimension, value in asked.items() if value is not None}
    return kpi_service.KpiQuery(first, last, grain, dimension, filters)


class Asked:
    """The period, grain, grouping and filters shared by the table and its drill-down."""

    def __init__(
        self,
        first: Annotated[date, Query(alias="from", description="first local day")],
        last: Annotated[date, Query(alias="to", description="last local day, included")],
        grain: Grain = Grain.DAY,
        dimension: Dimension = Dimension.NONE,
        org_unit_id: OptionalId = None,
        channel: ChannelValue | None = None,
        queue_id: OptionalId = None,
        tier: Tier | None = None,
        brand: Brand | None = None,
    ) -> None:
        self.org_unit_id = org_unit_id
        self.query = _query(first, last, grain, dimension, channel, queue_id, tier, brand)


@router.get("", response_model=KpiReportRead)
def kpis(
    request: Request, principal: CanAnalyze, session: DbSession, asked: Annotated[Asked, Depends()]
) -> KpiReportRead:
    """Every KPI by day, week or month and by one grouping, with the period's totals."""
    settings = request.app.state.settings
    report = kpi_service.kpi_report(
        session,
        asked.query,
        timezone=settings.timezone,
        scope_path=unit_scope(session, principal, asked.org_unit_id),
        now=utcnow(),
    )
    return report_read(session, report, request_language(request))


def _group_key(dimension: Dimension, key: str | None) -> object:
    if key is None or dimension not in (Dimension.ORG_UNIT, Dimension.QUEUE):
        return key
    if not key.isdigit() or not 1 <= int(key) <= INT32_MAX:
        raise Unprocessable("kpi_group_unknown", field="key")
    return int(key)


@router.get("/records", response_model=KpiRecordsRead)
def kpi_records(
    request: Request,
    principal: CanAnalyze,
    session: DbSession,
    asked: Annotated[Asked, Depends()],
    kpi: Kpi,
    bucket: Annotated[date | None, Query(description="the row's period; none: all")] = None,
    key: Annotated[
        str | None, Query(max_length=40, description="the row's group; none: the unknown group")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> KpiRecordsRead:
    """The records one figure is counted from, oldest first, each marked if it counts in
    the figure's numerator (answered in time, a repeat, a satisfied visit...)."""
    settings = request.app.state.settings
    drill = kpi_service.Drill(kpi, bucket, _group_key(asked.query.dimension, key))
    total, rows = kpi_service.kpi_records(
        session,
        asked.query,
        drill,
        timezone=settings.timezone,
        scope_path=unit_scope(session, principal, asked.org_unit_id),
        now=utcnow(),
        limit=limit,
        offset=offset,
    )
    masked = not principal.has(Right.PII_VIEW)
    source = DEFINITIONS[kpi].source
    return KpiRecordsRead(
        kpi=kpi,
        source=source,
        total=total,
        records=[record_read(source, row, masked) for row in rows],
    )


@router.post(
    "/export",
    response_class=Response,
    responses=SPREADSHEET_RESPONSES,
)
def export_kpis(
    data: KpiExportRequest, request: Request, principal: CanAnalyze, session: DbSession
) -> Response:
    """The KPI table as CSV or XLSX; who took which figures is audited first."""
    settings = request.app.state.settings
    asked = _query(
        data.first,
        data.last,
        data.grain,
        data.dimension,
        data.channel,
        data.queue_id,
        data.tier,
        data.brand,
    )
    scope_path = unit_scope(session, principal, data.org_unit_id)
    report = kpi_service.kpi_report(
        session, asked, timezone=settings.timezone, scope_path=scope_path, now=utcnow()
    )
    language = request_language(request)
    shown = report_read(session, report, language)
    entry = audit.record_export(
        session,
        actor=principal,
        action="kpi.export",
        entity_type="kpi",
        asked=data,
        scope_path=scope_path,
        rows=len(shown.rows),
    )
    body = (
        kpi_export.as_csv(shown, language)
        if data.format == "csv"
        else kpi_export.as_xlsx(shown, language)
    )
    name = f"kpi-{data.first:%Y%m%d}-{data.last:%Y%m%d}.{data.format}"
    return download(body, data.format, name, entry.seq)
