"""Call-backs: a caller who would rather not hold is called back by the next free agent.

When the IVR offers a call-back (the expected wait passed the queue's threshold, or it is
night) and the caller accepts, the inbound call ends and an outbound call to the caller's
number joins the same queue at the caller's priority. It waits in line like a call, so it
keeps the caller's place ("virtual hold"): the ACD offers it to the longest-idle agent with
the skill, the agent's panel shows the number to dial, and the agent answers, talks and
wraps up as with any call. A call-back booked at night waits for the morning's agents.

Live queue figures count call-backs apart from callers on the line: they are not waiting
on hold, and their wait is not the caller's speed of answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact import service as contacts
from kefu.contact.enums import ContactChannel, Direction, InteractionStatus
from kefu.contact.models import Interaction
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.errors import Conflict, Unprocessable
from kefu.routing import acd
from kefu.routing.enums import AgentState

CALLBACK_REF = "callback:"  # channel_ref of a call-back: the inbound call's interaction id


def request_callback(
    session: Session,
    *,
    origin: Interaction,
    queue_code: str,
    priority: int,
    now: datetime | None = None,
) -> Interaction:
    """Book a call-back for the caller of ``origin`` in ``queue_code``; returns the
    outbound call, already offered if an agent is free. Booking twice for one inbound
    call returns the first booking."""
    booked = session.scalar(
        select(Interaction).where(Interaction.channel_ref == f"{CALLBACK_REF}{origin.id}")
    )
    if booked is not None:
        return booked
    if not origin.address:
        raise Unprocessable("callback_needs_number", field="address")
    callback = contacts.open_interaction(
        session,
        channel=ContactChannel.VOICE,
        status=InteractionStatus.QUEUED,
        address=origin.address,
        customer_id=origin.customer_id,
        channel_ref=f"{CALLBACK_REF}{origin.id}",
        direction=Direction.OUTBOUND,
        language=origin.language,
    )
    callback.in_reply_to_id = origin.id
    acd.enqueue(
        session, interaction=callback, queue_code=queue_code, priority=priority, now=now or utcnow()
    )
    return callback


def number_to_dial(session: Session, *, by: Principal) -> tuple[Interaction, str]:
    """The number of the call-back the agent has taken, to dial. The number is personal
    data, so showing it is audited like any unmasking, and only to the agent who holds
    the call-back in talk."""
    held = acd.held_call(session, by.staff_id)
    talking = held is not None and held[0].state == AgentState.TALKING
    if held is None or not talking or held[1].direction != Direction.OUTBOUND:
        raise Conflict("agent_has_no_callback")
    interaction = held[1]
    audit.record_now(
        session,
        actor=by,
        action="callback.dial",
        entity_type="interaction",
        entity_id=interaction.id,
        reason="call-back",
        details={"customer_id": interaction.customer_id},
    )
    return interaction, interaction.address
