"""Request and response shapes of the customer domain, including the 360 view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from kefu.core.idnumber import IdKind
from kefu.core.pagination import Page
from kefu.core.types import Code, Fen, LongText, Name, NoteText, Reason, RefId, ShortText
from kefu.customers.enums import (
    Brand,
    BusinessType,
    ContractStatus,
    CustomerStatus,
    EnterpriseGrade,
    EnterpriseScale,
    Gender,
    Industry,
    SubscriptionStatus,
    Tier,
    TierSource,
)
from kefu.org.enums import Language

PhoneInput = Annotated[str, StringConstraints(min_length=1, max_length=32)]
IdNumberInput = Annotated[str, StringConstraints(min_length=1, max_length=24)]
CountryCode = Annotated[str, StringConstraints(min_length=1, max_length=8)]  # checked by name
CreditCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")]
UnmaskField = Literal["name", "id_number", "phones", "address", "email"]


class NumberCreate(BaseModel):
    """A number (MSISDN) to open for a customer."""

    msisdn: PhoneInput
    brand: Brand
    package_code: Code
    opened_on: date | None = None
    balance_fen: Fen = 0


class CustomerCreate(BaseModel):
    """A new individual subscriber."""

    name: Name
    id_number: IdNumberInput | None = None
    id_kind: IdKind | None = None  # needed for a passport or travel permit
    id_country: CountryCode | None = None  # a passport's issuer (ISO 3166: US, GB)
    gender: Gender | None = None
    address: LongText = ""
    email: EmailStr | None = None
    language: Language = Language.ZH_CN
    org_unit_id: RefId | None = None
    customer_since: date | None = None
    enterprise_id: RefId | None = None
    account_manager_id: RefId | None = None
    sensitive: bool = False
    do_not_call: bool = False
    marketing_consent: bool = False
    note: NoteText = ""
    numbers: Annotated[list[NumberCreate], Field(max_length=20)] = []


class CustomerUpdate(BaseModel):
    """Fields of a customer that may change; absent fields stay as they are."""

    name: Name | None = None
    id_number: IdNumberInput | None = None
    id_kind: IdKind | None = None  # needed for a passport or travel permit
    id_country: CountryCode | None = None  # a passport's issuer (ISO 3166: US, GB)
    gender: Gender | None = None
    address: LongText | None = None
    email: EmailStr | None = None
    language: Language | None = None
    enterprise_id: RefId | None = None
    account_manager_id: RefId | None = None
    sensitive: bool | None = None
    do_not_call: bool | None = None
    marketing_consent: bool | None = None
    note: NoteText | None = None
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class StatusChange(BaseModel):
    """Freeze, reactivate or cancel, with the reason recorded."""

    status: CustomerStatus
    reason: Reason


class NumberStatusChange(BaseModel):
    """Suspend, resume or cancel a number, with the reason recorded."""

    status: SubscriptionStatus
    reason: Reason


class UnmaskRequest(BaseModel):
    """Which personal fields to reveal, and why (the reason goes to the audit log)."""

    fields: Annotated[list[UnmaskField], Field(min_length=1, max_length=5)]
    reason: Reason


class CustomerExportRequest(BaseModel):
    """Which customers to export, and why (the reason and the filter go to the audit log)."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason
    org_unit_id: RefId | None = None
    tier: Tier | None = None
    status: CustomerStatus | None = None
    enterprise_id: RefId | None = None


class UnmaskResult(BaseModel):
    """The revealed values; only the fields asked for are filled."""

    name: str | None = None
    id_number: str | None = None
    phones: list[str] | None = None
    address: str | None = None
    email: str | None = None
    audit_seq: int


class TierOverride(BaseModel):
    """Set a tier by hand, or give ``tier: null`` to return to the policy."""

    tier: Tier | None
    reason: Reason


class TierRuleItem(BaseModel):
    """Minimum average monthly spend (fen) and tenure (months) for a tier."""

    model_config = ConfigDict(from_attributes=True)

    tier: Tier
    min_avg_monthly_spend_fen: Annotated[int, Field(ge=0, le=10**10)]
    min_tenure_months: Annotated[int, Field(ge=0, le=1200)]


class TierChangeRead(BaseModel):
    """One step of a customer's tier history."""

    model_config = ConfigDict(from_attributes=True)

    from_tier: Tier | None
    to_tier: Tier
    source: TierSource
    reason: str
    actor_id: int | None
    changed_at: datetime


class HistoryRead(BaseModel):
    """One recorded change: who, when, why and each field's old and new value."""

    changed_at: datetime
    actor_id: int | None
    reason: str | None
    changes: dict[str, list[Any]]


class PackageRead(BaseModel):
    """A tariff package."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    name_en: str
    brand: Brand
    monthly_fee_fen: int


class NumberRead(BaseModel):
    """A number with brand, package, status and balance (masked unless allowed)."""

    id: int
    msisdn: str
    brand: Brand
    package: PackageRead
    status: SubscriptionStatus
    opened_on: date
    closed_on: date | None
    balance_fen: int
    version: int


class StaffBrief(BaseModel):
    """A staff member as the 360 view names them."""

    id: int
    display_name: str
    phone: str | None


class OrgBrief(BaseModel):
    """An org unit by id and name."""

    id: int
    name: str
    name_en: str


class EnterpriseBrief(BaseModel):
    """The group a subscriber belongs to."""

    id: int
    name: str
    grade: EnterpriseGrade
    industry: Industry
    account_manager: StaffBrief | None


class MonthSpend(BaseModel):
    """Spend of one month over all of the customer's numbers."""

    month: str
    amount_fen: int


class ServiceFlags(BaseModel):
    """What an agent must know before speaking."""

    sensitive: bool
    do_not_call: bool
    marketing_consent: bool
    high_value: bool
    in_arrears: bool
    has_suspended_number: bool
    frozen: bool
    # Took a complaint outside (越级: the regulator, a consumer body, the press) within
    # the last year: the work-order domain adds it.
    appealed_outside: bool = False
    # Said they were dissatisfied lately (a return visit, a survey's overall score): the
    # agent opens gently and checks what is still wrong. None where not read (the lookup).
    recently_dissatisfied: bool | None = None


class NoticeBrief(BaseModel):
    """A notice of planned work the customer was sent, shown from two days before the work
    until it ends: a call then is likely about it."""

    id: int
    kind: str  # cutover, upgrade, maintenance
    title: str
    title_en: str  # "" when none was written
    starts_at: datetime
    ends_at: datetime


class SatisfactionMark(BaseModel):
    """One time the customer said how satisfied they were: a work order's return visit
    (回访) or a survey's answers. The work-order and survey domains add them."""

    kind: Literal["return_visit", "survey"]
    at: datetime
    # the visit's outcome was dissatisfied, or the survey's overall score lies in the
    # lowest third of its scale
    dissatisfied: bool
    outcome: str | None = None  # a return visit's: satisfied, neutral or dissatisfied
    by_customer: bool = False  # they gave the return visit themselves (web, text)
    order_id: int | None = None
    order_number: str | None = None
    note: str = ""  # what is still wrong, as noted at the visit
    channel: str | None = None  # how a survey was answered
    score: int | None = None  # a survey's overall-satisfaction answer
    scale_max: int | None = None
    weakest: str | None = None  # the service aspect a survey scored lowest (NET, HOTLINE ...)


class ProfileRead(BaseModel):
    """A customer's profile; personal fields are masked unless the viewer may see them."""

    id: int
    name: str
    gender: Gender
    id_number: str | None
    id_kind: IdKind | None  # which document it is: shown even when the number is masked
    # a passport's issuer, a permanent residence card holder's nationality (ISO 3166)
    id_country: str | None = None
    birth_date: date | None
    address: str
    email: str | None
    language: str
    status: CustomerStatus
    tier: Tier
    tier_source: TierSource
    customer_since: date
    tenure_months: int
    org_unit: OrgBrief
    note: str
    version: int


class WorkItemBrief(BaseModel):
    """Something open for the customer (a work order today; callbacks and visits later)."""

    kind: str
    id: int
    number: str
    type: str
    status: str
    subject: str
    created_at: datetime
    due_at: datetime | None
    is_repeat: bool = False
    urge_count: int = 0  # times the customer chased it (催办)
    supervise_count: int = 0  # times a supervisor pressed for it (督办)
    origin: str = "customer"  # passed on by the regulator, a consumer body … (越级, 交办)
    # An engineer's visit booked (上门): "when is the engineer coming?" is asked on calls.
    visit_starts_at: datetime | None = None
    visit_ends_at: datetime | None = None
    # Money given back on it, in fen (退费): "where is my refund?" follows a refund.
    refund_credited_fen: int = 0
    refund_on_way_fen: int = 0  # approved, not yet credited
    refund_asked_fen: int = 0  # awaiting approval
    urgeable: bool = False  # still being handled: the agent may record a chase
    # Beyond the viewer's reach (escalated to the province, say): listed without a link,
    # with the unit that holds it, so the agent can tell the customer where it stands.
    in_reach: bool = True
    held_by: str | None = None
    held_by_en: str | None = None


class CustomerView(BaseModel):
    """The customer 360: everything an agent needs in the first seconds of a call."""

    masked: bool
    matched_number: str | None
    profile: ProfileRead
    numbers: list[NumberRead]
    balance_fen: int
    spend: list[MonthSpend]
    enterprise: EnterpriseBrief | None
    account_manager: StaffBrief | None
    open_work_items: list[WorkItemBrief]
    recent_interactions: list[dict[str, Any]]
    flags: ServiceFlags
    # the latest, newest first; None from the lookup by number, which stays a handful of
    # reads for a PBX's screen pop (the 360 by id and the agent's caller view have them)
    satisfaction: list[SatisfactionMark] | None = None
    notices: list[NoticeBrief] | None = None  # None from the lookup by number, as above


class CustomerListItem(BaseModel):
    """A search hit."""

    id: int
    name: str
    id_number: str | None
    id_kind: IdKind | None
    id_country: str | None = None
    status: CustomerStatus
    tier: Tier
    org_unit: str
    org_unit_en: str | None = None  # the branch's English name, where one is kept
    numbers: list[str]


CustomerPage = Page[CustomerListItem]


class ContactCreate(BaseModel):
    """A key person at an enterprise customer."""

    name: Name
    title: ShortText = ""
    phone: PhoneInput | None = None
    email: EmailStr | None = None
    is_key: bool = False


class ContactRead(BaseModel):
    """A contact (phone masked unless allowed)."""

    id: int
    name: str
    title: str
    phone: str | None
    email: str | None
    is_key: bool
    active: bool


class ContractCreate(BaseModel):
    """A contract with an enterprise."""

    number: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-]{4,40}$")]
    title: ShortText
    starts_on: date
    ends_on: date
    value_fen: Annotated[int, Field(ge=0, le=10**13)] = 0
    status: ContractStatus = ContractStatus.ACTIVE


class ContractRead(BaseModel):
    """A contract."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    title: str
    starts_on: date
    ends_on: date
    value_fen: int
    status: ContractStatus


class EnterpriseCreate(BaseModel):
    """A new group (集团) customer."""

    name: ShortText
    credit_code: CreditCode | None = None
    industry: Industry
    scale: EnterpriseScale
    grade: EnterpriseGrade
    business_type: BusinessType
    address: LongText = ""
    org_unit_id: RefId | None = None
    account_manager_id: RefId | None = None
    sales_rep_id: RefId | None = None
    channel_agent_id: RefId | None = None


class EnterpriseUpdate(BaseModel):
    """Fields of an enterprise that may change."""

    name: ShortText | None = None
    industry: Industry | None = None
    scale: EnterpriseScale | None = None
    grade: EnterpriseGrade | None = None
    business_type: BusinessType | None = None
    address: LongText | None = None
    account_manager_id: RefId | None = None
    sales_rep_id: RefId | None = None
    channel_agent_id: RefId | None = None


class EnterpriseRead(BaseModel):
    """An enterprise with its people and contracts."""

    id: int
    name: str
    credit_code: str | None
    industry: Industry
    scale: EnterpriseScale
    grade: EnterpriseGrade
    business_type: BusinessType
    address: str
    org_unit: OrgBrief
    account_manager: StaffBrief | None
    sales_rep: StaffBrief | None
    channel_agent: str | None
    status: CustomerStatus
    member_count: int
    contacts: list[ContactRead]
    contracts: list[ContractRead]
    version: int


class EnterpriseListItem(BaseModel):
    """An enterprise search hit."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    industry: Industry
    scale: EnterpriseScale
    grade: EnterpriseGrade
    business_type: BusinessType
    status: CustomerStatus


EnterprisePage = Page[EnterpriseListItem]
