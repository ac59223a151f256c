"""The time-limit sweep, run by ``kefu worker``: warn before a limit, escalate after it.

An order is warned once a round when a set share of its resolution time has passed (its
``warn_at``, set with its limits), and escalated one level once a round when the limit
has passed, the breach kept on record; both tell the people concerned through the
outbox. A reopened order is a new round (二次处理, ``lifecycle.reopen``). Orders waiting
on the customer are not swept: their clock is paused. On PostgreSQL the candidates are claimed
with ``SKIP LOCKED``, so several workers never warn or escalate the same order twice.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kefu.errors import KefuError
from kefu.notify import links
from kefu.notify.tasks import notify_staff
from kefu.workorders import lifecycle
from kefu.workorders.enums import CLOCK_RUNNING_STATUSES
from kefu.workorders.models import Breach, WorkOrder

BATCH = 200


@dataclass
class SweepReport:
    """What one sweep did."""

    warned: int = 0
    escalated: int = 0


def _candidates(session: Session, now: datetime) -> list[WorkOrder]:
    query = (
        select(WorkOrder)
        .where(
            WorkOrder.status.in_([s.value for s in CLOCK_RUNNING_STATUSES]),
            WorkOrder.breached_at.is_(None),
            or_(
                WorkOrder.resolve_due_at <= now,
                and_(WorkOrder.warned_at.is_(None), WorkOrder.warn_at <= now),
            ),
        )
        .order_by(WorkOrder.resolve_due_at)
        .limit(BATCH)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def sweep(session: Session, *, now: datetime) -> SweepReport:
    """Warn and escalate the orders whose time has come."""
    report = SweepReport()
    for order in _candidates(session, now):
        if order.resolve_due_at is not None and now >= order.resolve_due_at:
            _escalate(session, order, now)
            report.escalated += 1
        elif order.warned_at is None:
            order.warned_at = now
            _tell(session, order, "即将超时 / time limit close")
            report.warned += 1
    session.flush()
    return report


def _escalate(session: Session, order: WorkOrder, now: datetime) -> None:
    assert order.resolve_due_at is not None  # a candidate's limit passed
    order.breached_at = now
    session.add(
        Breach(
            order_id=order.id,
            handling_round=order.handling_round,
            due_at=order.resolve_due_at,
            breached_at=now,
        )
    )
    owner = order.assignee_id
    # At the top (HQ) there is no level left: the order stays, marked as breached.
    with suppress(KefuError):
        lifecycle.escalate(session, order=order, reason="处理时限已过 / time limit passed", by=None)
    _tell(session, order, "已超时 / time limit passed", extra_owner=owner)


def _tell(session: Session, order: WorkOrder, what: str, extra_owner: int | None = None) -> None:
    for staff_id in {order.assignee_id, extra_owner} - {None}:
        assert staff_id is not None
        notify_staff(
            session,
            staff_id=staff_id,
            subject=f"{order.number} {what}",
            body=f"{order.number}: {order.subject}",
            link=links.order_page(order.id),
        )
