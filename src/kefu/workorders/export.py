"""Work orders as a spreadsheet: the list a supervisor reports from (complaints of the
month by branch and category, on time or late), audited before it is built.

An export is a door personal data leaves by, so it needs its own right and a reason, and
an audit row says who took which orders (the filter, the scope and the row count).
Callback numbers are masked as on screen unless the viewer may see them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import Row, ScalarSelect, Select, func, select
from sqlalchemy.orm import Session, aliased

from kefu.core import audit
from kefu.core.clock import day_start_utc
from kefu.core.i18n import EN, gettext
from kefu.core.rbac import Principal, Right
from kefu.customers.view import show_phone
from kefu.errors import NotFound, Unprocessable
from kefu.org.deps import unit_scope
from kefu.org.models import OrgUnit, Staff, Team
from kefu.workorders.category_tree import CategoryTree, category_tree
from kefu.workorders.enums import AssistStatus, EventKind, OrderOrigin, RefundStatus
from kefu.workorders.models import (
    Category,
    Incident,
    OrderAssist,
    OrderAttachment,
    OrderEvent,
    OrderRefund,
    ReturnVisit,
    WorkOrder,
)
from kefu.workorders.schemas import OrderExportRequest

LONGEST_PERIOD_DAYS = 366
COLUMNS = (
    "Order number",
    "Created",
    "Type",
    "Category",
    "Subject",
    "Status",
    "Triage",
    "Priority",
    "Repeat complaint",
    "Branch",
    "Team",
    "Handler",
    "Opened by",
    "Callback number",
    "Channel",
    "First response due",
    "Resolution due",
    "Replied",
    "Replied in time",
    "Closed at",
    "Handling round",
    "Incident",
    "Return visit",
    "Chased",
    "Files",
    "Passed on by",
    "Their reference",
    "Refunded (yuan)",
    "Teams asked (协办)",
    "Progress texts (进度告知)",
    "Last progress text",
    "Times supervised (督办)",
)
_Handler = aliased(Staff)
_Opener = aliased(Staff)
# An order with its branch, team (both names), handler, who opened it (首问), incident
# number, its latest return visit's outcome, how many files it keeps, what was credited
# to the customer, the teams asked for their part and the progress texts sent (how many,
# the last when); the outer joins leave team, handler and incident empty where there is none.
Found = Row[
    WorkOrder, OrgUnit, str, str, str, str, str, str, int, int, str | None, int, datetime | None
]


@dataclass(frozen=True)
class OrderExport:
    """The rows of one audited export (the header first) and the audit row's number."""

    rows: list[list[object]]
    audit_seq: int


def _last_visit_outcome() -> ScalarSelect[str]:
    """The outcome of the order's latest return visit made (a complaint's, once)."""
    return (
        select(ReturnVisit.outcome)
        .where(ReturnVisit.order_id == WorkOrder.id, ReturnVisit.done_at.is_not(None))
        .order_by(ReturnVisit.done_at.desc(), ReturnVisit.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _files_kept() -> ScalarSelect[int]:
    """How many files the order keeps (those withdrawn aside)."""
    return (
        select(func.count())
        .where(OrderAttachment.order_id == WorkOrder.id, OrderAttachment.withdrawn_at.is_(None))
        .scalar_subquery()
    )


def _credited_fen() -> ScalarSelect[int]:
    """What the billing system credited to the customer on the order (退费, 赔付)."""
    return (
        select(func.coalesce(func.sum(OrderRefund.amount_fen), 0))
        .where(OrderRefund.order_id == WorkOrder.id, OrderRefund.status == RefundStatus.CREDITED)
        .scalar_subquery()
    )


def _teams_asked(english: bool) -> ScalarSelect[str | None]:
    """The teams asked for their part in the order (协办), answered or still asked (not
    those taken back), each once: the report of which orders needed the network centre."""
    asked = (
        select(OrderAssist.team_id)
        .where(OrderAssist.order_id == WorkOrder.id, OrderAssist.status != AssistStatus.WITHDRAWN)
        .correlate(WorkOrder)
    )
    name = func.coalesce(func.nullif(Team.name_en, ""), Team.name) if english else Team.name
    return (
        select(func.aggregate_strings(name, ", " if english else "、"))
        .where(Team.id.in_(asked))
        .scalar_subquery()
    )


def _progress_texts() -> ScalarSelect[int]:
    """How many progress texts the customer was sent (进度告知): the report of whether
    waiting customers were told."""
    return (
        select(func.count())
        .where(OrderEvent.order_id == WorkOrder.id, OrderEvent.kind == EventKind.PROGRESS)
        .scalar_subquery()
    )


def _last_progress_text() -> ScalarSelect[datetime]:
    """When the last progress text was sent (none: NULL)."""
    return (
        select(func.max(OrderEvent.occurred_at))
        .where(OrderEvent.order_id == WorkOrder.id, OrderEvent.kind == EventKind.PROGRESS)
        .scalar_subquery()
    )


def _query(
    data: OrderExportRequest, scope_path: str | None, timezone: str, english: bool
) -> Select[
    WorkOrder, OrgUnit, str, str, str, str, str, str, int, int, str | None, int, datetime | None
]:
    since, until = period_bounds(
        data.created_from, data.created_to, timezone, fields=("created_from", "created_to")
    )
    query = (
        select(
            WorkOrder,
            OrgUnit,
            Team.name,
            Team.name_en,
            _Handler.display_name,
            _Opener.display_name,
            Incident.number,
            _last_visit_outcome(),
            _files_kept(),
            _credited_fen(),
            _teams_asked(english),
            _progress_texts(),
            _last_progress_text(),
        )
        .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
        .outerjoin(Team, Team.id == WorkOrder.team_id)
        .outerjoin(_Handler, _Handler.id == WorkOrder.assignee_id)
        .join(_Opener, _Opener.id == WorkOrder.created_by_id)
        .outerjoin(Incident, Incident.id == WorkOrder.incident_id)
        .where(WorkOrder.created_at >= since, WorkOrder.created_at < until)
    )
    if scope_path is not None:
        query = query.where(OrgUnit.path.startswith(scope_path))
    if data.type is not None:
        query = query.where(WorkOrder.type == data.type)
    if data.status is not None:
        query = query.where(WorkOrder.status == data.status)
    if data.repeat_only:
        query = query.where(WorkOrder.is_repeat)
    if data.passed_on_only:
        query = query.where(WorkOrder.origin != OrderOrigin.CUSTOMER)
    if data.supervised_only:
        query = query.where(WorkOrder.last_supervised_at.is_not(None))
    if data.category_id is not None:
        branch = select(Category.path).where(Category.id == data.category_id).scalar_subquery()
        within = select(Category.id).where(Category.path.startswith(branch))
        query = query.where(WorkOrder.category_id.in_(within))
    return query.order_by(WorkOrder.created_at, WorkOrder.id)


def export_orders(
    session: Session,
    *,
    data: OrderExportRequest,
    by: Principal,
    language: str,
    timezone: str,
    max_rows: int,
) -> OrderExport:
    """Check and count the export, audit it, then read its rows (in the caller's
    transaction: the audit row and the file agree on what was taken)."""
    scope_path = unit_scope(session, by, data.org_unit_id)
    tree, zone = category_tree(session), ZoneInfo(timezone)
    if data.category_id is not None and tree.get(data.category_id) is None:
        raise NotFound("category_not_found", field="category_id")
    return audited_export(
        session,
        _query(data, scope_path, timezone, language == EN),
        Audited(data, by, "order.export", scope_path, max_rows),
        [gettext(language, column) for column in COLUMNS],
        lambda row, masked: _cells(row, tree, zone, language, masked),
    )


@dataclass(frozen=True)
class Audited:
    """What an export's audit row says: what was asked, by whom, as which action, over
    which scope; and the most rows it may have."""

    asked: BaseModel
    by: Principal
    action: str
    scope_path: str | None
    max_rows: int


def audited_export(
    session: Session,
    query: Select[*tuple[Any, ...]],
    audited: Audited,
    header: list[object],
    cells: Callable[[Any, bool], list[object]],
) -> OrderExport:
    """Count the export (refused beyond its most rows), audit it, then read its rows —
    numbers masked unless the viewer may see them — in the caller's transaction: the
    audit row and the file agree on what was taken."""
    count = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if count > audited.max_rows:
        raise Unprocessable("export_too_large", rows=count, limit=audited.max_rows)
    masked = not audited.by.has(Right.PII_VIEW)
    entry = audit.record_export(
        session,
        actor=audited.by,
        action=audited.action,
        entity_type="work_order",
        asked=audited.asked,
        scope_path=audited.scope_path,
        rows=count,
        masked=masked,
    )
    rows = [cells(row, masked) for row in session.execute(query)]
    return OrderExport([header, *rows], entry.seq)


def period_bounds(
    first: date, last: date, timezone: str, *, fields: tuple[str, str]
) -> tuple[datetime, datetime]:
    """A period of the center's days as UTC bounds (the last day included); at most a
    year, and not ending before it starts (422 at the field to mend)."""
    if last < first:
        raise Unprocessable("invalid_period", field=fields[1])
    if (last - first).days >= LONGEST_PERIOD_DAYS:
        raise Unprocessable("invalid_period", field=fields[0])
    return day_start_utc(first, timezone), day_start_utc(last + timedelta(days=1), timezone)


def _cells(
    row: Found, tree: CategoryTree, zone: ZoneInfo, language: str, masked: bool
) -> list[object]:
    order, unit, team, team_en, handler, opener, incident, visited, files = row[:9]
    credited, asked, texts, last_text = row[9:]
    english = language == EN
    category = tree.get(order.category_id)
    chain = tree.chain(category) if category else []

    def said(prefix: str, value: object) -> str:
        return gettext(language, f"{prefix}.{value}") if value else ""

    def at(moment: datetime | None) -> str:
        return stamped(moment, zone)

    in_time = (
        None
        if order.replied_at is None or order.resolve_due_at is None
        else order.replied_at <= order.resolve_due_at
    )
    return [
        order.number,
        at(order.created_at),
        said("order_type", order.type),
        " › ".join((c.name_en or c.name) if english else c.name for c in chain),
        order.subject,
        said("order_status", order.status),
        said("triage", order.triage),
        order.priority,
        gettext(language, "Yes" if order.is_repeat else "No"),
        (unit.name_en or unit.name) if english else unit.name,
        ((team_en or team) if english else team) or "",
        handler or "",
        opener,
        show_phone(order.contact_phone, masked),
        said("channel", order.channel),
        at(order.response_due_at),
        at(order.resolve_due_at),
        at(order.replied_at),
        "" if in_time is None else gettext(language, "Yes" if in_time else "No"),
        at(order.closed_at),
        order.handling_round,
        incident or "",
        said("outcome", visited),
        order.urge_count or 0,
        files,
        said("origin", order.origin) if order.origin != OrderOrigin.CUSTOMER else "",
        order.origin_ref,
        credited / 100 if credited else "",
        asked or "",
        texts,
        at(last_text),
        order.supervise_count or 0,
    ]


def stamped(moment: datetime | None, zone: ZoneInfo) -> str:
    """A time as a spreadsheet cell shows it: to the minute, in the center's zone."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""
