"""Trained models kept in ``analysis_models``: one active per kind, with its report.

The artifact is a joblib pickle written by kefu and read back only from kefu's own
database (decision 0008).
"""

from __future__ import annotations

import io
import json
from typing import Any

import joblib
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kefu.analytics.models import TrainedModel


def keep_active(
    session: Session,
    kind: str,
    *,
    report: dict[str, Any],
    artifact: bytes,
    actor_id: int | None,
) -> TrainedModel:
    """Store a model (or run) of ``kind`` as the one in use; the one before is retired."""
    session.execute(
        update(TrainedModel)
        .where(TrainedModel.kind == kind, TrainedModel.active)
        .values(active=False)
    )
    session.flush()
    row = TrainedModel(
        kind=kind,
        trained_by_id=actor_id,
        active=True,
        report=json.dumps(report, ensure_ascii=False),
        artifact=artifact,
    )
    session.add(row)
    session.flush()
    return row


def active(session: Session, kind: str) -> TrainedModel | None:
    """The model (or run) of ``kind`` in use, if any."""
    return session.scalar(
        select(TrainedModel).where(TrainedModel.kind == kind, TrainedModel.active)
    )


def to_bytes(model: object) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return buffer.getvalue()


def from_bytes(artifact: bytes) -> Any:
    return joblib.load(io.BytesIO(artifact))
