"""Request and response shapes of the work-order API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kefu.core.pagination import Page
from kefu.core.types import (
    INT32_MAX,
    NoteText,
    Reason,
    RecordDate,
    ReferenceText,
    RefId,
)
from kefu.workorders.enums import (
    Action,
    Channel,
    ConsentMethod,
    IncidentStatus,
    OrderOrigin,
    OrderStatus,
    OrderType,
    Triage,
    VisitOutcome,
)

Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ReplyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
PhoneText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrderCreate(_Strict):
    """A new order; the contact number may be written in any common form, and defaults to
    the customer's first live number (so a masked number never has to be typed in)."""

    type: OrderType
    category_id: RefId
    subject: Subject
    contact_phone: PhoneText | None = None
    description: NoteText = ""
    customer_id: RefId | None = None
    contact_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    channel: Channel = Channel.CONSOLE
    triage: Triage | None = None
    triage_reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    org_unit_id: RefId | None = None
    send_receipt: bool = Field(
        default=False,
        description="Text the callback number (a mobile) that the order was taken, with its "
        "number and when the answer is due.",
    )
    origin: OrderOrigin = Field(
        default=OrderOrigin.CUSTOMER,
        description="Who passed it on when not the customer: the regulator (工信部申诉), a "
        "consumer body (12315), the press, or the company's leaders. Handled as key at least.",
    )
    origin_ref: ReferenceText = Field(
        default="",
        description="Their reference (申诉编号); needed from the regulator or a consumer body.",
    )
    origin_due_on: RecordDate | None = Field(
        default=None, description="The day they want the answer by: due by its end at the latest."
    )


class OrderExportRequest(_Strict):
    """Which orders to export, and why (the reason and the filter go to the audit log).
    The period is of creation, in the center's days, at most a year."""

    reason: Reason
    created_from: RecordDate
    created_to: RecordDate
    format: Literal["csv", "xlsx"] = "xlsx"
    org_unit_id: RefId | None = None
    type: OrderType | None = None
    status: OrderStatus | None = None
    category_id: RefId | None = None
    repeat_only: bool = False
    passed_on_only: bool = False  # 越级 / 交办: those someone other than the customer passed on
    supervised_only: bool = False  # 督办: those a supervisor pressed for


class IntakeCheck(_Strict):
    """An order about to be opened, as far as the intake form is filled: what it would
    get is asked before it is created (``IntakeOutlook``)."""

    type: OrderType
    category_id: RefId
    contact_phone: PhoneText | None = None
    customer_id: RefId | None = None
    triage: Triage | None = None
    org_unit_id: RefId | None = None
    origin: OrderOrigin = OrderOrigin.CUSTOMER
    origin_due_on: RecordDate | None = None


class CallIntakeCheck(_Strict):
    """The same, for an order on the agent's call: the number and customer are the call's."""

    type: OrderType
    category_id: RefId
    contact_phone: PhoneText | None = None
    triage: Triage | None = None


class TriageRequest(_Strict):
    """A triage decision and why."""

    triage: Triage
    reason: Reason


class NoteCreate(_Strict):
    """A handling note (处理记录): what was done or learned, kept on the timeline."""

    note: Annotated[NoteText, StringConstraints(min_length=1, max_length=2000)]


class ReasonRequest(_Strict):
    """An action that needs a reason (return, escalate, reopen, cancel)."""

    reason: Reason


class NoteRequest(_Strict):
    """An action with an optional note (accept, start, close)."""

    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class DispatchRequest(_Strict):
    """Where an order goes: a team or an org unit, optionally a person in it."""

    team_id: RefId | None = None
    org_unit_id: RefId | None = None
    assignee_id: RefId | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class MergeRequest(_Strict):
    """The order a duplicate is merged into, by the number staff read (WO20261206-000123),
    and why (optional: the timeline names the order kept)."""

    into: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class OrderVersion(_Strict):
    """An order as the dispatcher read it: its version stands for its If-Match."""

    id: RefId
    version: Annotated[int, Field(ge=1, le=INT32_MAX)]


BATCH_MAX = 100


class BatchDispatchRequest(DispatchRequest):
    """Many orders sent to one team or unit (and person) at once (批量派单)."""

    orders: Annotated[list[OrderVersion], Field(min_length=1, max_length=BATCH_MAX)]


class BatchSent(BaseModel):
    """An order the batch sent, and where it now is."""

    id: int
    number: str
    status: OrderStatus
    version: int
    org_unit: str
    org_unit_en: str
    assignee: str | None


class BatchRefusal(BaseModel):
    """An order the batch left as it was, and why (the error it would have got alone)."""

    id: int
    number: str | None
    code: str
    message: str


class BatchDispatchResult(BaseModel):
    """What a batch dispatch did: each order is sent or refused on its own."""

    dispatched: list[BatchSent]
    refused: list[BatchRefusal]


class ReplyRequest(_Strict):
    """The answer given to the customer."""

    reply: ReplyText
    send_sms: bool = Field(
        default=False,
        description="Also text the answer to the order's callback number (a mobile).",
    )
    send_email: bool = Field(
        default=False,
        description="Also e-mail the answer in reply to the customer's e-mail the order "
        "was opened from.",
    )


class VisitRequest(_Strict):
    """The outcome of a return visit; dissatisfied reopens the order."""

    outcome: VisitOutcome
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""


class CategoryBrief(BaseModel):
    """A category as shown on an order."""

    id: int
    code: str
    name: str
    name_en: str
    path_names: list[str]
    path_names_en: list[str]


class UnitBrief(BaseModel):
    """An org unit or team as shown on an order."""

    id: int
    name: str
    name_en: str = Field(default="", description="English name; empty when none is kept")


class OrderEventRead(BaseModel):
    """One step of the order's timeline."""

    model_config = ConfigDict(from_attributes=True)

    kind: str
    action: str
    from_status: str
    to_status: str
    actor: str | None
    occurred_at: datetime
    reason: str
    details: dict[str, object]


class ReturnVisitRead(BaseModel):
    """A scheduled or done return visit."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    due_at: datetime
    done_at: datetime | None
    outcome: VisitOutcome | None
    note: str
    attempts: int = Field(description="Calls the customer did not take")


class OrderRead(BaseModel):
    """An order as its owner sees it; the contact is masked unless the viewer may see it."""

    id: int
    number: str
    type: OrderType
    status: OrderStatus
    channel: Channel
    category: CategoryBrief
    customer_id: int | None
    contact_phone: str
    contact_name: str
    subject: str
    description: str
    triage: Triage | None
    triage_reason: str
    priority: int
    is_repeat: bool
    repeats: list[str] = Field(description="Numbers of the earlier orders this one repeats.")
    urge_count: int = Field(0, description="Times the customer chased it while open (催办).")
    last_urged_at: datetime | None = None
    supervise_count: int = Field(0, description="Times a supervisor pressed for it (督办).")
    last_supervised_at: datetime | None = None
    supervise_answer_by: datetime | None = Field(
        None, description="The soonest answer a supervisor wants and is still owed (督办时限)."
    )
    origin: OrderOrigin = OrderOrigin.CUSTOMER
    origin_ref: str = ""
    origin_due_at: datetime | None = Field(
        None, description="When whoever passed it on wants the answer (their deadline)."
    )
    org_unit: UnitBrief
    team: UnitBrief | None
    assignee: UnitBrief | None
    reply: str
    created_at: datetime
    handling_round: int = Field(
        description="1 for the first handling; each reopening starts the next round "
        "(二次处理), with time limits counted from the reopening."
    )
    round_started_at: datetime | None = Field(
        description="When the current round began (the reopening); none in the first."
    )
    response_due_at: datetime | None
    resolve_due_at: datetime | None
    paused_at: datetime | None = Field(
        description="Waiting on the customer since; the time limits are paused meanwhile."
    )
    replied_at: datetime | None
    closed_at: datetime | None
    clock_running: bool = Field(
        description="The resolution limit is counting down: not once replied, nor while "
        "waiting on the customer."
    )
    incident_id: int | None = Field(description="The emergency this order belongs to.")
    version: int
    allowed_actions: list[Action]


class ConsentRead(BaseModel):
    """How the customer confirmed a service change (or the code on its way)."""

    id: int
    method: ConsentMethod
    phone: str
    expires_at: datetime | None
    attempts: int
    call_reference: str
    confirmed_at: datetime | None
    created_at: datetime


class CodeCheck(_Strict):
    """The one-time code the customer read out."""

    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")]


class VerbalConsent(_Strict):
    """Verbal consent on a recorded call: the recording's reference is required."""

    call_reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=4, max_length=64)
    ]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class OrderDetail(OrderRead):
    """An order with its timeline and return visits."""

    events: list[OrderEventRead]
    opened_by: str | None = Field(description="Who took the request (首问); none for the system")
    visits: list[ReturnVisitRead]
    needs_consent: bool = Field(
        description=(
            "A service change (a service request whose category changes a service): the "
            "customer must confirm before it is carried out."
        )
    )
    consent: ConsentRead | None


class OrderListItem(BaseModel):
    """A row of an order queue."""

    id: int
    number: str
    type: OrderType
    status: OrderStatus
    category: str
    subject: str
    contact_phone: str
    triage: Triage | None
    priority: int
    is_repeat: bool
    urge_count: int = 0
    supervise_count: int = 0
    supervise_answer_by: datetime | None = Field(
        None, description="The soonest answer a supervisor wants, while still owed (督办时限)"
    )
    origin: OrderOrigin = OrderOrigin.CUSTOMER
    file_count: int = Field(0, description="Files it keeps (attachments not withdrawn)")
    visit_starts_at: datetime | None = Field(None, description="The booked on-site visit's window")
    visit_ends_at: datetime | None = None
    handling_round: int = 1
    round_started_at: datetime | None = None
    version: int = Field(0, description="For If-Match, and a batch dispatch's ``orders``.")
    org_unit: str
    org_unit_en: str = ""
    category_en: str = ""
    assignee: str | None
    team: str | None = Field(None, description="The team holding it, when dispatched to one")
    team_en: str = ""
    created_at: datetime
    resolve_due_at: datetime | None
    replied_at: datetime | None = None
    clock_running: bool = False


OrderPage = Page[OrderListItem]


class ChaseReceipt(BaseModel):
    """A chase recorded on an order beyond the agent's reach (escalated to the province,
    say): the customer on the line chased their own order, and the agent may tell them
    where it stands, without the order's handling, which stays with its holders."""

    id: int
    number: str
    status: OrderStatus
    urge_count: int
    last_urged_at: datetime | None
    held_by: str = Field(description="The org unit handling the order.")
    held_by_en: str = ""
    resolve_due_at: datetime | None = Field(
        description="When the answer is due, while the clock runs."
    )


class EarlierComplaintBrief(BaseModel):
    """A complaint a new one would repeat."""

    id: int
    number: str
    status: OrderStatus
    subject: str
    created_at: datetime
    urgeable: bool = Field(
        False, description="Still being handled: the caller chases it rather than repeat it."
    )
    in_reach: bool = Field(
        True,
        description=(
            "The viewer may open it. The customer's own orders beyond their reach are "
            "listed too, with the unit holding them (``held_by``), to be chased."
        ),
    )
    held_by: str | None = None
    held_by_en: str | None = None


class IncidentBrief(BaseModel):
    """An incident as an order about to join it names it."""

    id: int
    number: str
    status: IncidentStatus
    title: str
    news: str | None = Field(None, description="The last progress text its callers were sent.")
    news_at: datetime | None = None


class IntakeOutlook(BaseModel):
    """What an order would get if it were opened now: whether it is a repeat complaint
    (and of which), the open incident it would join, its priority and its time limits.
    Nothing is written."""

    repeat: bool = Field(description="Opened now, the order would be a repeat complaint.")
    window_days: int = Field(description="The repeat rule's window, in days.")
    earlier: list[EarlierComplaintBrief] = Field(
        description="The complaints it would repeat that the caller may see, oldest first."
    )
    earlier_elsewhere: int = Field(
        description="How many more it would repeat, outside the caller's scope."
    )
    incident: IncidentBrief | None = Field(
        description="The open incident of its area and problem, which the order would join."
    )
    priority: int
    response_due_at: datetime | None
    resolve_due_at: datetime | None
    needs_consent: bool = Field(
        description="Opened now, it would be carried out only after the customer confirms."
    )
    account_manager_told: str | None = Field(
        None, description="The customer's account manager, mailed when it is opened."
    )


class RepeatRateRow(BaseModel):
    """Repeat complaints ÷ complaints for one org unit or category in a month."""

    key_id: int
    key_name: str
    key_name_en: str = ""
    complaints: int
    repeats: int
    rate: float
    chased: int = Field(description="Complaints the customer chased (催办) at least once")
    chase_rate: float = Field(description="chased ÷ complaints")
    appeals: int = Field(
        0, description="Complaints taken outside (越级): regulator, consumer body, press"
    )
    appeal_rate: float = Field(0.0, description="appeals ÷ complaints")


class RepeatRate(BaseModel):
    """The month's repeat-complaint rate, overall and per group, and its chase rate."""

    month: str
    by: str
    complaints: int
    repeats: int
    rate: float
    chased: int = Field(description="Complaints the customer chased (催办) at least once")
    chase_rate: float = Field(description="chased ÷ complaints (催办率)")
    appeals: int = Field(
        0,
        description="Complaints the customer took outside (越级): regulator, consumer body, press",
    )
    appeal_rate: float = Field(0.0, description="appeals ÷ complaints (越级投诉率)")
    rows: list[RepeatRateRow]
