"""Every query of the customer domain."""

from __future__ import annotations

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from kefu.core.pagination import PageParams
from kefu.customers.enums import TIER_RANK, SubscriptionStatus
from kefu.customers.models import (
    Contract,
    Customer,
    Enterprise,
    EnterpriseContact,
    MonthlySpend,
    Package,
    Subscription,
    TierChange,
    TierRule,
)
from kefu.org.models import OrgUnit, Staff

_CANCELLED_LAST = case((Subscription.status == SubscriptionStatus.CANCELLED, 1), else_=0)

# The 360 lookup's statements are built once: building a statement costs more than
# running it from SQLAlchemy's compiled cache, and the lookup is the hottest read.
_SUBSCRIBER_BY_MSISDN = (
    select(Subscription, Customer, OrgUnit)
    .join(Customer, Customer.id == Subscription.customer_id)
    .join(OrgUnit, OrgUnit.id == Customer.org_unit_id)
    .where(Subscription.msisdn == bindparam("msisdn"))
    .order_by(_CANCELLED_LAST, Subscription.id.desc())
    .limit(1)
)
_NUMBERS_WITH_PACKAGES = (
    select(Subscription, Package)
    .join(Package, Package.id == Subscription.package_id)
    .where(Subscription.customer_id == bindparam("customer_id"))
    .order_by(_CANCELLED_LAST, Subscription.opened_on)
)
_SPEND_BY_MONTH = (
    select(MonthlySpend.month, func.sum(MonthlySpend.amount_fen))
    .join(Subscription, Subscription.id == MonthlySpend.subscription_id)
    .where(
        Subscription.customer_id == bindparam("customer_id"),
        MonthlySpend.month.between(bindparam("first_month"), bindparam("last_month")),
    )
    .group_by(MonthlySpend.month)
)


def subscriber_by_msisdn(
    session: Session, msisdn: str
) -> tuple[Subscription, Customer, OrgUnit] | None:
    """The subscription of a number with its customer and owning unit, in one query.

    The live subscription wins; a number only ever held by cancelled subscriptions gives
    the most recent of them.
    """
    row = session.execute(_SUBSCRIBER_BY_MSISDN, {"msisdn": msisdn}).first()
    return (row[0], row[1], row[2]) if row else None


def live_subscription(session: Session, msisdn: str) -> Subscription | None:
    """The subscription holding a number now (not cancelled)."""
    return session.scalar(
        select(Subscription).where(
            Subscription.msisdn == msisdn, Subscription.status != SubscriptionStatus.CANCELLED
        )
    )


def customer_with_unit(session: Session, customer_id: int) -> tuple[Customer, OrgUnit] | None:
    """A customer and the org unit that owns them."""
    row = session.execute(
        select(Customer, OrgUnit)
        .join(OrgUnit, OrgUnit.id == Customer.org_unit_id)
        .where(Customer.id == customer_id)
    ).first()
    return (row[0], row[1]) if row else None


def numbers_with_packages(session: Session, customer_id: int) -> list[tuple[Subscription, Package]]:
    """A customer's numbers, live ones first."""
    rows = session.execute(_NUMBERS_WITH_PACKAGES, {"customer_id": customer_id})
    return [(row[0], row[1]) for row in rows]


def spend_by_month(
    session: Session, customer_id: int, first_month: int, last_month: int
) -> dict[int, int]:
    """Spend per yyyymm month summed over all of a customer's numbers."""
    rows = session.execute(
        _SPEND_BY_MONTH,
        {"customer_id": customer_id, "first_month": first_month, "last_month": last_month},
    )
    return {int(month): int(total or 0) for month, total in rows}


def staff_brief(session: Session, staff_ids: list[int]) -> dict[int, Staff]:
    """Staff members by id."""
    ids = [i for i in staff_ids if i is not None]
    if not ids:
        return {}
    return {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_(ids)))}


def package_by_code(session: Session, code: str) -> Package | None:
    """A package by its code."""
    return session.scalar(select(Package).where(Package.code == code))


def packages(session: Session) -> list[Package]:
    """All packages by brand and fee."""
    return list(session.scalars(select(Package).order_by(Package.brand, Package.monthly_fee_fen)))


def tier_rules(session: Session) -> list[TierRule]:
    """The tier policy, highest tier first."""
    rules = list(session.scalars(select(TierRule)))
    return sorted(rules, key=lambda rule: TIER_RANK[rule.tier], reverse=True)


def tier_history(session: Session, customer_id: int) -> list[TierChange]:
    """A customer's tier changes, newest first."""
    return list(
        session.scalars(
            select(TierChange)
            .where(TierChange.customer_id == customer_id)
            .order_by(TierChange.changed_at.desc(), TierChange.id.desc())
        )
    )


def _scoped(query, scope_path: str | None):  # type: ignore[no-untyped-def]
    if scope_path is None:
        return query
    return query.where(OrgUnit.path.startswith(scope_path))


def search_customers(
    session: Session,
    *,
    scope_path: str | None,
    params: PageParams,
    msisdn: str | None = None,
    id_number: str | None = None,
    name: str | None = None,
) -> tuple[list[tuple[Customer, OrgUnit]], int]:
    """Customers matching a number, an ID number or a name prefix, within a scope."""
    query = select(Customer, OrgUnit).join(OrgUnit, OrgUnit.id == Customer.org_unit_id)
    if msisdn is not None:
        owners = select(Subscription.customer_id).where(Subscription.msisdn == msisdn)
        query = query.where(Customer.id.in_(owners))
    if id_number is not None:
        query = query.where(Customer.id_number == id_number)
    if name is not None:
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Customer.name.like(f"{escaped}%", escape="\\"))
    query = _scoped(query, scope_path)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Customer.id).offset(params.offset).limit(params.size))
    return [(row[0], row[1]) for row in rows], total


def live_msisdn(session: Session, customer_id: int) -> str | None:
    """The customer's first live number."""
    return session.scalar(
        select(Subscription.msisdn)
        .where(
            Subscription.customer_id == customer_id,
            Subscription.status != SubscriptionStatus.CANCELLED,
        )
        .order_by(Subscription.opened_on, Subscription.id)
        .limit(1)
    )


def msisdns_of(session: Session, customer_ids: list[int]) -> dict[int, list[str]]:
    """Live numbers per customer."""
    result: dict[int, list[str]] = {cid: [] for cid in customer_ids}
    if not customer_ids:
        return result
    rows = session.execute(
        select(Subscription.customer_id, Subscription.msisdn).where(
            Subscription.customer_id.in_(customer_ids),
            Subscription.status != SubscriptionStatus.CANCELLED,
        )
    )
    for customer_id, msisdn in rows:
        result[customer_id].append(msisdn)
    return result


def average_monthly_spend(session: Session, customer_id: int, first: int, last: int) -> int:
    """A customer's spend over the months, summed over numbers, divided by months with data."""
    rows = session.execute(
        select(MonthlySpend.month, func.sum(MonthlySpend.amount_fen))
        .join(Subscription, Subscription.id == MonthlySpend.subscription_id)
        .where(Subscription.customer_id == customer_id, MonthlySpend.month.between(first, last))
        .group_by(MonthlySpend.month)
    ).all()
    if not rows:
        return 0
    return int(sum(int(total or 0) for _, total in rows) / len(rows))


def enterprise_with_unit(session: Session, enterprise_id: int) -> tuple[Enterprise, OrgUnit] | None:
    """An enterprise and its owning unit."""
    row = session.execute(
        select(Enterprise, OrgUnit)
        .join(OrgUnit, OrgUnit.id == Enterprise.org_unit_id)
        .where(Enterprise.id == enterprise_id)
    ).first()
    return (row[0], row[1]) if row else None


def enterprise_and_managers(
    session: Session, customer: Customer
) -> tuple[Enterprise | None, Staff | None, Staff | None]:
    """A customer's enterprise, its account manager and the customer's own manager.

    Most subscribers have neither, so these are primary-key reads made only when linked
    (joining them into the lookup made every lookup slower to hydrate).
    """
    enterprise = session.get(Enterprise, customer.enterprise_id) if customer.enterprise_id else None
    enterprise_manager = (
        session.get(Staff, enterprise.account_manager_id)
        if enterprise is not None and enterprise.account_manager_id
        else None
    )
    own_manager = (
        session.get(Staff, customer.account_manager_id) if customer.account_manager_id else None
    )
    return enterprise, enterprise_manager, own_manager


def enterprise_members(session: Session, enterprise_id: int) -> int:
    """How many subscribers belong to the enterprise."""
    count = session.scalar(
        select(func.count()).select_from(Customer).where(Customer.enterprise_id == enterprise_id)
    )
    return int(count or 0)


def contacts(session: Session, enterprise_id: int) -> list[EnterpriseContact]:
    """An enterprise's contacts, key people first."""
    return list(
        session.scalars(
            select(EnterpriseContact)
            .where(EnterpriseContact.enterprise_id == enterprise_id)
            .order_by(EnterpriseContact.is_key.desc(), EnterpriseContact.id)
        )
    )


def contracts(session: Session, enterprise_id: int) -> list[Contract]:
    """An enterprise's contracts, latest first."""
    return list(
        session.scalars(
            select(Contract)
            .where(Contract.enterprise_id == enterprise_id)
            .order_by(Contract.starts_on.desc())
        )
    )


def contract_by_number(session: Session, number: str) -> Contract | None:
    """A contract by its number."""
    return session.scalar(select(Contract).where(Contract.number == number))


def search_enterprises(
    session: Session, *, scope_path: str | None, params: PageParams, q: str | None
) -> tuple[list[Enterprise], int]:
    """Enterprises by name fragment within a scope."""
    query = select(Enterprise).join(OrgUnit, OrgUnit.id == Enterprise.org_unit_id)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Enterprise.name.like(f"%{escaped}%", escape="\\"))
    query = _scoped(query, scope_path)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Enterprise.id).offset(params.offset).limit(params.size))
    return list(rows), total


def enterprise_by_credit_code(session: Session, credit_code: str) -> Enterprise | None:
    """An enterprise by its unified social credit code."""
    return session.scalar(select(Enterprise).where(Enterprise.credit_code == credit_code))
