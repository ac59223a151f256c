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


class SupervisionCounts(BaseModel):
    """Supervisions (督办) pressed in a month, and whether the answer came by the time
    asked."""

    supervisions: int = Field(description="Presses for an answer made in the month")
    orders: int = Field(description="The orders they pressed for")
    asked_by_time: int = Field(description="Of the presses, those asking an answer by a time")
    answered_in_time: int = Field(description="Answered by the time asked")
    answered_late: int = Field(description="Answered, after the time asked")
    overdue: int = Field(description="The time asked has passed, and no answer yet")
    waiting: int = Field(description="No answer yet, and the time asked is still ahead")
    in_time_rate: float | None = Field(
        description="answered in time ÷ (in time + late + overdue); none while none is due"
    )


class SupervisionUnitRow(SupervisionCounts):
    """One org unit's: the orders it holds (the branch pressed)."""

    unit_id: int
    unit_name: str
    unit_name_en: str = ""


class SupervisionMonth(SupervisionCounts):
    """A month's supervisions (督办) in the caller's scope, by when they were pressed, and
    whether the answer came by the time asked; and each org unit's, the lowest rate
    first. A merged duplicate's supervisions count once, on the order they were made on."""

    month: str
    rows: list[SupervisionUnitRow] = []
