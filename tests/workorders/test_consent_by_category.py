"""Only a service request that opens or changes a service waits for the customer's
confirmation: its category says whether it does (an invoice reissued changes none). Admins
set it on the category; existing centers' shipped invoice category is marked at upgrade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from conftest import BACKENDS, fresh_postgres_database
from factories import bearer, make_categories, make_category, make_org, make_staff
from kefu.core.audit import AuditLog
from kefu.core.db import make_engine
from kefu.core.migrate import upgrade
from kefu.core.rbac import Role
from kefu.workorders.models import Category
from kefu.workorders.taxonomy import NO_SERVICE_CHANGE, ensure_default_categories


def _accepted(client, headers: dict, category_id: int, kind: str = "service_request") -> dict:
    body = {"type": kind, "category_id": category_id, "contact_phone": "13800138000"}
    order = client.post("/api/v1/work-orders", json=body | {"subject": "补开发票"}, headers=headers)
    assert order.status_code == 201, order.text
    url = f"/api/v1/work-orders/{order.json()['id']}/accept"
    version = {"If-Match": f'"{order.json()["version"]}"'}
    return client.post(url, json={}, headers=headers | version).json()


def _reply(client, order: dict, headers: dict):
    return client.post(
        f"/api/v1/work-orders/{order['id']}/reply",
        json={"reply": "发票已重新开具并发送至您的邮箱。"},
        headers=headers | {"If-Match": f'"{order["version"]}"'},
    )


def test_a_request_that_changes_no_service_is_carried_out_without_consent(
    client, db: Session
) -> None:
    org = make_org(db)
    cats = make_categories(db)
    invoice = make_category(db, "发票问题", cats.billing, changes_service=False)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))

    order = _accepted(client, agent, invoice.id)
    assert order["needs_consent"] is False
    page = client.get(f"/orders/{order['id']}", headers=agent).text
    assert 'id="consent"' not in page  # no confirmation box on the order page
    refused = client.post(f"/api/v1/work-orders/{order['id']}/consent/code", headers=agent)
    assert refused.status_code == 422 and "无需客户确认" in refused.json()["error"]["message"]
    assert _reply(client, order, agent).status_code == 200

    # A request that opens a service still waits for the customer.
    roaming = _accepted(client, agent, cats.roaming_charge.id)
    assert roaming["needs_consent"] is True
    assert _reply(client, roaming, agent).json()["error"]["code"] == "consent_required"
    assert 'id="consent"' in client.get(f"/orders/{roaming['id']}", headers=agent).text


def test_the_intake_outlook_says_whether_the_customer_must_confirm(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    invoice = make_category(db, "发票问题", cats.billing, changes_service=False)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))

    def outlook(kind: str, category_id: int) -> bool:
        body = {"type": kind, "category_id": category_id, "contact_phone": "13800138000"}
        answer = client.post("/api/v1/work-orders/intake-check", json=body, headers=agent)
        assert answer.status_code == 200, answer.text
        return bool(answer.json()["needs_consent"])

    assert outlook("service_request", cats.roaming_charge.id) is True
    assert outlook("service_request", invoice.id) is False
    assert outlook("complaint", cats.roaming_charge.id) is False


def test_admins_say_whether_a_category_changes_a_service(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    url = f"/api/v1/order-categories/{cats.roaming_charge.id}"
    current = {"If-Match": f'"{cats.roaming_charge.version}"'}
    tree = client.get("/api/v1/order-categories", headers=admin).json()
    assert tree[0]["changes_service"] is True  # unless said otherwise
    forbidden = client.patch(url, json={"changes_service": False}, headers=agent | current)
    assert forbidden.status_code == 403

    changed = client.patch(url, json={"changes_service": False}, headers=admin | current)
    assert changed.status_code == 200, changed.text
    assert changed.json()["changes_service"] is False
    audited = db.scalar(
        select(AuditLog).where(AuditLog.action == "category.update").order_by(AuditLog.id.desc())
    )
    assert audited is not None and "changes_service" in audited.details
    order = _accepted(client, agent, cats.roaming_charge.id)
    assert order["needs_consent"] is False and _reply(client, order, agent).status_code == 200

    made = client.post(
        "/api/v1/order-categories",
        json={
            "code": "billing.dispute.reprint",
            "name": "补打账单",
            "parent_id": cats.dispute.id,
            "changes_service": False,
        },
        headers=admin,
    )
    assert made.status_code == 201, made.text
    assert db.get(Category, made.json()["id"]).changes_service is False


def test_a_new_center_asks_no_consent_for_an_invoice(db: Session) -> None:
    ensure_default_categories(db)
    flags = dict(db.execute(select(Category.code, Category.changes_service)).all())
    assert {code for code, changes in flags.items() if not changes} == NO_SERVICE_CHANGE
    assert flags["number.services.roaming"] is True


@pytest.fixture(params=BACKENDS)
def older_center(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A center at revision 0025, made before categories said whether they change a service."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'older.db'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_url"), "_older")
    engine = make_engine(url)
    upgrade(engine, "0025")
    yield engine
    engine.dispose()


def test_the_upgrade_marks_the_shipped_invoice_category(older_center: Engine) -> None:
    insert = text(
        "INSERT INTO wo_categories (code, level, path, name, name_en, script, script_en,"
        " sort_order, active, created_at, updated_at, version)"
        " VALUES (:code, 3, '/', :code, '', '', '', 0, :yes, CURRENT_TIMESTAMP,"
        " CURRENT_TIMESTAMP, 1)"
    )
    with older_center.begin() as connection:
        for code in ("billing.payment.invoice", "number.services.roaming"):
            connection.execute(insert, {"code": code, "yes": True})
    upgrade(older_center)
    with older_center.connect() as connection:
        flags = dict(
            connection.execute(text("SELECT code, changes_service FROM wo_categories")).all()
        )
    assert flags == {"billing.payment.invoice": False, "number.services.roaming": True}
