"""The roster of field engineers (装维工程师) and their days.

A unit's dispatchers keep the roster of the engineers who go to its customers' doors. A
visit booked from it carries the engineer's name and phone as they were, and the
engineer cannot be promised at two doors at once: a booking whose window overlaps
another visit booked for them is refused, naming that order (the engineer's row is
locked while checking, so two bookings at once cannot both pass). The day's board shows
each engineer's visits, and those booked with an engineer named by hand (a contractor).
Engineers who leave are made inactive, never deleted: their visits name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.errors import Conflict, NotFound, Unprocessable
from kefu.org.models import OrgUnit
from kefu.org.service import unit_for_writer, unit_seen
from kefu.workorders.engineer_schemas import EngineerChange, EngineerCreate
from kefu.workorders.enums import AppointmentStatus, EngineerSkill
from kefu.workorders.models import FieldEngineer, OrderAppointment, WorkOrder

ON_THE_BOARD = (AppointmentStatus.SCHEDULED, AppointmentStatus.DONE, AppointmentStatus.MISSED)
RECENT = timedelta(days=30)  # the roster's made and missed counts


def _units_in_scope(by: Principal) -> Select[int] | None:
    """The units the caller sees (None: the whole center)."""
    scope = by.scope_filter()
    return None if scope is None else select(OrgUnit.id).where(OrgUnit.path.startswith(scope))


def roster(session: Session, by: Principal) -> list[tuple[FieldEngineer, OrgUnit]]:
    """The engineers of the caller's units, the active first, by unit and name."""
    query = select(FieldEngineer, OrgUnit).join(OrgUnit, OrgUnit.id == FieldEngineer.org_unit_id)
    units = _units_in_scope(by)
    if units is not None:
        query = query.where(FieldEngineer.org_unit_id.in_(units))
    order = (FieldEngineer.active.desc(), OrgUnit.path, FieldEngineer.name, FieldEngineer.id)
    return [(engineer, unit) for engineer, unit in session.execute(query.order_by(*order))]


@dataclass(frozen=True)
class Figures:
    """An engineer's visits: booked from now on, and made or missed by them lately."""

    booked_ahead: int = 0
    made: int = 0  # in the last RECENT days
    missed: int = 0  # by the engineer, in the last RECENT days
    unreported: int = 0  # still booked after the window ended (no 回单 yet)


def figures(session: Session, engineer_ids: list[int]) -> dict[int, Figures]:
    """Each engineer's figures (one query): what a dispatcher weighs before booking."""
    if not engineer_ids:
        return {}
    now = utcnow()
    since = now - RECENT
    visit = OrderAppointment

    def counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count(case((condition, 1)))

    rows = session.execute(
        select(
            visit.engineer_id,
            counted((visit.status == AppointmentStatus.SCHEDULED) & (visit.ends_at > now)),
            counted((visit.status == AppointmentStatus.DONE) & (visit.closed_at >= since)),
            counted(
                (visit.status == AppointmentStatus.MISSED)
                & (visit.missed_by == "engineer")
                & (visit.closed_at >= since)
            ),
            counted((visit.status == AppointmentStatus.SCHEDULED) & (visit.ends_at <= now)),
        )
        .where(visit.engineer_id.in_(engineer_ids))
        .group_by(visit.engineer_id)
    )
    return {row[0]: Figures(*row[1:]) for row in rows if row[0] is not None}


def add(session: Session, data: EngineerCreate, by: Principal) -> FieldEngineer:
    """Put an engineer on the roster of a unit the caller manages (audited)."""
    unit = unit_for_writer(session, data.org_unit_id, by)
    engineer = FieldEngineer(
        name=data.name,
        phone=data.phone,
        org_unit_id=unit.id,
        active=True,
        skills=stored_skills(data.skills),
        work_start=data.work_start,
        work_end=data.work_end,
    )
    _check_hours(engineer)
    session.add(engineer)
    session.flush()
    audit_change(session, by, "engineer.create", engineer, {"name": engineer.name})
    return engineer


def change(
    session: Session, engineer: FieldEngineer, data: EngineerChange, by: Principal
) -> FieldEngineer:
    """Rename, give another phone, make inactive (once no visit ahead is booked for
    them) or active again (audited). Visits already booked keep the name and phone they
    were booked with."""
    changed = data.model_dump(exclude_none=True)
    # hours are cleared by giving them as null: the pair as the caller sent it
    changed |= data.model_dump(include={"work_start", "work_end"}, exclude_unset=True)
    if engineer.active and changed.get("active") is False:
        _refuse_leaving_with_visits(session, engineer)
    if "skills" in changed:
        changed["skills"] = stored_skills(data.skills or [])
    for name, value in changed.items():
        setattr(engineer, name, value)
    _check_hours(engineer)
    session.flush()
    said = {
        name: value.isoformat("minutes") if isinstance(value, time) else value
        for name, value in changed.items()
    }
    audit_change(session, by, "engineer.change", engineer, said)
    return engineer


def visits_ahead(engineer_id: int) -> Select[OrderAppointment, WorkOrder]:
    """The engineer's visits booked and not yet over, soonest first."""
    return (
        select(OrderAppointment, WorkOrder)
        .join(WorkOrder, WorkOrder.id == OrderAppointment.order_id)
        .where(
            OrderAppointment.engineer_id == engineer_id,
            OrderAppointment.status == AppointmentStatus.SCHEDULED,
            OrderAppointment.ends_at > utcnow(),
        )
        .order_by(OrderAppointment.starts_at, OrderAppointment.id)
    )


def _refuse_leaving_with_visits(session: Session, engineer: FieldEngineer) -> None:
    """409 while visits ahead are booked for the engineer: nobody is promised a visit
    from someone who no longer comes (they are handed over first)."""
    ahead = session.execute(visits_ahead(engineer.id)).all()
    if ahead:
        first = ahead[0][1].number
        raise Conflict(
            "engineer_has_visits",
            field="active",
            name=engineer.name,
            count=len(ahead),
            number=first,
        )


def _check_hours(engineer: FieldEngineer) -> None:
    """Working hours are both given or neither, the start before the end (422)."""
    start, end = engineer.work_start, engineer.work_end
    if (start is None) != (end is None):
        missing = "work_start" if start is None else "work_end"
        raise Unprocessable("engineer_hours_pair", field=missing)
    if start is not None and end is not None and not start < end:
        raise Unprocessable("engineer_hours_order", field="work_end")


def on_duty(engineer: FieldEngineer, window: tuple[datetime, datetime], zone: str) -> bool:
    """Whether the window lies within the engineer's working hours (any window does for
    one with none set)."""
    local = ZoneInfo(zone)
    starts, ends = (moment.astimezone(local) for moment in window)
    return starts.date() == ends.date() and works_between(engineer, starts.time(), ends.time())


def works_between(engineer: FieldEngineer, starts: time, ends: time) -> bool:
    """Whether the engineer works all the hours from ``starts`` to ``ends`` (local)."""
    return within_hours((engineer.work_start, engineer.work_end), starts, ends)


def within_hours(hours: tuple[time | None, time | None], starts: time, ends: time) -> bool:
    """Whether working ``hours`` (start, end; none set: any time) cover ``starts`` to
    ``ends``, all local times of one day."""
    first, last = hours
    if first is None or last is None:
        return True
    return first <= starts and ends <= last


def stored_skills(skills: list[EngineerSkill]) -> str:
    """The skills as the row keeps them: each once, in a fixed order."""
    return ",".join(skill.value for skill in EngineerSkill if skill in skills)


def skills_of(engineer: FieldEngineer) -> list[EngineerSkill]:
    return [EngineerSkill(code) for code in engineer.skills.split(",") if code]


def audit_change(
    session: Session, by: Principal, action: str, engineer: FieldEngineer, details: dict
) -> None:
    """A change to an engineer (on the roster, or their days), in the audit log."""
    audit.record(
        session,
        actor=by,
        action=action,
        entity_type="field_engineer",
        entity_id=engineer.id,
        details=details,
    )


def visible(session: Session, engineer_id: int, by: Principal) -> FieldEngineer:
    """An engineer of a unit the caller sees (404 otherwise)."""
    engineer = session.get(FieldEngineer, engineer_id)
    if engineer is None or unit_seen(session, engineer.org_unit_id, by) is None:
        raise NotFound("engineer_not_found")
    return engineer


def book_for(
    session: Session,
    engineer_id: int,
    by: Principal | None,
    *,
    window: tuple[datetime, datetime],
    order: WorkOrder,
) -> FieldEngineer:
    """The engineer a visit is booked with, locked until the booking is written: on the
    caller's roster (``by`` None: the customer moving their visit, to its own engineer),
    active, and free for the window (another visit booked for them that overlaps it is a
    409 naming its order; the order's own visit, being moved, is not)."""
    engineer = session.get(FieldEngineer, engineer_id, with_for_update=True, populate_existing=True)
    if engineer is None or (
        by is not None and unit_seen(session, engineer.org_unit_id, by) is None
    ):
        raise Unprocessable("engineer_not_found", field="engineer_id")
    if not engineer.active:
        raise Unprocessable("engineer_inactive", field="engineer_id", name=engineer.name)
    clash = clashes(session, [engineer.id], order, window).get(engineer.id)
    if clash is not None:
        raise Conflict("engineer_busy", field="engineer_id", name=engineer.name, number=clash)
    return engineer


def clashes(
    session: Session, engineer_ids: list[int], order: WorkOrder, window: tuple[datetime, datetime]
) -> dict[int, str]:
    """Each of these engineers' order booked over the window (the earliest, when several):
    what keeps them from it. The order's own visit, being moved, is none; a window that
    only touches another's end is free."""
    starts, ends = window
    rows = session.execute(
        select(OrderAppointment.engineer_id, WorkOrder.number)
        .join(WorkOrder, WorkOrder.id == OrderAppointment.order_id)
        .where(
            OrderAppointment.engineer_id.in_(engineer_ids),
            OrderAppointment.status == AppointmentStatus.SCHEDULED,
            OrderAppointment.order_id != order.id,
            OrderAppointment.starts_at < ends,
            OrderAppointment.ends_at > starts,
        )
        .order_by(OrderAppointment.starts_at.desc())  # the earliest written last
    )
    return {engineer_id: number for engineer_id, number in rows if engineer_id is not None}


@dataclass
class BoardLine:
    """One engineer's visits of a day; ``engineer`` None for one named by hand."""

    name: str
    phone: str
    engineer: FieldEngineer | None = None
    visits: list[tuple[OrderAppointment, str]] = field(default_factory=list)  # (visit, number)


def board(session: Session, by: Principal, *, day: date, zone: str) -> list[BoardLine]:
    """The day's visits of the caller's orders, by engineer: every active engineer of
    the caller's roster (a free one with none), then those named by hand."""
    local = ZoneInfo(zone)
    starts = datetime.combine(day, time(0), local).astimezone(UTC)
    query = (
        select(OrderAppointment, WorkOrder.number)
        .join(WorkOrder, WorkOrder.id == OrderAppointment.order_id)
        .where(
            OrderAppointment.starts_at >= starts,
            OrderAppointment.starts_at < starts + timedelta(days=1),
            OrderAppointment.status.in_(ON_THE_BOARD),
        )
        .order_by(OrderAppointment.starts_at, OrderAppointment.id)
    )
    units = _units_in_scope(by)
    if units is not None:
        query = query.where(WorkOrder.org_unit_id.in_(units))
    lines = {
        engineer.id: BoardLine(engineer.name, engineer.phone, engineer)
        for engineer, _unit in roster(session, by)
        if engineer.active
    }
    by_hand: dict[tuple[str, str], BoardLine] = {}
    for visit, number in session.execute(query):
        line = lines.get(visit.engineer_id) if visit.engineer_id else None
        if line is None and visit.engineer_id is not None:  # inactive now, or elsewhere
            line = lines.setdefault(visit.engineer_id, _line_of(session, visit))
        if line is None:
            key = (visit.engineer, visit.engineer_phone)
            line = by_hand.setdefault(key, BoardLine(*key))
        line.visits.append((visit, number))
    return [*lines.values(), *by_hand.values()]


def _line_of(session: Session, visit: OrderAppointment) -> BoardLine:
    engineer = session.get(FieldEngineer, visit.engineer_id)
    return BoardLine(visit.engineer, visit.engineer_phone, engineer)
