"""The audit log: append-only and hash-chained.

Every write, every unmasking and every export leaves a row saying who, when, from where,
what and why. Each row's hash covers its content and the previous row's hash, so
``kefu audit verify`` finds an edited row (hash mismatch) and a deleted row (gap in
``seq`` or broken link). Cutting rows off the end leaves a valid shorter chain, so verify
prints the head (sequence and hash) for the operator to anchor outside the database and
checks it again with ``--expect-head``. The application never updates or deletes these
rows; on PostgreSQL a trigger refuses it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import (
    BigInteger,
    Connection,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from kefu.core.base import Base, utcnow
from kefu.core.rbac import Principal

GENESIS_HASH = "0" * 64
# Any constant works; it names the lock that serializes appends on PostgreSQL.
_PG_CHAIN_LOCK = 0x6B656675


class AuditLog(Base):
    """Why: the 查阅制度 demands a tamper-evident record of every write, look and export."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def _row_digest(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _hashed_fields(row: AuditLog) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "occurred_at": row.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": row.actor_id,
        "actor_name": row.actor_name,
        "ip": row.ip,
        "action": row.action,
        "entity_type": row.entity_type,
        "entity_id": row.entity_id,
        "reason": row.reason,
        "details": row.details,
    }


_TAKE_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def _lock_chain(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(_TAKE_CHAIN_LOCK, {"k": _PG_CHAIN_LOCK})


_PENDING = "kefu_audit_pending"


def record(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    entity_type: str | None = None,
    entity_id: object = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    actor_name: str | None = None,
    ip: str | None = None,
) -> None:
    """Audit an action of the caller's transaction; the row joins the chain at commit.

    Appending takes the chain lock, and the lock is held until the transaction ends, so
    the rows are appended as the last thing before COMMIT: a write holds the lock for its
    commit only, not for its whole request (which made every write in the center wait
    for the one before it). A transaction that rolls back leaves no audit row, as it
    leaves no change.
    """
    if not session.in_transaction():
        session.begin()  # so that a rollback, even before any SQL, forgets the row
    pending: list[AuditLog] = session.info.setdefault(_PENDING, [])
    pending.append(
        AuditLog(
            occurred_at=utcnow(),
            actor_id=actor.staff_id if actor else None,
            actor_name=(actor.username if actor else actor_name) or "system",
            ip=(actor.ip if actor else ip),
            action=action,
            entity_type=entity_type,
            entity_id=None if entity_id is None else str(entity_id),
            reason=reason,
            details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str),
        )
    )


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A savepoint whose audit rows go with it: rolled back, it forgets the rows recorded
    inside as it forgets its changes (they wait in the session until the commit)."""
    kept = len(session.info.setdefault(_PENDING, []))
    try:
        with session.begin_nested():
            yield
    except BaseException:
        del session.info.get(_PENDING, [])[kept:]
        raise


def record_now(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    entity_type: str | None = None,
    entity_id: object = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Audit an action and append it to the chain at once, for callers that must show
    the row's sequence number (an unmasking, an export)."""
    record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        reason=reason,
        details=details,
    )
    return append_pending(session)[-1]


def record_export(
    session: Session,
    *,
    actor: Principal,
    action: str,
    entity_type: str,
    asked: BaseModel,
    scope_path: str | None,
    rows: int,
    masked: bool | None = None,
) -> AuditLog:
    """An export's audit row, the same for every export: who took what (what was asked,
    less its reason; the scope; the row count; whether numbers were masked) and why."""
    details: dict[str, Any] = {
        "filter": asked.model_dump(mode="json", exclude={"reason"}, exclude_none=True),
        "scope": scope_path or "/",
        "rows": rows,
    }
    if masked is not None:
        details["masked"] = masked
    return record_now(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        reason=getattr(asked, "reason", None),
        details=details,
    )


_CHAIN_HEAD = select(AuditLog.seq, AuditLog.hash).order_by(AuditLog.seq.desc()).limit(1)
_AUDIT_TABLE = cast(Table, AuditLog.__table__)
_APPEND = insert(_AUDIT_TABLE)
_STORED = tuple(c.key for c in _AUDIT_TABLE.columns if c.key != "id")


def append_pending(session: Session) -> list[AuditLog]:
    """Chain and insert the session's pending audit rows (called before every commit).

    The rows go in as one plain INSERT on the session's connection, not through the
    ORM's flush: they are never changed afterwards, and the flush's bookkeeping cost
    more than the rest of a new work order's statements together.
    """
    pending: list[AuditLog] = session.info.pop(_PENDING, [])
    if not pending:
        return []
    connection = session.connection()
    _lock_chain(connection)
    last = connection.execute(_CHAIN_HEAD).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    for row in pending:
        row.seq, row.prev_hash = seq, prev_hash
        row.hash = _row_digest(prev_hash, _hashed_fields(row))
        seq, prev_hash = seq + 1, row.hash
    connection.execute(_APPEND, [{key: getattr(row, key) for key in _STORED} for row in pending])
    return pending


@event.listens_for(Session, "before_commit")
def _append_before_commit(session: Session) -> None:
    append_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # also when nothing reached the database yet; a savepoint's rollback keeps them
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of a chain check: rows read and every problem found, by sequence number."""

    rows: int
    problems: list[str]
    head_seq: int
    head_hash: str

    @property
    def ok(self) -> bool:
        """True when the chain is intact."""
        return not self.problems


def verify(
    session: Session, *, expect_head: tuple[int, str] | None = None, batch: int = 5000
) -> VerifyReport:
    """Walk the whole chain in order and report tampered, missing or relinked rows."""
    problems: list[str] = []
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditLog).where(AuditLog.seq > last_seq).order_by(AuditLog.seq).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            count += 1
            if row.seq != expected_seq:
                problems.append(f"rows {expected_seq}..{row.seq - 1} are missing")
            if row.prev_hash != prev_hash:
                problems.append(f"row {row.seq} does not link to the row before it")
            if _row_digest(row.prev_hash, _hashed_fields(row)) != row.hash:
                problems.append(f"row {row.seq} was altered after it was written")
            expected_seq, prev_hash, last_seq = row.seq + 1, row.hash, row.seq
        session.expunge_all()
    if expect_head is not None:
        problems.extend(_check_anchor(session, expect_head, last_seq))
    return VerifyReport(rows=count, problems=problems, head_seq=last_seq, head_hash=prev_hash)


def _check_anchor(session: Session, anchor: tuple[int, str], head_seq: int) -> list[str]:
    seq, digest = anchor
    if seq > head_seq:
        return [f"rows {head_seq + 1}..{seq} are missing from the end of the chain"]
    stored = session.scalar(select(AuditLog.hash).where(AuditLog.seq == seq))
    if stored != digest:
        return [f"row {seq} does not match the anchored hash"]
    return []
