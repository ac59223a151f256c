"""Planted churn: the demo's leavers are drawn from a known model over kefu's own features.

Two four-week windows before today get leavers, so the churn model can be trained on the
first and judged on the second exactly as it is used: features at a cut-off, leavers in
the weeks after. The planted drivers (falling spend, a lapsed top-up habit and an empty
balance, complaints, repeat complaints, dissatisfied return visits, many contacts, a tier
lost at a monthly review) are what a good model must rank first; the test of the model
checks it does.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from kefu.analytics.churn_features import Cutoff, FeatureTable, build_features
from kefu.contact.enums import ContactChannel
from kefu.contact.models import Interaction
from kefu.core.clock import day_start_utc, month_key
from kefu.customers.enums import CustomerStatus, SubscriptionStatus
from kefu.customers.models import Customer, MonthlySpend, Payment, Subscription
from kefu.ivr.models import IvrSession, IvrVisit
from kefu.workorders.models import WorkOrder

# Log-odds per unit of each feature; the intercept is solved for the base rate.
PLANTED: dict[str, float] = {
    "spend_trend": -1.2,
    "days_since_payment": 0.012,
    "balance": -0.008,
    "complaints_90d": 0.9,
    "repeats_90d": 0.8,
    "dissatisfied_180d": 1.2,
    "contacts_30d": 0.15,
    "tier_downgrades_180d": 0.6,
    "tenure_months": -0.004,
}
BASE_RATE = 0.025  # of the numbers in service, the share that leaves in four weeks
WINDOWS = (56, 28)  # cut-offs, in days before today


def plant_churn(engine: Engine, *, seed: int, today: date) -> int:
    """Cancel the planted leavers of both windows; returns how many numbers left."""
    rng = random.Random(seed + 11)
    left = 0
    for days_back in WINDOWS:
        cutoff = Cutoff(today - timedelta(days=days_back))
        with Session(engine) as session:
            table = build_features(session, cutoff)
        chosen = _leavers(table, rng)
        closing = {int(sid): cutoff.day + timedelta(days=rng.randrange(28)) for sid in chosen}
        with Session(engine) as session:
            closing = _after_last_order(session, closing, cutoff)
        with engine.begin() as connection:
            _cancel(connection, closing)
        left += len(closing)
    return left


def planted_probability(table: FeatureTable) -> np.ndarray:
    """Each number's chance of leaving under the planted model, at the base rate."""
    weights = np.array([PLANTED.get(name, 0.0) for name in table.columns])
    score = table.values @ weights
    low, high = -20.0, 5.0  # bisection on the intercept: the mean chance is the base rate
    for _ in range(60):
        middle = (low + high) / 2
        if float(np.mean(1 / (1 + np.exp(-(middle + score))))) < BASE_RATE:
            low = middle
        else:
            high = middle
    return np.asarray(1 / (1 + np.exp(-(low + score))))


def _leavers(table: FeatureTable, rng: random.Random) -> list[int]:
    if not len(table.ids):
        return []
    chance = planted_probability(table)
    return [int(sid) for sid, p in zip(table.ids, chance, strict=True) if rng.random() < p]


def _after_last_order(
    session: Session, closing: dict[int, date], cutoff: Cutoff
) -> dict[int, date]:
    """The orders and the inbox's texts were drawn before anyone left: a leaver who opened
    an order or texted later in the window leaves on that day, and one who does so after
    the window stays (no order is opened, and no text sent, from a closed number)."""
    if not closing:
        return closing
    zone = ZoneInfo(cutoff.timezone)
    last: dict[int, date] = {}
    leaving = Subscription.id.in_(list(closing))
    orders = (
        select(Subscription.id, WorkOrder.created_at)
        .join(WorkOrder, WorkOrder.contact_phone == Subscription.msisdn)
        .where(leaving, WorkOrder.created_at >= cutoff.instant)
    )
    texts = (
        select(Subscription.id, Interaction.offered_at)
        .join(Interaction, Interaction.address == Subscription.msisdn)
        .where(
            leaving,
            Interaction.channel == ContactChannel.SMS,
            Interaction.offered_at >= cutoff.instant,
        )
    )
    rows = [*session.execute(orders), *session.execute(texts)]
    for sid, created in rows:
        day = created.astimezone(zone).date()
        last[sid] = max(day, last.get(sid, day))
    window_end = cutoff.day + timedelta(days=cutoff.horizon_days)
    kept: dict[int, date] = {}
    for sid, day in closing.items():
        ordered = last.get(sid)
        if ordered is None or ordered <= day:
            kept[sid] = day
        elif ordered < window_end:
            kept[sid] = ordered
    return kept


def _cancel(connection: Connection, closing: dict[int, date]) -> None:
    if not closing:
        return
    rows = [
        {
            "sid": sid,
            "day": day,
            "start": day_start_utc(day),
            "after": day_start_utc(day + timedelta(days=1)),
            "month": month_key(day),
        }
        for sid, day in closing.items()
    ]
    connection.execute(
        update(Subscription)
        .where(Subscription.id == bindparam("sid"))
        .values(status=SubscriptionStatus.CANCELLED, closed_on=bindparam("day")),
        rows,
    )
    connection.execute(
        delete(Payment).where(
            Payment.subscription_id == bindparam("sid"), Payment.paid_at >= bindparam("start")
        ),
        rows,
    )
    # The past calls were drawn before anyone left: a closed number's calls after its last
    # day go, with their IVR sessions (nothing else refers to them).
    number = select(Subscription.msisdn).where(Subscription.id == bindparam("sid"))
    owner = select(Subscription.customer_id).where(Subscription.id == bindparam("sid"))
    later_calls = (
        # by the customer first: their calls are indexed by customer and time (the number
        # alone scanned every call, 70 s for 2,800 leavers)
        Interaction.customer_id == owner.scalar_subquery(),
        Interaction.address == number.scalar_subquery(),
        # not IN (...): an expanding list cannot go with executemany
        or_(
            Interaction.channel == ContactChannel.VOICE,
            Interaction.channel == ContactChannel.IVR,
        ),
        Interaction.offered_at >= bindparam("after"),
    )
    calls = select(Interaction.id).where(*later_calls)
    sessions = select(IvrSession.id).where(IvrSession.interaction_id.in_(calls))
    connection.execute(delete(IvrVisit).where(IvrVisit.session_id.in_(sessions)), rows)
    connection.execute(delete(IvrSession).where(IvrSession.interaction_id.in_(calls)), rows)
    connection.execute(delete(Interaction).where(*later_calls), rows)
    connection.execute(
        delete(MonthlySpend).where(
            MonthlySpend.subscription_id == bindparam("sid"),
            MonthlySpend.month > bindparam("month"),
        ),
        rows,
    )
    still_open = (
        select(func.count())
        .where(
            Subscription.customer_id == Customer.id,
            Subscription.status != SubscriptionStatus.CANCELLED,
        )
        .scalar_subquery()
    )
    customers = select(Subscription.customer_id).where(Subscription.id.in_(list(closing)))
    connection.execute(
        update(Customer)
        .where(and_(Customer.id.in_(customers), still_open == 0))
        .values(status=CustomerStatus.CANCELLED)
    )
