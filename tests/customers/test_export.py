"""Customer export: its own right, a reason, the caller's scope, masking and the audit row."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from factories import bearer, make_customer, make_org, make_staff
from kefu.core.audit import AuditLog
from kefu.core.rbac import Right, Role
from kefu.customers import export
from kefu.customers.enums import Tier
from kefu.customers.schemas import CustomerExportRequest
from kefu.org.deps import principal_for

REASON = "月度高价值客户回访名单"


@pytest.fixture
def org_with_customers(db: Session):
    org = make_org(db)
    make_customer(db, org.city, "+8613800138000", name="张伟", tier=Tier.GOLD)
    make_customer(db, org.city, "+8613900139000", name="李娜")
    make_customer(db, org.other_city, "+8613700137000", name="王芳")
    return org


def _rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:])))


def test_a_supervisor_exports_their_branch_masked_and_audited(
    client, db: Session, org_with_customers
) -> None:
    supervisor = make_staff(db, org_with_customers.city, Role.SUPERVISOR)
    answer = client.post(
        "/api/v1/customers/export", json={"reason": REASON}, headers=bearer(db, supervisor)
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    header, *rows = _rows(answer.content)
    assert header[:4] == ["客户编号", "姓名", "证件", "证件号码"]
    assert sorted(row[1] for row in rows) == ["张**", "李**"]  # not 王芳 of the other city
    assert {row[4] for row in rows} == {"138****8000", "139****9000"}
    assert {row[2] for row in rows} == {"居民身份证"}  # the document, even when masked
    assert all(row[3].count("*") == 15 for row in rows)

    entry = db.scalars(select(AuditLog).where(AuditLog.action == "customer.export")).one()
    assert entry.actor_id == supervisor.id
    assert entry.reason == REASON
    details = json.loads(entry.details)
    assert details["rows"] == 2
    assert details["masked"] is True
    assert details["scope"] == org_with_customers.city.path
    assert answer.headers["x-audit-seq"] == str(entry.seq)


def test_filters_and_english_headers(client, db: Session, org_with_customers) -> None:
    headers = bearer(db, make_staff(db, org_with_customers.province, Role.SUPERVISOR))
    answer = client.post(
        "/api/v1/customers/export",
        json={"reason": REASON, "tier": "gold"},
        headers=headers | {"Accept-Language": "en"},
    )
    header, *rows = _rows(answer.content)
    assert header[0] == "Customer no."
    assert [row[5] for row in rows] == ["Gold"]
    assert [row[2] for row in rows] == ["Resident ID card"]


@pytest.mark.parametrize(
    ("role", "body", "status", "code"),
    [
        (Role.AGENT, {"reason": REASON}, 403, "missing_right"),
        (Role.SUPERVISOR, {}, 422, None),
        (Role.SUPERVISOR, {"reason": "看"}, 422, None),
        (Role.SUPERVISOR, {"reason": REASON, "columns": "all"}, 422, None),
    ],
)
def test_refused_exports_leave_no_file_and_no_audit_row(
    client, db: Session, org_with_customers, role, body, status, code
) -> None:
    headers = bearer(db, make_staff(db, org_with_customers.city, role))
    answer = client.post("/api/v1/customers/export", json=body, headers=headers)
    assert answer.status_code == status
    if code:
        assert answer.json()["error"]["code"] == code
    assert db.scalar(select(AuditLog).where(AuditLog.action == "customer.export")) is None


def test_another_branch_is_out_of_scope(client, db: Session, org_with_customers) -> None:
    headers = bearer(db, make_staff(db, org_with_customers.city, Role.SUPERVISOR))
    answer = client.post(
        "/api/v1/customers/export",
        json={"reason": REASON, "org_unit_id": org_with_customers.other_city.id},
        headers=headers,
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "customer_out_of_scope"


def test_an_export_over_the_limit_is_refused_with_the_count(
    client, settings, db: Session, org_with_customers
) -> None:
    settings.export_max_rows = 1
    headers = bearer(db, make_staff(db, org_with_customers.city, Role.SUPERVISOR))
    answer = client.post(
        "/api/v1/customers/export",
        json={"reason": REASON},
        headers=headers | {"Accept-Language": "en"},
    )
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "export_too_large"
    assert "2 rows" in error["message"]


def test_a_role_holding_personal_data_rights_exports_in_clear(
    db: Session, session_factory: sessionmaker[Session], org_with_customers
) -> None:
    staff = make_staff(db, org_with_customers.city, Role.SUPERVISOR)
    principal = principal_for(db, staff.id)
    assert principal is not None
    privileged = replace(principal, rights=principal.rights | {Right.PII_VIEW})
    plan = export.plan_export(
        db,
        data=CustomerExportRequest(reason=REASON),
        by=privileged,
        max_rows=10,
    )
    db.commit()
    body = b"".join(export.stream_csv(session_factory, plan, "zh-CN"))
    _, *rows = _rows(body)
    assert sorted(row[1] for row in rows) == ["张伟", "李娜"]
    assert {row[4] for row in rows} == {"13800138000", "13900139000"}
    assert plan.masked is False


def test_text_that_could_run_as_a_formula_is_neutralized(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    """A name typed as a formula must not run when a supervisor opens the file."""
    org = make_org(db)
    make_customer(db, org.city, "+8613800138000", name='=HYPERLINK("http://x","点我")')
    make_customer(db, org.city, "+8613900139000", name="@SUM(A1)")
    staff = make_staff(db, org.city, Role.SUPERVISOR)
    principal = principal_for(db, staff.id)
    assert principal is not None
    privileged = replace(principal, rights=principal.rights | {Right.PII_VIEW})
    plan = export.plan_export(
        db, data=CustomerExportRequest(reason=REASON), by=privileged, max_rows=10
    )
    db.commit()
    _, *rows = _rows(b"".join(export.stream_csv(session_factory, plan, "zh-CN")))
    assert sorted(row[1] for row in rows) == ['\'=HYPERLINK("http://x","点我")', "'@SUM(A1)"]
