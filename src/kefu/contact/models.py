"""Tables of the contact domain: interactions, their orders and the wrap-up codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kefu.contact.enums import ContactChannel, Direction, EndReason, InteractionStatus
from kefu.core.base import Base, IdMixin, TimestampMixin, VersionedMixin, utcnow


class Interaction(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: calls, messages and work orders in one model — an agent sees every contact a
    customer made, and every figure (answer rate, containment, repeats) counts the same rows.
    """

    __tablename__ = "contact_interactions"
    __table_args__ = (
        # A PBX or gateway retrying the same event must not make a second contact.
        UniqueConstraint("channel_ref", name="uq_contact_interactions_channel_ref"),
        Index("ix_contact_interactions_customer_offered", "customer_id", "offered_at"),
        Index("ix_contact_interactions_queue_status", "queue_id", "status"),
        Index("ix_contact_interactions_queue_queued", "queue_id", "queued_at"),  # live figures
    )

    channel: Mapped[ContactChannel] = mapped_column(String(8))
    direction: Mapped[Direction] = mapped_column(String(8), default=Direction.INBOUND)
    status: Mapped[InteractionStatus] = mapped_column(String(8), index=True)
    end_reason: Mapped[EndReason | None] = mapped_column(String(16))
    # "medium:reference" from the source (PBX call id, Message-ID), unique when given
    channel_ref: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(254), default="")  # E.164 number or e-mail
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("routing_queues.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")
    offered_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    queued_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    wrapped_up_at: Mapped[datetime | None]  # the agent's notes done: handle time ends here
    wrap_up_code: Mapped[str | None] = mapped_column(String(32))
    wrap_up_note: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(300), default="")  # e-mail subject, SMS keyword
    body: Mapped[str] = mapped_column(Text, default="")  # stored as received, shown escaped
    # an outbound reply points at the message it answers, so a thread reads in order
    in_reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_interactions.id"), index=True
    )
    intake_rule_id: Mapped[int | None] = mapped_column(ForeignKey("contact_intake_rules.id"))


class MessageFile(IdMixin, Base):
    """Why: customers e-mail their evidence (a bill, a photo, a contract); it is kept with
    the message, of the kinds an order takes, and goes onto the order the message opens."""

    __tablename__ = "contact_message_files"

    interaction_id: Mapped[int] = mapped_column(ForeignKey("contact_interactions.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(160))
    media_type: Mapped[str] = mapped_column(String(100))  # read from the content
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read when opened


class InteractionOrder(Base):
    """Why: a call can open an order, and an order gathers every contact about it."""

    __tablename__ = "contact_interaction_orders"

    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("contact_interactions.id"), primary_key=True
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), primary_key=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class WrapUpCode(IdMixin, Base):
    """Why: what a contact was about, picked by the agent at the end, feeds the reasons-for-
    calling report; the center keeps its own list."""

    __tablename__ = "contact_wrapup_codes"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class IntakeRule(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: most texts and mails are routine (a balance, a known fault); a rule answers them
    or opens the right order at once, and only the rest waits for an agent.

    A rule matches an SMS that starts with ``keyword`` or an e-mail whose subject holds it;
    ``*`` matches anything (a channel's fallback). Rules are tried in ``sort_order``.
    """

    __tablename__ = "contact_intake_rules"

    channel: Mapped[ContactChannel] = mapped_column(String(8))  # sms or email
    keyword: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    lookup: Mapped[str] = mapped_column(String(16), default="")  # "", balance, package…
    order_type: Mapped[str] = mapped_column(String(16), default="")  # "" = no order
    category_code: Mapped[str] = mapped_column(String(64), default="")
    reply: Mapped[str] = mapped_column(Text, default="")  # template; "" = no auto-reply
    reply_en: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
