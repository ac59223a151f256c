"""Open orders' limits counted again when the center's calendar changes (节假日调整后重算时限).

Why: a year's holidays become known after orders running into them were given their
limits: the State Council's notice comes out in November, and until it is recorded kefu
counts Monday to Friday. An order taken in late December would fall due on 元旦 itself,
and one taken before 春节 in the middle of it, and be escalated while nobody works.
Recording the days can move the limits of the orders whose clock runs through them, each
counted again from the start of its round, as any change of triage does; and the time
wanted of an open ask of a team keeping working hours (协办), counted again from when it
was asked: billing asked on 31 December for eight working hours is not wanted on 元旦.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.calendar_days import center_calendar
from kefu.core.rbac import Principal
from kefu.org.models import Team
from kefu.workorders import assists
from kefu.workorders.enums import CLOCK_RUNNING_STATUSES, AssistStatus, EventKind
from kefu.workorders.models import OrderAssist, WorkOrder
from kefu.workorders.service import record_event, set_due_times


@dataclass(frozen=True)
class Moved:
    """How many open orders' limits, and open asks' times, were counted again."""

    orders: int = 0
    asks: int = 0


def _span(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """From the first day's start to the last day's end, in the center's time."""
    local = ZoneInfo(zone)
    starts = datetime.combine(first, time.min, local)
    return starts, datetime.combine(last + timedelta(days=1), time.min, local)


def _through(first: date, last: date, zone: str) -> Select[WorkOrder]:
    """Orders whose clock runs now and through some of those days: not answered, not yet
    past their limit (a breach stays as it was), begun before the last day ends and due
    after the first begins."""
    starts, ends = _span(first, last, zone)
    round_start = func.coalesce(WorkOrder.round_started_at, WorkOrder.created_at)
    return select(WorkOrder).where(
        WorkOrder.status.in_([s.value for s in CLOCK_RUNNING_STATUSES]),
        WorkOrder.breached_at.is_(None),
        WorkOrder.resolve_due_at >= starts,
        round_start < ends,
    )


def _asks_through(first: date, last: date, zone: str) -> Select[OrderAssist]:
    """Open asks of teams keeping working hours wanted across those days: asked before
    the last ends, wanted after the first begins (a team on the clock counts no days)."""
    starts, ends = _span(first, last, zone)
    return (
        select(OrderAssist)
        .join(Team, Team.id == OrderAssist.team_id)
        .where(
            OrderAssist.status == AssistStatus.OPEN,
            OrderAssist.due_hours.is_not(None),
            OrderAssist.asked_at < ends,
            OrderAssist.due_at >= starts,
            Team.work_start.is_not(None),
            Team.work_end.is_not(None),
        )
    )


def asks_through(session: Session, days: Collection[date], zone: str) -> int:
    """How many open asks' times run through the days."""
    if not days:
        return 0
    found = _asks_through(min(days), max(days), zone).with_only_columns(func.count())
    return int(session.scalar(found) or 0)


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
) -> Moved:
    """Count again the limits of the open orders whose clock runs through the days, on the
    calendar as it now stands (the days just recorded included); each order whose limit
    moved gets a timeline step with the limit before and after, and ``because`` (what
    changed the calendar); one warned under the old count whose warning now lies ahead is
    warned again then. The open asks wanted through the days likewise. Returns how many
    moved."""
    if not days:
        return Moved()
    calendar = center_calendar(session, zone)  # read afresh: this session changed it
    orders = _move_orders(session, days, calendar, by=by, because=because)
    return Moved(orders, _move_asks(session, days, calendar, by=by, because=because))


def _move_orders(
    session: Session,
    days: Collection[date],
    calendar: BusinessCalendar,
    *,
    by: Principal,
    because: Mapping[str, object],
) -> int:
    """The open orders through the days, each counted again; how many moved."""
    zone = calendar.zone
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


def _move_asks(
    session: Session,
    days: Collection[date],
    calendar: BusinessCalendar,
    *,
    by: Principal,
    because: Mapping[str, object],
) -> int:
    """The open asks wanted across the days, each counted again by the rules of asks."""
    found = _asks_through(min(days), max(days), calendar.zone).order_by(OrderAssist.id)
    rows = session.scalars(found).all()
    moved = sum(assists.count_again(session, row, calendar, by=by, because=because) for row in rows)
    session.flush()
    return moved
