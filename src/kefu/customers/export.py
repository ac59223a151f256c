"""Customer exports: audited before the first byte, masked like the screen, streamed as CSV.

An export is the widest door personal data can leave by, so it needs its own right, a
reason, and an audit row that says who took what (the filter and the row count) and why.
The audit row is committed with the request; the file is then streamed from a fresh
read transaction in batches, so a large export holds neither memory nor a write lock.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from kefu.core import audit
from kefu.core.db import unit_of_work
from kefu.core.i18n import gettext
from kefu.core.idnumber import country_name
from kefu.core.masking import mask_id_number, mask_name
from kefu.core.rbac import Principal, Right
from kefu.core.spreadsheet import neutral_text
from kefu.customers import repository
from kefu.customers.models import Customer, Enterprise
from kefu.customers.schemas import CustomerExportRequest
from kefu.customers.view import show_phone
from kefu.errors import Unprocessable
from kefu.org.deps import unit_scope
from kefu.org.models import OrgUnit

BATCH_SIZE = 1000
# Excel opens UTF-8 CSV as a legacy code page unless the file starts with a BOM.
UTF8_BOM = "\ufeff"
COLUMNS = (
    "Customer no.",
    "Name",
    "ID document",
    "Identity number",
    "Numbers",
    "Tier",
    "Status",
    "Branch",
    "Customer since",
    "Enterprise",
)


@dataclass(frozen=True)
class ExportPlan:
    """What one audited export will write."""

    scope_path: str | None
    request: CustomerExportRequest
    masked: bool
    rows: int
    audit_seq: int


def _query(scope_path: str | None, data: CustomerExportRequest) -> Select[Customer, OrgUnit]:
    query = select(Customer, OrgUnit).join(OrgUnit, OrgUnit.id == Customer.org_unit_id)
    if scope_path is not None:
        query = query.where(OrgUnit.path.startswith(scope_path))
    if data.tier is not None:
        query = query.where(Customer.tier == data.tier)
    if data.status is not None:
        query = query.where(Customer.status == data.status)
    if data.enterprise_id is not None:
        query = query.where(Customer.enterprise_id == data.enterprise_id)
    return query


def plan_export(
    session: Session, *, data: CustomerExportRequest, by: Principal, max_rows: int
) -> ExportPlan:
    """Check the export, count it and write its audit row (in the caller's transaction)."""
    scope_path = unit_scope(session, by, data.org_unit_id)
    rows = session.scalar(select(func.count()).select_from(_query(scope_path, data).subquery()))
    rows = rows or 0
    if rows > max_rows:
        raise Unprocessable("export_too_large", rows=rows, limit=max_rows)
    masked = not by.has(Right.PII_VIEW)
    entry = audit.record_export(
        session,
        actor=by,
        action="customer.export",
        entity_type="customer",
        asked=data,
        scope_path=scope_path,
        rows=rows,
        masked=masked,
    )
    return ExportPlan(scope_path, data, masked, rows, entry.seq)


def _line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([neutral_text(v) for v in values])
    return buffer.getvalue()


def _rows(session: Session, plan: ExportPlan, language: str) -> Iterator[list[str]]:
    query = _query(plan.scope_path, plan.request).order_by(Customer.id)
    enterprise_names: dict[int, str] = {}
    result = session.execute(query.execution_options(yield_per=BATCH_SIZE))
    for batch in result.partitions():
        numbers = repository.msisdns_of(session, [customer.id for customer, _ in batch])
        wanted = {c.enterprise_id for c, _ in batch if c.enterprise_id} - set(enterprise_names)
        if wanted:
            names = session.execute(
                select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(wanted))
            )
            enterprise_names.update({row.id: row.name for row in names})
        for customer, unit in batch:
            id_number = customer.id_number or ""
            yield [
                str(customer.id),
                mask_name(customer.name) if plan.masked else customer.name,
                _document(customer, language),
                mask_id_number(id_number) if plan.masked and id_number else id_number,
                " ".join(show_phone(m, plan.masked) for m in numbers[customer.id]),
                gettext(language, str(customer.tier)),
                gettext(language, str(customer.status)),
                unit.name if language == "zh-CN" else (unit.name_en or unit.name),
                customer.customer_since.isoformat(),
                enterprise_names.get(customer.enterprise_id or 0, ""),
            ]


def _document(customer: Customer, language: str) -> str:
    """The document's name, with its country (a passport's issuer, a permanent card
    holder's nationality): 护照（美国）."""
    if not customer.id_kind:
        return ""
    name = gettext(language, f"id_kind.{customer.id_kind}")
    if not customer.id_country:
        return name
    issuer = country_name(customer.id_country, language)
    return f"{name}（{issuer}）" if language == "zh-CN" else f"{name} ({issuer})"


def stream_csv(factory: sessionmaker[Session], plan: ExportPlan, language: str) -> Iterator[bytes]:
    """The export file, batch by batch, from its own read transaction."""
    yield (UTF8_BOM + _line([gettext(language, c) for c in COLUMNS])).encode()
    with unit_of_work(factory) as session:
        lines: list[str] = []
        for values in _rows(session, plan, language):
            lines.append(_line(values))
            if len(lines) == BATCH_SIZE:
                yield "".join(lines).encode()
                lines = []
        if lines:
            yield "".join(lines).encode()
