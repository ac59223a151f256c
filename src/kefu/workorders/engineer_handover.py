"""Handing an engineer's booked visits to a colleague (交接): the engineer is off sick, or
leaving. Each visit keeps its window and address and gets the other engineer, who must
be free and working then; those the colleague is already booked over, or off duty for
(their hours, or a day off), are left where they were and named, for the dispatcher to
place one by one on the board (or to book as overtime agreed with the colleague). An
engineer is made inactive only once no visit ahead is booked for them: nobody is
promised a visit from someone who no longer comes.

Why not refuse the whole hand-over when one visit clashes: a sick engineer's day is
handed over at 8 in the morning, and the dispatcher needs the visits that fit moved now
and the others named, not an error to work around.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.rbac import Principal
from kefu.errors import Conflict, Unprocessable
from kefu.org.service import unit_seen
from kefu.workorders import appointments, engineers
from kefu.workorders import engineer_days_off as days_off
from kefu.workorders.models import FieldEngineer, OrderAppointment


@dataclass(frozen=True)
class Left:
    """A visit left with its engineer: the colleague is booked over it (``clash``), or
    off duty then (``clash`` None)."""

    visit: OrderAppointment
    number: str
    clash: str | None

    @property
    def off_duty(self) -> bool:
        return self.clash is None


@dataclass
class HandedOver:
    """What a hand-over did: the visits moved to the colleague, and those left."""

    handed: list[tuple[OrderAppointment, str]] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)


def hand_over(
    session: Session,
    source: FieldEngineer,
    *,
    to_id: int,
    day: date | None,
    by: Principal,
    zone: str,
    until: date | None = None,
) -> HandedOver:
    """Give the source engineer's visits ahead (of ``day`` only, if given, or from
    ``day`` to ``until``) to the colleague ``to_id``, each that the colleague is free and
    working for (audited)."""
    target = _colleague(session, source, to_id, by)
    query = engineers.visits_ahead(source.id)
    if day is not None:
        local = ZoneInfo(zone)
        starts = datetime.combine(day, time(0), local).astimezone(UTC)
        ends = datetime.combine((until or day) + timedelta(days=1), time(0), local)
        query = query.where(
            OrderAppointment.starts_at >= starts,
            OrderAppointment.starts_at < ends.astimezone(UTC),
        )
    done = HandedOver()
    visits = session.execute(query).all()
    local_day = {visit.id: days_off.local_day(visit.starts_at, zone) for visit, _ in visits}
    off = days_off.off_among(session, target.id, set(local_day.values()))
    for visit, order in visits:
        window = (visit.starts_at, visit.ends_at)
        if local_day[visit.id] in off or not engineers.on_duty(target, window, zone):
            done.left.append(Left(visit, order.number, None))
            continue
        try:
            engineers.book_for(session, target.id, by, window=window, order=order)
        except Conflict as busy:
            done.left.append(Left(visit, order.number, str(busy.params.get("number", ""))))
            continue
        appointments.change_engineer(
            session, order=order, visit=visit, engineer=target, by=by, zone=zone
        )
        done.handed.append((visit, order.number))
    audit.record(
        session,
        actor=by,
        action="engineer.hand_over",
        entity_type="field_engineer",
        entity_id=source.id,
        details={
            "to": target.id,
            "day": day.isoformat() if day else None,
            "until": until.isoformat() if until else None,
            "handed": [number for _, number in done.handed],
            "left": [left.number for left in done.left],
        },
    )
    return done


def _colleague(session: Session, source: FieldEngineer, to_id: int, by: Principal) -> FieldEngineer:
    """The engineer taking the visits: another, active, on the caller's roster."""
    target = session.get(FieldEngineer, to_id)
    if target is None or unit_seen(session, target.org_unit_id, by) is None:
        raise Unprocessable("engineer_not_found", field="to_engineer_id")
    if target.id == source.id:
        raise Unprocessable("handover_to_self", field="to_engineer_id")
    if not target.active:
        raise Unprocessable("engineer_inactive", field="to_engineer_id", name=target.name)
    return target
