"""HTTP routes of a work order's on-site visits (上门处理): list, book, made, missed,
called off."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from kefu.core.idempotency import create_once
from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, committed
from kefu.workorders import appointments
from kefu.workorders.appointment_schemas import (
    AppointmentCreate,
    AppointmentDone,
    AppointmentList,
    AppointmentMissed,
    AppointmentOut,
)
from kefu.workorders.appointments import ListedAppointment
from kefu.workorders.deps import CanReadOrders, CanWorkOrders, LoadedOrder, visible_order
from kefu.workorders.enums import AppointmentStatus
from kefu.workorders.schemas import ReasonRequest
from kefu.workorders.views import appointment_out

router = APIRouter(prefix="/api/v1", tags=["work orders"])


@router.get("/work-orders/{order_id}/appointments", response_model=AppointmentList)
def list_appointments(
    order: LoadedOrder, principal: CanReadOrders, session: DbSession
) -> AppointmentList:
    """The order's visits, the latest booked first, moved and missed ones included."""
    masked = not principal.has(Right.PII_VIEW)
    items = [appointment_out(item, masked) for item in appointments.listed(session, order.id)]
    return AppointmentList(items=items)


@router.post("/work-orders/{order_id}/appointments", response_model=AppointmentOut, status_code=201)
async def book_appointment(
    order_id: PathId,
    data: AppointmentCreate,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Book an engineer's visit: ``visit_on``, ``from_time`` and ``to_time`` in the
    center's time (a window of 30 minutes to 4 hours, from now to 60 days ahead), the
    address and the engineer; ``text_customer`` texts it to the order's mobile. A visit
    already booked is moved (改约). On the timeline, audited. 409 once the order is
    answered or finished."""
    zone = str(request.app.state.settings.timezone)

    def booking() -> ListedAppointment:
        order = visible_order(session, order_id, principal)
        row = appointments.book(session, order=order, data=data, by=principal, zone=zone)
        return ListedAppointment(row, principal.display_name, None)

    status, body = await create_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation=f"order.appointment.{order_id}",  # one key, one order
        payload=data,
        create=booking,
        answer=lambda made: appointment_out(made, not principal.has(Right.PII_VIEW)),
    )
    return JSONResponse(body, status_code=status)


@router.post(
    "/work-orders/{order_id}/appointments/{appointment_id}/done", response_model=AppointmentOut
)
async def appointment_done(
    order_id: PathId,
    appointment_id: PathId,
    data: AppointmentDone,
    principal: CanWorkOrders,
    session: DbSession,
) -> AppointmentOut:
    """The engineer came, with what they did. 409 unless the visit is booked."""
    return await _closed(
        session, principal, order_id, appointment_id, AppointmentStatus.DONE, data.note
    )


@router.post(
    "/work-orders/{order_id}/appointments/{appointment_id}/missed", response_model=AppointmentOut
)
async def appointment_missed(
    order_id: PathId,
    appointment_id: PathId,
    data: AppointmentMissed,
    principal: CanWorkOrders,
    session: DbSession,
) -> AppointmentOut:
    """Nobody met: ``missed_by`` the customer or the engineer, and what happened."""
    return await _closed(
        session,
        principal,
        order_id,
        appointment_id,
        AppointmentStatus.MISSED,
        data.reason,
        missed_by=data.missed_by,
    )


@router.post(
    "/work-orders/{order_id}/appointments/{appointment_id}/cancel", response_model=AppointmentOut
)
async def cancel_appointment(
    order_id: PathId,
    appointment_id: PathId,
    data: ReasonRequest,
    principal: CanWorkOrders,
    session: DbSession,
) -> AppointmentOut:
    """Call the visit off, with why (solved remotely, say)."""
    return await _closed(
        session, principal, order_id, appointment_id, AppointmentStatus.CANCELLED, data.reason
    )


async def _closed(
    session: DbSession,
    principal: Principal,
    order_id: int,
    appointment_id: int,
    outcome: AppointmentStatus,
    note: str,
    *,
    missed_by: str = "",
) -> AppointmentOut:
    def close() -> ListedAppointment:
        order = visible_order(session, order_id, principal)
        row = appointments.the_appointment(session, order, appointment_id)
        appointments.close(
            session,
            order=order,
            appointment=row,
            outcome=outcome,
            by=principal,
            note=note,
            missed_by=missed_by,
        )
        return next(i for i in appointments.listed(session, order.id) if i.row.id == row.id)

    masked = not principal.has(Right.PII_VIEW)
    return await committed(session, close, lambda item: appointment_out(item, masked))
