"""Guards for order creation's speed that the benchmark would only show as a slow number:
what it reads while it holds the write lock, the repeat check's index, and the one
INSERT a new order goes in with."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_org, make_staff, open_complaint
from kefu.core.rbac import Role
from kefu.org.models import OrgUnit
from kefu.org.repository import known_unit
from kefu.workorders import repository
from kefu.workorders.enums import OrderType
from kefu.workorders.models import WorkOrder


@pytest.fixture
def statements(engine: Engine) -> Any:
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().split()[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_a_new_order_reads_no_reference_rows_and_uses_the_number_index(
    client, db: Session, engine: Engine, statements: list[tuple[str, Any]]
) -> None:
    org = make_org(db)
    cats = make_categories(db)
    headers = bearer(db, make_staff(db, org.city, Role.AGENT))
    db.commit()
    complain(client, headers, cats.unknown_charge.id, "13800138000")  # reads the kept rows
    statements.clear()
    complain(client, headers, cats.roaming_charge.id, "13900139000")
    sql = [s for s, _ in statements]
    kept_reads = [
        s[:60]
        for s in sql
        if s.lstrip().startswith(("SELECT wo_categories", "SELECT calendar_days"))
    ]
    assert kept_reads == [], "the category tree and the calendar are kept, not read per order"
    assert not [s for s in sql if s.lstrip().startswith("SELECT org_units")], "units are kept"
    # counter, repeat check, incident rule (2), order, event, audit (2; PostgreSQL takes
    # the audit chain's lock in one more); the answer reads nothing back
    assert len(sql) <= 8 + (engine.dialect.name == "postgresql"), [s[:60] for s in sql]
    read_back = [s[:60] for s in sql if s.lstrip().startswith("SELECT") and "wo_events" in s]
    assert read_back == [], "the new order's timeline is what its creation wrote"
    written = [s.split("(")[0].strip() for s in sql if s.lstrip().startswith(("INSERT", "UPDATE"))]
    assert written.count("INSERT INTO work_orders") == 1
    assert not [s for s in written if s.startswith("UPDATE work_orders")]
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL plans from the statistics it keeps itself
    repeat_check, parameters = next(
        (s, p) for s, p in statements if "work_orders.contact_phone = " in s
    )
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {repeat_check}", parameters).all()
    assert "ix_work_orders_phone_type_created" in " ".join(str(row) for row in plan)


def test_a_new_order_is_in_the_session_as_its_row_says(db: Session, engine: Engine) -> None:
    """Written with one INSERT, not a flush: the object must still be what the row is,
    defaults included, and reading it must need no query."""
    org = make_org(db)
    cats = make_categories(db)
    staff = make_staff(db, org.city, Role.AGENT)
    order = open_complaint(db, staff, cats.unknown_charge.id, "13800138000")
    assert order in db and not db.new and order not in db.dirty
    read: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        read.append(statement)

    columns = [c.key for c in WorkOrder.__table__.columns]
    event.listen(engine, "before_cursor_execute", record)
    try:
        held = {key: getattr(order, key) for key in columns}
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert read == []
    row = db.execute(select(WorkOrder.__table__).where(WorkOrder.id == order.id)).one()
    assert held == dict(row._mapping)
    assert (held["version"], held["paused_seconds"], held["is_repeat"]) == (1, 0, False)
    # and a change after it is an ordinary versioned update
    order.subject = "扣费问题（补充）"
    db.flush()
    assert db.scalar(select(WorkOrder.version).where(WorkOrder.id == order.id)) == 2


def test_a_unit_added_elsewhere_is_found_before_the_kept_units_renew(db: Session) -> None:
    """The kept units are renewed every few seconds; another process's new unit is
    read from the database meanwhile, not refused."""
    org = make_org(db)
    assert known_unit(db, org.city.id) is not None  # the units are kept now
    # A plain INSERT on the connection: no flush this process's kept values would see.
    added = (
        db.connection()
        .execute(
            insert(OrgUnit.__table__).returning(OrgUnit.__table__.c.id),
            {
                "code": "new-branch",
                "name": "新区分公司",
                "name_en": "New district",
                "level": "branch",
                "parent_id": org.city.id,
                "path": f"{org.city.path}x/",
            },
        )
        .scalar_one()
    )
    found = known_unit(db, added)
    assert found is not None and (found.name, found.name_en) == ("新区分公司", "New district")
    assert known_unit(db, added + 1000) is None


def test_a_new_order_without_its_times_is_refused_before_any_insert(db: Session) -> None:
    """Computed defaults are not applied to a plain INSERT's object: forgetting one must
    fail loudly, not store a NULL or a time the object does not hold."""
    org = make_org(db)
    cats = make_categories(db)
    staff = make_staff(db, org.city, Role.AGENT)
    order = WorkOrder(
        number="WO20260301-999999",
        type=OrderType.COMPLAINT,
        channel="phone",
        category_id=cats.indoor.id,
        contact_phone="+8613800138000",
        subject="信号差",
        org_unit_id=org.city.id,
        created_by_id=staff.id,
    )
    with pytest.raises(ValueError, match="created_at"):
        repository.insert_order(db, order)
    assert db.scalar(select(WorkOrder.id).where(WorkOrder.number == order.number)) is None


def test_a_new_orders_answer_is_its_page(client, db: Session) -> None:
    """The answer to a creation is built from what the creation wrote, not read back: it
    must be the order's page as any later read shows it, a repeat's timeline and links
    and a service request's consent included."""
    org = make_org(db)
    cats = make_categories(db)
    headers = bearer(db, make_staff(db, org.city, Role.AGENT))
    db.commit()
    answers = [
        complain(client, headers, cats.unknown_charge.id, "13800138000"),
        complain(client, headers, cats.roaming_charge.id, "13800138000"),
        complain(client, headers, cats.unknown_charge.id, "13800138000"),  # repeats both
        complain(client, headers, cats.unknown_charge.id, "13900139000", kind="service_request"),
    ]
    repeat, request = answers[2], answers[3]
    assert repeat["is_repeat"] and len(repeat["repeats"]) == 2
    assert [e["kind"] for e in repeat["events"]] == ["created", "repeat"]
    assert request["needs_consent"] and request["consent"] is None
    for created in answers:
        page = client.get(f"/api/v1/work-orders/{created['id']}", headers=headers)
        assert page.json() == created
