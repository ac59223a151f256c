"""Customer value and churn at scale: RFM + K-Means and churn scoring of every number of a
1,000,000-subscriber center (numbers, twelve months of spend and payments).

Reference in the same process: one grouped scan of the year's payments (count and sum by
number), the least any RFM or churn read must do; each step reads as a multiple of it.
The churn model scored is trained on 50,000 numbers of the same center, labelled by the
demo's planted churn model, so scoring runs a real calibrated model with real reasons.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.analytics import churn_service, rfm_service
from kefu.analytics.churn import train
from kefu.analytics.churn_features import Cutoff, FeatureTable, build_features
from kefu.analytics.rfm import rfm_table, segment
from kefu.core.clock import local_today
from kefu.core.db import make_engine, make_sessionmaker
from kefu.customers.models import Payment
from kefu.demo.churn import planted_probability

TRAINING_NUMBERS = 50_000


def _reference_scan(session: Session, cutoff: Cutoff) -> float:
    started = time.perf_counter()
    session.execute(
        select(Payment.subscription_id, func.count(), func.sum(Payment.amount_fen))
        .where(Payment.paid_at >= cutoff.before(365), Payment.paid_at < cutoff.instant)
        .group_by(Payment.subscription_id)
    ).all()
    return time.perf_counter() - started


def _rfm(session: Session, cutoff: Cutoff, reference: float) -> dict[str, Any]:
    started = time.perf_counter()
    table = rfm_table(session, cutoff)
    read = time.perf_counter() - started
    started = time.perf_counter()
    found = segment(table.rfm)
    clustered = time.perf_counter() - started
    started = time.perf_counter()
    run = rfm_service.run_segmentation(session, as_of=cutoff.day)
    whole = time.perf_counter() - started
    session.rollback()
    return {
        "numbers": len(table.subscription_ids),
        "rfm_read_s": round(read, 2),
        "choose_k_and_cluster_s": round(clustered, 2),
        "k": found.k,
        "silhouettes": {k: round(v, 3) for k, v in found.silhouettes.items()},
        "segmentation_run_with_writes_s": round(whole, 2),
        "run_in_reference_scans": round(whole / reference, 1),
        "segments": [(s["code"], s["size"]) for s in run.report["segments"]],
    }


def _trained_model(session: Session, cutoff: Cutoff) -> None:
    earlier = Cutoff(cutoff.day - timedelta(days=28))
    table = build_features(session, earlier)
    rng = np.random.default_rng(5)
    rows = rng.choice(len(table.ids), min(TRAINING_NUMBERS, len(table.ids)), replace=False)
    sample = FeatureTable(table.ids[rows], table.columns, table.values[rows])
    label = (rng.random(len(rows)) < planted_probability(sample)).astype(np.int8)
    labelled = FeatureTable(sample.ids, sample.columns, sample.values, label)
    model, report = train(labelled)
    churn_service.store(session, model, report, None)


def _churn(session: Session, cutoff: Cutoff, reference: float) -> dict[str, Any]:
    _trained_model(session, cutoff)
    started = time.perf_counter()
    table = build_features(session, cutoff)
    features = time.perf_counter() - started
    found = churn_service.active_model(session)
    assert found is not None
    _, model = found
    started = time.perf_counter()
    probability = model.probability(table.values)
    top = np.argsort(-probability)[: round(0.05 * len(probability))]
    model.reasons(table.values[top])
    scored = time.perf_counter() - started
    started = time.perf_counter()
    kept = churn_service.score_week(session, cutoff.day)
    whole = time.perf_counter() - started
    session.rollback()
    return {
        "numbers": len(table.ids),
        "features_read_s": round(features, 2),
        "score_and_reasons_s": round(scored, 2),
        "weekly_list_with_writes_s": round(whole, 2),
        "list_in_reference_scans": round(whole / reference, 1),
        "listed": kept,
    }


def run(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    cutoff = Cutoff(local_today())
    with make_sessionmaker(engine)() as session:
        reference = min(_reference_scan(session, cutoff) for _ in range(3))
        report: dict[str, Any] = {"reference_payment_scan_s": round(reference, 2)}
        report["rfm"] = _rfm(session, cutoff, reference)
        report["churn"] = _churn(session, cutoff, reference)
    engine.dispose()
    return report
