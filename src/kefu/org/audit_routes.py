"""HTTP routes over the audit log: read it, and check its hash chain."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from kefu.core import audit
from kefu.core.audit import AuditLog
from kefu.core.pagination import Page, Paging
from kefu.core.types import RefId
from kefu.core.web import DbSession
from kefu.org.deps import CanReadAudit

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditRead(BaseModel):
    """One audit row: who, when, from where, what and why."""

    seq: int
    occurred_at: datetime
    actor_id: int | None
    actor_name: str
    ip: str | None
    action: str
    entity_type: str | None
    entity_id: str | None
    reason: str | None
    details: dict[str, Any]
    hash: str


class VerifyRead(BaseModel):
    """The outcome of a chain check."""

    ok: bool
    rows: int
    head_seq: int
    head_hash: str
    problems: list[str]


@router.get("", response_model=Page[AuditRead])
def list_audit(
    _: CanReadAudit,
    session: DbSession,
    params: Paging,
    action: Annotated[str | None, Query(max_length=64)] = None,
    actor_id: Annotated[RefId | None, Query()] = None,
    entity_type: Annotated[str | None, Query(max_length=32)] = None,
    entity_id: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[AuditRead]:
    """Audit rows, newest first, filtered."""
    query = select(AuditLog)
    for column, value in (
        (AuditLog.action, action),
        (AuditLog.actor_id, actor_id),
        (AuditLog.entity_type, entity_type),
        (AuditLog.entity_id, entity_id),
    ):
        if value is not None:
            query = query.where(column == value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditLog.seq.desc()).offset(params.offset).limit(params.size)
    )
    items = [
        AuditRead(**{**_columns(row), "details": json.loads(row.details or "{}")}) for row in rows
    ]
    return Page[AuditRead](items=items, total=total, page=params.page, size=params.size)


def _columns(row: AuditLog) -> dict[str, Any]:
    return {c: getattr(row, c) for c in AuditRead.model_fields if c != "details"}


@router.get("/verify", response_model=VerifyRead)
def verify_chain(_: CanReadAudit, session: DbSession) -> VerifyRead:
    """Walk the hash chain and report any altered, missing or relinked row."""
    report = audit.verify(session)
    return VerifyRead(
        ok=report.ok,
        rows=report.rows,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        problems=report.problems[:100],
    )
