"""Customer value: RFM per number from its payments, K-Means segments named by profile.

Recency is the days since the last payment or top-up, frequency the payments of the last
year, monetary what they came to. Frequency and money are taken in logs (a few numbers
pay a hundred times what most do) and all three standardized before clustering, so no one
figure drowns the others. k is chosen by the silhouette within a range, measured on a
fixed sample (the silhouette costs n²), and the final clustering runs on every number.

A segment is named from how its centre stands against the average number: recent or
not, frequent or not, high-paying or not — the names a marketing team already uses
(高价值保持, 重点发展, 重点挽留, 一般 …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.orm import Session

from kefu.analytics.churn_features import Cutoff, in_service
from kefu.core.sqltime import microseconds_between
from kefu.customers.models import Customer, Payment, Subscription

WINDOW_DAYS = 365
K_RANGE = (4, 8)  # fewer than four segments tell a marketing team nothing new
SILHOUETTE_SAMPLE = 4_000  # the silhouette costs n²: 10,000 rows took 3 s a k
FIT_SAMPLE = 50_000  # k is chosen on at most this many numbers; the final fit uses all
SEED = 2026
MICROS_PER_DAY = 86_400 * 1_000_000


class RfmDataError(ValueError):
    """Too few numbers with payments to segment."""


@dataclass(frozen=True)
class RfmTable:
    """Numbers in service with their owner, branch and R (days), F (count), M (fen)."""

    subscription_ids: np.ndarray
    customer_ids: np.ndarray
    org_unit_ids: np.ndarray
    rfm: np.ndarray  # rows x 3: recency days, frequency, monetary fen


@dataclass(frozen=True)
class Segment:
    code: str
    size: int
    recency_days: float
    frequency: float
    monetary_fen: float


@dataclass
class Segmentation:
    """The chosen k, the silhouette of every k tried, and each number's segment."""

    k: int
    silhouettes: dict[int, float]
    segments: list[Segment]
    labels: list[str] = field(repr=False)  # the segment code of each row of the table


def rfm_query(cutoff: Cutoff, numbers: ColumnElement[bool] | None = None) -> Select[Any]:
    """Per number in service: ids, branch, days since last payment, count and sum in the
    year before the cut-off (numbers without a payment that year are left out)."""
    since = cutoff.instant - timedelta(days=WINDOW_DAYS)
    paid = (
        select(
            Payment.subscription_id,
            func.max(Payment.paid_at).label("last_paid"),
            func.count().label("frequency"),
            func.sum(Payment.amount_fen).label("monetary"),
        )
        .where(Payment.paid_at >= since, Payment.paid_at < cutoff.instant)
        .group_by(Payment.subscription_id)
        .subquery("paid")
    )
    query = (
        select(
            Subscription.id,
            Subscription.customer_id,
            Customer.org_unit_id,
            microseconds_between(paid.c.last_paid, literal(cutoff.instant)),
            paid.c.frequency,
            paid.c.monetary,
        )
        .join(paid, paid.c.subscription_id == Subscription.id)
        .join(Customer, Customer.id == Subscription.customer_id)
        .where(in_service(cutoff))
        .order_by(Subscription.id)
    )
    return query.where(numbers) if numbers is not None else query


def rfm_table(session: Session, cutoff: Cutoff) -> RfmTable:
    rows = session.execute(rfm_query(cutoff)).all()
    raw = np.array(rows, dtype=np.float64).reshape(len(rows), 6)
    rfm = np.column_stack((raw[:, 3] / MICROS_PER_DAY, raw[:, 4], raw[:, 5]))
    return RfmTable(
        raw[:, 0].astype(np.int64), raw[:, 1].astype(np.int64), raw[:, 2].astype(np.int64), rfm
    )


def standardized(rfm: np.ndarray) -> tuple[StandardScaler, np.ndarray]:
    """R as is, F and M in logs, all three to mean 0 and unit variance."""
    shaped = np.column_stack((rfm[:, 0], np.log1p(rfm[:, 1]), np.log1p(rfm[:, 2])))
    scaler = StandardScaler().fit(shaped)
    return scaler, scaler.transform(shaped)


def segment(rfm: np.ndarray, k_range: tuple[int, int] = K_RANGE) -> Segmentation:
    """Choose k by silhouette, cluster every row, name the clusters by their profile."""
    low, high = k_range
    if len(rfm) < max(50, 5 * high):
        raise RfmDataError(f"segmentation needs at least {max(50, 5 * high)} numbers with payments")
    _, points = standardized(rfm)
    rng = np.random.default_rng(SEED)
    fit_rows = rng.choice(len(points), min(len(points), FIT_SAMPLE), replace=False)
    judge_rows = fit_rows[: min(len(fit_rows), SILHOUETTE_SAMPLE)]
    silhouettes: dict[int, float] = {}
    for k in range(low, high + 1):
        trial = KMeans(n_clusters=k, n_init=3, random_state=SEED).fit(points[fit_rows])
        judged = trial.predict(points[judge_rows])
        if len(set(judged)) > 1:
            silhouettes[k] = float(silhouette_score(points[judge_rows], judged))
    best = max(silhouettes, key=lambda k: (round(silhouettes[k], 4), -k))
    final = KMeans(n_clusters=best, n_init=4, random_state=SEED).fit(points)
    return _named(rfm, final.labels_, best, silhouettes)


def _named(
    rfm: np.ndarray, clusters: np.ndarray, k: int, silhouettes: dict[int, float]
) -> Segmentation:
    means = rfm.mean(axis=0)
    codes: dict[int, str] = {}
    profiles = []
    for cluster in range(k):
        members = rfm[clusters == cluster]
        profiles.append((cluster, members.mean(axis=0), len(members)))
    taken: dict[str, int] = {}
    # The best-paying cluster claims a name first; a second cluster of the same profile
    # gets the name with a number, so no two segments share a code.
    for cluster, centre, _ in sorted(profiles, key=lambda p: -p[1][2]):
        base = profile_code(centre, means)
        taken[base] = taken.get(base, 0) + 1
        codes[cluster] = base if taken[base] == 1 else f"{base}_{taken[base]}"
    segments = [
        Segment(codes[c], int(n), float(centre[0]), float(centre[1]), float(centre[2]))
        for c, centre, n in sorted(profiles, key=lambda p: -p[1][2])
    ]
    labels = [codes[int(c)] for c in clusters]
    return Segmentation(k, silhouettes, segments, labels)


def profile_code(centre: np.ndarray, means: np.ndarray) -> str:
    """The name of a centre: recent (R below average), frequent, high-paying."""
    recent = centre[0] <= means[0]
    frequent = centre[1] >= means[1]
    paying = centre[2] >= means[2]
    if paying and recent and frequent:
        return "high_value_keep"  # 高价值保持
    if paying and recent:
        return "develop"  # 重点发展: pays well, seldom
    if paying:
        return "win_back"  # 重点挽留: paid well, not lately
    if recent and frequent:
        return "steady"  # 一般维持: small sums, often
    if not recent:
        return "lapsing"  # 低价值流失风险
    return "general"  # 一般
