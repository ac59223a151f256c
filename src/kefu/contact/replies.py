"""Answers to SMS and e-mail: each reply is an outbound interaction threaded to the message
it answers, and leaves through the outbox after the commit (never sent for a rolled-back
change, never twice)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.enums import (
    MESSAGE_CHANNELS,
    ContactChannel,
    Direction,
    EndReason,
    InteractionStatus,
)
from kefu.contact.models import Interaction
from kefu.contact.service import finish
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.errors import Conflict
from kefu.notify.tasks import mail_customer, text_customer

TEXTED_CHANNELS = frozenset({ContactChannel.SMS, ContactChannel.WEB})  # answered by SMS
# A lookup's value that is the whole reply, in place of the rule's words: when what the
# lookup did is not what those words say (a visit moved at once, not just asked for).
WHOLE_REPLY = "__reply__"


def reachable(message: Interaction) -> bool:
    """True when a reply can go back: an E.164 number for SMS and the web (the number
    the writer signed in with), an address for e-mail."""
    if message.channel in TEXTED_CHANNELS:
        return message.address.startswith("+")
    return message.channel == ContactChannel.EMAIL and "@" in message.address


def reply_subject(subject: str) -> str:
    if not subject:
        return "Re: 您的来信"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"[:300]


def web_reply_text(text: str, message: Interaction) -> str:
    """The text carrying an answer to a message left on the web."""
    if message.language == "en":
        return f"Re your message on our web self-service: {text}"
    return f"您在网上客服的留言已答复：{text}"


def send(session: Session, *, message: Interaction, text: str, agent_id: int | None) -> Interaction:
    """Record the reply as an outbound contact and queue its delivery."""
    now = utcnow()
    reply = Interaction(
        channel=message.channel,
        direction=Direction.OUTBOUND,
        status=InteractionStatus.ENDED,
        end_reason=EndReason.COMPLETED,
        address=message.address,
        customer_id=message.customer_id,
        agent_id=agent_id,
        language=message.language,
        subject=reply_subject(message.subject) if message.channel == ContactChannel.EMAIL else "",
        body=text,
        in_reply_to_id=message.id,
        offered_at=now,
        answered_at=now,
        ended_at=now,
    )
    session.add(reply)
    if message.channel == ContactChannel.SMS:
        text_customer(session, phone=message.address, text=text)
    elif message.channel == ContactChannel.WEB:
        # shown on the self-service page too; the text tells them without signing in
        text_customer(session, phone=message.address, text=web_reply_text(text, message))
    else:
        reference = (message.channel_ref or "").removeprefix("email:")
        mail_customer(
            session,
            to=message.address,
            subject=reply.subject,
            body=text,
            in_reply_to=reference,
            automatic=agent_id is None,
        )
    session.flush()
    return reply


def answer(session: Session, *, message: Interaction, text: str, by: Principal) -> Interaction:
    """An agent answers a customer's SMS or e-mail; the message counts as served."""
    if message.channel not in MESSAGE_CHANNELS or message.direction != Direction.INBOUND:
        raise Conflict("interaction_not_a_message")
    if not reachable(message):
        raise Conflict("message_no_reply_address")
    reply = send(session, message=message, text=text, agent_id=by.staff_id)
    message.agent_id = message.agent_id or by.staff_id
    message.answered_at = message.answered_at or reply.offered_at
    if message.status != InteractionStatus.ENDED:
        finish(session, message, EndReason.COMPLETED)
    audit.record(
        session,
        actor=by,
        action="interaction.reply",
        entity_type="interaction",
        entity_id=message.id,
        details={"reply_id": reply.id, "channel": str(message.channel)},
    )
    session.flush()
    return reply


def thread(session: Session, message: Interaction) -> list[Interaction]:
    """The replies sent to a message, oldest first."""
    return list(
        session.scalars(
            select(Interaction)
            .where(Interaction.in_reply_to_id == message.id)
            .order_by(Interaction.offered_at, Interaction.id)
        )
    )
