"""What the notice API reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

from kefu.core.types import LongText, Name, OptionalName, Reason, RefId
from kefu.notices.enums import Audience, NoticeKind, NoticeStatus

# What the customers read: short enough for two or three texts.
NoticeBody = LongText


class NoticeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: NoticeKind
    title: Name
    title_en: OptionalName = ""  # said and sent to customers served in English
    body: Annotated[NoticeBody, StringConstraints(min_length=1)]
    body_en: NoticeBody = ""
    org_unit_id: RefId  # the area: its customers and those of the units under it
    audience: Audience
    starts_at: AwareDatetime  # with its offset: kefu stores UTC
    ends_at: AwareDatetime


class NoticeCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class ReachOut(BaseModel):
    customers: int
    key_people: int  # of the area's groups, told when enterprise customers are
    texts: int
    mails: int


class NoticeOut(BaseModel):
    id: int
    kind: NoticeKind
    status: NoticeStatus
    title: str
    title_en: str
    body: str
    body_en: str
    org_unit_id: int
    org_unit: str
    org_unit_en: str
    audience: Audience
    starts_at: datetime
    ends_at: datetime
    sent_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    reach: ReachOut  # sent to so far, or (a draft) would be sent to
    sending: bool  # sent, and the worker still sending to the rest of a large audience
    # orders the told customers opened from its sending until three days after the work
    # (null for a notice not sent): GET /notices/{id}/orders lists them
    orders_after: int | None
    version: int


class NoticeList(BaseModel):
    items: list[NoticeOut]


class NoticeOrderOut(BaseModel):
    """An order a told customer opened after the notice, as the notice lists it."""

    id: int
    number: str
    type: str
    status: str
    subject: str
    category: str
    category_en: str
    customer_id: int | None  # none named: opened from a number the notice was texted to
    created_at: datetime


class KeyPersonOut(BaseModel):
    """A group's key person the notice was sent to, masked as the viewer must see them."""

    contact_id: int
    enterprise_id: int
    enterprise: str
    name: str
    title: str
    phone: str  # texted to ("" when the center has no mobile number for them)
    email: str  # mailed to ("" when the center has no address)


class RecipientOut(BaseModel):
    """A customer the notice was sent to, masked as the viewer must see them."""

    customer_id: int
    name: str
    tier: str
    msisdn: str  # texted to ("" when the customer had no live number)
    email: str  # mailed to ("" when the center has no address)
