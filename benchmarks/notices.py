"""Sending a province-wide notice to big customers: the request's part, then the worker's
batches, each timed; next to the batch's own audience read alone (the reference, in the
same process). What it wrote is removed afterwards (the audit rows stay: they are
append-only), so the cached database is left as it was."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from benchmarks.workorders import supervisor
from kefu.core import outbox
from kefu.core.base import utcnow
from kefu.core.db import make_engine, make_sessionmaker, unit_of_work
from kefu.customers.models import Customer
from kefu.notices import audience, sending, service
from kefu.notices.enums import Audience, NoticeKind
from kefu.notices.models import Notice, NoticeKeyPerson, NoticeRecipient
from kefu.notices.schemas import NoticeCreate
from kefu.org.models import OrgUnit

ZONE = "Asia/Shanghai"


def run(url: str) -> dict[str, Any]:
    """One notice to the whole center's big customers, sent and sent on, then removed."""
    factory = make_sessionmaker(make_engine(url))
    started_at = utcnow()
    with unit_of_work(factory, write=True) as session:
        root = session.scalar(select(OrgUnit.id).where(OrgUnit.path == "/1/"))
        starts = utcnow() + timedelta(days=2)
        data = NoticeCreate(
            kind=NoticeKind.CUTOVER,
            title="全省核心网割接（基准测试）",
            body="基准测试。",
            org_unit_id=root or 1,
            audience=Audience.BOTH,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
        )
        notice = service.create(session, data=data, by=supervisor(session))
        began = time.perf_counter()
        planned = service.send(session, notice, by=supervisor(session), zone=ZONE)
        notice_id = notice.id
    request_ms = (time.perf_counter() - began) * 1000
    batches = _send_on(factory)
    reference = _audience_read(factory, notice_id)
    _remove(factory, notice_id, started_at)
    median = statistics.median(batches) if batches else 0.0
    return {
        "customers": planned.customers,
        "key_people": planned.key_people,
        "request_ms": round(request_ms, 1),
        "batches": len(batches),
        "batch_ms_median": round(median, 1),
        "batch_ms_max": round(max(batches, default=0.0), 1),
        "sent_on_seconds": round(sum(batches) / 1000, 1),
        "reference_read_of_a_batch_ms": round(reference, 2),
        "batch_multiple_of_reference": round(median / max(reference, 0.01), 1),
    }


def _send_on(factory: Any) -> list[float]:
    """Run the notice's pending batch jobs one by one, as the worker does; their times."""
    times: list[float] = []
    while True:
        with unit_of_work(factory) as session:
            job = session.scalar(
                select(outbox.Job)
                .where(outbox.Job.kind == sending.SEND_ON, outbox.Job.status == "pending")
                .order_by(outbox.Job.id)
            )
            if job is None:
                return times
            claimed = (job.id, job.kind, job.payload, job.message_id)
        began = time.perf_counter()
        failed = outbox._run_one(factory, *claimed)
        with unit_of_work(factory, write=True) as session:
            outbox._settle(session, claimed[0], failed)
        times.append((time.perf_counter() - began) * 1000)
        assert failed is None, failed


def _audience_read(factory: Any, notice_id: int, rounds: int = 20) -> float:
    """The reference: one batch's audience read alone (median ms)."""
    times = []
    with unit_of_work(factory) as session:
        notice = session.get(Notice, notice_id)
        assert notice is not None
        query = audience.customers(session, notice).where(Customer.id > 0).limit(sending.BATCH)
        for _ in range(rounds):
            began = time.perf_counter()
            session.execute(query).all()
            times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def _remove(factory: Any, notice_id: int, since: Any) -> None:
    """What the run wrote, but the audit rows (append-only)."""
    with unit_of_work(factory, write=True) as session:
        session.execute(delete(NoticeRecipient).where(NoticeRecipient.notice_id == notice_id))
        session.execute(delete(NoticeKeyPerson).where(NoticeKeyPerson.notice_id == notice_id))
        session.execute(delete(outbox.Delivery).where(outbox.Delivery.delivered_at >= since))
        session.execute(delete(outbox.Job).where(outbox.Job.created_at >= since))
        session.execute(delete(Notice).where(Notice.id == notice_id))
