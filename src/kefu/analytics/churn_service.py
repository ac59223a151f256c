"""Churn warning as a service: train and keep a model, score a week, read the list.

Training uses two cut-offs one horizon apart: the model is fitted on the earlier one and
judged on the later one, the way it is used (features now, leavers in the weeks after).
Scoring writes the riskiest numbers of a week to ``churn_warnings`` with their reasons,
so an account manager's list is a plain indexed read and stays the same all week.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kefu.analytics import model_store
from kefu.analytics.churn import ChurnDataError, ChurnModel, dumps, loads, train
from kefu.analytics.churn_features import Cutoff, FeatureTable, build_features
from kefu.analytics.models import ChurnWarning, TrainedModel
from kefu.core.clock import DEFAULT_TIMEZONE
from kefu.core.db import insert_many
from kefu.customers.models import Customer, Subscription
from kefu.org.models import OrgUnit, Staff

KIND = "churn"
WATCH_SHARE = 0.05  # the riskiest twentieth of numbers in service make the week's list
HORIZON_DAYS = 28
PER_MANAGER = 10  # and each account manager's ten riskiest numbers, whatever their rank


@dataclass(frozen=True)
class Trained:
    """A stored model and its validation report."""

    model_id: int
    report: dict[str, Any]


def monday_of(day: date) -> date:
    """The Monday a week's list is for."""
    return day - timedelta(days=day.weekday())


def train_on_center(
    session: Session,
    *,
    as_of: date,
    horizon_days: int = HORIZON_DAYS,
    actor_id: int | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> Trained:
    """Fit on the cut-off two horizons before ``as_of``, judge on the one a horizon
    before it (whose leavers are all known by ``as_of``), store it as the active model."""
    earlier = Cutoff(as_of - timedelta(days=2 * horizon_days), horizon_days, timezone)
    later = Cutoff(as_of - timedelta(days=horizon_days), horizon_days, timezone)
    model, report = train(
        build_features(session, earlier, with_label=True),
        build_features(session, later, with_label=True),
    )
    report["cutoffs"] = {"train": earlier.day.isoformat(), "test": later.day.isoformat()}
    report["horizon_days"] = horizon_days
    report["source"] = "kefu"
    return store(session, model, report, actor_id)


def train_on_file(
    session: Session,
    path: Path,
    *,
    label: str,
    id_column: str | None = None,
    period_column: str | None = None,
    actor_id: int | None = None,
) -> Trained:
    """Fit on any CSV feature table with a 0/1 label column. With a period column the
    last period is the test (a time split); without, a stratified quarter is held out."""
    tables = read_feature_file(path, label=label, id_column=id_column, period=period_column)
    model, report = train(*tables)
    report["source"] = path.name
    return store(session, model, report, actor_id)


def read_feature_file(
    path: Path, *, label: str, id_column: str | None, period: str | None
) -> tuple[FeatureTable, FeatureTable | None]:
    """A CSV as feature tables: every column but the id, period and label is a number."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        if label not in header:
            raise ChurnDataError(f"the file has no column {label!r}")
        columns = tuple(name for name in header if name not in {label, id_column, period})
        rows = list(reader)
    if not rows or not columns:
        raise ChurnDataError("the file has no rows or no feature columns")
    try:
        values = np.array([[float(row[c] or "nan") for c in columns] for row in rows])
        labels = np.array([int(float(row[label])) for row in rows], dtype=np.int8)
    except ValueError as error:
        raise ChurnDataError(f"a value is not a number: {error}") from None
    if np.isnan(values).any():
        raise ChurnDataError("the file has empty feature values; fill or drop them first")
    ids = (
        np.array([row[id_column] for row in rows])
        if id_column
        else np.arange(1, len(rows) + 1, dtype=np.int64)
    )
    if period is None:
        return FeatureTable(ids, columns, values, labels), None
    periods = np.array([row[period] for row in rows])
    last = periods == max(periods)
    if last.all():
        raise ChurnDataError("the period column has one value; a time split needs two")
    return (
        FeatureTable(ids[~last], columns, values[~last], labels[~last]),
        FeatureTable(ids[last], columns, values[last], labels[last]),
    )


def store(
    session: Session, model: ChurnModel, report: dict[str, Any], actor_id: int | None
) -> Trained:
    """Keep a model and its report as the one in use."""
    row = model_store.keep_active(
        session, KIND, report=report, artifact=dumps(model), actor_id=actor_id
    )
    return Trained(row.id, report)


def active_model(session: Session) -> tuple[TrainedModel, ChurnModel] | None:
    """The model in use, if one was trained."""
    row = model_store.active(session, KIND)
    return (row, loads(row.artifact)) if row is not None else None


def score_week(
    session: Session, week: date, *, timezone: str = DEFAULT_TIMEZONE, share: float = WATCH_SHARE
) -> int:
    """Score every number in service at the week's Monday and keep the riskiest ``share``
    and each account manager's ten riskiest as that week's list (replacing an earlier
    scoring of the same week)."""
    found = active_model(session)
    if found is None:
        raise ChurnDataError("no churn model has been trained yet")
    stored, model = found
    monday = monday_of(week)
    table = build_features(session, Cutoff(monday, HORIZON_DAYS, timezone))
    if tuple(model.columns) != tuple(table.columns):
        raise ChurnDataError("the active model was trained on other columns; retrain it")
    session.execute(delete(ChurnWarning).where(ChurnWarning.week == monday))
    if not len(table.ids):
        return 0
    probability = model.probability(table.values)
    ranked = np.argsort(-probability, kind="stable")
    riskiest = set(ranked[: max(1, round(share * len(table.ids)))].tolist())
    keep = np.array(sorted(riskiest | _managers_top(session, table.ids, ranked)), dtype=np.int64)
    reasons = model.reasons(table.values[keep])
    owners = _owners(session, [int(table.ids[i]) for i in keep])
    insert_many(
        session,
        ChurnWarning.__table__,
        [
            {
                "week": monday,
                "model_id": stored.id,
                "subscription_id": int(table.ids[i]),
                "customer_id": owners[int(table.ids[i])][0],
                "account_manager_id": owners[int(table.ids[i])][1],
                "org_unit_id": owners[int(table.ids[i])][2],
                "probability": round(float(probability[i]), 6),
                "reasons": json.dumps(why),
            }
            for i, why in zip(keep, reasons, strict=True)
        ],
    )
    return len(keep)


def _managers_top(session: Session, ids: np.ndarray, ranked: np.ndarray) -> set[int]:
    """Rows of each account manager's riskiest numbers, so every manager has a list to
    work through even when none of theirs is among the center's riskiest."""
    managed = dict(
        session.execute(
            select(Subscription.id, Customer.account_manager_id)
            .join(Customer, Customer.id == Subscription.customer_id)
            .where(Customer.account_manager_id.is_not(None))
        ).all()
    )
    taken: dict[int, int] = {}
    rows: set[int] = set()
    for row in ranked.tolist():
        manager = managed.get(int(ids[row]))
        if manager is not None and taken.get(manager, 0) < PER_MANAGER:
            taken[manager] = taken.get(manager, 0) + 1
            rows.add(row)
    return rows


def _owners(session: Session, ids: list[int]) -> dict[int, tuple[int, int | None, int]]:
    found: dict[int, tuple[int, int | None, int]] = {}
    for start in range(0, len(ids), 5000):
        rows = session.execute(
            select(Subscription.id, Customer.id, Customer.account_manager_id, Customer.org_unit_id)
            .join(Customer, Customer.id == Subscription.customer_id)
            .where(Subscription.id.in_(ids[start : start + 5000]))
        )
        found.update({row[0]: (row[1], row[2], row[3]) for row in rows})
    return found


def latest_week(session: Session) -> date | None:
    """The most recent week with a list."""
    return session.scalar(select(func.max(ChurnWarning.week)))


@dataclass(frozen=True)
class WatchQuery:
    """Whose list, in which part of the center, which page."""

    week: date
    account_manager_id: int | None = None
    scope_path: str | None = None
    limit: int = 50
    offset: int = 0


def watchlist(session: Session, asked: WatchQuery) -> tuple[int, list[Any]]:
    """A week's list, riskiest first: the total and one page of rows."""
    conditions = [ChurnWarning.week == monday_of(asked.week)]
    if asked.account_manager_id is not None:
        conditions.append(ChurnWarning.account_manager_id == asked.account_manager_id)
    if asked.scope_path is not None:
        conditions.append(OrgUnit.path.startswith(asked.scope_path))
    base = (
        select(ChurnWarning)
        .join(OrgUnit, OrgUnit.id == ChurnWarning.org_unit_id)
        .where(*conditions)
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        select(
            ChurnWarning.subscription_id,
            ChurnWarning.customer_id,
            ChurnWarning.probability,
            ChurnWarning.reasons,
            Subscription.msisdn,
            Subscription.brand,
            Customer.name,
            Customer.tier,
            OrgUnit.name.label("org_unit"),
            Staff.display_name.label("account_manager"),
        )
        .join(OrgUnit, OrgUnit.id == ChurnWarning.org_unit_id)
        .join(Subscription, Subscription.id == ChurnWarning.subscription_id)
        .join(Customer, Customer.id == ChurnWarning.customer_id)
        .outerjoin(Staff, Staff.id == ChurnWarning.account_manager_id)
        .where(*conditions)
        .order_by(ChurnWarning.probability.desc(), ChurnWarning.subscription_id)
        .limit(asked.limit)
        .offset(asked.offset)
    ).all()
    return total, list(rows)
