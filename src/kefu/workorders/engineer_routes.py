"""HTTP routes of the field engineers' roster (装维工程师): list, add, change, days off,
and the day's board of who goes where."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from kefu.core.clock import local_today
from kefu.core.idempotency import run_once
from kefu.core.masking import mask_address
from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, IfMatch, check_version, etag
from kefu.org.models import OrgUnit
from kefu.workorders import (
    appointments,
    engineer_days_off,
    engineer_handover,
    engineer_offer,
    engineer_sheets,
    engineers,
)
from kefu.workorders.deps import CanDispatch, CanReadOrders, CanWorkOrders, visible_order
from kefu.workorders.engineer_schemas import (
    BoardRow,
    BoardVisit,
    DayOffOut,
    DayOffRequest,
    EngineerBoard,
    EngineerChange,
    EngineerCreate,
    EngineerList,
    EngineerOffer,
    EngineerOffered,
    EngineerOut,
    HandedVisit,
    HandOverOut,
    HandOverRequest,
    LeaveOut,
    LeaveRequest,
    LeftVisit,
)
from kefu.workorders.models import FieldEngineer, OrderAppointment

router = APIRouter(prefix="/api/v1", tags=["work orders"])


def engineer_out(
    engineer: FieldEngineer,
    unit: OrgUnit,
    figures: dict[int, engineers.Figures],
    days_off: dict[int, list[date]],
) -> EngineerOut:
    counted = figures.get(engineer.id, engineers.Figures())
    return EngineerOut(
        id=engineer.id,
        name=engineer.name,
        phone=engineer.phone,
        org_unit_id=unit.id,
        org_unit=unit.name,
        org_unit_en=unit.name_en or unit.name,
        active=engineer.active,
        skills=engineers.skills_of(engineer),
        work_start=engineer.work_start,
        work_end=engineer.work_end,
        booked_ahead=counted.booked_ahead,
        made_30d=counted.made,
        missed_30d=counted.missed,
        awaiting_report=counted.unreported,
        days_off_ahead=days_off.get(engineer.id, []),
        version=engineer.version,
    )


def roster_out(
    session: Session, found: list[tuple[FieldEngineer, OrgUnit]], zone: str
) -> list[EngineerOut]:
    """The roster as read: each engineer with their figures and days off ahead."""
    ids = [engineer.id for engineer, _ in found]
    counted = engineers.figures(session, ids)
    days_off = engineer_days_off.ahead(session, ids, local_today(zone))
    return [engineer_out(engineer, unit, counted, days_off) for engineer, unit in found]


def _one_out(session: Session, engineer: FieldEngineer, request: Request) -> EngineerOut:
    unit = session.get(OrgUnit, engineer.org_unit_id)
    assert unit is not None  # foreign key
    return roster_out(session, [(engineer, unit)], str(request.app.state.settings.timezone))[0]


@router.get("/engineers", response_model=EngineerList)
def list_engineers(principal: CanReadOrders, session: DbSession, request: Request) -> EngineerList:
    """The engineers of the caller's units, the active first, each with the visits
    booked for them from now on, those made and missed by them in the last 30 days, and
    their days off in the next 14."""
    zone = str(request.app.state.settings.timezone)
    return EngineerList(items=roster_out(session, engineers.roster(session, principal), zone))


@router.post("/engineers", response_model=EngineerOut, status_code=201)
def add_engineer(
    data: EngineerCreate,
    principal: CanDispatch,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Put an engineer on the roster of a unit the caller manages."""

    def add() -> EngineerOut:
        return _one_out(session, engineers.add(session, data, principal), request)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="engineer.create",
        payload=data,
        create=add,
    )
    return JSONResponse(body, status_code=status)


@router.patch("/engineers/{engineer_id}", response_model=EngineerOut)
def change_engineer(
    engineer_id: PathId,
    data: EngineerChange,
    version: IfMatch,
    principal: CanDispatch,
    session: DbSession,
    request: Request,
    response: Response,
) -> EngineerOut:
    """Rename, give another phone, or make inactive (a leaver; 409 engineer_has_visits
    while visits ahead are booked for them: hand them over first) or active again; a
    stale If-Match is a 409. Visits already booked keep the name and phone they were
    booked with."""
    engineer = engineers.visible(session, engineer_id, principal)
    check_version(engineer.version, version)
    engineers.change(session, engineer, data, principal)
    response.headers["ETag"] = etag(engineer.version)
    return _one_out(session, engineer, request)


@router.put("/engineers/{engineer_id}/days-off/{day}", response_model=DayOffOut)
def set_day_off(
    engineer_id: PathId,
    day: date,
    principal: CanDispatch,
    session: DbSession,
    request: Request,
    data: Annotated[DayOffRequest, Body(default_factory=DayOffRequest)],
) -> DayOffOut:
    """Mark the engineer off on ``day`` (轮休, 请假; again: the reason is changed): not
    offered first for that day's visits, not moved onto it by a customer, not handed a
    colleague's visits of it. Visits already booked that day stay: ``visits_that_day``
    counts them, to hand over. A day gone by is 422 ``day_off_past``. Audited."""
    engineer = engineers.visible(session, engineer_id, principal)
    zone = str(request.app.state.settings.timezone)
    done = engineer_days_off.set_off(
        session, engineer, day, reason=data.reason, by=principal, zone=zone
    )
    return DayOffOut(
        engineer_id=engineer.id,
        day=day,
        reason=done.row.reason,
        visits_that_day=done.visits_that_day,
    )


@router.post("/engineers/{engineer_id}/leave", response_model=LeaveOut)
def set_leave(
    engineer_id: PathId,
    data: LeaveRequest,
    principal: CanDispatch,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Mark the engineer off every day from ``first_day`` to ``last_day`` (请假, 年假; at
    most 31 days, none gone by: 422 ``day_off_past``, ``leave_order``, ``leave_too_long``),
    as days off are. Visits already booked stay: ``visits_booked`` counts them, to hand
    over (``day`` and ``until`` on the hand-over). Audited once."""
    engineer = engineers.visible(session, engineer_id, principal)
    zone = str(request.app.state.settings.timezone)

    def leave() -> LeaveOut:
        done = engineer_days_off.set_leave(
            session,
            engineer,
            data.first_day,
            data.last_day,
            reason=data.reason,
            by=principal,
            zone=zone,
        )
        return LeaveOut(
            engineer_id=engineer.id,
            first_day=data.first_day,
            last_day=data.last_day,
            reason=data.reason,
            days=done.days,
            visits_booked=done.visits_booked,
        )

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="engineer.leave",
        payload=data,
        create=leave,
        status_code=200,
    )
    return JSONResponse(body, status_code=status)


@router.delete("/engineers/{engineer_id}/days-off/{day}", status_code=204)
def clear_day_off(
    engineer_id: PathId, day: date, principal: CanDispatch, session: DbSession, request: Request
) -> Response:
    """The engineer works on ``day`` after all (none set is no error); a day gone by is
    422 ``day_off_past``. Audited."""
    engineer = engineers.visible(session, engineer_id, principal)
    zone = str(request.app.state.settings.timezone)
    engineer_days_off.clear(session, engineer, day, by=principal, zone=zone)
    return Response(status_code=204)


@router.post("/engineers/{engineer_id}/hand-over", response_model=HandOverOut)
def hand_over_visits(
    engineer_id: PathId,
    data: HandOverRequest,
    principal: CanDispatch,
    session: DbSession,
    request: Request,
) -> HandOverOut:
    """Give the engineer's visits ahead (of ``day`` only, if given) to a colleague on the
    caller's roster: each keeps its window and address; those the colleague is booked
    over stay, named in ``left`` with the clashing order, and so do those outside the
    colleague's working hours (``off_duty``). Both engineers and the texted customers
    are told; each visit's timeline says so."""
    engineer = engineers.visible(session, engineer_id, principal)
    zone = str(request.app.state.settings.timezone)
    done = engineer_handover.hand_over(
        session,
        engineer,
        to_id=data.to_engineer_id,
        day=data.day,
        until=data.until,
        by=principal,
        zone=zone,
    )
    return HandOverOut(
        handed=[_handed(visit, number) for visit, number in done.handed],
        left=[
            LeftVisit(
                **_handed(left.visit, left.number).model_dump(),
                clash_number=left.clash,
                off_duty=left.off_duty,
            )
            for left in done.left
        ],
    )


def _handed(visit: OrderAppointment, number: str) -> HandedVisit:
    return HandedVisit(
        appointment_id=visit.id,
        order_id=visit.order_id,
        number=number,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
    )


@router.get("/work-orders/{order_id}/engineers", response_model=EngineerOffer)
def engineers_for_order(
    order_id: PathId,
    visit_on: date,
    from_time: time,
    to_time: time,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
) -> EngineerOffer:
    """Who can go for the window (谁有空): the active engineers of the caller's roster,
    best first — free then, of the order's area, working then, doing the kind of work it
    needs, with the fewest visits that day — each booked over the window named with that
    order."""
    order = visible_order(session, order_id, principal)
    zone = str(request.app.state.settings.timezone)
    window = appointments.window_of(visit_on, from_time, to_time, zone)
    found = engineer_offer.offer(session, order, principal, window=window, zone=zone)
    return EngineerOffer(
        skill_needed=engineer_offer.skill_needed(session, order),
        items=[
            EngineerOffered(
                engineer_id=c.engineer.id,
                name=c.engineer.name,
                phone=c.engineer.phone,
                org_unit=c.unit.name,
                org_unit_en=c.unit.name_en or c.unit.name,
                skills=engineers.skills_of(c.engineer),
                fits=c.fits,
                nearby=c.nearby,
                clash_number=c.clash,
                on_duty=c.on_duty,
                day_off=c.day_off,
                visits_that_day=c.that_day,
            )
            for c in found
        ],
    )


@router.get("/engineers/board", response_model=EngineerBoard)
def engineers_board(
    principal: CanReadOrders,
    session: DbSession,
    request: Request,
    day: Annotated[date | None, Query(description="The center's day; today if absent")] = None,
) -> EngineerBoard:
    """The day's visits of the caller's orders by engineer: every active engineer of
    the roster (free ones with none), then those named by hand on the booking; addresses
    masked unless the caller may see them."""
    zone = str(request.app.state.settings.timezone)
    shown = day or local_today(zone)
    lines = engineers.board(session, principal, day=shown, zone=zone)
    on_roster = [line.engineer.id for line in lines if line.engineer]
    off = engineer_days_off.off_on(session, on_roster, shown)
    return EngineerBoard(day=shown, rows=[_row(line, principal, off) for line in lines])


def _row(line: engineers.BoardLine, principal: Principal, off: dict[int, str]) -> BoardRow:
    masked = not principal.has(Right.PII_VIEW)
    day_off = off.get(line.engineer.id) if line.engineer else None
    return BoardRow(
        engineer_id=line.engineer.id if line.engineer else None,
        name=line.name,
        phone=line.phone,
        work_start=line.engineer.work_start if line.engineer else None,
        work_end=line.engineer.work_end if line.engineer else None,
        day_off=day_off is not None,
        day_off_reason=day_off or "",
        visits=[
            BoardVisit(
                appointment_id=visit.id,
                order_id=visit.order_id,
                number=number,
                status=visit.status,
                starts_at=visit.starts_at,
                ends_at=visit.ends_at,
                address=mask_address(visit.address) if masked else visit.address,
                awaiting_report=engineer_sheets.awaiting_report(visit),
            )
            for visit, number in line.visits
        ],
    )
