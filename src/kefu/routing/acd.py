"""The ACD on the database: agents' states, the waiting calls, and the offer of a call to
an agent. Every API worker (and the FastAGI server) runs these on the same rows, so
they agree on who is free and which call is next.

Locks are taken in one order — waiting call, then agent, then interaction — and every
lock that is not one's own row is taken with ``SKIP LOCKED``: a worker never waits for
another worker's choice, it takes the next candidate. (SQLite has one writer at a time,
so there the order alone is enough.) The choices themselves follow ``policy.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, case, delete, select, union_all
from sqlalchemy.orm import Session, aliased

from kefu.contact import service as contacts
from kefu.contact.enums import InteractionStatus
from kefu.contact.models import Interaction
from kefu.core.base import utcnow
from kefu.customers.enums import Tier
from kefu.customers.models import Customer, Enterprise
from kefu.errors import Conflict, NotFound, Unprocessable
from kefu.org.models import StaffSkill
from kefu.routing.enums import MISSED_CALL_REASON, SELF_SET, AgentState
from kefu.routing.models import (
    Agent,
    AgentEvent,
    AgentQueue,
    BreakReason,
    Queue,
    QueueSkill,
    WaitingCall,
)
from kefu.routing.policy import route_key

DEFAULT_RING_SECONDS = 20
DEDICATED_TIERS = frozenset({Tier.DIAMOND, Tier.SUPREME})

TRANSITIONS: dict[AgentState, frozenset[AgentState]] = {
    AgentState.OFFLINE: frozenset({AgentState.READY, AgentState.BREAK}),
    AgentState.READY: frozenset({AgentState.OFFLINE, AgentState.BREAK, AgentState.RINGING}),
    AgentState.BREAK: frozenset({AgentState.READY, AgentState.OFFLINE, AgentState.BREAK}),
    # an offer is answered, rings out (a break: missed), or the caller gives up (ready)
    AgentState.RINGING: frozenset({AgentState.TALKING, AgentState.BREAK, AgentState.READY}),
    AgentState.TALKING: frozenset({AgentState.WRAP_UP}),
    AgentState.WRAP_UP: frozenset({AgentState.READY, AgentState.BREAK, AgentState.OFFLINE}),
}


@dataclass(frozen=True)
class Offer:
    """A call offered to an agent: the PBX rings the agent's extension."""

    interaction_id: int
    staff_id: int


# --- loading with locks -----------------------------------------------------------------


def _agent(session: Session, staff_id: int, *, skip_locked: bool = False) -> Agent | None:
    return session.get(
        Agent, staff_id, with_for_update={"skip_locked": skip_locked}, populate_existing=True
    )


def _interaction(session: Session, interaction_id: int) -> Interaction:
    session.flush()  # a reload must not drop changes not yet written
    found = session.get(Interaction, interaction_id, with_for_update=True, populate_existing=True)
    assert found is not None
    return found


def agent_for(session: Session, staff_id: int) -> Agent:
    """The agent row of a staff member, made (offline) on first use, locked for a change."""
    agent = _agent(session, staff_id)
    if agent is None:
        agent = Agent(staff_id=staff_id, state=AgentState.OFFLINE, state_since=utcnow())
        session.add(agent)
        session.flush()
    return agent


def held_call(session: Session, staff_id: int) -> tuple[Agent, Interaction] | None:
    """The agent and the call they hold (offered, in talk or in wrap-up), unlocked."""
    agent = session.get(Agent, staff_id)
    if agent is None or agent.interaction_id is None:
        return None
    interaction = session.get(Interaction, agent.interaction_id)
    return (agent, interaction) if interaction is not None else None


# --- state changes ----------------------------------------------------------------------


def _move(
    session: Session,
    agent: Agent,
    to: AgentState,
    *,
    now: datetime,
    reason: str = "",
    interaction_id: int | None = None,
) -> None:
    """One recorded state change, checked against the transition table."""
    was = AgentState(agent.state)
    if to not in TRANSITIONS[was]:
        raise Conflict("agent_state_not_allowed", state=str(was), to=str(to))
    session.add(
        AgentEvent(
            staff_id=agent.staff_id,
            from_state=was,
            to_state=to,
            reason=reason,
            interaction_id=interaction_id or agent.interaction_id,
            at=now,
        )
    )
    agent.state, agent.reason, agent.state_since = to, reason, now
    if to == AgentState.READY and was != AgentState.RINGING:
        agent.idle_since = now  # an offer the caller gave up keeps the agent's place
    elif to not in (AgentState.READY, AgentState.RINGING):
        agent.idle_since = None
    if to in (AgentState.READY, AgentState.BREAK, AgentState.OFFLINE):
        agent.interaction_id, agent.offer_expires_at = None, None


def set_state(
    session: Session,
    *,
    staff_id: int,
    state: AgentState,
    reason: str = "",
    now: datetime | None = None,
    ring_seconds: int = DEFAULT_RING_SECONDS,
) -> Agent:
    """The agent signs in, takes a break (with a reason code) or signs out; a ready agent is
    offered the next waiting call at once."""
    now = now or utcnow()
    if state not in SELF_SET:
        raise Unprocessable("agent_state_not_settable", field="state")
    reason = _checked_reason(session, state, reason)
    agent = agent_for(session, staff_id)
    if agent.state == state and agent.reason == reason:
        return agent  # the same click twice
    if agent.state in (AgentState.RINGING, AgentState.TALKING):
        raise Conflict("agent_on_call")
    if agent.state == AgentState.WRAP_UP and _unwrapped(session, agent.interaction_id):
        raise Conflict("wrap_up_pending")
    if state == AgentState.READY:
        _refresh_queues(session, staff_id)
    _move(session, agent, state, now=now, reason=reason)
    session.flush()
    if state == AgentState.READY:
        _offer_next_call(session, agent, now=now, ring_seconds=ring_seconds)
    return agent


def _unwrapped(session: Session, interaction_id: int | None) -> bool:
    status = session.scalar(select(Interaction.status).where(Interaction.id == interaction_id))
    return status is not None and status != InteractionStatus.ENDED


def _checked_reason(session: Session, state: AgentState, reason: str) -> str:
    if state != AgentState.BREAK:
        return ""
    known = session.scalar(
        select(BreakReason.code).where(BreakReason.code == reason, BreakReason.active)
    )
    if known is None:
        raise Unprocessable("unknown_break_reason", field="reason")
    return reason


def _refresh_queues(session: Session, staff_id: int) -> None:
    """Work out the queues the agent can take from their skills (at every sign-in, so a
    skill granted today counts from the next ready click)."""
    held: dict[int, int] = {
        skill_id: level
        for skill_id, level in session.execute(
            select(StaffSkill.skill_id, StaffSkill.level).where(StaffSkill.staff_id == staff_id)
        )
    }
    needs: dict[int, list[tuple[int, int]]] = {}
    for queue_id, skill_id, level in session.execute(
        select(Queue.id, QueueSkill.skill_id, QueueSkill.min_level)
        .outerjoin(QueueSkill, QueueSkill.queue_id == Queue.id)
        .where(Queue.active)
    ):
        needs.setdefault(queue_id, [])
        if skill_id is not None:
            needs[queue_id].append((skill_id, level))
    session.execute(delete(AgentQueue).where(AgentQueue.staff_id == staff_id))
    for queue_id, required in needs.items():
        if all(held.get(skill, 0) >= level for skill, level in required):
            level = sum(held[skill] for skill, _ in required)
            session.add(AgentQueue(staff_id=staff_id, queue_id=queue_id, level=level))
    session.flush()


# --- calls joining and leaving the queue ------------------------------------------------


def enqueue(
    session: Session,
    *,
    interaction: Interaction,
    queue_code: str,
    priority: int,
    now: datetime | None = None,
    ring_seconds: int = DEFAULT_RING_SECONDS,
) -> Offer | None:
    """A call joins a queue and is offered to an agent if one is free."""
    now = now or utcnow()
    queue = session.scalar(select(Queue).where(Queue.code == queue_code, Queue.active))
    if queue is None:
        raise NotFound("queue_not_found", field="queue")
    contacts.enqueue(session, interaction, queue_id=queue.id, priority=priority, now=now)
    call = WaitingCall(
        interaction_id=interaction.id,
        queue_id=queue.id,
        route_key=route_key(now.timestamp(), priority, queue.priority_step_seconds),
        priority=priority,
        queued_at=now,
    )
    _hold_for_dedicated_agent(session, call, interaction, queue, now)
    session.add(call)
    session.flush()
    agent = _free_agent_for(session, call, now)
    if agent is None:
        return None
    return _offer(session, call, agent, interaction, now=now, ring_seconds=ring_seconds)


def _hold_for_dedicated_agent(
    session: Session, call: WaitingCall, interaction: Interaction, queue: Queue, now: datetime
) -> None:
    """A 钻石/至尊 or enterprise customer's call waits for their account manager first —
    when that manager is signed in at all."""
    manager = _account_manager(session, interaction.customer_id)
    if manager is None:
        return
    state = session.scalar(select(Agent.state).where(Agent.staff_id == manager))
    if state in (None, AgentState.OFFLINE, AgentState.BREAK):
        return
    call.dedicated_agent_id = manager
    call.dedicated_until = now + timedelta(seconds=queue.dedicated_ring_seconds)


def _account_manager(session: Session, customer_id: int | None) -> int | None:
    if customer_id is None:
        return None
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    if customer.enterprise_id is not None:
        enterprise = session.get(Enterprise, customer.enterprise_id)
        if enterprise is not None and enterprise.account_manager_id is not None:
            return enterprise.account_manager_id
    if customer.tier in DEDICATED_TIERS:
        return customer.account_manager_id
    return None


def call_ended(session: Session, *, interaction: Interaction, now: datetime | None = None) -> None:
    """The caller hung up: a waiting call leaves the queue, a ringing agent is free again,
    a talking agent goes to wrap-up."""
    now = now or utcnow()
    call = session.get(WaitingCall, interaction.id, with_for_update=True, populate_existing=True)
    agent_id = call.offered_to if call is not None else interaction.agent_id
    agent = _agent(session, agent_id) if agent_id is not None else None
    interaction = _interaction(session, interaction.id)
    if call is not None:
        session.delete(call)
    if agent is not None and agent.interaction_id == interaction.id:
        if agent.state == AgentState.RINGING:
            _move(session, agent, AgentState.READY, now=now, reason="caller_left")
        elif agent.state == AgentState.TALKING:
            _move(session, agent, AgentState.WRAP_UP, now=now)
    contacts.caller_hung_up(session, interaction)
    session.flush()
    if agent is not None and agent.state == AgentState.READY:
        _offer_next_call(session, agent, now=now)


# --- the agent's side of a call ---------------------------------------------------------


def _current_call(session: Session, staff_id: int, expected: AgentState) -> tuple[Agent, int]:
    """The agent, locked after the call they hold (the lock order), in the state asked."""
    current = session.scalar(select(Agent.interaction_id).where(Agent.staff_id == staff_id))
    if current is not None:
        session.get(WaitingCall, current, with_for_update=True, populate_existing=True)
    agent = _agent(session, staff_id)
    if agent is None or agent.state != expected or agent.interaction_id is None:
        raise Conflict("agent_has_no_call", state=str(agent.state if agent else "offline"))
    if agent.interaction_id != current:  # another call came in between: ask again
        raise Conflict("agent_call_changed")
    return agent, agent.interaction_id


def answer(session: Session, *, staff_id: int, now: datetime | None = None) -> Interaction:
    """The agent picks up the offered call."""
    now = now or utcnow()
    agent, interaction_id = _current_call(session, staff_id, AgentState.RINGING)
    session.execute(delete(WaitingCall).where(WaitingCall.interaction_id == interaction_id))
    _move(session, agent, AgentState.TALKING, now=now)
    agent.offer_expires_at = None
    interaction = _interaction(session, interaction_id)
    interaction.status = InteractionStatus.TALKING
    interaction.answered_at = now
    session.flush()
    return interaction


def decline(
    session: Session,
    *,
    staff_id: int,
    now: datetime | None = None,
    ring_seconds: int = DEFAULT_RING_SECONDS,
) -> None:
    """The offer was refused or rang out: the agent goes on a "missed" break and the call
    goes back to its place in line, to the next free agent."""
    now = now or utcnow()
    agent, interaction_id = _current_call(session, staff_id, AgentState.RINGING)
    _move(session, agent, AgentState.BREAK, now=now, reason=MISSED_CALL_REASON)
    interaction = _interaction(session, interaction_id)
    interaction.status, interaction.agent_id = InteractionStatus.QUEUED, None
    call = session.get(WaitingCall, interaction_id)
    if call is None:
        return
    call.offered_to = None
    if call.dedicated_agent_id == staff_id:
        call.dedicated_until = None  # their own manager missed it: anyone may take it now
    session.flush()
    other = _free_agent_for(session, call, now)
    if other is not None:
        _offer(session, call, other, interaction, now=now, ring_seconds=ring_seconds)


def hang_up(session: Session, *, staff_id: int, now: datetime | None = None) -> Interaction:
    """The agent ends the talk; wrap-up starts."""
    now = now or utcnow()
    agent, interaction_id = _current_call(session, staff_id, AgentState.TALKING)
    _move(session, agent, AgentState.WRAP_UP, now=now)
    interaction = _interaction(session, interaction_id)
    contacts.caller_hung_up(session, interaction)  # talking → wrap-up, the call's end time
    session.flush()
    return interaction


def wrapped_up(
    session: Session,
    *,
    staff_id: int,
    interaction: Interaction,
    then: AgentState = AgentState.READY,
    reason: str = "",
    now: datetime | None = None,
) -> Agent:
    """The agent saved the wrap-up of their call: on to ready (the next call) or a break."""
    now = now or utcnow()
    agent = agent_for(session, staff_id)
    if agent.state != AgentState.WRAP_UP or agent.interaction_id != interaction.id:
        return agent  # a contact wrapped up outside a call (an e-mail, an old call)
    return set_state(session, staff_id=staff_id, state=then, reason=reason, now=now)


# --- offering ---------------------------------------------------------------------------


# The routing decisions run on every offer, so their statements are built once, with
# parameters: building a SELECT costs more than running it on an indexed table.
_FRESH = {"populate_existing": True}
_DEDICATED_READY = (
    select(Agent)
    .where(Agent.staff_id == bindparam("staff_id"), Agent.state == AgentState.READY)
    .with_for_update(skip_locked=True, of=Agent)
)
_SERVING = (
    select(Agent)
    .join(AgentQueue, AgentQueue.staff_id == Agent.staff_id)
    .where(AgentQueue.queue_id == bindparam("queue_id"), Agent.state == AgentState.READY)
    .order_by(Agent.idle_since, AgentQueue.level.desc(), Agent.staff_id)
    .limit(1)
    .with_for_update(skip_locked=True, of=Agent)
)
# The queue's longest-idle ready agent's idle instant: an ordered walk of the ready agents'
# index that stops at the first one serving the queue (ordering by idle time, level and id
# at once would sort every ready agent of the queue). Only the agents idle since that
# instant compete, the level breaking their tie: one statement, one round trip.
_IDLE, _IDLE_QUEUE = aliased(Agent), aliased(AgentQueue)  # apart from the outer query's
_LONGEST_IDLE = (
    select(_IDLE.idle_since)
    .where(
        _IDLE.state == AgentState.READY,
        select(_IDLE_QUEUE.staff_id)
        .where(
            _IDLE_QUEUE.staff_id == _IDLE.staff_id,
            _IDLE_QUEUE.queue_id == bindparam("queue_id"),
        )
        .exists(),
    )
    .order_by(_IDLE.idle_since)
    .limit(1)
    .scalar_subquery()
)
_SERVING_LONGEST_IDLE = _SERVING.where(Agent.idle_since == _LONGEST_IDLE)


def _free_agent_for(session: Session, call: WaitingCall, now: datetime) -> Agent | None:
    """The agent a call goes to (policy.agent_for_call), claimed with SKIP LOCKED."""
    if call.dedicated_until is not None and now < call.dedicated_until:
        found = {"staff_id": call.dedicated_agent_id}
        return session.scalar(_DEDICATED_READY, found, execution_options=_FRESH)
    queue = {"queue_id": call.queue_id}
    agent = session.scalar(_SERVING_LONGEST_IDLE, queue, execution_options=_FRESH)
    # None: no agent is free, or another worker holds the longest-idle ones; only then
    # is the whole queue looked at.
    return agent or session.scalar(_SERVING, queue, execution_options=_FRESH)


def _open_to_anyone(now: Any, calls: type[WaitingCall] = WaitingCall) -> ColumnElement[bool]:
    """A waiting call no one was offered and no dedicated window holds any more."""
    return and_(
        calls.offered_to.is_(None),
        calls.dedicated_until.is_(None) | (calls.dedicated_until <= now),
    )


_HELD, _HEAD = aliased(WaitingCall), aliased(WaitingCall)  # apart from the outer query's
# A call held for this agent (their big customer): taken before any queue's head.
_HELD_FOR_AGENT = (
    select(_HELD.interaction_id)
    .where(_HELD.dedicated_agent_id == bindparam("staff_id"), _HELD.offered_to.is_(None))
    .order_by(_HELD.route_key, _HELD.interaction_id)
    .limit(1)
    .scalar_subquery()
)
# The first free call of each queue the agent serves: one short index scan per queue (a
# correlated subquery each) instead of sorting every waiting call.
_QUEUE_HEADS = select(
    select(_HEAD.interaction_id)
    .where(_HEAD.queue_id == AgentQueue.queue_id, _open_to_anyone(bindparam("now"), _HEAD))
    .order_by(_HEAD.route_key, _HEAD.interaction_id)
    .limit(1)
    .correlate(AgentQueue)
    .scalar_subquery()
).where(AgentQueue.staff_id == bindparam("staff_id"))
# The held call if there is one, else the best head; a candidate another worker holds is
# skipped for the next. All in one statement: a decision is one round trip.
_NEXT_CALL = (
    select(WaitingCall)
    .where(
        WaitingCall.interaction_id.in_(union_all(_QUEUE_HEADS, select(_HELD_FOR_AGENT))),
        WaitingCall.offered_to.is_(None),
    )
    .order_by(
        case((WaitingCall.dedicated_agent_id == bindparam("staff_id"), 0), else_=1),
        WaitingCall.route_key,
        WaitingCall.interaction_id,
    )
    .limit(1)
    .with_for_update(skip_locked=True)
)


def _next_call_for(session: Session, agent: Agent, now: datetime) -> WaitingCall | None:
    """The call a free agent takes (policy.call_for_agent): one held for them, else the
    best head of the queues they serve, claimed with SKIP LOCKED."""
    found = {"staff_id": agent.staff_id, "now": now}
    return session.scalar(_NEXT_CALL, found, execution_options=_FRESH)


def _offer(
    session: Session,
    call: WaitingCall,
    agent: Agent,
    interaction: Interaction,
    *,
    now: datetime,
    ring_seconds: int,
) -> Offer:
    call.offered_to = agent.staff_id
    _move(session, agent, AgentState.RINGING, now=now, interaction_id=call.interaction_id)
    agent.interaction_id = call.interaction_id
    agent.offer_expires_at = now + timedelta(seconds=ring_seconds)
    interaction = _interaction(session, interaction.id)
    interaction.status, interaction.agent_id = InteractionStatus.RINGING, agent.staff_id
    session.flush()
    return Offer(call.interaction_id, agent.staff_id)


def _offer_next_call(
    session: Session, agent: Agent, *, now: datetime, ring_seconds: int = DEFAULT_RING_SECONDS
) -> Offer | None:
    call = _next_call_for(session, agent, now)
    if call is None:
        return None
    interaction = session.get(Interaction, call.interaction_id)
    assert interaction is not None
    return _offer(session, call, agent, interaction, now=now, ring_seconds=ring_seconds)


# --- the clock --------------------------------------------------------------------------


@dataclass
class TickResult:
    """What one pass of the ACD clock did."""

    rang_out: int = 0
    routed: int = 0


def due(session: Session, now: datetime) -> bool:
    """Whether the clock has work: an offer rang out, or a free agent and a free call."""
    rang_out = session.scalar(
        select(Agent.staff_id)
        .where(Agent.state == AgentState.RINGING, Agent.offer_expires_at <= now)
        .limit(1)
    )
    return rang_out is not None or bool(_routable_queues(session, now))


def _routable_queues(session: Session, now: datetime) -> list[int]:
    """Queues with a call no one was offered while an agent who serves them is free."""
    free_call = (
        select(WaitingCall.interaction_id)
        .where(
            WaitingCall.queue_id == AgentQueue.queue_id,
            _open_to_anyone(now),
        )
        .exists()
    )
    return list(
        session.scalars(
            select(AgentQueue.queue_id)
            .join(Agent, Agent.staff_id == AgentQueue.staff_id)
            .where(Agent.state == AgentState.READY, free_call)
            .distinct()
        )
    )


def tick(
    session: Session, *, now: datetime | None = None, ring_seconds: int = DEFAULT_RING_SECONDS
) -> TickResult:
    """Take back offers that rang out, release calls whose dedicated window closed, and
    pair free agents with free calls a busy moment left apart."""
    now = now or utcnow()
    result = TickResult()
    expired = session.scalars(
        select(Agent.staff_id).where(
            Agent.state == AgentState.RINGING, Agent.offer_expires_at <= now
        )
    )
    for staff_id in list(expired):
        decline(session, staff_id=staff_id, now=now, ring_seconds=ring_seconds)
        result.rang_out += 1
    for queue_id in _routable_queues(session, now):
        result.routed += _route_queue(session, queue_id, now=now, ring_seconds=ring_seconds)
    return result


def _route_queue(session: Session, queue_id: int, *, now: datetime, ring_seconds: int) -> int:
    routed = 0
    while True:
        call = session.scalar(
            select(WaitingCall)
            .where(
                WaitingCall.queue_id == queue_id,
                _open_to_anyone(now),
            )
            .order_by(WaitingCall.route_key, WaitingCall.interaction_id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        agent = _free_agent_for(session, call, now) if call is not None else None
        if call is None or agent is None:
            return routed
        interaction = session.get(Interaction, call.interaction_id)
        assert interaction is not None
        _offer(session, call, agent, interaction, now=now, ring_seconds=ring_seconds)
        routed += 1
