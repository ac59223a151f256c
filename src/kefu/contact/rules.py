"""The SMS and e-mail keyword rules: listed, added and changed by supervisors, audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.enums import ContactChannel
from kefu.contact.models import IntakeRule
from kefu.contact.schemas import IntakeRuleWrite
from kefu.core import audit
from kefu.core.rbac import Principal
from kefu.errors import Unprocessable
from kefu.workorders.category_tree import category_tree


def all_rules(session: Session) -> list[IntakeRule]:
    """Every rule, in the order they are tried (per channel)."""
    return list(
        session.scalars(
            select(IntakeRule).order_by(IntakeRule.channel, IntakeRule.sort_order, IntakeRule.id)
        )
    )


def _check(session: Session, data: IntakeRuleWrite) -> None:
    if data.lookup and data.channel != ContactChannel.SMS:
        raise Unprocessable("intake_lookup_sms_only", field="lookup")
    if bool(data.order_type) != bool(data.category_code):
        raise Unprocessable("intake_order_needs_category", field="category_code")
    if data.category_code and category_tree(session).leaf_in_use(data.category_code) is None:
        raise Unprocessable("category_not_found", field="category_code")


def create_rule(session: Session, *, data: IntakeRuleWrite, by: Principal) -> IntakeRule:
    """Add a rule after checking it can work."""
    _check(session, data)
    rule = IntakeRule(**data.model_dump())
    session.add(rule)
    session.flush()
    _audit(session, by, "intake_rule.create", rule, data)
    return rule


def update_rule(
    session: Session, *, rule: IntakeRule, data: IntakeRuleWrite, by: Principal
) -> IntakeRule:
    """Change a rule (the caller has checked its version)."""
    _check(session, data)
    for key, value in data.model_dump().items():
        setattr(rule, key, value)
    session.flush()
    _audit(session, by, "intake_rule.update", rule, data)
    return rule


def _audit(
    session: Session, by: Principal, action: str, rule: IntakeRule, data: IntakeRuleWrite
) -> None:
    audit.record(
        session,
        actor=by,
        action=action,
        entity_type="intake_rule",
        entity_id=rule.id,
        details=data.model_dump(mode="json"),
    )
