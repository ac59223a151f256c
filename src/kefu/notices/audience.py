"""Whom a notice is for: the area's active big customers (enterprise members, the gold
tier and above, or both), each at their lowest live number; and, when groups are told,
the key people (关键人) of the area's active groups."""

from __future__ import annotations

from sqlalchemy import Select, case, false, func, or_, select
from sqlalchemy.orm import Session

from kefu.customers.enums import CustomerStatus, SubscriptionStatus, Tier
from kefu.customers.models import Customer, Enterprise, EnterpriseContact, Subscription
from kefu.notices.enums import Audience
from kefu.notices.models import Notice
from kefu.org.models import OrgUnit

HIGH_TIERS = (Tier.GOLD, Tier.DIAMOND, Tier.SUPREME)
MOBILE_LENGTH = 14  # +86 and eleven digits


def _area(session: Session, notice: Notice) -> Select[int]:
    unit = session.get(OrgUnit, notice.org_unit_id)
    assert unit is not None  # foreign key
    return select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path))


def tells_groups(notice: Notice) -> bool:
    """True when the notice is for enterprise customers, whose groups' key people are told."""
    return notice.audience in (Audience.ENTERPRISES, Audience.BOTH)


def customers(session: Session, notice: Notice) -> Select[int, str, str | None, str]:
    """The area's active big customers the notice is for, each with a live number (the
    lowest, so one text each) and their e-mail address and language; in id order."""
    number = (
        select(func.min(Subscription.msisdn))
        .where(
            Subscription.customer_id == Customer.id,
            Subscription.status != SubscriptionStatus.CANCELLED,
        )
        .scalar_subquery()
    )
    wanted = {
        Audience.ENTERPRISES: Customer.enterprise_id.is_not(None),
        Audience.HIGH_VALUE: Customer.tier.in_([str(tier) for tier in HIGH_TIERS]),
    }
    who = (
        or_(*wanted.values())
        if notice.audience == Audience.BOTH
        else wanted[Audience(notice.audience)]
    )
    return (
        select(
            Customer.id,
            Customer.language,
            Customer.email,
            func.coalesce(number, "").label("msisdn"),
        )
        .where(
            Customer.org_unit_id.in_(_area(session, notice)),
            Customer.status == CustomerStatus.ACTIVE,
            who,
        )
        .order_by(Customer.id)
    )


def key_people(session: Session, notice: Notice) -> Select[int, int, str, str]:
    """The active key people of the area's active groups, with a number or an address
    (the number only if it takes texts: a mobile); in id order. None unless groups are
    told."""
    number = func.coalesce(EnterpriseContact.phone, "")
    # texted only at a mainland mobile number in E.164 form (kefu.core.phone.is_mobile)
    phone = case((number.like("+861%") & (func.length(number) == MOBILE_LENGTH), number), else_="")
    query = (
        select(
            EnterpriseContact.id,
            EnterpriseContact.enterprise_id,
            phone.label("phone"),
            func.coalesce(EnterpriseContact.email, "").label("email"),
        )
        .join(Enterprise, Enterprise.id == EnterpriseContact.enterprise_id)
        .where(
            EnterpriseContact.is_key,
            EnterpriseContact.active,
            Enterprise.status == CustomerStatus.ACTIVE,
            Enterprise.org_unit_id.in_(_area(session, notice)),
            (phone != "") | (func.coalesce(EnterpriseContact.email, "") != ""),
        )
        .order_by(EnterpriseContact.id)
    )
    return query if tells_groups(notice) else query.where(false())
