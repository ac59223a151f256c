"""Weeks of past calls for the demo, so the forecast, staffing and figures have a history.

Volumes follow the hotline's day (``simulator.WEEKDAY_SHAPE``), busier on Mondays and
quieter at weekends and on official holidays; most calls end in self-service, the rest
queue, wait, are answered or give up, and are handled in about four minutes. Rows go in
with Core inserts in batches: weeks of calls are a hundred thousand rows.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Table, func, insert, select
from sqlalchemy.orm import Session

from kefu.analytics.forecast import DayKind, day_kind
from kefu.contact.enums import ContactChannel, EndReason, InteractionStatus
from kefu.contact.models import Interaction
from kefu.core.base import utcnow
from kefu.core.db import make_sessionmaker
from kefu.core.rbac import Role
from kefu.customers.models import Subscription
from kefu.demo.bulk import move_id_sequences
from kefu.demo.ivr_history import session_rows, visit_rows, walks
from kefu.demo.simulator import WEEKDAY_SHAPE
from kefu.ivr.models import IvrFlow, IvrFlowVersion, IvrSession, IvrVisit
from kefu.org.models import Staff
from kefu.routing.models import Queue

_WEEKDAY_LEVEL = (1.2, 1.05, 1.0, 1.0, 1.05, 0.75, 0.7)
_HOLIDAY_LEVEL = 0.5
SELF_SERVICE_SHARE = 0.72
ABANDON_SHARE = 0.06
HANDLE_SECONDS = 240.0
_BATCH = 5_000


def day_level(day: date) -> float:
    """How busy a day is against a midweek day, by the official calendar."""
    kind = day_kind(day)
    if kind is DayKind.HOLIDAY:
        return _HOLIDAY_LEVEL
    if kind is DayKind.WORKDAY and day.weekday() >= 5:
        return 1.0  # a swapped weekend day works like a midweek day
    return _WEEKDAY_LEVEL[day.weekday()]


def generate_call_history(
    engine: Engine, *, seed: int, today: date, weeks: int, calls_per_day: float, timezone: str
) -> int:
    """Write ``weeks`` weeks of ended calls before ``today``; returns how many."""
    rng = random.Random(seed)
    zone = ZoneInfo(timezone)
    shape = [n / sum(WEEKDAY_SHAPE) for n in WEEKDAY_SHAPE]
    written = 0
    with make_sessionmaker(engine)() as session, session.begin():
        callers = [
            _Caller(row.customer_id, row.msisdn, row.opened_on, row.closed_on)
            for row in session.execute(
                select(
                    Subscription.customer_id,
                    Subscription.msisdn,
                    Subscription.opened_on,
                    Subscription.closed_on,
                )
                .order_by(Subscription.id)
                .limit(20_000)
            )
        ]
        agents = list(session.scalars(select(Staff.id).where(Staff.role == Role.AGENT)))
        queue = session.scalar(select(Queue.id).order_by(Queue.id))
        version = _published_flow_version(session)
        queues = {code: id_ for code, id_ in session.execute(select(Queue.code, Queue.id))}
        journeys = random.Random(seed + 29)  # its own stream: the calls stay as they were
        # Ids given here, so each call's IVR session can name it without a RETURNING
        # (which made the inserts row by row: 24 s more for 170,000 calls).
        next_id = (session.scalar(select(func.max(Interaction.id))) or 0) + 1
        rows: list[dict[str, Any]] = []
        for back in range(weeks * 7, 0, -1):
            day = today - timedelta(days=back)
            midnight = datetime.combine(day, datetime.min.time(), zone)
            for slot, share in enumerate(shape):
                for _ in range(_poisson(rng, share * calls_per_day * day_level(day))):
                    offered = midnight + timedelta(seconds=slot * 1800 + rng.uniform(0, 1800))
                    caller = _caller_on(rng, callers, day)
                    rows.append(_call(rng, offered, caller, queue, agents))
            if len(rows) >= _BATCH:
                _write(session, rows, next_id, journeys, version, queues)
                written, next_id, rows = written + len(rows), next_id + len(rows), []
        if rows:
            _write(session, rows, next_id, journeys, version, queues)
            written += len(rows)
        move_id_sequences(session, ("contact_interactions", "ivr_sessions"))
    return written


def _published_flow_version(session: Session) -> int | None:
    """The version of the center's first flow that answers calls (the shipped hotline)."""
    return session.scalar(
        select(IvrFlowVersion.id)
        .join(IvrFlow, IvrFlow.id == IvrFlowVersion.flow_id)
        .where(IvrFlowVersion.number == IvrFlow.published_number)
        .order_by(IvrFlow.id)
        .limit(1)
    )


def _write(
    session: Session,
    rows: list[dict[str, Any]],
    first_id: int,
    rng: random.Random,
    version: int | None,
    queues: dict[str, int],
) -> None:
    """The calls, numbered from ``first_id``, and each one's IVR session (when the center
    has a flow)."""
    for offset, row in enumerate(rows):
        row["id"] = first_id + offset
    walked = walks(rng, rows, queues) if version is not None else []
    session.execute(insert(Interaction), rows)
    if version is not None:
        ids = [row["id"] for row in rows]
        sessions = cast(Table, IvrSession.__table__)  # Core: one statement for the batch
        session.connection().execute(insert(sessions), session_rows(rows, walked, ids, version))
        visits = cast(Table, IvrVisit.__table__)
        session.connection().execute(insert(visits), visit_rows(rows, walked, ids))


class _Caller(NamedTuple):
    customer_id: int
    number: str
    opened_on: date
    closed_on: date | None


def _caller_on(rng: random.Random, callers: list[_Caller], day: date) -> _Caller | None:
    """A number in service on ``day``: a closed number calls no more, a new one not yet.
    Drawn again a few times, as nearly every number is; none when the demo has none."""
    for _ in range(20):
        caller = rng.choice(callers) if callers else None
        if caller is None:
            return None
        if caller.opened_on <= day and (caller.closed_on is None or caller.closed_on > day):
            return caller
    return None


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by counting exponential gaps (means here are small)."""
    count, elapsed = 0, rng.expovariate(1.0)
    while elapsed < mean:
        count += 1
        elapsed += rng.expovariate(1.0)
    return count


def _call(
    rng: random.Random,
    offered: datetime,
    caller: _Caller | None,
    queue: int | None,
    agents: list[int],
) -> dict[str, Any]:
    customer, number = (caller.customer_id, caller.number) if caller else (None, "")
    ivr_seconds = rng.uniform(15, 60)
    base = {
        "status": InteractionStatus.ENDED,
        "customer_id": customer,
        "address": number,
        "offered_at": offered,
    }
    now = utcnow()
    base.update(created_at=now, updated_at=now)
    if rng.random() < SELF_SERVICE_SHARE:
        ended = offered + timedelta(seconds=ivr_seconds)
        return {
            **base,
            "channel": ContactChannel.IVR,
            "end_reason": EndReason.SELF_SERVICE,
            "ended_at": ended,
        }
    queued = offered + timedelta(seconds=ivr_seconds)
    if rng.random() < ABANDON_SHARE:
        gave_up = queued + timedelta(seconds=rng.expovariate(1 / 60))
        return {
            **base,
            "channel": ContactChannel.VOICE,
            "end_reason": EndReason.ABANDONED,
            "queue_id": queue,
            "queued_at": queued,
            "ended_at": gave_up,
        }
    answered = queued + timedelta(seconds=rng.expovariate(1 / 12))
    talk = rng.expovariate(1 / (HANDLE_SECONDS - 30))
    ended = answered + timedelta(seconds=talk)
    return {
        **base,
        "channel": ContactChannel.VOICE,
        "end_reason": EndReason.COMPLETED,
        "queue_id": queue,
        "queued_at": queued,
        "answered_at": answered,
        "agent_id": rng.choice(agents) if agents else None,
        "ended_at": ended,
        "wrapped_up_at": ended + timedelta(seconds=30),
        "wrap_up_code": "solved.first",
    }
