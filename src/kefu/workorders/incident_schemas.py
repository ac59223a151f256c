"""Request and response shapes of the emergency (incident) API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from kefu.core.pagination import Page
from kefu.core.types import Reason
from kefu.workorders.enums import IncidentStatus
from kefu.workorders.refund_schemas import RefundFen
from kefu.workorders.schemas import OrderListItem, ReplyText, UnitBrief


class IncidentResolve(BaseModel):
    """The answer every caller of the incident gets."""

    model_config = ConfigDict(extra="forbid")

    reply: ReplyText


class IncidentRead(BaseModel):
    """An emergency: one problem in one area, its orders handled together."""

    id: int
    number: str
    status: IncidentStatus
    title: str
    org_unit: UnitBrief
    category: UnitBrief
    orders: int
    first_order_at: datetime
    confirmed_at: datetime | None
    resolved_at: datetime | None
    reply: str
    note: str
    version: int


class CompensationAsk(BaseModel):
    """The sum each caller of a resolved incident is credited, and why."""

    model_config = ConfigDict(extra="forbid")

    amount_fen: RefundFen = Field(description="Each caller's compensation, in fen")
    reason: Reason


class CompensationOut(BaseModel):
    """An incident's compensation: one refund (赔付) per caller's number, each on its order."""

    amount_fen: int = Field(description="Each caller's, in fen")
    reason: str
    asked_by: str | None
    asked_at: datetime
    decided_by: str | None = Field(description="Who approved or rejected them together")
    decided_at: datetime | None
    callers: int = Field(description="The numbers it was asked for")
    awaiting: int = Field(description="Waiting for approval")
    on_way: int = Field(description="Approved, not yet credited")
    credited: int
    credited_fen: int
    refused: int = Field(description="Rejected, withdrawn, or refused by billing")


class IncidentDetail(IncidentRead):
    """An incident with its orders, its callers' compensation and its last word to them."""

    order_list: list[OrderListItem]
    compensation: CompensationOut | None = None
    news: str | None = Field(None, description="The last progress text its callers were sent")
    news_at: datetime | None = None
    late_callers: int = Field(
        0, description="Waiting callers who take texts and joined after the last text"
    )


IncidentPage = Page[IncidentRead]


class LateCallersAsk(BaseModel):
    """Sending the last progress text to the callers who joined after it: no body (the
    text is the one already sent); the empty body an Idempotency-Key is held to."""

    model_config = ConfigDict(extra="forbid")


class CallersToldOut(BaseModel):
    """What a progress text to an incident's callers did."""

    texted: int = Field(description="Callers texted, each on their own order's timeline")
    to_call: list[str] = Field(description="Orders of callers on a landline: call them")
