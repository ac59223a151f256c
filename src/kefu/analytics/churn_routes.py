"""Churn warning over HTTP: the active model's validation report and a week's list.

Account managers read their own customers' list; whoever holds ``analytics.read`` may read
any manager's, or a whole branch's, within their scope.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from kefu.analytics import churn_service
from kefu.analytics.churn_schemas import (
    ChurnModelRead,
    ChurnReasonRead,
    WatchItemRead,
    WatchListRead,
)
from kefu.analytics.listed import listed_fields
from kefu.core.i18n import gettext
from kefu.core.rbac import Principal, Right
from kefu.core.types import INT32_MAX
from kefu.core.web import DbSession, request_language
from kefu.errors import Forbidden, NotFound
from kefu.org.deps import require, unit_scope

router = APIRouter(prefix="/api/v1/analytics/churn", tags=["analytics"])
CanReadChurn = Annotated[Principal, Depends(require(Right.CHURN_READ))]
OptionalId = Annotated[int | None, Query(ge=1, le=INT32_MAX)]


@router.get("/model", response_model=ChurnModelRead)
def churn_model(principal: CanReadChurn, session: DbSession) -> ChurnModelRead:
    """The model in use: when it was trained, on what, and how well it did on later data."""
    found = churn_service.active_model(session)
    if found is None:
        raise NotFound("churn_model_missing")
    stored, _ = found
    return ChurnModelRead(
        model_id=stored.id, trained_at=stored.trained_at, report=json.loads(stored.report)
    )


@router.get("/watchlist", response_model=WatchListRead)
def watchlist(
    request: Request,
    principal: CanReadChurn,
    session: DbSession,
    week: Annotated[date | None, Query(description="any day of the week; none: the latest")] = None,
    account_manager_id: OptionalId = None,
    org_unit_id: OptionalId = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> WatchListRead:
    """A week's riskiest numbers, riskiest first, with each one's top reasons."""
    manager = _manager(principal, account_manager_id)
    monday = churn_service.monday_of(week) if week else churn_service.latest_week(session)
    if monday is None:
        return WatchListRead(week=None, total=0, items=[])
    asked = churn_service.WatchQuery(
        week=monday,
        account_manager_id=manager,
        scope_path=unit_scope(session, principal, org_unit_id),
        limit=limit,
        offset=offset,
    )
    total, rows = churn_service.watchlist(session, asked)
    language = request_language(request)
    masked = not principal.has(Right.PII_VIEW)
    return WatchListRead(
        week=monday, total=total, items=[_item(row, language, masked) for row in rows]
    )


def _manager(principal: Principal, asked: int | None) -> int | None:
    """Whose list: anyone's with analytics.read, else only the caller's own customers."""
    if principal.has(Right.ANALYTICS_READ):
        return asked
    if asked is not None and asked != principal.staff_id:
        raise Forbidden("churn_list_not_yours", field="account_manager_id")
    return principal.staff_id


def _item(row: Any, language: str, masked: bool) -> WatchItemRead:
    return WatchItemRead(
        **listed_fields(row, language, masked),
        account_manager=row.account_manager,
        probability=row.probability,
        reasons=[
            ChurnReasonRead(
                feature=feature,
                direction=direction,
                share=share,
                label=gettext(language, f"churn.reason.{feature}.{direction}"),
            )
            for feature, share, direction in json.loads(row.reasons)
        ],
    )
