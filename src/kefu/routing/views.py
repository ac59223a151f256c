"""Read shapes of the ACD: an agent with their call, the wallboard's agents."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.models import Interaction
from kefu.core.base import utcnow
from kefu.core.rbac import Principal, Right
from kefu.customers.view import show_phone
from kefu.org.models import Staff
from kefu.routing.enums import AgentState
from kefu.routing.models import Agent, AgentQueue, Queue
from kefu.routing.schemas import AgentRead, AgentRow, OfferRead


def agent_read(
    session: Session, agent: Agent | None, *, staff_id: int, viewer: Principal
) -> AgentRead:
    """The agent's state and the call they hold (an agent never seen is offline)."""
    if agent is None:
        return AgentRead(
            staff_id=staff_id, state=AgentState.OFFLINE, reason="", state_since=utcnow(), version=0
        )
    return AgentRead(
        staff_id=agent.staff_id,
        state=agent.state,
        reason=agent.reason,
        state_since=agent.state_since,
        version=agent.version,
        call=_call(session, agent, viewer),
    )


def _call(session: Session, agent: Agent, viewer: Principal) -> OfferRead | None:
    if agent.interaction_id is None:
        return None
    row = session.execute(
        select(Interaction, Queue)
        .outerjoin(Queue, Queue.id == Interaction.queue_id)
        .where(Interaction.id == agent.interaction_id)
    ).first()
    if row is None:
        return None
    interaction, queue = row
    masked = not viewer.has(Right.PII_VIEW)
    return OfferRead(
        interaction_id=interaction.id,
        customer_id=interaction.customer_id,
        caller=show_phone(interaction.address, masked) if interaction.address else "",
        queue=queue.code if queue else "",
        queue_name=queue.name if queue else "",
        queue_name_en=(queue.name_en or queue.name) if queue else "",
        priority=interaction.priority,
        status=str(interaction.status),
        queued_at=interaction.queued_at,
        expires_at=agent.offer_expires_at if agent.state == AgentState.RINGING else None,
        direction=str(interaction.direction),
    )


def agent_rows(session: Session) -> list[AgentRow]:
    """Every signed-in agent with the queues they serve, longest in their state first."""
    queues = {q.id: q.code for q in session.scalars(select(Queue))}
    served: dict[int, list[str]] = {}
    for staff_id, queue_id in session.execute(select(AgentQueue.staff_id, AgentQueue.queue_id)):
        served.setdefault(staff_id, []).append(queues.get(queue_id, ""))
    rows = session.execute(
        select(Agent, Staff.display_name)
        .join(Staff, Staff.id == Agent.staff_id)
        .where(Agent.state != AgentState.OFFLINE)
        .order_by(Agent.state_since)
    )
    return [
        AgentRow(
            staff_id=agent.staff_id,
            name=name,
            state=agent.state,
            reason=agent.reason,
            state_since=agent.state_since,
            queues=sorted(served.get(agent.staff_id, [])),
        )
        for agent, name in rows
    ]
