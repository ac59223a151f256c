"""The demo's analysis, done once the data is in: the complaint classifier trained, the
planted leavers cancelled and the churn model trained on them with this week's list, and
the numbers segmented by value — so every analysis page opens with something to read.

A center too small to train on simply has none of it (the counts say 0).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine

from kefu.analytics import churn_service, rfm_service, text_classes
from kefu.analytics.churn import ChurnDataError
from kefu.analytics.rfm import RfmDataError
from kefu.core.db import make_sessionmaker
from kefu.demo.churn import plant_churn


def analyse(
    engine: Engine,
    *,
    seed: int,
    today: date,
    orders: bool,
    history: bool,
    progress: Callable[[str, int], None],
) -> dict[str, int]:
    """Run the demo's analyses; the counts of what each wrote."""
    counts: dict[str, int] = {}
    if orders:
        counts["classifier_orders"] = _text_classifier(engine)
    if orders and history:
        counts["churned_numbers"] = plant_churn(engine, seed=seed, today=today)
        progress("churned numbers", counts["churned_numbers"])
        counts["churn_warnings"] = _churn_list(engine, today)
    counts["value_segments"] = _value_segments(engine, today)
    return counts


def _value_segments(engine: Engine, today: date) -> int:
    """Segment the numbers by RFM; returns how many were segmented."""
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            return int(rfm_service.run_segmentation(session, as_of=today).report["numbers"])
    except RfmDataError:
        return 0


def _text_classifier(engine: Engine) -> int:
    """Train the category classifier on the orders; returns the orders used."""
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            texts, labels = text_classes.training_data(session)
            model, report = text_classes.train(texts, labels)
            text_classes.store(session, model, report, None)
            return int(report["orders"])
    except text_classes.TextDataError:
        return 0


def _churn_list(engine: Engine, today: date) -> int:
    """Train the churn model on the planted leavers and write this week's list."""
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            churn_service.train_on_center(session, as_of=today)
            return churn_service.score_week(session, today)
    except ChurnDataError:
        return 0
