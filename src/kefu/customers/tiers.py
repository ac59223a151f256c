"""The tier policy: spend and tenure decide the tier unless a person overrode it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.clock import add_months, local_today, month_key, months_between
from kefu.core.rbac import Principal
from kefu.customers import repository
from kefu.customers.enums import Tier, TierSource
from kefu.customers.models import Customer, TierChange, TierRule
from kefu.customers.schemas import TierRuleItem

POLICY_MONTHS = 12


def policy_tier(session: Session, *, customer: Customer) -> Tier:
    """The tier the policy gives: the highest whose spend and tenure minimums are met."""
    today = local_today()
    last = add_months(month_key(today), -1)
    average = repository.average_monthly_spend(
        session, customer.id, add_months(last, -(POLICY_MONTHS - 1)), last
    )
    tenure = months_between(customer.customer_since, today)
    for rule in repository.tier_rules(session):
        if average >= rule.min_avg_monthly_spend_fen and tenure >= rule.min_tenure_months:
            return rule.tier
    return Tier.NORMAL


def _change(
    session: Session,
    customer: Customer,
    tier: Tier,
    source: TierSource,
    reason: str,
    by: Principal | None,
) -> None:
    if customer.tier == tier and customer.tier_source == source:
        return
    session.add(
        TierChange(
            customer_id=customer.id,
            from_tier=customer.tier,
            to_tier=tier,
            source=source,
            reason=reason,
            actor_id=by.staff_id if by else None,
        )
    )
    customer.tier, customer.tier_source = tier, source
    session.flush()


def apply_policy(session: Session, *, customer: Customer, by: Principal | None) -> Tier:
    """Re-evaluate a customer's tier; a manual override is left in place."""
    if customer.tier_source == TierSource.MANUAL:
        return customer.tier
    _change(
        session, customer, policy_tier(session, customer=customer), TierSource.POLICY, "policy", by
    )
    return customer.tier


def override(
    session: Session, *, customer: Customer, tier: Tier | None, reason: str, by: Principal
) -> Customer:
    """Set a tier by hand, or return the customer to the policy when ``tier`` is None."""
    if tier is None:
        target, source = policy_tier(session, customer=customer), TierSource.POLICY
    else:
        target, source = tier, TierSource.MANUAL
    before = customer.tier
    _change(session, customer, target, source, reason, by)
    audit.record(
        session,
        actor=by,
        action="customer.tier_override",
        entity_type="customer",
        entity_id=customer.id,
        reason=reason,
        details={"from": before, "to": target, "source": source},
    )
    return customer


def replace_rules(session: Session, *, rules: list[TierRuleItem], by: Principal) -> list[TierRule]:
    """Replace the minimums of the tiers given; tiers not given keep theirs."""
    current = {rule.tier: rule for rule in repository.tier_rules(session)}
    for item in rules:
        rule = current.get(item.tier)
        if rule is None:
            rule = TierRule(tier=item.tier, min_avg_monthly_spend_fen=0, min_tenure_months=0)
            session.add(rule)
        rule.min_avg_monthly_spend_fen = item.min_avg_monthly_spend_fen
        rule.min_tenure_months = item.min_tenure_months
    session.flush()
    audit.record(
        session,
        actor=by,
        action="tier_rules.update",
        entity_type="tier_rules",
        details={"rules": [item.model_dump(mode="json") for item in rules]},
    )
    return repository.tier_rules(session)
