"""The demo's return visits the customers gave themselves: of the complaints' return visits
done in the last two months (since the center texts 回复1满意，2一般，3不满意), a share were
answered by text and a few on the self-service page. Each is written as the lifecycle
writes one: no staff member on the visit, its timeline step the customer's, saying how."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, select, update

from kefu.workorders.enums import ANSWERED_VISITS, EventKind, OrderStatus, VisitOutcome
from kefu.workorders.models import OrderEvent, ReturnVisit

SINCE = timedelta(days=60)
SHARE = 0.35  # of the visits done since: given by the customer
ON_THE_WEB = 0.2  # of those: on the self-service page, the rest by text


def generate_self_visits(engine: Engine, *, seed: int, now: datetime | None = None) -> int:
    """Make some recent return visits the customers' own; returns how many."""
    with engine.begin() as connection:
        return give_to_customers(connection, seed=seed, now=now or datetime.now(UTC))


def give_to_customers(connection: Connection, *, seed: int, now: datetime) -> int:
    """``generate_self_visits`` in the caller's transaction."""
    rng = random.Random(seed + 83)
    done = connection.execute(
        select(ReturnVisit.id, ReturnVisit.order_id, ReturnVisit.done_at, ReturnVisit.outcome)
        .where(
            ReturnVisit.done_at >= now - SINCE,
            ReturnVisit.outcome.in_([str(outcome) for outcome in ANSWERED_VISITS]),
            ReturnVisit.visitor_id.is_not(None),
        )
        .order_by(ReturnVisit.id)
    ).all()
    given = 0
    for visit_id, order_id, done_at, outcome in done:
        if rng.random() >= SHARE or done_at is None or outcome is None:
            continue  # (the query asked for done and answered ones: for the type checker)
        via = "web" if rng.random() < ON_THE_WEB else "sms"
        # a customer's "1" or "2" carries no words; a "3" says what is still wrong
        kept = {} if outcome == VisitOutcome.DISSATISFIED else {"note": ""}
        connection.execute(
            update(ReturnVisit).where(ReturnVisit.id == visit_id).values(visitor_id=None, **kept)
        )
        _make_step_the_customers(connection, order_id, done_at, outcome, via)
        given += 1
    return given


def _make_step_the_customers(
    connection: Connection, order_id: int, done_at: datetime, outcome: str, via: str
) -> None:
    """The visit's timeline step (the close after it, or the reopening when dissatisfied)
    becomes the customer's, as the lifecycle records a customer's own answer."""
    step = connection.execute(
        select(OrderEvent.id, OrderEvent.details).where(
            OrderEvent.order_id == order_id,
            OrderEvent.kind == EventKind.TRANSITION,
            OrderEvent.from_status == OrderStatus.RETURN_VISIT,
            OrderEvent.occurred_at == done_at,
        )
    ).first()
    if step is None:
        return
    details = {**json.loads(step.details or "{}"), "outcome": outcome, "by_customer": via}
    connection.execute(
        update(OrderEvent)
        .where(OrderEvent.id == step.id)
        .values(actor_id=None, details=json.dumps(details, ensure_ascii=False))
    )
