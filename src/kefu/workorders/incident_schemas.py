"""Request and response shapes of the emergency (incident) API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from kefu.core.pagination import Page
from kefu.workorders.enums import IncidentStatus
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


class IncidentDetail(IncidentRead):
    """An incident with its orders."""

    order_list: list[OrderListItem]


IncidentPage = Page[IncidentRead]
