"""Early warnings over HTTP: the open (or all) alerts, and acknowledging one."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select, update

from kefu.analytics.alerts import describe
from kefu.analytics.deps import CanAnalyze
from kefu.analytics.models import Alert
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.types import PathId
from kefu.core.web import DbSession, request_language
from kefu.errors import Conflict, NotFound
from kefu.org.models import Staff

router = APIRouter(prefix="/api/v1/analytics/alerts", tags=["analytics"])


class AlertRead(BaseModel):
    id: int
    rule: str
    title: str  # in the caller's language
    subject: str  # the center, a queue's or a category's name
    day: date
    value: float
    threshold: float
    detail: dict[str, object]
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    note: str


class AlertsRead(BaseModel):
    total: int
    items: list[AlertRead]


class Acknowledge(BaseModel):
    note: str = Field(default="", max_length=500)  # what was done about it


def _read(session: DbSession, alert: Alert, language: str) -> AlertRead:
    title, subject = describe(session, alert, language)
    by = session.get(Staff, alert.acknowledged_by_id) if alert.acknowledged_by_id else None
    return AlertRead(
        id=alert.id,
        rule=alert.rule,
        title=title,
        subject=subject,
        day=alert.day,
        value=alert.value,
        threshold=alert.threshold,
        detail=json.loads(alert.detail),
        raised_at=alert.raised_at,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=by.display_name if by else None,
        note=alert.note,
    )


@router.get("", response_model=AlertsRead)
def alerts(
    request: Request,
    principal: CanAnalyze,
    session: DbSession,
    open_only: Annotated[bool, Query(alias="open")] = True,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AlertsRead:
    """Alerts, newest first; by default only those not yet acknowledged."""
    condition = Alert.acknowledged_at.is_(None) if open_only else Alert.id.is_not(None)
    total = session.scalar(select(func.count()).select_from(Alert).where(condition)) or 0
    rows = session.scalars(
        select(Alert)
        .where(condition)
        .order_by(Alert.raised_at.desc(), Alert.id.desc())
        .limit(limit)
        .offset(offset)
    )
    language = request_language(request)
    return AlertsRead(total=total, items=[_read(session, a, language) for a in rows])


@router.post("/{alert_id}/acknowledge", response_model=AlertRead)
def acknowledge(
    alert_id: PathId, data: Acknowledge, request: Request, principal: CanAnalyze, session: DbSession
) -> AlertRead:
    """Mark an alert as seen and handled, with a note; a second acknowledgement is a 409."""
    now = utcnow()
    done = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by_id=principal.staff_id, note=data.note)
    )
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("alert_not_found")
    if done.rowcount == 0:  # type: ignore[attr-defined]
        raise Conflict("alert_already_acknowledged")
    session.refresh(alert)
    audit.record(
        session,
        actor=principal,
        action="alert.acknowledge",
        entity_type="analysis_alert",
        entity_id=alert.id,
        details={"rule": alert.rule, "subject": alert.subject, "note": data.note},
    )
    return _read(session, alert, request_language(request))
