"""Guards for order creation's speed that the benchmark would only show as a slow number:
what it reads while it holds the write lock, and the repeat check's index."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from factories import bearer, make_categories, make_org, make_staff
from kefu.core.rbac import Role


@pytest.fixture
def statements(engine: Engine) -> Any:
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().split()[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _complain(client, headers, category_id: int, phone: str) -> None:
    body = {
        "type": "complaint",
        "category_id": category_id,
        "contact_phone": phone,
        "subject": "扣费问题",
    }
    answer = client.post("/api/v1/work-orders", json=body, headers=headers)
    assert answer.status_code == 201, answer.text


def test_a_new_order_reads_no_reference_rows_and_uses_the_number_index(
    client, db: Session, engine: Engine, statements: list[tuple[str, Any]]
) -> None:
    org = make_org(db)
    cats = make_categories(db)
    headers = bearer(db, make_staff(db, org.city, Role.AGENT))
    db.commit()
    _complain(client, headers, cats.unknown_charge.id, "13800138000")  # reads the kept rows
    statements.clear()
    _complain(client, headers, cats.roaming_charge.id, "13900139000")
    sql = [s for s, _ in statements]
    kept_reads = [
        s[:60]
        for s in sql
        if s.lstrip().startswith(("SELECT wo_categories", "SELECT calendar_days"))
    ]
    assert kept_reads == [], "the category tree and the calendar are kept, not read per order"
    # unit, counter, order, event, repeat check, incident rule (2), answer (4), audit (2;
    # PostgreSQL takes the audit chain's lock in one more)
    assert len(sql) <= 13 + (engine.dialect.name == "postgresql"), [s[:60] for s in sql]
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL plans from the statistics it keeps itself
    repeat_check, parameters = next(
        (s, p) for s, p in statements if "work_orders.contact_phone = " in s
    )
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {repeat_check}", parameters).all()
    assert "ix_work_orders_phone_type_created" in " ".join(str(row) for row in plan)
