"""What the customer-value API takes and returns."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from kefu.analytics.listed import ListedNumber
from kefu.core.types import Reason, RefId

SegmentCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]


class SegmentRead(BaseModel):
    code: str
    label: str  # in the caller's language: 高价值保持, 重点发展 ...
    size: int
    share: float  # of the numbers in the caller's scope
    recency_days: float  # mean days since the last payment
    frequency: float  # mean payments in the year
    monetary_yuan: float  # mean paid in the year
    total_yuan: float  # what the segment paid in the year


class ValueRunRead(BaseModel):
    model_id: int
    as_of: date
    numbers: int  # segmented in the whole center
    k: int
    silhouettes: dict[str, float]  # every k tried; the best chose the segments


class ValueRead(BaseModel):
    run: ValueRunRead | None  # none before the first segmentation
    segments: list[SegmentRead]


class MemberRead(ListedNumber):
    segment: str
    segment_label: str
    recency_days: float
    frequency: int
    monetary_yuan: float


class MembersRead(BaseModel):
    total: int
    items: list[MemberRead]


class ValueExportRequest(BaseModel):
    """A segment's members (or every segmented number) as a file; audited."""

    segment: SegmentCode | None = None
    org_unit_id: RefId | None = None
    format: Literal["csv", "xlsx"] = "xlsx"
    reason: Reason | None = None
