"""Request and response bodies of a work order's on-site visits (上门处理)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kefu.core.types import Name, Reason, RecordDate, RefId, ShortText
from kefu.workorders.enums import AppointmentStatus, PartOfDay

Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=200)]
EngineerPhone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=32, pattern=r"^[0-9+\-() ]*$")
]


class AppointmentCreate(BaseModel):
    """A visit booked with the customer: the day and window in the center's time, where,
    and who comes. Booking again while one is booked moves it (改约)."""

    model_config = ConfigDict(extra="forbid")

    visit_on: RecordDate
    from_time: time
    to_time: time
    # left out: where the order's last visit went, else the customer's address on file
    address: Address | None = None
    # From the roster (its name and phone are used, and the engineer must be free), or
    # named by hand: one of the two.
    engineer_id: RefId | None = None
    engineer: Name | None = None
    engineer_phone: EngineerPhone = ""
    note: ShortText = ""
    text_customer: bool = Field(
        default=False, description="Text the order's number (a mobile) the window and engineer."
    )


class AppointmentDone(BaseModel):
    """What the engineer did there."""

    model_config = ConfigDict(extra="forbid")

    note: ShortText = ""


class AppointmentMissed(BaseModel):
    """Nobody met: who missed it, and what happened."""

    model_config = ConfigDict(extra="forbid")

    missed_by: Literal["customer", "engineer"]
    reason: Reason


class MoveAskedOut(BaseModel):
    """The day and part of it a customer asked the visit moved to."""

    day: date
    part: PartOfDay


class AppointmentOut(BaseModel):
    """A visit as staff see it; the address is masked unless the viewer may see it."""

    id: int
    order_id: int
    status: AppointmentStatus
    starts_at: datetime
    ends_at: datetime
    address: str
    engineer_id: int | None = Field(description="On the roster; null for one named by hand")
    engineer: str
    engineer_phone: str
    note: str
    texted: bool = Field(description="The customer was texted the window")
    booked_by: str | None
    booked_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    missed_by: str = Field(description="customer or engineer, when it was missed")
    outcome_note: str
    move_asked: MoveAskedOut | None = Field(
        default=None, description="The customer's ask to move the visit booked (改约申请)"
    )


class AppointmentList(BaseModel):
    """An order's visits, the latest booked first."""

    items: list[AppointmentOut]
