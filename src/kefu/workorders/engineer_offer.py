"""Who can go (谁有空): the roster engineers a visit could be booked with for a window,
best first — free then, of the order's area, working then, doing the kind of work the order needs
(宽带 for broadband, 无线覆盖 for indoor signal), with the fewest visits that day.

Why: the dispatcher's question at booking is "who is free then and can do it"; the
board answers it for a day, this answers it for the window asked, on the form itself.
Each engineer booked over the window is named with the order, as booking them would be
refused with it. One off duty then, or off that day (轮休, 请假), is offered after those
working (overtime is agreed with them, not assumed), and can still be booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.core.rbac import Principal
from kefu.org.models import OrgUnit
from kefu.workorders import engineer_days_off as days_off
from kefu.workorders import engineers
from kefu.workorders.enums import AppointmentStatus, EngineerSkill
from kefu.workorders.models import Category, FieldEngineer, OrderAppointment, WorkOrder

# The categories whose visits need a skill, by code prefix; the rest need none.
SKILL_OF_CATEGORY = (
    ("broadband.", EngineerSkill.BROADBAND),
    ("network.coverage.", EngineerSkill.COVERAGE),
)


def skill_needed(session: Session, order: WorkOrder) -> EngineerSkill | None:
    code = session.scalar(select(Category.code).where(Category.id == order.category_id)) or ""
    return next(
        (skill for prefix, skill in SKILL_OF_CATEGORY if f"{code}.".startswith(prefix)), None
    )


@dataclass(frozen=True)
class Candidate:
    """A roster engineer as the booking form offers them for the window."""

    engineer: FieldEngineer
    unit: OrgUnit
    fits: bool  # does the kind of work the order needs (or none is needed)
    nearby: bool  # of the order's unit, or of a unit above or below it
    clash: str | None  # the order they are booked for over the window
    on_duty: bool  # working then: within their hours (or none set), not a day off
    day_off: bool  # off that day (轮休, 请假)
    that_day: int  # visits booked for them that day, this order's aside


def offer(
    session: Session,
    order: WorkOrder,
    by: Principal,
    *,
    window: tuple[datetime, datetime],
    zone: str,
) -> list[Candidate]:
    """The active engineers of the caller's roster, best first for the window."""
    roster = [(e, unit) for e, unit in engineers.roster(session, by) if e.active]
    ids = [engineer.id for engineer, _ in roster]
    needed = skill_needed(session, order)
    order_unit = session.get(OrgUnit, order.org_unit_id)
    order_path = order_unit.path if order_unit else "/"
    clashes = engineers.clashes(session, ids, order, window)
    loads = _that_day(session, ids, order, window[0], zone)
    off = days_off.off_on(session, ids, days_off.local_day(window[0], zone))
    found = [
        Candidate(
            engineer=engineer,
            unit=unit,
            fits=needed is None or not engineer.skills or needed in engineers.skills_of(engineer),
            nearby=order_path.startswith(unit.path) or unit.path.startswith(order_path),
            clash=clashes.get(engineer.id),
            on_duty=engineer.id not in off and engineers.on_duty(engineer, window, zone),
            day_off=engineer.id in off,
            that_day=loads.get(engineer.id, 0),
        )
        for engineer, unit in roster
    ]
    return sorted(found, key=_best_first)


def _best_first(candidate: Candidate) -> tuple[bool, bool, bool, bool, int, str]:
    return (
        candidate.clash is not None,
        not candidate.nearby,  # a local asked to stay late before a drive from another city
        not candidate.on_duty,
        not candidate.fits,
        candidate.that_day,
        candidate.engineer.name,
    )


def _that_day(
    session: Session, ids: list[int], order: WorkOrder, starts: datetime, zone: str
) -> dict[int, int]:
    local = ZoneInfo(zone)
    day = datetime.combine(starts.astimezone(local).date(), time(0), local).astimezone(UTC)
    rows = session.execute(
        select(OrderAppointment.engineer_id, func.count())
        .where(
            OrderAppointment.engineer_id.in_(ids),
            OrderAppointment.status == AppointmentStatus.SCHEDULED,
            OrderAppointment.order_id != order.id,
            OrderAppointment.starts_at >= day,
            OrderAppointment.starts_at < day + timedelta(days=1),
        )
        .group_by(OrderAppointment.engineer_id)
    )
    return {engineer_id: count for engineer_id, count in rows if engineer_id is not None}
