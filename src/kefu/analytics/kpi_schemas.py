"""What the KPI API reads and returns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

from kefu.analytics.kpis import Dimension, Grain, Kpi, Source
from kefu.contact.enums import ContactChannel
from kefu.core.types import Reason, RefId
from kefu.customers.enums import Brand, Tier
from kefu.workorders.enums import Channel

# Contacts' channels and work orders' channels: a filter on one leaves the other empty.
ChannelValue = Literal["voice", "ivr", "sms", "email", "web", "phone", "console", "api"]


class KpiInfo(BaseModel):
    id: Kpi
    label: str
    unit: Literal["count", "share", "seconds", "per_10k", "per_million"]
    source: Source


class GroupRead(BaseModel):
    key: str | int | None  # None: records without a value (a caller kefu did not know)
    label: str


class KpiRowRead(BaseModel):
    bucket: date | None  # the first day of the day, week or month; None: the whole period
    key: str | int | None
    figures: dict[str, float | None]  # None: nothing to divide by (no calls that day)


class KpiReportRead(BaseModel):
    first: date
    last: date
    grain: Grain
    dimension: Dimension
    subscribers: int  # numbers in service at the end of the period
    kpis: list[KpiInfo]
    buckets: list[date]
    groups: list[GroupRead]
    rows: list[KpiRowRead]
    totals: list[KpiRowRead]
    total: KpiRowRead


class KpiRecordRead(BaseModel):
    """One record behind a figure; ``counted`` says whether it is in the numerator."""

    id: int
    counted: bool
    at: datetime
    channel: str
    number: str  # the caller's or complainant's number, masked without the right
    customer_id: int | None
    # the work order the record belongs to (``id`` is a return visit's or an engineer's
    # visit's own for those figures)
    order_id: int | None = None
    order_number: str | None = None
    type: str | None = None
    status: str | None = None
    queue_id: int | None = None
    agent_id: int | None = None
    end_reason: str | None = None
    wait_seconds: float | None = None
    handle_seconds: float | None = None
    is_repeat: bool | None = None
    due_at: datetime | None = None
    replied_at: datetime | None = None
    outcome: str | None = None


class KpiRecordsRead(BaseModel):
    kpi: Kpi
    source: Source
    total: int
    records: list[KpiRecordRead]


class KpiExportRequest(BaseModel):
    """An export of the KPI table; audited like every export."""

    first: date
    last: date
    grain: Grain = Grain.DAY
    dimension: Dimension = Dimension.NONE
    format: Literal["csv", "xlsx"] = "xlsx"
    org_unit_id: RefId | None = None
    channel: ContactChannel | Channel | None = None
    queue_id: RefId | None = None
    tier: Tier | None = None
    brand: Brand | None = None
    reason: Reason | None = None  # kept in the audit row
