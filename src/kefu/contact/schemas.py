"""Request and response shapes of the interactions API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kefu.contact.enums import ContactChannel, Direction, EndReason, InteractionStatus
from kefu.core.filekinds import FileGroup
from kefu.core.pagination import Page
from kefu.core.types import Code
from kefu.workorders.enums import OrderType


class InteractionRead(BaseModel):
    """One contact. ``address`` is masked unless the caller may see personal data;
    ``body`` is the text as received: show it as text, never as HTML."""

    id: int
    channel: ContactChannel
    direction: Direction
    status: InteractionStatus
    end_reason: EndReason | None
    address: str
    customer_id: int | None
    queue_id: int | None
    agent_id: int | None
    priority: int
    offered_at: datetime
    queued_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    wrap_up_code: str | None
    wrap_up_note: str
    subject: str
    body: str
    order_ids: list[int]
    in_reply_to_id: int | None = None  # an outbound reply: the message it answers
    intake_rule_id: int | None = None  # the SMS / e-mail rule that matched
    version: int


class InteractionPage(Page[InteractionRead]):
    """A page of interactions, newest first."""


class WrapUp(BaseModel):
    """The agent's closing code and note."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


PhoneOrShortCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)
]
MessageId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class SmsInbound(BaseModel):
    """A text the SMS gateway received for the center. ``message_id`` is the gateway's own
    id: the same id sent again changes nothing. The text is stored as sent (control
    characters removed, very long texts cut) and never interpreted as markup."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    sender: PhoneOrShortCode = Field(alias="from")
    to: Annotated[str, StringConstraints(max_length=32)] = ""
    text: Annotated[str, StringConstraints(max_length=20_000)]
    message_id: MessageId | None = None


class MessageReceived(BaseModel):
    """What became of an inbound message."""

    interaction_id: int
    status: InteractionStatus
    rule: str | None  # the name of the matching rule
    order_number: str | None
    auto_replied: bool
    repeated: bool


class ReplyCreate(BaseModel):
    """An agent's answer to a customer's SMS or e-mail."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


class MessageFileRead(BaseModel):
    """A file the customer's e-mail brought, of a kind kefu keeps (read from its content)."""

    id: int
    file_name: str
    media_type: str
    group: FileGroup
    opens_in_browser: bool  # an image or audio the browser shows; the rest downloads
    size_bytes: int
    sha256: str
    content_url: str


class MessageThread(BaseModel):
    """A message, the files it brought and the replies sent to it."""

    message: InteractionRead
    files: list[MessageFileRead]
    replies: list[InteractionRead]


KeywordText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
ReplyTemplate = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class IntakeRuleWrite(BaseModel):
    """An SMS or e-mail rule: ``keyword`` (``*`` for anything) starts an SMS or appears in
    an e-mail subject; ``lookup`` (SMS only) answers balance, package or the sender's work
    orders, or chases one; ``order_type`` with ``category_code`` opens an order; ``reply``
    may use {balance}, {month_charges}, {package}, {monthly_fee}, {orders},
    {order_number} and {order_status}."""

    model_config = ConfigDict(extra="forbid")

    channel: Literal[ContactChannel.SMS, ContactChannel.EMAIL]
    keyword: KeywordText
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    lookup: Literal[
        "",
        "balance",
        "package",
        "bill",
        "orders",
        "chase",
        "move_visit",
        "rating",
        "engineer_report",
    ] = ""
    order_type: OrderType | Literal[""] = ""
    category_code: Annotated[str, StringConstraints(max_length=64)] = ""
    reply: ReplyTemplate = ""
    reply_en: ReplyTemplate = ""
    sort_order: Annotated[int, Field(ge=0, le=100_000)] = 0
    active: bool = True


class IntakeRuleRead(IntakeRuleWrite):
    """A rule as stored; the ETag carries ``version``."""

    id: int
    version: int
