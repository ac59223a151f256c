"""Complaint text classification: which category an order's words point to.

jieba words (kefu's tokenizer, with the operator's vocabulary) weighted by TF-IDF over
single words and pairs, and a multinomial logistic regression, whose probabilities are
the confidence shown while an order is typed. Trained on past orders' subject and
description against the category staff finally gave them; judged on a stratified fifth
held out (macro-F1, so a rare category counts as much as billing).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.analytics import model_store
from kefu.analytics.models import TrainedModel
from kefu.knowledge.segment import words
from kefu.workorders.enums import OrderStatus
from kefu.workorders.models import WorkOrder

KIND = "complaint_text"
MIN_PER_CLASS = 5  # a category with fewer labelled orders cannot be learned or judged
HELD_OUT = 0.2
MAX_ORDERS = 200_000  # the most recent orders are enough; older wording drifts
SEED = 2026


class TextDataError(ValueError):
    """Too few labelled orders to learn from."""


@dataclass(frozen=True)
class Suggestion:
    category_id: int
    confidence: float


def order_text(subject: str, description: str) -> str:
    return f"{subject} {description}".strip()


def training_data(session: Session) -> tuple[list[str], np.ndarray]:
    """The texts and final categories of the most recent orders that have words."""
    rows = session.execute(
        select(WorkOrder.subject, WorkOrder.description, WorkOrder.category_id)
        .where(WorkOrder.status != OrderStatus.CANCELLED, WorkOrder.description != "")
        .order_by(WorkOrder.id.desc())
        .limit(MAX_ORDERS)
    ).all()
    return [order_text(r[0], r[1]) for r in rows], np.array([r[2] for r in rows], dtype=np.int64)


def _pipeline() -> Pipeline:
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    tokenizer=words,
                    token_pattern=None,
                    lowercase=False,
                    ngram_range=(1, 2),
                    min_df=2,
                    sublinear_tf=True,
                ),
            ),
            ("model", LogisticRegression(C=8.0, max_iter=1000)),
        ]
    )


def train(texts: list[str], labels: np.ndarray) -> tuple[Pipeline, dict[str, Any]]:
    """Fit and judge on a held-out fifth, then refit on everything for use."""
    classes, counts = np.unique(labels, return_counts=True)
    kept = set(classes[counts >= MIN_PER_CLASS].tolist())
    rows = [i for i, label in enumerate(labels) if int(label) in kept]
    if len(kept) < 2 or len(rows) < 50:
        raise TextDataError("classification needs at least 50 orders in two categories")
    x = [texts[i] for i in rows]
    y = labels[rows]
    fit_x, test_x, fit_y, test_y = train_test_split(
        x, y, test_size=HELD_OUT, stratify=y, random_state=SEED
    )
    judged = _pipeline().fit(fit_x, fit_y)
    predicted = judged.predict(test_x)
    probability = judged.predict_proba(test_x)
    per_class = f1_score(test_y, predicted, average=None, labels=judged.classes_)
    report = {
        "orders": len(rows),
        "categories": len(kept),
        "left_out": sorted(int(c) for c in classes if int(c) not in kept),
        "held_out": len(test_y),
        "macro_f1": float(f1_score(test_y, predicted, average="macro")),
        "accuracy": float(accuracy_score(test_y, predicted)),
        "top3_accuracy": _top_k(judged.classes_, probability, test_y, 3),
        "per_category": [
            {"category_id": int(c), "f1": round(float(f), 4)}
            for c, f in zip(judged.classes_, per_class, strict=True)
        ],
    }
    return _pipeline().fit(x, y), report


def _top_k(classes: np.ndarray, probability: np.ndarray, truth: np.ndarray, k: int) -> float:
    """The share of texts whose category is among the k likeliest."""
    best = classes[np.argsort(-probability, axis=1, kind="stable")[:, :k]]
    return float(np.mean([t in row for t, row in zip(truth, best, strict=True)]))


def suggest(model: Pipeline, text: str, top: int = 3) -> list[Suggestion]:
    """The likeliest categories of a text, most likely first."""
    if not words(text):
        return []
    probability = model.predict_proba([text])[0]
    order = np.argsort(-probability, kind="stable")[:top]
    return [Suggestion(int(model.classes_[i]), float(probability[i])) for i in order]


def store(session: Session, model: Pipeline, report: dict[str, Any], actor_id: int | None) -> int:
    """Keep a model as the one in use."""
    row = model_store.keep_active(
        session, KIND, report=report, artifact=model_store.to_bytes(model), actor_id=actor_id
    )
    return row.id


_loaded: dict[tuple[str, int, object], Pipeline] = {}
_lock = threading.Lock()


def active(session: Session) -> tuple[int, Pipeline] | None:
    """The model in use, unpickled once per process (suggestions come every keystroke)."""
    found = session.execute(
        select(TrainedModel.id, TrainedModel.trained_at).where(
            TrainedModel.kind == KIND, TrainedModel.active
        )
    ).first()
    if found is None:
        return None
    model_id = found.id
    # Ids alone are not enough: another database (a test's, a second center's) or a
    # rolled-back training can hold a different model under the same id.
    key = (str(session.get_bind().engine.url), model_id, found.trained_at)
    with _lock:
        if key not in _loaded:
            artifact = session.scalar(
                select(TrainedModel.artifact).where(TrainedModel.id == model_id)
            )
            _loaded.clear()  # keep only the model in use
            _loaded[key] = model_store.from_bytes(artifact or b"")
        return model_id, _loaded[key]
