"""Customer value as a service: run a segmentation, read its distribution and members.

A run is kept as an ``analysis_models`` row of kind ``rfm`` (its report: k, silhouettes,
segment profiles) with every number's figures and segment in ``value_segments``; the
latest run is the active one. Reads are scoped by branch like every customer list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.analytics import model_store
from kefu.analytics.churn_features import Cutoff
from kefu.analytics.models import TrainedModel, ValueSegment
from kefu.analytics.rfm import WINDOW_DAYS, rfm_table, segment
from kefu.core.clock import DEFAULT_TIMEZONE
from kefu.core.db import insert_many
from kefu.customers.models import Customer, Subscription
from kefu.org.models import OrgUnit

KIND = "rfm"
EXPORT_LIMIT = 200_000  # rows in one export; a bigger segment is exported branch by branch


@dataclass(frozen=True)
class Run:
    model_id: int
    report: dict[str, Any]


def run_segmentation(
    session: Session,
    *,
    as_of: date,
    actor_id: int | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> Run:
    """Segment every number in service with a payment in the year before ``as_of``."""
    table = rfm_table(session, Cutoff(as_of, timezone=timezone))
    found = segment(table.rfm)
    report = {
        "as_of": as_of.isoformat(),
        "window_days": WINDOW_DAYS,
        "numbers": len(table.subscription_ids),
        "k": found.k,
        "silhouettes": {str(k): round(v, 4) for k, v in found.silhouettes.items()},
        "segments": [
            {
                "code": s.code,
                "size": s.size,
                "recency_days": round(s.recency_days, 2),
                "frequency": round(s.frequency, 2),
                "monetary_fen": round(s.monetary_fen),
            }
            for s in found.segments
        ],
    }
    run = model_store.keep_active(session, KIND, report=report, artifact=b"", actor_id=actor_id)
    rows = [
        {
            "model_id": run.id,
            "subscription_id": int(table.subscription_ids[i]),
            "customer_id": int(table.customer_ids[i]),
            "org_unit_id": int(table.org_unit_ids[i]),
            "segment": found.labels[i],
            "recency_days": round(float(table.rfm[i, 0]), 3),
            "frequency": int(table.rfm[i, 1]),
            "monetary_fen": int(table.rfm[i, 2]),
        }
        for i in range(len(table.subscription_ids))
    ]
    insert_many(session, ValueSegment.__table__, rows)
    return Run(run.id, report)


def active_run(session: Session) -> TrainedModel | None:
    return model_store.active(session, KIND)


def distribution(session: Session, run_id: int, scope_path: str | None) -> list[Any]:
    """Per segment within the scope: numbers, mean recency, frequency and money."""
    query = (
        select(
            ValueSegment.segment,
            func.count().label("size"),
            func.avg(ValueSegment.recency_days).label("recency_days"),
            func.avg(ValueSegment.frequency).label("frequency"),
            func.avg(ValueSegment.monetary_fen).label("monetary_fen"),
            func.sum(ValueSegment.monetary_fen).label("total_fen"),
        )
        .where(ValueSegment.model_id == run_id)
        .group_by(ValueSegment.segment)
        .order_by(func.avg(ValueSegment.monetary_fen).desc())
    )
    if scope_path is not None:
        query = query.join(OrgUnit, OrgUnit.id == ValueSegment.org_unit_id).where(
            OrgUnit.path.startswith(scope_path)
        )
    return list(session.execute(query).all())


def members(
    session: Session,
    run_id: int,
    code: str | None,
    scope_path: str | None,
    *,
    limit: int,
    offset: int,
) -> tuple[int, list[Any]]:
    """One segment's numbers (all segments when ``code`` is None), highest money first."""
    conditions = [ValueSegment.model_id == run_id]
    if code is not None:
        conditions.append(ValueSegment.segment == code)
    if scope_path is not None:
        conditions.append(OrgUnit.path.startswith(scope_path))
    counted = (
        select(func.count())
        .select_from(ValueSegment)
        .join(OrgUnit, OrgUnit.id == ValueSegment.org_unit_id)
        .where(*conditions)
    )
    rows = session.execute(
        select(
            ValueSegment.subscription_id,
            ValueSegment.customer_id,
            ValueSegment.segment,
            ValueSegment.recency_days,
            ValueSegment.frequency,
            ValueSegment.monetary_fen,
            Subscription.msisdn,
            Subscription.brand,
            Customer.name,
            Customer.tier,
            OrgUnit.name.label("org_unit"),
        )
        .join(OrgUnit, OrgUnit.id == ValueSegment.org_unit_id)
        .join(Subscription, Subscription.id == ValueSegment.subscription_id)
        .join(Customer, Customer.id == ValueSegment.customer_id)
        .where(*conditions)
        .order_by(ValueSegment.monetary_fen.desc(), ValueSegment.subscription_id)
        .limit(limit)
        .offset(offset)
    ).all()
    return session.scalar(counted) or 0, list(rows)
