"""Who may use the contact API, and the loaders its routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kefu.billing.lookups import BillingLink
from kefu.contact.intake import IntakeSetup
from kefu.contact.models import IntakeRule, Interaction
from kefu.core.calendar_days import center_calendar
from kefu.core.rbac import Principal, Right
from kefu.core.web import DbSession
from kefu.customers import repository as customers
from kefu.customers.deps import ensure_in_scope
from kefu.errors import NotFound
from kefu.org.deps import require
from kefu.workorders.deps import attachment_limits

CanRead = Annotated[Principal, Depends(require(Right.INTERACTION_READ))]
CanWrite = Annotated[Principal, Depends(require(Right.INTERACTION_WRITE))]
CanReceive = Annotated[Principal, Depends(require(Right.TELEPHONY))]
CanManageIntake = Annotated[Principal, Depends(require(Right.INTAKE_MANAGE))]


def load_interaction(session: DbSession, interaction_id: int, principal: Principal) -> Interaction:
    """The interaction, or 404; a known customer's contact only within the caller's scope."""
    interaction = session.get(Interaction, interaction_id)
    if interaction is None:
        raise NotFound("interaction_not_found")
    if interaction.customer_id is not None:
        found = customers.customer_with_unit(session, interaction.customer_id)
        if found is not None:
            ensure_in_scope(principal, found[1])
    return interaction


def load_rule(session: DbSession, rule_id: int) -> IntakeRule:
    """The intake rule, or 404."""
    rule = session.get(IntakeRule, rule_id)
    if rule is None:
        raise NotFound("intake_rule_not_found")
    return rule


def intake_setup(request: Request, principal: CanReceive, session: DbSession) -> IntakeSetup:
    """The acting gateway account, the billing system, the calendar and the limits."""
    settings = request.app.state.settings
    return IntakeSetup(
        by=principal,
        billing=BillingLink.of(settings).billing(session, settings.timezone),
        calendar=center_calendar(session, settings.timezone),
        body_limit=settings.intake_body_chars,
        auto_replies_per_hour=settings.intake_auto_replies_per_hour,
        file_limits=attachment_limits(request),
    )


Intake = Annotated[IntakeSetup, Depends(intake_setup)]
