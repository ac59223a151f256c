"""Churn features of every number in service on a date, read from kefu's own data.

Each feature is computed as of a cut-off instant from rows dated before it, so a model
trained on an old cut-off and judged on a later one never sees the future. The label of
a cut-off is whether the number was cancelled within the horizon after it. Everything is
summed in the database in one grouped query per source, joined to the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from kefu.contact.enums import Direction
from kefu.contact.models import Interaction
from kefu.core.clock import DEFAULT_TIMEZONE, add_months, day_start_utc, month_key
from kefu.core.sqltime import days_before, microseconds_between
from kefu.customers.enums import TIER_RANK
from kefu.customers.models import Customer, MonthlySpend, Payment, Subscription, TierChange
from kefu.workorders.enums import OrderStatus, OrderType
from kefu.workorders.models import ReturnVisit, WorkOrder

FEATURES: tuple[str, ...] = (
    "tenure_months",
    "spend_3m",
    "spend_trend",
    "balance",
    "days_since_payment",
    "payments_90d",
    "complaints_90d",
    "repeats_90d",
    "dissatisfied_180d",
    "contacts_30d",
    "tier_downgrades_180d",
)
NEVER_PAID_DAYS = 365.0  # a number with no payment in the data reads as a year without one
MICROS_PER_DAY = 86_400 * 1_000_000


@dataclass(frozen=True)
class FeatureTable:
    """Rows of numbers by columns of features; ``label`` when the outcome is known."""

    ids: np.ndarray  # subscription ids (or any row key of a table from elsewhere)
    columns: tuple[str, ...]
    values: np.ndarray  # float64, rows x columns
    label: np.ndarray | None = None  # 1 = left within the horizon


@dataclass(frozen=True)
class Cutoff:
    """A local date whose midnight is the cut-off, and the horizon the label looks ahead."""

    day: date
    horizon_days: int = 28
    timezone: str = DEFAULT_TIMEZONE

    @property
    def instant(self) -> datetime:
        return day_start_utc(self.day, self.timezone)

    def before(self, days: int) -> datetime:
        return self.instant - timedelta(days=days)


def build_features(
    session: Session,
    cutoff: Cutoff,
    *,
    with_label: bool = False,
    numbers: ColumnElement[bool] | None = None,
) -> FeatureTable:
    """The feature table of numbers in service at the cut-off (``numbers`` narrows them)."""
    rows = session.execute(feature_query(cutoff, with_label=with_label, numbers=numbers)).all()
    raw = np.array(rows, dtype=np.float64).reshape(len(rows), len(RAW) + 1 + with_label)
    return FeatureTable(
        ids=raw[:, 0].astype(np.int64),
        columns=FEATURES,
        values=derive(raw[:, 1 : 1 + len(RAW)]),
        label=raw[:, -1].astype(np.int8) if with_label else None,
    )


def derive(raw: np.ndarray) -> np.ndarray:
    """Features from the raw sums, in ``FEATURES`` order (logs and units done here, not in
    SQL, because SQLite may be built without its maths functions)."""
    c = {name: raw[:, i] for i, name in enumerate(RAW)}
    unpaid = np.where(c["unpaid_us"] < 0, NEVER_PAID_DAYS, c["unpaid_us"] / MICROS_PER_DAY)
    return np.column_stack(
        (
            c["tenure_days"] / 30.4375,
            c["last3_fen"] / 300.0,  # yuan a month
            np.log((c["last3_fen"] + 300.0) / (c["prior3_fen"] + 300.0)),
            c["balance_fen"] / 100.0,
            np.minimum(unpaid, NEVER_PAID_DAYS),
            c["payments_90d"],
            c["complaints_90d"],
            c["repeats_90d"],
            c["dissatisfied_180d"],
            c["contacts_30d"],
            c["tier_downgrades_180d"],
        )
    )


RAW: tuple[str, ...] = (
    "tenure_days",
    "last3_fen",
    "prior3_fen",
    "balance_fen",
    "unpaid_us",
    "payments_90d",
    "complaints_90d",
    "repeats_90d",
    "dissatisfied_180d",
    "contacts_30d",
    "tier_downgrades_180d",
)


def in_service(cutoff: Cutoff) -> ColumnElement[bool]:
    """Numbers open before the cut-off day and not cancelled before it."""
    return and_(
        Subscription.opened_on < cutoff.day,
        or_(Subscription.closed_on.is_(None), Subscription.closed_on >= cutoff.day),
    )


def feature_query(
    cutoff: Cutoff, *, with_label: bool = False, numbers: ColumnElement[bool] | None = None
) -> Select[Any]:
    """One SELECT: subscription id, the ``RAW`` sums in order, the label last."""
    spend, paid, orders, visits, contacts, tiers = (
        _spend(cutoff),
        _payments(cutoff),
        _orders(cutoff),
        _dissatisfied(cutoff),
        _contacts(cutoff),
        _downgrades(cutoff),
    )
    columns: list[Any] = [
        Subscription.id,
        days_before(Subscription.opened_on, cutoff.day),
        func.coalesce(spend.c.last3, 0),
        func.coalesce(spend.c.prior3, 0),
        func.coalesce(_balance_at(cutoff), 0),
        func.coalesce(microseconds_between(paid.c.last_paid, literal(cutoff.instant)), -1),
        func.coalesce(paid.c.recent, 0),
        func.coalesce(orders.c.complaints, 0),
        func.coalesce(orders.c.repeats, 0),
        func.coalesce(visits.c.dissatisfied, 0),
        func.coalesce(contacts.c.contacts, 0),
        func.coalesce(tiers.c.downgrades, 0),
    ]
    if with_label:
        horizon_end = cutoff.day + timedelta(days=cutoff.horizon_days)
        left = and_(Subscription.closed_on.is_not(None), Subscription.closed_on < horizon_end)
        columns.append(case((left, 1), else_=0))
    query = (
        select(*columns)
        .join(Customer, Customer.id == Subscription.customer_id)
        .outerjoin(spend, spend.c.subscription_id == Subscription.id)
        .outerjoin(paid, paid.c.subscription_id == Subscription.id)
        .outerjoin(orders, orders.c.customer_id == Subscription.customer_id)
        .outerjoin(visits, visits.c.customer_id == Subscription.customer_id)
        .outerjoin(contacts, contacts.c.customer_id == Subscription.customer_id)
        .outerjoin(tiers, tiers.c.customer_id == Subscription.customer_id)
        .where(in_service(cutoff))
        .order_by(Subscription.id)
    )
    return query.where(numbers) if numbers is not None else query


def _spend(cutoff: Cutoff) -> Any:
    """Spend of the three whole months before the cut-off's month, and the three before."""
    this = month_key(cutoff.day)
    last3 = MonthlySpend.month >= add_months(this, -3)
    return (
        select(
            MonthlySpend.subscription_id,
            func.sum(case((last3, MonthlySpend.amount_fen), else_=0)).label("last3"),
            func.sum(case((last3, 0), else_=MonthlySpend.amount_fen)).label("prior3"),
        )
        .where(MonthlySpend.month >= add_months(this, -6), MonthlySpend.month < this)
        .group_by(MonthlySpend.subscription_id)
        .subquery("spend")
    )


def _payments(cutoff: Cutoff) -> Any:
    recent = Payment.paid_at >= cutoff.before(90)
    return (
        select(
            Payment.subscription_id,
            func.max(Payment.paid_at).label("last_paid"),
            func.sum(case((recent, 1), else_=0)).label("recent"),
        )
        .where(Payment.paid_at < cutoff.instant, Payment.paid_at >= cutoff.before(400))
        .group_by(Payment.subscription_id)
        .subquery("paid")
    )


def _balance_at(cutoff: Cutoff) -> Any:
    """The balance right after the last payment before the cut-off (the index answers it)."""
    return (
        select(Payment.balance_after_fen)
        .where(Payment.subscription_id == Subscription.id, Payment.paid_at < cutoff.instant)
        .order_by(Payment.paid_at.desc())
        .limit(1)
        .scalar_subquery()
    )


def _orders(cutoff: Cutoff) -> Any:
    complaint = and_(
        WorkOrder.type == OrderType.COMPLAINT, WorkOrder.status != OrderStatus.CANCELLED
    )
    return (
        select(
            WorkOrder.customer_id,
            func.sum(case((complaint, 1), else_=0)).label("complaints"),
            func.sum(case((and_(complaint, WorkOrder.is_repeat), 1), else_=0)).label("repeats"),
        )
        .where(
            WorkOrder.created_at >= cutoff.before(90),
            WorkOrder.created_at < cutoff.instant,
            WorkOrder.customer_id.is_not(None),
        )
        .group_by(WorkOrder.customer_id)
        .subquery("orders")
    )


def _dissatisfied(cutoff: Cutoff) -> Any:
    return (
        select(WorkOrder.customer_id, func.count().label("dissatisfied"))
        .join(ReturnVisit, ReturnVisit.order_id == WorkOrder.id)
        .where(
            ReturnVisit.outcome == "dissatisfied",
            ReturnVisit.done_at >= cutoff.before(180),
            ReturnVisit.done_at < cutoff.instant,
        )
        .group_by(WorkOrder.customer_id)
        .subquery("visits")
    )


def _contacts(cutoff: Cutoff) -> Any:
    return (
        select(Interaction.customer_id, func.count().label("contacts"))
        .where(
            Interaction.offered_at >= cutoff.before(30),
            Interaction.offered_at < cutoff.instant,
            Interaction.direction == Direction.INBOUND,
            Interaction.customer_id.is_not(None),
        )
        .group_by(Interaction.customer_id)
        .subquery("contacts")
    )


def _downgrades(cutoff: Cutoff) -> Any:
    def rank(column: Any) -> Any:
        return case(*((column == tier.value, r) for tier, r in TIER_RANK.items()), else_=0)

    return (
        select(TierChange.customer_id, func.count().label("downgrades"))
        .where(
            TierChange.changed_at >= cutoff.before(180),
            TierChange.changed_at < cutoff.instant,
            rank(TierChange.to_tier) < rank(TierChange.from_tier),
        )
        .group_by(TierChange.customer_id)
        .subquery("tiers")
    )
