"""Request and response bodies of the field engineers' roster (装维工程师) and their day."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kefu.core.types import Name, RefId, ShortText
from kefu.workorders.appointment_schemas import EngineerPhone
from kefu.workorders.enums import AppointmentStatus, EngineerSkill


class EngineerCreate(BaseModel):
    """An engineer put on the roster of a unit (theirs and those under it book them)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    phone: EngineerPhone = ""  # texted to customers with the visit
    org_unit_id: RefId
    skills: list[EngineerSkill] = Field(
        default_factory=list, max_length=4, description="What they do; none: every kind"
    )
    # working hours (local), both or neither; none: any time
    work_start: time | None = None
    work_end: time | None = None


class EngineerChange(BaseModel):
    """What may change; absent fields stay as they are. Engineers who leave are made
    inactive, never deleted: their visits name them."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    phone: EngineerPhone | None = None
    active: bool | None = None
    skills: list[EngineerSkill] | None = Field(default=None, max_length=4)
    # both or neither; null for both: any time (given as null, unlike the fields above)
    work_start: time | None = None
    work_end: time | None = None


class HandOverRequest(BaseModel):
    """Give the engineer's visits ahead to a colleague: all of them, or one day's (a sick
    day). Each keeps its window and address."""

    model_config = ConfigDict(extra="forbid")

    to_engineer_id: RefId
    day: date | None = None
    # with ``day``: the visits from that day to this one, both included (a leave)
    until: date | None = None

    @model_validator(mode="after")
    def _until_after_day(self) -> HandOverRequest:
        if self.until is not None and (self.day is None or self.until < self.day):
            raise ValueError("until needs a day, and comes on or after it")
        return self


class HandedVisit(BaseModel):
    appointment_id: int
    order_id: int
    number: str
    starts_at: datetime
    ends_at: datetime


class LeftVisit(HandedVisit):
    """Left with its engineer: the colleague is booked for ``clash_number`` over it, or
    it falls outside their working hours (``off_duty``)."""

    clash_number: str | None
    off_duty: bool = False


class HandOverOut(BaseModel):
    handed: list[HandedVisit]
    left: list[LeftVisit]


class EngineerOut(BaseModel):
    id: int
    name: str
    phone: str
    org_unit_id: int
    org_unit: str
    org_unit_en: str
    active: bool
    skills: list[EngineerSkill]
    work_start: time | None
    work_end: time | None
    booked_ahead: int  # visits booked from now on
    made_30d: int  # visits made in the last 30 days
    missed_30d: int  # visits the engineer missed (did not come) in the last 30 days
    awaiting_report: int  # visits still booked after their window ended (not reported)
    days_off_ahead: list[date] = Field(
        default_factory=list, description="Days off (轮休, 请假) in the next 14 days"
    )
    version: int


class EngineerList(BaseModel):
    items: list[EngineerOut]


class BoardVisit(BaseModel):
    """A visit of the day as the board shows it; the address masked unless the viewer
    may see it."""

    appointment_id: int
    order_id: int
    number: str
    status: AppointmentStatus
    starts_at: datetime
    ends_at: datetime
    address: str
    awaiting_report: bool = Field(
        description="Still booked after its window ended: the engineer has not reported it"
    )


class BoardRow(BaseModel):
    """One engineer's visits of the day, the earliest first; ``engineer_id`` null for an
    engineer named by hand on the booking (not on the roster)."""

    engineer_id: int | None
    name: str
    phone: str
    work_start: time | None = None  # their working hours, if the roster sets them
    work_end: time | None = None
    day_off: bool = False  # off that day (轮休, 请假)
    day_off_reason: str = ""
    visits: list[BoardVisit]


class EngineerBoard(BaseModel):
    day: date
    rows: list[BoardRow]


class EngineerOffered(BaseModel):
    """A roster engineer as the booking form offers them for a window."""

    engineer_id: int
    name: str
    phone: str
    org_unit: str
    org_unit_en: str
    skills: list[EngineerSkill]
    fits: bool = Field(description="Does the kind of work the order needs (or none is needed)")
    nearby: bool = Field(description="Of the order's unit, or of a unit above or below it")
    clash_number: str | None = Field(description="The order they are booked for over the window")
    on_duty: bool = Field(
        description="Working then: within their hours (or none are set), and not a day off"
    )
    day_off: bool = Field(description="Off that day (轮休, 请假)")
    visits_that_day: int


class EngineerOffer(BaseModel):
    """Who can go, best first: free, nearby, fitting, least loaded that day."""

    skill_needed: EngineerSkill | None
    items: list[EngineerOffered]


class DayOffRequest(BaseModel):
    """Why the engineer is off (轮休, 请假, 培训 …); optional."""

    model_config = ConfigDict(extra="forbid")

    reason: ShortText = ""


class DayOffOut(BaseModel):
    """An engineer's day off as set, and the visits still booked for them that day (to be
    handed over: marking the day does not move them)."""

    engineer_id: int
    day: date
    reason: str
    visits_that_day: int


class LeaveRequest(BaseModel):
    """An engineer's leave (请假, 年假): every day from the first to the last, both included,
    is a day off; at most 31 days, none gone by."""

    model_config = ConfigDict(extra="forbid")

    first_day: date
    last_day: date
    reason: ShortText = ""


class LeaveOut(BaseModel):
    """The leave as set: its days, and the visits still booked for the engineer over them
    (to be handed over: setting the leave does not move them)."""

    engineer_id: int
    first_day: date
    last_day: date
    reason: str
    days: list[date]
    visits_booked: int
