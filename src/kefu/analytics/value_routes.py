"""Customer value over HTTP: the segments of the latest RFM run, their members, exports."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kefu.analytics import rfm_service
from kefu.analytics.deps import CanAnalyze
from kefu.analytics.listed import listed_fields
from kefu.analytics.value_schemas import (
    MemberRead,
    MembersRead,
    SegmentCode,
    SegmentRead,
    ValueExportRequest,
    ValueRead,
    ValueRunRead,
)
from kefu.core import audit
from kefu.core.i18n import gettext
from kefu.core.rbac import Right
from kefu.core.spreadsheet import (
    SPREADSHEET_RESPONSES,
    download,
    table_as_csv,
    table_as_xlsx,
)
from kefu.core.types import INT32_MAX
from kefu.core.web import DbSession, request_language
from kefu.errors import NotFound
from kefu.org.deps import unit_scope

router = APIRouter(prefix="/api/v1/analytics/value", tags=["analytics"])
OptionalId = Annotated[int | None, Query(ge=1, le=INT32_MAX)]


def segment_label(language: str, code: str) -> str:
    """高价值保持, or 高价值保持 2 for a second segment of the same profile."""
    base, _, number = code.rpartition("_")
    if number.isdigit() and base:
        return f"{gettext(language, f'segment.{base}')} {number}"
    return gettext(language, f"segment.{code}")


@router.get("", response_model=ValueRead)
def value_segments(
    request: Request, principal: CanAnalyze, session: DbSession, org_unit_id: OptionalId = None
) -> ValueRead:
    """The latest segmentation: each segment's size, share and mean R, F and M."""
    run = rfm_service.active_run(session)
    if run is None:
        return ValueRead(run=None, segments=[])
    report = json.loads(run.report)
    rows = rfm_service.distribution(session, run.id, unit_scope(session, principal, org_unit_id))
    everyone = sum(row.size for row in rows) or 1
    language = request_language(request)
    return ValueRead(
        run=ValueRunRead(
            model_id=run.id,
            as_of=date.fromisoformat(report["as_of"]),
            numbers=report["numbers"],
            k=report["k"],
            silhouettes=report["silhouettes"],
        ),
        segments=[
            SegmentRead(
                code=row.segment,
                label=segment_label(language, row.segment),
                size=row.size,
                share=row.size / everyone,
                recency_days=float(row.recency_days),
                frequency=float(row.frequency),
                monetary_yuan=float(row.monetary_fen) / 100,
                total_yuan=float(row.total_fen) / 100,
            )
            for row in rows
        ],
    )


def _run_id(session: DbSession) -> int:
    run = rfm_service.active_run(session)
    if run is None:
        raise NotFound("value_run_missing")
    return run.id


@router.get("/members", response_model=MembersRead)
def value_members(
    request: Request,
    principal: CanAnalyze,
    session: DbSession,
    segment: SegmentCode | None = None,
    org_unit_id: OptionalId = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> MembersRead:
    """A segment's numbers, the highest-paying first (personal data masked without pii.view)."""
    total, rows = rfm_service.members(
        session,
        _run_id(session),
        segment,
        unit_scope(session, principal, org_unit_id),
        limit=limit,
        offset=offset,
    )
    language = request_language(request)
    masked = not principal.has(Right.PII_VIEW)
    return MembersRead(total=total, items=[_member(row, language, masked) for row in rows])


def _member(row: Any, language: str, masked: bool) -> MemberRead:
    return MemberRead(
        **listed_fields(row, language, masked),
        segment=row.segment,
        segment_label=segment_label(language, row.segment),
        recency_days=round(row.recency_days, 1),
        frequency=row.frequency,
        monetary_yuan=row.monetary_fen / 100,
    )


@router.post(
    "/export",
    response_class=Response,
    responses=SPREADSHEET_RESPONSES,
)
def export_members(
    data: ValueExportRequest, request: Request, principal: CanAnalyze, session: DbSession
) -> Response:
    """A segment's members as CSV or XLSX (at most 200,000 rows); audited first."""
    scope_path = unit_scope(session, principal, data.org_unit_id)
    _, rows = rfm_service.members(
        session,
        _run_id(session),
        data.segment,
        scope_path,
        limit=rfm_service.EXPORT_LIMIT,
        offset=0,
    )
    language = request_language(request)
    masked = not principal.has(Right.PII_VIEW)
    entry = audit.record_export(
        session,
        actor=principal,
        action="value.export",
        entity_type="value_segment",
        asked=data,
        scope_path=scope_path,
        rows=len(rows),
        masked=masked,
    )
    table = _export_table([_member(row, language, masked) for row in rows], language)
    body = table_as_csv(table) if data.format == "csv" else table_as_xlsx("RFM", table)
    name = f"value-{data.segment or 'all'}.{data.format}"
    return download(body, data.format, name, entry.seq)


def _export_table(items: list[MemberRead], language: str) -> list[list[object]]:
    header: list[object] = [
        gettext(language, f"value.column.{c}")
        for c in ("msisdn", "name", "tier", "org_unit", "segment", "recency", "frequency", "money")
    ]
    return [header] + [
        [
            i.msisdn,
            i.name,
            i.tier_label,
            i.org_unit,
            i.segment_label,
            i.recency_days,
            i.frequency,
            i.monetary_yuan,
        ]
        for i in items
    ]
