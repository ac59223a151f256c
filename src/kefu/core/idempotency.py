"""Idempotency keys for creation endpoints.

A client that retries a create after a timeout sends the same ``Idempotency-Key``: the
same key with the same body replays the stored response; the same key with another body
is refused (422), since answering it would hide the client's bug.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from kefu.core.base import Base, utcnow
from kefu.core.web import committed
from kefu.errors import Unprocessable

T = TypeVar("T")

MAX_KEY_LENGTH = 128


class IdempotencyRecord(Base):
    """Why: a retried create must not make a second customer or staff member."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("actor_id", "operation", "key"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    actor_id: Mapped[int]
    operation: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def request_fingerprint(payload: BaseModel) -> str:
    """A stable hash of the request body as validated."""
    body = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def run_once(
    session: Session,
    *,
    key: str | None,
    actor_id: int,
    operation: str,
    payload: BaseModel,
    create: Callable[[], BaseModel],
    status_code: int = 201,
) -> tuple[int, Any]:
    """Run ``create`` once per key; return (status, JSON-ready body), replaying on repeats."""
    if key is None:
        return status_code, create().model_dump(mode="json")
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Unprocessable("idempotency_key_invalid", field="Idempotency-Key")
    fingerprint = request_fingerprint(payload)
    stored = _stored(session, actor_id, operation, key)
    if stored is not None:
        return _replay(stored, fingerprint)
    body = create().model_dump(mode="json")
    session.add(
        IdempotencyRecord(
            actor_id=actor_id,
            operation=operation,
            key=key,
            request_hash=fingerprint,
            status_code=status_code,
            response_body=json.dumps(body, ensure_ascii=False),
        )
    )
    try:
        session.flush()
    except IntegrityError:
        # The same key sent again while the first request was still running (a client's
        # retry after a timeout): PostgreSQL let both begin, and the first committed its
        # key while this one worked. This one's work is undone; the first one's answer
        # is given, as for any repeat.
        session.rollback()
        stored = _stored(session, actor_id, operation, key)
        if stored is None:
            raise  # a conflict of the work's own, not of the key
        return _replay(stored, fingerprint)
    return status_code, body


async def create_once(
    session: Session,
    *,
    key: str | None,
    actor_id: int,
    operation: str,
    payload: BaseModel,
    create: Callable[[], T],
    answer: Callable[[T], BaseModel],
    status_code: int = 201,
) -> tuple[int, Any]:
    """``run_once`` for an ``async def`` route: the creation and its commit in one trip to
    the thread pool (``committed``), the answer built from what ``create`` made.

    Without a key nothing stores the answer, so it is built after the commit: on SQLite
    the center's writers wait for one another from the first write to the commit, and
    the answer needs no lock. (A new work order's page: 0.1 ms of a 1.4 ms turn when
    alone; under load the turn's holder shares the interpreter with its process's other
    requests, and building it there cost 5 to 15 % of SQLite's creations a second.)
    With a key the answer is stored with the creation, so it is built before.
    """
    if key is None:
        return await committed(
            session, create, then=lambda made: (status_code, answer(made).model_dump(mode="json"))
        )
    return await committed(
        session,
        lambda: run_once(
            session,
            key=key,
            actor_id=actor_id,
            operation=operation,
            payload=payload,
            create=lambda: answer(create()),
            status_code=status_code,
        ),
    )


def _stored(session: Session, actor_id: int, operation: str, key: str) -> IdempotencyRecord | None:
    return session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.actor_id == actor_id,
            IdempotencyRecord.operation == operation,
            IdempotencyRecord.key == key,
        )
    )


def _replay(stored: IdempotencyRecord, fingerprint: str) -> tuple[int, Any]:
    if stored.request_hash != fingerprint:
        raise Unprocessable("idempotency_key_reused", field="Idempotency-Key")
    return stored.status_code, json.loads(stored.response_body)
