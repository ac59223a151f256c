"""Guards for the 360 lookup's speed that a benchmark would only show as a slow number.

After the first request every statement on the hot path must come from SQLAlchemy's
compiled cache (a statement whose shape varies per call is compiled per call), and the
lookup must stay a handful of queries whatever the customer has.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_org, make_staff
from kefu.core.rbac import Role


@pytest.fixture
def statements(engine: Engine) -> Any:
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if context is not None and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, context.cache_hit != context.dialect.CACHE_HIT))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_a_repeated_lookup_compiles_nothing_and_stays_a_few_queries(
    client, db: Session, statements: list[tuple[str, bool]]
) -> None:
    org = make_org(db)
    make_customer(db, org.city)
    headers = bearer(db, make_staff(db, org.city, Role.AGENT))
    db.commit()
    for _ in range(2):
        statements.clear()
        answer = client.get(
            "/api/v1/customers/lookup", params={"phone": "138 0013 8000"}, headers=headers
        )
        assert answer.status_code == 200
    compiled = [sql for sql, missed in statements if missed]
    assert compiled == [], f"compiled again on a repeated lookup: {compiled}"
    # caller, subscriber, numbers, spend, open work orders, recent contacts: nothing per
    # number, field or contact
    assert len(statements) <= 6, [sql[:60] for sql, _ in statements]
