"""Request and response shapes of the interactions API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from kefu.contact.enums import ContactChannel, Direction, EndReason, InteractionStatus
from kefu.core.pagination import Page
from kefu.core.types import Code


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
    version: int


class InteractionPage(Page[InteractionRead]):
    """A page of interactions, newest first."""


class WrapUp(BaseModel):
    """The agent's closing code and note."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
