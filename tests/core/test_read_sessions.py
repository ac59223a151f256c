"""Hot reads on PostgreSQL run without a transaction, and pooled connections are checked
only when they sat idle: the customer 360 lost two of its round trips to BEGIN and
COMMIT, and every request one more to the pool's ping."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from conftest import BACKENDS, own_database
from factories import bearer, make_customer, make_org, make_staff
from kefu.app import create_app
from kefu.config import Settings
from kefu.core import db as kefu_db
from kefu.core.db import make_engine, make_sessionmaker
from kefu.core.rbac import Role


@pytest.fixture(params=BACKENDS)
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own: its requests commit for real."""
    with own_database(request, tmp_path, "reads", pool_size=2) as engine:
        yield engine


def _center(
    engine: Engine, callers: int = 1, pool_size: int = 10
) -> tuple[TestClient, list[dict[str, str]]]:
    """A customer, ``callers`` agents' headers, and an app on ``engine``."""
    factory = make_sessionmaker(engine)
    with factory() as session:
        org = make_org(session)
        make_customer(session, org.city)
        agents = [
            bearer(session, make_staff(session, org.city, Role.AGENT)) for _ in range(callers)
        ]
        session.commit()
    settings = Settings(
        demo_mode=True, database_url=str(engine.url), settle_heap=False, db_pool_size=pool_size
    )
    return TestClient(create_app(settings, factory)), agents


def _end_other_sessions(engine: Engine) -> None:
    """The server ends every session of the pool (a restart, an idle timeout)."""
    admin = create_engine(engine.url, poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        connection.commit()
    admin.dispose()


def test_the_360_reads_without_a_transaction_on_postgresql(own_engine: Engine) -> None:
    levels: list[Any] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        levels.append(conn.get_execution_options().get("isolation_level"))

    client, (headers,) = _center(own_engine)
    lookup = {"phone": "+86 138-0013-8000"}
    with client:
        client.get("/api/v1/customers/lookup", params=lookup, headers=headers)  # caller kept
        reads = kefu_db.loop_engine(own_engine)  # the 360 reads on the event loop
        event.listen(reads, "before_cursor_execute", record)
        found = client.get("/api/v1/customers/lookup", params=lookup, headers=headers)
        event.remove(reads, "before_cursor_execute", record)
    assert found.status_code == 200, found.text
    assert levels, "the lookup read the database"
    standalone = own_engine.dialect.name == "postgresql"
    assert all((level == "AUTOCOMMIT") == standalone for level in levels), levels


def test_a_connection_that_died_while_idle_is_replaced(
    own_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, (headers,) = _center(own_engine)
    with client:
        lookup = {"phone": "13800138000"}
        assert client.get("/api/v1/customers/lookup", params=lookup, headers=headers).is_success
        if own_engine.dialect.name == "postgresql":
            _end_other_sessions(own_engine)
        monkeypatch.setattr(kefu_db, "PING_AFTER_IDLE_SECONDS", 0.0)  # all have sat idle
        for _ in range(3):  # each pooled connection in turn
            again = client.get("/api/v1/customers/lookup", params=lookup, headers=headers)
            assert again.status_code == 200, again.text


def test_a_connection_lost_between_checks_asks_for_a_retry(
    own_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if own_engine.dialect.name != "postgresql":
        pytest.skip("a SQLite file cannot drop its connections")
    client, (headers,) = _center(own_engine)
    lookup = {"phone": "13800138000"}
    with client:
        assert client.get("/api/v1/customers/lookup", params=lookup, headers=headers).is_success
        _end_other_sessions(own_engine)
        monkeypatch.setattr(kefu_db, "PING_AFTER_IDLE_SECONDS", 3600.0)  # used a moment ago
        lost = client.get(
            "/api/v1/customers/lookup", params=lookup, headers=headers | {"Accept-Language": "en"}
        )
        assert lost.status_code == 503 and lost.headers["Retry-After"] == "1"
        assert lost.json()["error"]["code"] == "database_unavailable"
        assert "try again" in lost.json()["error"]["message"]
        again = client.get("/api/v1/customers/lookup", params=lookup, headers=headers)
        assert again.status_code == 200, again.text  # the pool was renewed


def test_a_request_never_holds_two_connections(own_engine: Engine) -> None:
    # The caller's row was read in the request's session, and the 360 then asked for a
    # connection of its own: with as many such requests inside as connections, each held
    # one and waited for another until the pool gave up (429 for everyone).
    engine = make_engine(str(own_engine.url), pool_size=1, pool_timeout=3)
    app, callers = _center(engine, callers=6, pool_size=1)
    with app as client, ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(
                lambda headers: client.get(
                    "/api/v1/customers/lookup", params={"phone": "13800138000"}, headers=headers
                ),
                callers,  # six callers nobody has seen yet: each is read
            )
        )
    engine.dispose()
    assert [a.status_code for a in answers] == [200] * 6


def test_the_360_answers_while_the_pool_is_exhausted(own_engine: Engine) -> None:
    # The lookup runs on the event loop. Waiting there for a pooled connection would
    # stall the worker: the requests holding the connections need the loop to end.
    engine = make_engine(str(own_engine.url), pool_size=1, pool_timeout=2)
    app, (headers,) = _center(engine, pool_size=1)
    lookup = {"phone": "13800138000"}
    with app as client:
        assert client.get("/api/v1/customers/lookup", params=lookup, headers=headers).is_success
        held = [engine.connect() for _ in range(2)]  # the pool's one and its one overflow
        try:
            found = client.get("/api/v1/customers/lookup", params=lookup, headers=headers)
        finally:
            for connection in held:
                connection.close()
    engine.dispose()
    assert found.status_code == 200, found.text
    assert found.json()["numbers"], "the 360 came from the database"


def test_a_360_stuck_behind_a_lock_gives_up_and_asks_for_a_retry(
    own_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lookup blocks its worker's event loop while it waits, so on PostgreSQL its reads
    # give up after a bound (a migration holding a table) instead of stalling the worker.
    if own_engine.dialect.name != "postgresql":
        pytest.skip("SQLite readers never wait for a lock (WAL gives each a snapshot)")
    monkeypatch.setattr(kefu_db, "LOOP_STATEMENT_TIMEOUT_MS", 300)
    client, (headers,) = _center(own_engine)  # its loop engine is made at the first lookup
    lookup = {"phone": "13800138000"}
    with client:
        with own_engine.connect() as migration:
            migration.execute(text("LOCK TABLE subscriptions IN ACCESS EXCLUSIVE MODE"))
            stuck = client.get(
                "/api/v1/customers/lookup",
                params=lookup,
                headers=headers | {"Accept-Language": "en"},
            )
            migration.rollback()
        again = client.get("/api/v1/customers/lookup", params=lookup, headers=headers)
    assert stuck.status_code == 503 and stuck.headers["Retry-After"] == "1"
    assert stuck.json()["error"]["code"] == "database_slow"
    assert "in time" in stuck.json()["error"]["message"]
    assert again.status_code == 200, again.text
