"""The ACD over HTTP: an agent's state and call (with a live stream for the panel), the
wallboard's figures (with a live stream), and where a call stands for the PBX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import select

from kefu.contact import service as contacts
from kefu.contact.models import Interaction
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.clock import local_midnight_utc
from kefu.core.idempotency import create_once, run_once
from kefu.core.rbac import Principal
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, ReadSession
from kefu.customers import repository as customers
from kefu.customers.schemas import CustomerView
from kefu.customers.view import build_view
from kefu.errors import Forbidden, NotFound
from kefu.org.models import OrgUnit
from kefu.routing import acd, callbacks, live, stats
from kefu.routing.deps import CanMonitor, CanTakeCalls
from kefu.routing.models import Agent, BreakReason
from kefu.routing.schemas import (
    AgentRead,
    AgentRow,
    AgentWrapUp,
    BreakReasonRead,
    DialRead,
    LiveFigures,
    StateChange,
)
from kefu.routing.views import agent_read, agent_rows
from kefu.workorders import service as orders
from kefu.workorders import urging
from kefu.workorders.deps import CanWorkOrders, OptionalNote, order_calendar, sees_order
from kefu.workorders.enums import Channel
from kefu.workorders.models import WorkOrder
from kefu.workorders.schemas import (
    CallIntakeCheck,
    ChaseReceipt,
    IntakeCheck,
    IntakeOutlook,
    OrderCreate,
    OrderDetail,
)
from kefu.workorders.views import chase_receipt, intake_outlook, new_order_detail

router = APIRouter(prefix="/api/v1/acd", tags=["acd"])


def _ring_seconds(request: Request) -> int:
    return int(request.app.state.settings.acd_ring_seconds)


def _me(session: DbSession, principal: Principal, agent: Agent | None = None) -> AgentRead:
    agent = agent or session.get(Agent, principal.staff_id)
    return agent_read(session, agent, staff_id=principal.staff_id, viewer=principal)


@router.get("/me", response_model=AgentRead)
def my_state(principal: CanTakeCalls, session: DbSession) -> AgentRead:
    """The agent's own state and the call they hold."""
    return _me(session, principal)


@router.post("/me/state", response_model=AgentRead)
def change_state(
    data: StateChange, principal: CanTakeCalls, session: DbSession, request: Request
) -> AgentRead:
    """Sign in (ready), take a break with a reason code, or sign out; a ready agent is
    offered the next waiting call at once."""
    agent = acd.set_state(
        session,
        staff_id=principal.staff_id,
        state=data.state,
        reason=data.reason,
        ring_seconds=_ring_seconds(request),
    )
    audit.record(
        session,
        actor=principal,
        action="agent.state",
        entity_type="agent",
        entity_id=principal.staff_id,
        details={"state": str(data.state), "reason": data.reason},
    )
    return _me(session, principal, agent)


@router.post("/me/answer", response_model=AgentRead)
def answer_call(principal: CanTakeCalls, session: DbSession) -> AgentRead:
    """Pick up the offered call."""
    acd.answer(session, staff_id=principal.staff_id)
    return _me(session, principal)


@router.post("/me/decline", response_model=AgentRead)
def decline_call(principal: CanTakeCalls, session: DbSession, request: Request) -> AgentRead:
    """Refuse the offered call: it goes to the next agent, the agent on a "missed" break."""
    acd.decline(session, staff_id=principal.staff_id, ring_seconds=_ring_seconds(request))
    return _me(session, principal)


@router.post("/me/hang-up", response_model=AgentRead)
def hang_up_call(principal: CanTakeCalls, session: DbSession) -> AgentRead:
    """End the talk; wrap-up starts."""
    acd.hang_up(session, staff_id=principal.staff_id)
    return _me(session, principal)


@router.post("/me/wrap-up", response_model=AgentRead)
def wrap_up_call(
    data: AgentWrapUp, principal: CanTakeCalls, session: DbSession, request: Request
) -> AgentRead:
    """Save the call's wrap-up code and note, then go ready (or on a break)."""
    interaction = _held_interaction(session, principal)
    contacts.wrap_up(session, interaction=interaction, code=data.code, note=data.note, by=principal)
    agent = acd.wrapped_up(
        session,
        staff_id=principal.staff_id,
        interaction=interaction,
        then=data.then,
        reason=data.reason,
    )
    return _me(session, principal, agent)


@router.post("/me/orders", response_model=OrderDetail, status_code=201)
async def order_from_call(
    data: OrderCreate,
    principal: CanTakeCalls,
    writer: CanWorkOrders,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Open a work order for the caller on the agent's call; the order is linked to the
    call, its channel is the phone and its customer the caller. The answer is built as
    for any new order (``create_once``: after the commit when no key asks to store it)."""

    def create() -> orders.NewOrder:
        interaction = _held_interaction(session, principal)
        on_call = data.model_copy(
            update={**_from_the_call(interaction, data.contact_phone), "channel": Channel.PHONE}
        )
        new = orders.create_order(
            session,
            data=on_call,
            by=principal,
            calendar=order_calendar(request, session),
            caller_on_line=True,
        )
        contacts.link_order(session, interaction=interaction, order_id=new.order.id)
        return new

    status, body = await create_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="order.create_from_call",
        payload=data,
        create=create,
        answer=lambda new: new_order_detail(
            session, new.order, principal, timeline=new.timeline, repeats=new.repeats
        ),
    )
    return JSONResponse(body, status_code=status)


@router.post("/me/intake-check", response_model=IntakeOutlook)
def intake_check_on_call(
    data: CallIntakeCheck,
    principal: CanTakeCalls,
    writer: CanWorkOrders,
    session: ReadSession,
    request: Request,
) -> IntakeOutlook:
    """What an order for the caller on the agent's call would get if opened now (a
    repeat complaint? its time limits), with the call's number and customer as
    ``POST /me/orders`` takes them. Nothing is written."""
    interaction = _held_interaction(session, principal)
    check = IntakeCheck(**data.model_dump()).model_copy(
        update=_from_the_call(interaction, data.contact_phone)
    )
    outlook = orders.intake_outlook(
        session,
        data=check,
        by=principal,
        calendar=order_calendar(request, session),
        caller_on_line=True,
    )
    return intake_outlook(outlook, principal)


@router.post("/me/orders/{order_id}/urge", response_model=ChaseReceipt, status_code=201)
def chase_from_call(
    order_id: PathId,
    data: OptionalNote,
    principal: CanTakeCalls,
    writer: CanWorkOrders,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """The caller on the agent's call chases one of their open orders (催办), wherever it
    is handled and whichever branch they belong to: the call grants it, as it grants the
    caller's 360. The caller's orders are the customer's, and those on the number they
    call from (as the repeat rule reads them); the agent's own reach grants the rest. The
    answer is where the order stands (``ChaseReceipt``); 403 for another's order."""
    interaction = _held_interaction(session, principal)
    order = session.get(WorkOrder, order_id)
    if order is None:
        raise NotFound("order_not_found")
    unit = session.get(OrgUnit, order.org_unit_id)
    if unit is None or not (_callers(order, interaction) or sees_order(principal, order, unit)):
        raise Forbidden("order_not_the_callers")

    def chase() -> ChaseReceipt:
        urging.urge(session, order=order, note=data.note, by=principal)
        return chase_receipt(order, unit)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation=f"order.urge.{order.id}",  # as the order's own chase: one key, one chase
        payload=data,
        create=chase,
    )
    return JSONResponse(body, status_code=status)


def _callers(order: WorkOrder, call: Interaction) -> bool:
    """Whether the order is the caller's: their customer's, or on the number they call from."""
    if call.customer_id is not None and order.customer_id == call.customer_id:
        return True
    return bool(call.address) and order.contact_phone == call.address


@router.get("/me/caller", response_model=CustomerView)
def my_caller(principal: CanTakeCalls, session: DbSession, request: Request) -> CustomerView:
    """The 360 of the customer on the agent's call. The call is what grants the view: a
    hotline agent serves callers from every branch."""
    interaction = _held_interaction(session, principal)
    found = (
        customers.customer_with_unit(session, interaction.customer_id)
        if interaction.customer_id
        else None
    )
    if found is None:
        raise NotFound("caller_not_a_customer")
    return build_view(
        session,
        customer=found[0],
        unit=found[1],
        viewer=principal,
        matched_msisdn=interaction.address or None,
        timezone=request.app.state.settings.timezone,
    )


@router.post("/me/dial", response_model=DialRead)
def dial_callback(principal: CanTakeCalls, session: DbSession) -> DialRead:
    """The number to dial for the call-back the agent has answered (audited)."""
    interaction, number = callbacks.number_to_dial(session, by=principal)
    return DialRead(interaction_id=interaction.id, number=number)


def _from_the_call(interaction: Interaction, contact_phone: str | None) -> dict[str, object]:
    """What an order on the agent's call takes from the call: the caller as its customer,
    and the caller's number unless the agent gives another."""
    return {
        "customer_id": interaction.customer_id,
        "contact_phone": contact_phone or interaction.address or None,
    }


def _held_interaction(session: DbSession, principal: Principal) -> Interaction:
    held = acd.held_call(session, principal.staff_id)
    if held is None:
        raise NotFound("agent_has_no_call")
    return held[1]


EventLimit = Annotated[int | None, Query(ge=1, le=10_000, description="end after N events")]


@router.get("/me/stream")
async def my_stream(
    principal: CanTakeCalls, request: Request, events: EventLimit = None
) -> StreamingResponse:
    """Server-sent events: the agent's state and call each time they change (an offered
    call shows within a poll of a quarter second)."""
    return live.stream(request, live.AgentWatch(principal), limit=events)


@router.get("/break-reasons", response_model=list[BreakReasonRead])
def break_reasons(principal: CanTakeCalls, session: DbSession) -> list[BreakReasonRead]:
    """The reason codes an agent picks for a break."""
    rows = session.scalars(select(BreakReason).where(BreakReason.active).order_by(BreakReason.id))
    return [BreakReasonRead(code=r.code, name=r.name, name_en=r.name_en) for r in rows]


@router.get("/queues", response_model=LiveFigures)
def queue_figures(principal: CanMonitor, session: DbSession, request: Request) -> LiveFigures:
    """Every queue's live figures since local midnight, and agents by state."""
    now = utcnow()
    since = local_midnight_utc(request.app.state.settings.timezone, now)
    return LiveFigures(
        at=now,
        queues=stats.live_figures(session, since=since, now=now),
        agents=stats.agents_by_state(session),
    )


@router.get("/agents", response_model=list[AgentRow])
def signed_in_agents(principal: CanMonitor, session: DbSession) -> list[AgentRow]:
    """Every signed-in agent, their state, reason and queues."""
    return agent_rows(session)


@router.get("/stream")
async def wallboard_stream(
    principal: CanMonitor, request: Request, events: EventLimit = None
) -> StreamingResponse:
    """Server-sent events: the wallboard's figures and agents every two seconds."""
    watch = live.WallboardWatch(request.app.state.settings.timezone)
    return live.stream(request, watch, limit=events)
