"""The refunds as a spreadsheet (退费明细): every refund asked in a period with who asked,
who decided and what billing credited under which reference — the list finance
reconciles with the billing system. Audited before it is built; the numbers credited are
masked as on screen unless the viewer may see them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session, aliased

from kefu.core.i18n import EN, gettext
from kefu.core.rbac import Principal
from kefu.customers.view import show_phone
from kefu.org.deps import unit_scope
from kefu.org.models import OrgUnit, Staff
from kefu.workorders.export import (
    Audited,
    OrderExport,
    audited_export,
    period_bounds,
    stamped,
)
from kefu.workorders.models import OrderRefund, WorkOrder
from kefu.workorders.refund_schemas import RefundExportRequest

COLUMNS = (
    "Order number",
    "Branch",
    "Kind",
    "Status",
    "Number credited",
    "Charge in dispute (yuan)",
    "Amount (yuan)",
    "Bill month",
    "Reason",
    "Asked by",
    "Asked at",
    "Decided by",
    "Decided at",
    "Decision note",
    "Credited at",
    "Billing reference",
)
_Asker, _Decider = aliased(Staff), aliased(Staff)
Found = Row[OrderRefund, str, OrgUnit, str, str]


def export_refunds(
    session: Session,
    *,
    data: RefundExportRequest,
    by: Principal,
    language: str,
    timezone: str,
    max_rows: int,
) -> OrderExport:
    """The refunds asked in the period, in the caller's scope (or the unit asked for),
    audited before they are read."""
    scope_path = unit_scope(session, by, data.org_unit_id)
    zone = ZoneInfo(timezone)
    return audited_export(
        session,
        _query(data, scope_path, timezone),
        Audited(data, by, "order.refund.export", scope_path, max_rows),
        [gettext(language, column) for column in COLUMNS],
        lambda row, masked: _cells(row, zone, language, masked),
    )


def _query(
    data: RefundExportRequest, scope_path: str | None, timezone: str
) -> Select[OrderRefund, str, OrgUnit, str, str]:
    since, until = period_bounds(
        data.asked_from, data.asked_to, timezone, fields=("asked_from", "asked_to")
    )
    query = (
        select(OrderRefund, WorkOrder.number, OrgUnit, _Asker.display_name, _Decider.display_name)
        .join(WorkOrder, WorkOrder.id == OrderRefund.order_id)
        .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
        .outerjoin(_Asker, _Asker.id == OrderRefund.requested_by_id)
        .outerjoin(_Decider, _Decider.id == OrderRefund.decided_by_id)
        .where(OrderRefund.requested_at >= since, OrderRefund.requested_at < until)
    )
    if scope_path is not None:
        query = query.where(OrgUnit.path.startswith(scope_path))
    if data.status is not None:
        query = query.where(OrderRefund.status == data.status)
    if data.kind is not None:
        query = query.where(OrderRefund.kind == data.kind)
    return query.order_by(OrderRefund.requested_at, OrderRefund.id)


def _cells(row: Found, zone: ZoneInfo, language: str, masked: bool) -> list[object]:
    refund, number, unit, asker, decider = row

    def at(moment: datetime | None) -> str:
        return stamped(moment, zone)

    return [
        number,
        (unit.name_en or unit.name) if language == EN else unit.name,
        gettext(language, f"refund_kind.{refund.kind}"),
        gettext(language, f"refund_status.{refund.status}"),
        show_phone(refund.msisdn, masked),
        refund.charge_fen / 100 if refund.charge_fen else "",
        refund.amount_fen / 100,
        refund.bill_month,
        refund.reason,
        asker or "",
        at(refund.requested_at),
        decider or "",
        at(refund.decided_at),
        refund.decision_note,
        at(refund.credited_at),
        refund.billing_ref,
    ]
