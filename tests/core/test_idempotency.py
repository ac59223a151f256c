"""A key sent again while its first request is still running gets the first one's answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine, func, select

from conftest import BACKENDS, own_database
from kefu.core import outbox
from kefu.core.db import make_sessionmaker, open_session
from kefu.core.idempotency import IdempotencyRecord, request_fingerprint, run_once
from kefu.errors import Unprocessable


class Order(BaseModel):
    subject: str


class Created(BaseModel):
    id: int


@pytest.fixture(params=BACKENDS)
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own: both requests commit for real."""
    with own_database(request, tmp_path, "keys") as engine:
        yield engine


@pytest.mark.parametrize("same_body", [True, False])
def test_a_retry_that_overtook_its_first_request_gets_the_first_answer(
    own_engine: Engine, same_body: bool
) -> None:
    # Before, the second request failed on the key's unique index with 409 "conflict",
    # after doing all its work, and the client had to send it a third time.
    if own_engine.dialect.name != "postgresql":
        pytest.skip("SQLite writers take turns: the retry begins after the first commits")
    factory = make_sessionmaker(own_engine)
    sent = Order(subject="不明扣费")

    def first_commits_meanwhile() -> Created:
        with factory() as first:  # the first request ends while the retry works
            first.add(
                IdempotencyRecord(
                    actor_id=7,
                    operation="order.create",
                    key="retry-1",
                    request_hash=request_fingerprint(sent if same_body else Order(subject="x")),
                    status_code=201,
                    response_body=json.dumps({"id": 1}),
                )
            )
            first.commit()
        outbox.enqueue(retry, kind="sms.customer", payload={})  # the retry's own work
        return Created(id=2)

    retry = open_session(factory, write=True)
    try:
        answer = run_once(
            retry,
            key="retry-1",
            actor_id=7,
            operation="order.create",
            payload=sent,
            create=first_commits_meanwhile,
        )
        retry.commit()
    except Unprocessable as refused:
        retry.rollback()
        answer = (422, refused.code)
    finally:
        retry.close()
    expected = (201, {"id": 1}) if same_body else (422, "idempotency_key_reused")
    assert answer == expected
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(outbox.Job)) == 0  # undone
