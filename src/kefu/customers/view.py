"""The customer 360 view: one read of everything an agent needs, masked by the viewer's rights."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kefu.core.base import utcnow
from kefu.core.clock import add_months, format_month, local_today, month_key, months_between
from kefu.core.idnumber import IdKind
from kefu.core.masking import mask_address, mask_email, mask_id_number, mask_name, mask_phone
from kefu.core.phone import national
from kefu.core.rbac import Principal, Right
from kefu.customers import repository
from kefu.customers.enums import TIER_RANK, CustomerStatus, SubscriptionStatus, Tier
from kefu.customers.models import Customer, Package, Subscription
from kefu.customers.schemas import (
    CustomerView,
    EnterpriseBrief,
    MonthSpend,
    NoticeBrief,
    NumberRead,
    OrgBrief,
    PackageRead,
    ProfileRead,
    SatisfactionMark,
    ServiceFlags,
    StaffBrief,
    WorkItemBrief,
)
from kefu.org.models import OrgUnit, Staff

SPEND_MONTHS = 6

# Other domains (work orders, later callbacks) add what is open for a customer. They
# register here instead of being imported, because they build on customers.
WorkItemSource = Callable[[Session, int, Principal], list[WorkItemBrief]]
_work_item_sources: list[WorkItemSource] = []


def register_work_items(source: WorkItemSource) -> None:
    """Add a source of open work items to every 360 view (idempotent)."""
    if source not in _work_item_sources:
        _work_item_sources.append(source)


# The contact domain adds a customer's recent interactions the same way.
InteractionSource = Callable[[Session, int, bool], list[dict[str, Any]]]
_interaction_sources: list[InteractionSource] = []


def register_interactions(source: InteractionSource) -> None:
    """Add a source of recent interactions to every 360 view (idempotent)."""
    if source not in _interaction_sources:
        _interaction_sources.append(source)


# Flags other domains know of (the work orders: a complaint taken outside), the same way.
FlagSource = Callable[[Session, int], dict[str, bool]]
_flag_sources: list[FlagSource] = []


def register_flags(source: FlagSource) -> None:
    """Add a source of flags to every 360 view (idempotent)."""
    if source not in _flag_sources:
        _flag_sources.append(source)


# What the customer said of the service (return visits, surveys), the same way.
SatisfactionSource = Callable[[Session, int], list[SatisfactionMark]]
_satisfaction_sources: list[SatisfactionSource] = []
SHOWN_MARKS = 5
# A dissatisfied word this recent is flagged to the agent before they speak.
DISSATISFIED_MEMORY = timedelta(days=90)


def register_satisfaction(source: SatisfactionSource) -> None:
    """Add a source of satisfaction marks to every 360 view (idempotent)."""
    if source not in _satisfaction_sources:
        _satisfaction_sources.append(source)


def _satisfaction(session: Session, customer_id: int) -> list[SatisfactionMark]:
    marks = [mark for source in _satisfaction_sources for mark in source(session, customer_id)]
    return sorted(marks, key=lambda mark: mark.at, reverse=True)[:SHOWN_MARKS]


# The notices of planned work the customer was sent (大客户通告), the same way.
NoticeSource = Callable[[Session, int], list[NoticeBrief]]
_notice_sources: list[NoticeSource] = []


def register_notices(source: NoticeSource) -> None:
    """Add a source of notices to every complete 360 view (idempotent)."""
    if source not in _notice_sources:
        _notice_sources.append(source)


def _notices(session: Session, customer_id: int) -> list[NoticeBrief]:
    return [notice for source in _notice_sources for notice in source(session, customer_id)]


def _recent_interactions(session: Session, customer_id: int, masked: bool) -> list[dict[str, Any]]:
    return [row for source in _interaction_sources for row in source(session, customer_id, masked)]


def _open_work_items(session: Session, customer_id: int, viewer: Principal) -> list[WorkItemBrief]:
    items = [item for source in _work_item_sources for item in source(session, customer_id, viewer)]
    return sorted(items, key=lambda item: item.created_at, reverse=True)


def show_phone(e164: str, masked: bool) -> str:
    """A number as staff read it: national digits, masked unless allowed."""
    return mask_phone(e164) if masked else national(e164)


def staff_brief(staff: Staff | None, masked: bool) -> StaffBrief | None:
    """A staff member's name and (masked) phone."""
    if staff is None:
        return None
    phone = staff.phone and (
        show_phone(staff.phone, masked) if staff.phone.startswith("+") else staff.phone
    )
    return StaffBrief(id=staff.id, display_name=staff.display_name, phone=phone)


def profile_for(
    customer: Customer, unit: OrgUnit, viewer: Principal, timezone: str = "Asia/Shanghai"
) -> ProfileRead:
    """A customer's profile alone, masked by the viewer's rights (the edit form's)."""
    masked = not viewer.has(Right.PII_VIEW)
    return _profile(customer, unit, masked, local_today(timezone))


def _profile(customer: Customer, unit: OrgUnit, masked: bool, today: date) -> ProfileRead:
    id_number = customer.id_number
    return ProfileRead(
        id=customer.id,
        name=mask_name(customer.name) if masked else customer.name,
        gender=customer.gender,
        id_number=(mask_id_number(id_number) if masked else id_number) if id_number else None,
        id_kind=IdKind(customer.id_kind) if customer.id_kind else None,
        id_country=customer.id_country,
        birth_date=None if masked else customer.birth_date,
        address=mask_address(customer.address) if masked else customer.address,
        email=(mask_email(customer.email) if masked else customer.email)
        if customer.email
        else None,
        language=customer.language,
        status=customer.status,
        tier=customer.tier,
        tier_source=customer.tier_source,
        customer_since=customer.customer_since,
        tenure_months=months_between(customer.customer_since, today),
        org_unit=OrgBrief(id=unit.id, name=unit.name, name_en=unit.name_en),
        note=customer.note,
        version=customer.version,
    )


def _number(subscription: Subscription, package: Package, masked: bool) -> NumberRead:
    return NumberRead(
        id=subscription.id,
        msisdn=show_phone(subscription.msisdn, masked),
        brand=subscription.brand,
        package=PackageRead.model_validate(package),
        status=subscription.status,
        opened_on=subscription.opened_on,
        closed_on=subscription.closed_on,
        balance_fen=subscription.balance_fen,
        version=subscription.version,
    )


def _spend(session: Session, customer_id: int, today: date) -> list[MonthSpend]:
    last = add_months(month_key(today), -1)
    first = add_months(last, -(SPEND_MONTHS - 1))
    totals = repository.spend_by_month(session, customer_id, first, last)
    months = [add_months(first, step) for step in range(SPEND_MONTHS)]
    return [MonthSpend(month=format_month(m), amount_fen=totals.get(m, 0)) for m in months]


def _flags(
    session: Session,
    customer: Customer,
    numbers: list[tuple[Subscription, Package]],
    marks: list[SatisfactionMark] | None,
) -> ServiceFlags:
    live = [s for s, _ in numbers if s.status != SubscriptionStatus.CANCELLED]
    known = {
        name: on for source in _flag_sources for name, on in source(session, customer.id).items()
    }
    return ServiceFlags(
        **known,
        sensitive=customer.sensitive,
        do_not_call=customer.do_not_call,
        marketing_consent=customer.marketing_consent,
        high_value=TIER_RANK[customer.tier] >= TIER_RANK[Tier.GOLD],
        in_arrears=any(s.balance_fen < 0 for s in live),
        has_suspended_number=any(s.status == SubscriptionStatus.SUSPENDED for s in live),
        frozen=customer.status == CustomerStatus.FROZEN,
        recently_dissatisfied=None if marks is None else _recently_dissatisfied(marks),
    )


def _recently_dissatisfied(marks: list[SatisfactionMark]) -> bool:
    """Dissatisfied within the memory, unless a later return visit of the same order found
    them satisfied (the reopened complaint was mended). ``marks`` are newest first."""
    since = utcnow() - DISSATISFIED_MEMORY
    visited: set[int | None] = set()
    for mark in marks:
        if mark.kind == "return_visit":
            if mark.order_id in visited:
                continue  # an earlier word on an order answered again since
            visited.add(mark.order_id)
        if mark.dissatisfied and mark.at >= since:
            return True
    return False


def build_view(
    session: Session,
    *,
    customer: Customer,
    unit: OrgUnit,
    viewer: Principal,
    matched_msisdn: str | None = None,
    timezone: str = "Asia/Shanghai",
    complete: bool = True,
) -> CustomerView:
    """Assemble the 360 view of one customer for one viewer (not ``complete``: without what
    they said of the service and the notices they were sent, three reads fewer)."""
    masked = not viewer.has(Right.PII_VIEW)
    today = local_today(timezone)
    numbers = repository.numbers_with_packages(session, customer.id)
    enterprise, enterprise_manager, own_manager = repository.enterprise_and_managers(
        session, customer
    )
    enterprise_brief = None
    if enterprise is not None:
        enterprise_brief = EnterpriseBrief(
            id=enterprise.id,
            name=enterprise.name,
            grade=enterprise.grade,
            industry=enterprise.industry,
            account_manager=staff_brief(enterprise_manager, masked),
        )
    live = [s for s, _ in numbers if s.status != SubscriptionStatus.CANCELLED]
    marks = _satisfaction(session, customer.id) if complete else None
    return CustomerView(
        masked=masked,
        matched_number=show_phone(matched_msisdn, masked) if matched_msisdn else None,
        profile=_profile(customer, unit, masked, today),
        numbers=[_number(s, p, masked) for s, p in numbers],
        balance_fen=sum(s.balance_fen for s in live),
        spend=_spend(session, customer.id, today),
        enterprise=enterprise_brief,
        account_manager=staff_brief(own_manager or enterprise_manager, masked),
        open_work_items=_open_work_items(session, customer.id, viewer),
        recent_interactions=_recent_interactions(session, customer.id, masked),
        flags=_flags(session, customer, numbers, marks),
        satisfaction=marks,
        notices=_notices(session, customer.id) if complete else None,
    )
