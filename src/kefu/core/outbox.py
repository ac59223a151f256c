"""The transactional outbox: side effects written with the business change, run after it.

A job row is inserted in the same transaction as the write that causes it, so it exists
exactly when the write does. ``kefu worker`` claims due jobs (PostgreSQL: ``FOR UPDATE
SKIP LOCKED``, so several workers on several hosts share the table; SQLite: one writer at
a time anyway), runs the handler for the job's kind, and marks it done. A worker killed
mid-job loses nothing: the claim is a lease that runs out, and the job is claimed again.
Failures are retried with exponential backoff; after ``max_attempts`` the job is dead
and stays for an operator to look at.

A handler reads what it needs and decides what to send (a ``Sending``), in a transaction
that only reads. The sending itself — an SMTP server, an SMS gateway, a billing system —
happens outside any transaction: a gateway slow to answer must not hold SQLite's one
write lock for its timeout, which stops every desk of the center from saving. What came
of it is then written in a short transaction of its own, with the delivery record that
keeps the job's ``message_id`` from being delivered twice; adapters pass that id on too
(the SMTP Message-ID, a gateway's idempotency key), so a worker killed between sending
and recording is recognised as a repeat by the other side.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import Index, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from kefu.core.base import Base, IdMixin, utcnow
from kefu.core.db import unit_of_work

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
BASE_DELAY = timedelta(seconds=30)


class JobStatus(StrEnum):
    """Why: pending jobs run, done jobs are kept for the record, dead jobs need a person."""

    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"


class Job(IdMixin, Base):
    """Why: a side effect (SMS, e-mail, escalation) committed with its cause or not at all."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "run_at"),)

    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[JobStatus] = mapped_column(String(16), default=JobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]


class Delivery(Base):
    """Why: at most one delivery per message id, whatever retries and crashes happen."""

    __tablename__ = "outbox_deliveries"

    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    delivered_at: Mapped[datetime] = mapped_column(default=utcnow)


Answer = TypeVar("Answer")


def _nothing_to_record(session: Session, answer: object) -> None:
    """Why: most sendings need only their delivery record."""


@dataclass(frozen=True)
class Sending(Generic[Answer]):
    """What a job decided to send: ``send`` runs outside any transaction and must use only
    plain values (no rows of the deciding session); ``record`` writes what came of its
    answer, in the transaction that records the delivery."""

    channel: str
    send: Callable[[], Answer]
    record: Callable[[Session, Answer], object] = _nothing_to_record


Handler = Callable[[Session, dict[str, Any], str], "Sending[Any] | None"]
_handlers: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of a kind."""

    def register(function: Handler) -> Handler:
        _handlers[kind] = function
        return function

    return register


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any],
    run_at: datetime | None = None,
    message_id: str | None = None,
    max_attempts: int = 8,
) -> Job:
    """Add a job to the caller's transaction."""
    job = Job(
        kind=kind,
        payload=json.dumps(payload, ensure_ascii=False, default=str),
        message_id=message_id or uuid.uuid4().hex,
        run_at=run_at or utcnow(),
        max_attempts=max_attempts,
    )
    session.add(job)
    return job


def queued_once(session: Session, message_id: str) -> bool:
    """Whether a job with this message id was ever queued (jobs are kept once done): what
    a reminder sent once a week asks before queueing its week's message."""
    return session.scalar(select(Job.id).where(Job.message_id == message_id)) is not None


def _claim(session: Session, limit: int) -> list[Job]:
    now = utcnow()
    query = (
        select(Job)
        .where(Job.status == JobStatus.PENDING, Job.run_at <= now)
        .order_by(Job.run_at, Job.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    jobs = list(session.scalars(query))
    for job in jobs:  # the lease: if this worker dies, the job is due again later
        job.attempts += 1
        job.run_at = now + LEASE
    return jobs


@dataclass
class RunReport:
    """What one pass of the worker did."""

    done: int = 0
    retried: int = 0
    dead: int = 0


def run_due(factory: sessionmaker[Session], *, limit: int = 50) -> RunReport:
    """Claim due jobs, run each in its own transaction, record the outcome."""
    with unit_of_work(factory, write=True) as session:
        claimed = [(j.id, j.kind, j.payload, j.message_id) for j in _claim(session, limit)]
    report = RunReport()
    for job_id, kind, payload, message_id in claimed:
        error = _run_one(factory, job_id, kind, payload, message_id)
        with unit_of_work(factory, write=True) as session:
            outcome = _settle(session, job_id, error)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _run_one(
    factory: sessionmaker[Session], job_id: int, kind: str, payload: str, message_id: str
) -> str | None:
    function = _handlers.get(kind)
    if function is None:
        return f"no handler for job kind {kind!r}"
    try:
        with unit_of_work(factory) as session:  # reads only: no write lock is taken
            delivered = session.get(Delivery, message_id) is not None
            sending = None if delivered else function(session, json.loads(payload), message_id)
        if sending is not None:
            answer = sending.send()
            with unit_of_work(factory, write=True) as session:
                _record(session, message_id, sending, answer)
    except Exception as failure:  # a job's failure is recorded, never fatal to the worker
        log.warning("job %s (%s) failed: %s", job_id, kind, failure)
        return f"{type(failure).__name__}: {failure}"[:2000]
    return None


def _settle(session: Session, job_id: int, error: str | None) -> str:
    job = session.get(Job, job_id)
    assert job is not None
    if error is None:
        job.status, job.done_at, job.last_error = JobStatus.DONE, utcnow(), ""
        return "done"
    job.last_error = error
    if job.attempts >= job.max_attempts:
        job.status = JobStatus.DEAD
        return "dead"
    job.run_at = utcnow() + BASE_DELAY * 2 ** (job.attempts - 1)
    return "retried"


def _record(session: Session, message_id: str, sending: Sending[Any], answer: Any) -> None:
    """Record the delivery and what came of it, unless another worker (one whose lease ran
    out while it sent) recorded it first: the other side saw a repeat, nothing is new."""
    if session.get(Delivery, message_id) is not None:
        return
    session.add(Delivery(message_id=message_id, channel=sending.channel))
    session.flush()
    sending.record(session, answer)


def retry_dead(session: Session, job_ids: list[int]) -> int:
    """Give dead jobs another round of attempts (operator action)."""
    result = session.execute(
        update(Job)
        .where(Job.id.in_(job_ids), Job.status == JobStatus.DEAD)
        .values(status=JobStatus.PENDING, attempts=0, run_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
