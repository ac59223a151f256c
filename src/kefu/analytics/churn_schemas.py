"""What the churn API returns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

from kefu.analytics.listed import ListedNumber


class ChurnModelRead(BaseModel):
    model_id: int
    trained_at: datetime
    report: dict[str, Any]  # split, row counts, AUC, precision at k, reliability, coefficients


class ChurnReasonRead(BaseModel):
    feature: str
    direction: Literal["high", "low"]
    share: float  # of the rise of this number's risk above an average number's
    label: str  # in the caller's language: "balance low", "complaints in 90 days high"


class WatchItemRead(ListedNumber):
    account_manager: str | None
    probability: float  # calibrated: of numbers scored like this, the share that leaves in 4 weeks
    reasons: list[ChurnReasonRead]


class WatchListRead(BaseModel):
    week: date | None  # the Monday of the list; none before the first scoring
    total: int
    items: list[WatchItemRead]
