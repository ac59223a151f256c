"""Bodies of the self-service API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kefu.selfcare.service import Topic
from kefu.surveys.schemas import Score
from kefu.workorders.appointment_schemas import MoveAskedOut as VisitMoveAsked
from kefu.workorders.enums import OrderStatus, OrderType, PartOfDay


class CodeAsk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    msisdn: str = Field(min_length=1, max_length=40)


class CodeAsked(BaseModel):
    """Always the same, whether the number is a subscriber or not."""

    resend_after_seconds: int
    expires_in_seconds: int
    demo_code: str | None = None  # only in demo mode, where texts go to a file


class SignInBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    msisdn: str = Field(min_length=1, max_length=40)
    code: str = Field(min_length=1, max_length=12)


class SignedInOut(BaseModel):
    msisdn: str
    csrf_token: str  # send back as X-CSRF-Token on every change
    idle_minutes: int


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: Topic
    text: str = Field(min_length=1, max_length=2000)


class ReplyOut(BaseModel):
    text: str
    sent_at: datetime


class MessageOut(BaseModel):
    id: int
    topic: Topic | None
    subject: str
    body: str
    sent_at: datetime
    replies: list[ReplyOut]
    files: list[str] = []  # the names of the files added to it


class MessageFileOut(BaseModel):
    id: int
    file_name: str  # as kept: the name given, its ending set by what the content is
    media_type: str
    size_bytes: int


class BalanceOut(BaseModel):
    balance_fen: int
    month_charges_fen: int


class PackageOut(BaseModel):
    name: str
    name_en: str
    monthly_fee_fen: int


class MoveAskedOut(VisitMoveAsked):
    """The move asked, and of which order's visit; ``moved`` when it was done at once (the
    engineer was free), with the new window and who comes."""

    number: str
    moved: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    engineer: str | None = None


class ProgressOut(BaseModel):
    text: str
    at: datetime


class OrderOut(BaseModel):
    number: str
    type: OrderType
    category: str
    category_en: str
    subject: str
    status: OrderStatus
    opened_at: datetime
    facts: str
    answer: str
    # While it is being handled, the last progress text sent (进度告知), and when.
    progress: ProgressOut | None = None
    can_chase: bool
    awaits_rating: bool
    chased_at: datetime | None
    visit_booked: bool
    visit_missed: str  # the window of a visit the engineer found them out for lately ("" if none)
    move_asked: VisitMoveAsked | None


class BillOut(BaseModel):
    month: str  # YYYY-MM
    amount_fen: int


class OverviewOut(BaseModel):
    msisdn: str
    name: str
    balance: BalanceOut | None
    package: PackageOut | None
    bills: list[BillOut]  # the last finished bill months, newest first
    billing_down: bool  # the billing system did not answer: figures left out, not made up
    orders: list[OrderOut]
    messages: list[MessageOut]


class ChaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=500)


class ChasedOut(BaseModel):
    number: str
    urge_count: int
    chased_at: datetime


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: date
    part: PartOfDay
    note: str = Field(default="", max_length=500)


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["satisfied", "neutral", "dissatisfied"]
    note: str = Field(default="", max_length=500)


class RatedOut(BaseModel):
    number: str
    status: OrderStatus  # closed, or reopened when dissatisfied


class QuestionOut(BaseModel):
    code: str
    block: str  # the construct it measures (NET, HOTLINE, SAT ...)
    text: str  # in the caller's language
    required: bool


class SurveyOut(BaseModel):
    """The questionnaire on the page; ``answered_at`` set when this quarter's answer is in,
    and ``next_from`` the first day the next is taken."""

    code: str
    name: str
    scale_min: int
    scale_max: int
    questions: list[QuestionOut]
    answered_at: datetime | None
    next_from: date


class SurveyIn(BaseModel):
    """The answers by question code; questions that do not apply are left out."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Score] = Field(min_length=1, max_length=200)


class SurveyAnsweredOut(BaseModel):
    answered_at: datetime
    next_from: date
