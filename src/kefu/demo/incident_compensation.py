"""The demo's resolved incident compensates its callers the morning after (故障补偿): the
supervisor asks ten yuan for each, a team lead of the branch approves them together, and
kefu's own billing credits each — through the real services, then put in time after the
resolution, as a center does it."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.billing.boss import KefuBilling
from kefu.billing.credits import credit
from kefu.config import REFUND_CEILING_FEN, REFUND_LEAD_LIMIT_FEN
from kefu.core.calendar import BusinessCalendar
from kefu.core.rbac import Principal
from kefu.errors import Conflict
from kefu.workorders import incident_compensation
from kefu.workorders.enums import EventKind
from kefu.workorders.models import Incident, OrderEvent, OrderRefund
from kefu.workorders.refunds import RefundLimits

AMOUNT_FEN = 1000
REASON = "基站中断约3小时，按公司规定每户补偿10元话费"
ASKED_AT = time(10)  # the morning after the resolution, in the center's time
APPROVED_AFTER = timedelta(minutes=40)
CREDITED_AFTER = timedelta(minutes=2)


def compensate(
    session: Session, incident: Incident, asker: Principal, approver: Principal | None
) -> int:
    """Compensate the incident's callers; how many were credited (none without an
    approver, or when no caller is a subscriber)."""
    if approver is None:
        return 0
    zone = BusinessCalendar().zone
    limits = RefundLimits(REFUND_LEAD_LIMIT_FEN, REFUND_CEILING_FEN)  # the shipped ones
    try:
        incident_compensation.ask(
            session,
            incident=incident,
            amount_fen=AMOUNT_FEN,
            reason=REASON,
            by=asker,
            limits=limits,
        )
    except Conflict:  # no caller can be credited (a center too small to have subscribers)
        return 0
    incident_compensation.approve_all(
        session, incident=incident, by=approver, note="同意", limits=limits, zone=zone
    )
    rows = session.scalars(select(OrderRefund).where(OrderRefund.incident_id == incident.id)).all()
    for row in rows:
        credit(session, row.id, KefuBilling(session, zone))
    session.flush()
    assert incident.resolved_at is not None  # compensated once resolved
    resolved = incident.resolved_at.astimezone(ZoneInfo(zone))
    asked = datetime.combine(resolved.date() + timedelta(days=1), ASKED_AT, resolved.tzinfo)
    _in_time(session, list(rows), asked)
    return len(rows)


def _in_time(session: Session, rows: list[OrderRefund], asked: datetime) -> None:
    """Put the refunds and their timeline steps at the morning after the resolution."""
    approved = asked + APPROVED_AFTER
    credited = approved + CREDITED_AFTER
    at = {"request": asked, "approve": approved, "credit": credited}
    for row in rows:
        row.requested_at, row.decided_at, row.credited_at = asked, approved, credited
    steps = session.scalars(
        select(OrderEvent).where(
            OrderEvent.order_id.in_([r.order_id for r in rows]),
            OrderEvent.kind == EventKind.REFUND,
        )
    )
    for step in steps:
        step.occurred_at = at[_step_of(step)]


def _step_of(event: OrderEvent) -> str:
    return str(json.loads(event.details)["step"])
