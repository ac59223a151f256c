"""Order numbers under concurrency: every order gets its own, and taking one never waits
for a connection of the pool the request already holds one of."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from conftest import BACKENDS, own_database
from factories import bearer, make_categories, make_org, make_staff
from kefu.app import create_app
from kefu.config import Settings
from kefu.core.db import make_engine, make_sessionmaker
from kefu.core.rbac import Role

AT_ONCE = 6


@pytest.fixture(params=BACKENDS)
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own: its orders commit for real."""
    with own_database(request, tmp_path, "numbers", pool_size=2) as engine:
        yield engine


def test_concurrent_orders_each_get_a_number_without_exhausting_the_pool(
    own_engine: Engine,
) -> None:
    # On PostgreSQL the day's counter is bumped outside the order's transaction. Taken from
    # the shared pool, that was a second connection for a request already holding one:
    # with as many creations inside as connections, each waited for another until the
    # pool gave up (429 after 30 seconds, for all of them at once).
    engine = make_engine(str(own_engine.url), pool_size=1, pool_timeout=3)
    factory = make_sessionmaker(engine)
    with factory() as session:
        org = make_org(session)
        leaf = make_categories(session).unknown_charge.id
        agents = [bearer(session, make_staff(session, org.city, Role.AGENT)) for _ in range(2)]
        session.commit()
    settings = Settings(
        demo_mode=True, database_url=str(engine.url), settle_heap=False, db_pool_size=1
    )

    def create(n: int) -> tuple[int, str]:
        body = {
            "type": "consultation",
            "category_id": leaf,
            "contact_phone": f"1380013{n:04d}",
            "subject": "套餐咨询",
        }
        answer = client.post("/api/v1/work-orders", json=body, headers=agents[n % 2])
        return answer.status_code, answer.json().get("number", answer.text)

    with TestClient(create_app(settings, factory)) as client:
        for agent in agents:  # both callers kept: the creations hold only their own sessions
            assert client.get("/api/v1/work-orders", headers=agent).is_success
        with ThreadPoolExecutor(AT_ONCE) as pool:
            answers = list(pool.map(create, range(4 * AT_ONCE)))
    engine.dispose()
    assert [status for status, _ in answers] == [201] * (4 * AT_ONCE), answers
    numbers = [number for _, number in answers]
    assert len(set(numbers)) == len(numbers), "every order has a number of its own"
