"""The churn model: a calibrated logistic regression, its validation report, and the reasons
behind each number's score.

Why logistic regression: an account manager is told *why* a customer is at risk, and a
linear score splits exactly into one share per feature (coefficient × standardized value),
so the reasons are the model itself, not an approximation of it. The probabilities are
calibrated (Platt scaling on data the regression did not see), so "30 %" means about
three in ten such numbers leave within the horizon.

Training takes any feature table with a label column; kefu's own features are one such
table. With a later table the validation is a time split (train on the earlier cut-off,
judge on the later one, as the model will be used); without one, a stratified holdout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from kefu.analytics.churn_features import FeatureTable
from kefu.analytics.model_store import from_bytes, to_bytes

CALIBRATION_SHARE = 0.25  # of the training rows, kept aside to calibrate on
PRECISION_AT = (0.01, 0.05, 0.10)  # shares of numbers an account team could call
MIN_POSITIVES = 10  # fewer leavers than this cannot train or judge anything
TOP_REASONS = 3
MIN_REASON_SHARE = 0.1
SEED = 2026


Reason = tuple[str, float, str]  # feature, share of the risk's rise, "high" or "low"


class ChurnDataError(ValueError):
    """The table cannot train or judge a model (too few rows or leavers, or no label)."""


@dataclass(frozen=True)
class ChurnModel:
    """A fitted model and the columns it reads, in order."""

    columns: tuple[str, ...]
    regression: Pipeline  # scaler + logistic regression: the score and its reasons
    calibrated: CalibratedClassifierCV  # the same score mapped to a probability

    def probability(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(self.calibrated.predict_proba(values)[:, 1])

    def contributions(self, values: np.ndarray) -> np.ndarray:
        """Each feature's share of each row's score, against an average number."""
        scaler: StandardScaler = self.regression.named_steps["scale"]
        model: LogisticRegression = self.regression.named_steps["model"]
        return np.asarray(scaler.transform(values) * model.coef_[0])

    def reasons(self, values: np.ndarray, top: int = TOP_REASONS) -> list[list[Reason]]:
        """Per row, the features that raise its risk most: the feature, its share of the
        rise, and whether the value is high or low against an average number."""
        shares = self.contributions(values)
        scaler: StandardScaler = self.regression.named_steps["scale"]
        above = values > scaler.mean_
        found: list[list[Reason]] = []
        for row, high in zip(shares, above, strict=True):
            order = np.argsort(-row, kind="stable")[:top]
            positive = [j for j in order if row[j] > 0]
            total = float(sum(row[j] for j in positive)) or 1.0
            # A reason under a tenth of the rise is noise to the person calling.
            rising = [j for j in positive if row[j] / total >= MIN_REASON_SHARE or j == order[0]]
            found.append(
                [
                    (self.columns[j], round(float(row[j]) / total, 3), "high" if high[j] else "low")
                    for j in rising
                ]
            )
        return found


def train(
    table: FeatureTable, later: FeatureTable | None = None
) -> tuple[ChurnModel, dict[str, Any]]:
    """Fit on ``table``; judge on ``later`` (time split) or on a stratified holdout."""
    labels = _labels(table)
    if later is not None:
        fit_rows, test_values, test_labels, split = (
            np.arange(len(labels)),
            _aligned(later, table.columns),
            _labels(later),
            "time",
        )
    else:
        fit_rows, test_rows = train_test_split(
            np.arange(len(labels)), test_size=0.25, stratify=labels, random_state=SEED
        )
        test_values, test_labels, split = table.values[test_rows], labels[test_rows], "holdout"
    model = _fit(table.columns, table.values[fit_rows], labels[fit_rows])
    report = {
        "split": split,
        "columns": list(table.columns),
        "train": _counts(labels[fit_rows]),
        "test": _counts(test_labels),
        "metrics": evaluate(model, test_values, test_labels),
        "coefficients": _coefficients(model),
    }
    return model, report


def _fit(columns: tuple[str, ...], values: np.ndarray, labels: np.ndarray) -> ChurnModel:
    fit, calibrate = train_test_split(
        np.arange(len(labels)), test_size=CALIBRATION_SHARE, stratify=labels, random_state=SEED
    )
    regression = Pipeline(
        [
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=1.0, max_iter=2000, class_weight=None)),
        ]
    )
    regression.fit(values[fit], labels[fit])
    # The calibration is fitted over folds of its rows, each needing a leaver: a small
    # center with three leavers to calibrate on gets three folds, not five.
    leavers = int(labels[calibrate].sum())
    folds = max(2, min(5, leavers, len(calibrate) - leavers))
    calibrated = CalibratedClassifierCV(FrozenEstimator(regression), method="sigmoid", cv=folds)
    calibrated.fit(values[calibrate], labels[calibrate])
    return ChurnModel(columns, regression, calibrated)


def evaluate(model: ChurnModel, values: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """AUC, precision among the riskiest shares, lift, Brier score and a reliability table."""
    if labels.sum() < MIN_POSITIVES or labels.sum() == len(labels):
        raise ChurnDataError(f"the test rows need at least {MIN_POSITIVES} leavers and stayers")
    probability = model.probability(values)
    order = np.argsort(-probability, kind="stable")
    base = float(labels.mean())
    at: list[dict[str, float]] = []
    for share in PRECISION_AT:
        k = max(1, round(share * len(labels)))
        precision = float(labels[order[:k]].mean())
        at.append({"share": share, "k": k, "precision": precision, "lift": precision / base})
    return {
        "auc": float(roc_auc_score(labels, probability)),
        "base_rate": base,
        "precision_at": at,
        "brier": float(brier_score_loss(labels, probability)),
        "reliability": _reliability(probability, labels),
    }


def _reliability(
    probability: np.ndarray, labels: np.ndarray, bins: int = 10
) -> list[dict[str, float]]:
    """Mean predicted vs observed rate in ten equal-count bins of the score."""
    order = np.argsort(probability, kind="stable")
    rows = []
    for part in np.array_split(order, bins):
        if len(part):
            rows.append(
                {
                    "n": len(part),
                    "predicted": float(probability[part].mean()),
                    "observed": float(labels[part].mean()),
                }
            )
    return rows


def _coefficients(model: ChurnModel) -> list[dict[str, Any]]:
    coef = model.regression.named_steps["model"].coef_[0]
    return [
        {"feature": name, "per_sd": float(value)}
        for name, value in sorted(zip(model.columns, coef, strict=True), key=lambda c: -abs(c[1]))
    ]


def _labels(table: FeatureTable) -> np.ndarray:
    if table.label is None:
        raise ChurnDataError("the table has no label column")
    labels = np.asarray(table.label, dtype=np.int8)
    if not set(np.unique(labels)) <= {0, 1}:
        raise ChurnDataError("the label must be 0 (stayed) or 1 (left)")
    if labels.sum() < MIN_POSITIVES or len(labels) - labels.sum() < MIN_POSITIVES:
        raise ChurnDataError(f"training needs at least {MIN_POSITIVES} leavers and stayers")
    return labels


def _aligned(table: FeatureTable, columns: tuple[str, ...]) -> np.ndarray:
    if tuple(table.columns) != tuple(columns):
        raise ChurnDataError("the later table's columns differ from the training table's")
    return table.values


def _counts(labels: np.ndarray) -> dict[str, int]:
    return {"rows": len(labels), "leavers": int(labels.sum())}


def dumps(model: ChurnModel) -> bytes:
    """The model as bytes for ``analysis_models.artifact``."""
    return to_bytes(model)


def loads(artifact: bytes) -> ChurnModel:
    """A model stored by :func:`dumps` (only ever read from kefu's own database)."""
    model = from_bytes(artifact)
    if not isinstance(model, ChurnModel):
        raise ChurnDataError("the stored artifact is not a churn model")
    return model
