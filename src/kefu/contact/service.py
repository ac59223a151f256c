"""The rules of interactions: open one per contact, match the customer, move it through
queue, answer and wrap-up, link the work orders it opened."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.enums import ContactChannel, Direction, EndReason, InteractionStatus
from kefu.contact.models import Interaction, InteractionOrder, WrapUpCode
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.errors import Conflict, Unprocessable

WAITING = frozenset({InteractionStatus.IVR, InteractionStatus.QUEUED, InteractionStatus.RINGING})


def by_reference(session: Session, channel_ref: str) -> Interaction | None:
    """The interaction a PBX call id or message id already made, if any."""
    return session.scalar(select(Interaction).where(Interaction.channel_ref == channel_ref))


def open_interaction(
    session: Session,
    *,
    channel: ContactChannel,
    status: InteractionStatus,
    address: str,
    customer_id: int | None,
    channel_ref: str | None = None,
    direction: Direction = Direction.INBOUND,
    language: str = "zh-CN",
    subject: str = "",
    body: str = "",
) -> Interaction:
    """Record a new contact (the caller's number or sender's address already matched)."""
    interaction = Interaction(
        channel=channel,
        direction=direction,
        status=status,
        address=address,
        customer_id=customer_id,
        channel_ref=channel_ref,
        language=language,
        subject=subject,
        body=body,
        offered_at=utcnow(),
    )
    session.add(interaction)
    session.flush()
    return interaction


def enqueue(
    session: Session, interaction: Interaction, *, queue_id: int, priority: int, now: datetime
) -> None:
    """The call leaves self-service for an agent queue: from now on it is a voice contact."""
    interaction.channel = ContactChannel.VOICE
    interaction.status = InteractionStatus.QUEUED
    interaction.queue_id = queue_id
    interaction.priority = priority
    interaction.queued_at = now


def finish(session: Session, interaction: Interaction, reason: EndReason) -> None:
    """The contact is over (served in the IVR, abandoned, or ended by the flow)."""
    interaction.status = InteractionStatus.ENDED
    interaction.end_reason = reason
    interaction.ended_at = interaction.ended_at or utcnow()


def caller_hung_up(session: Session, interaction: Interaction) -> None:
    """The line dropped: waiting callers abandoned; a call in talk goes to wrap-up."""
    if interaction.status in WAITING:
        finish(session, interaction, EndReason.ABANDONED)
    elif interaction.status == InteractionStatus.TALKING:
        interaction.status = InteractionStatus.WRAP_UP
        interaction.ended_at = utcnow()


def wrap_up(
    session: Session, *, interaction: Interaction, code: str, note: str, by: Principal
) -> Interaction:
    """The agent's closing code and note; the contact ends."""
    known = session.scalar(select(WrapUpCode).where(WrapUpCode.code == code, WrapUpCode.active))
    if known is None:
        raise Unprocessable("unknown_wrap_up_code", field="code")
    if interaction.status in WAITING:
        raise Conflict("interaction_not_answered")
    interaction.wrap_up_code = code
    interaction.wrap_up_note = note
    interaction.wrapped_up_at = utcnow()
    if interaction.status != InteractionStatus.ENDED:
        finish(session, interaction, EndReason.COMPLETED)
    audit.record(
        session,
        actor=by,
        action="interaction.wrap_up",
        entity_type="interaction",
        entity_id=interaction.id,
        details={"code": code},
    )
    session.flush()
    return interaction


def link_order(session: Session, *, interaction: Interaction, order_id: int) -> None:
    """Tie a work order to the contact it came from (once)."""
    if session.get(InteractionOrder, (interaction.id, order_id)) is None:
        session.add(InteractionOrder(interaction_id=interaction.id, order_id=order_id))
        session.flush()
