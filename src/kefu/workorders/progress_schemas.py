"""Request bodies of a progress text to the customer (进度告知), and of a supervisor's
press on an order's holder (督办)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kefu.core.types import Reason


class ProgressCreate(BaseModel):
    """Where the open order stands, in words for the customer: texted with its number."""

    model_config = ConfigDict(extra="forbid")

    text: Reason = Field(
        description="4 to 500 characters, as the customer is to read them (no template blanks)."
    )


class OrderProgressCreate(ProgressCreate):
    """Word to one order's customer: texted (the default), or e-mailed in reply to the
    customer's mail the order came from."""

    channel: Literal["sms", "email"] = Field(
        "sms", description="sms: to the callback number; email: in reply to their mail"
    )


class SuperviseCreate(BaseModel):
    """What the supervisor wants of the order's holder, and by when, in their words."""

    model_config = ConfigDict(extra="forbid")

    note: Reason = Field(description="4 to 500 characters: what is wanted, and by when")
    answer_by: AwareDatetime | None = Field(
        None,
        description="When the answer is wanted (within 30 days): unanswered then, the "
        "holder and the supervisor are told",
    )
