"""Open orders' limits counted again when the center's calendar changes (节假日调整后重算时限).

Why: a year's holidays become known after orders running into them were given their
limits: the State Council's notice comes out in November, and until it is recorded kefu
counts Monday to Friday. An order taken in late December would fall due on 元旦 itself,
and one taken before 春节 in the middle of it, and be escalated while nobody works.
Recording the days can move the limits of the orders whose clock runs through them, each
counted again from the start of its round, as any change of triage does.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kefu.core.base import utcnow
from kefu.core.calendar_days import center_calendar
from kefu.core.rbac import Principal
from kefu.workorders.enums import CLOCK_RUNNING_STATUSES, EventKind
from kefu.workorders.models import WorkOrder
from kefu.workorders.service import record_event, set_due_times


def _through(first: date, last: date, zone: str) -> Select[WorkOrder]:
    """Orders whose clock runs now and through some of those days: not answered, not yet
    past their limit (a breach stays as it was), begun before the last day ends and due
    after the first begins."""
    local = ZoneInfo(zone)
    starts = datetime.combine(first, time.min, local)
    ends = datetime.combine(last + timedelta(days=1), time.min, local)
    round_start = func.coalesce(WorkOrder.round_started_at, WorkOrder.created_at)
    return select(WorkOrder).where(
        WorkOrder.status.in_([s.value for s in CLOCK_RUNNING_STATUSES]),
        WorkOrder.breached_at.is_(None),
        WorkOrder.resolve_due_at >= starts,
        round_start < ends,
    )


def orders_through(session: Session, days: Collection[date], zone: str) -> int:
    """How many open orders' limits run through the days."""
    if not days:
        return 0
    found = _through(min(days), max(days), zone).with_only_columns(func.count())
    return int(session.scalar(found) or 0)


def move_limits(
    session: Session,
    days: Collection[date],
    *,
    by: Principal,
    zone: str,
    because: Mapping[str, object],
) -> int:
    """Count again the limits of the open orders whose clock runs through the days, on the
    calendar as it now stands (the days just recorded included); each order whose limit
    moved gets a timeline step with the limit before and after, and ``because`` (what
    changed the calendar); one warned under the old count whose warning now lies ahead is
    warned again then. Returns how many moved."""
    if not days:
        return 0
    calendar = center_calendar(session, zone)  # read afresh: this session changed it
    now = utcnow()
    moved = 0
    for order in session.scalars(_through(min(days), max(days), zone)).all():
        before = order.resolve_due_at
        set_due_times(session, order, calendar)
        if order.resolve_due_at == before:
            continue
        moved += 1
        if order.warned_at is not None and order.warn_at is not None and order.warn_at > now:
            order.warned_at = None  # warned by the old count: warned again at the new one
        details = {**because, "due_before": before, "due_at": order.resolve_due_at}
        record_event(session, order, kind=EventKind.LIMITS, by=by, details=details)
    session.flush()
    return moved
