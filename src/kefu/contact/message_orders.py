"""A work order opened from a customer's SMS or e-mail by the agent reading it (the
keyword rules open some by themselves, in ``intake``): the message's sender is the
order's customer and callback number unless the agent gives others, its channel the
message's, and the two are linked both ways."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.enums import Direction
from kefu.contact.intake import ORDER_CHANNEL
from kefu.contact.message_files import carry_to_order
from kefu.contact.models import Interaction, InteractionOrder
from kefu.contact.replies import MESSAGE_CHANNELS
from kefu.contact.service import link_order
from kefu.core.calendar import BusinessCalendar
from kefu.core.rbac import Principal
from kefu.errors import Conflict
from kefu.workorders import service as orders
from kefu.workorders.attachments import AttachmentLimits
from kefu.workorders.models import WorkOrder
from kefu.workorders.schemas import IntakeCheck, OrderCreate


def is_customer_message(interaction: Interaction) -> bool:
    """A customer's own SMS or e-mail (not a call, not a reply sent to one)."""
    return interaction.channel in MESSAGE_CHANNELS and interaction.direction == Direction.INBOUND


def ensure_message(interaction: Interaction) -> None:
    """Only a customer's own SMS or e-mail opens an order this way."""
    if not is_customer_message(interaction):
        raise Conflict("order_needs_a_message")


def sender_fields(message: Interaction, data: OrderCreate | IntakeCheck) -> dict[str, object]:
    """What an order (or its outlook) takes from the message: its customer (a known
    sender's, else the one the agent names) and the sender's number unless the agent
    gives another."""
    sent_from = message.address if message.address.startswith("+") else None
    return {
        "customer_id": message.customer_id or data.customer_id,
        "contact_phone": data.contact_phone or sent_from,
    }


def order_from_message(
    session: Session,
    *,
    message: Interaction,
    data: OrderCreate,
    by: Principal,
    calendar: BusinessCalendar,
    file_limits: AttachmentLimits,
) -> orders.NewOrder:
    """Open the order a message asks for and link it to the message; the files the
    message brought go onto the order."""
    ensure_message(message)
    fields = {**sender_fields(message, data), "channel": ORDER_CHANNEL[message.channel]}
    new = orders.create_order(
        session, data=data.model_copy(update=fields), by=by, calendar=calendar
    )
    link_order(session, interaction=message, order_id=new.order.id)
    carry_to_order(session, message=message, order=new.order, by=by, limits=file_limits)
    return new


def outlook_for_message(
    session: Session,
    *,
    message: Interaction,
    data: IntakeCheck,
    by: Principal,
    calendar: BusinessCalendar,
) -> orders.Outlook:
    """What an order from the message would get if opened now, with the sender's
    number and customer as ``order_from_message`` takes them. Nothing is written."""
    ensure_message(message)
    check = data.model_copy(update=sender_fields(message, data))
    return orders.intake_outlook(session, data=check, by=by, calendar=calendar)


def linked_orders(session: Session, message: Interaction) -> list[WorkOrder]:
    """The orders opened from a message, oldest first."""
    query = (
        select(WorkOrder)
        .join(InteractionOrder, InteractionOrder.order_id == WorkOrder.id)
        .where(InteractionOrder.interaction_id == message.id)
        .order_by(WorkOrder.id)
    )
    return list(session.scalars(query))


def messages_of_order(session: Session, order_id: int) -> list[Interaction]:
    """The customer's messages an order was opened from (by an agent or a keyword rule)."""
    query = (
        select(Interaction)
        .join(InteractionOrder, InteractionOrder.interaction_id == Interaction.id)
        .where(
            InteractionOrder.order_id == order_id,
            Interaction.channel.in_(MESSAGE_CHANNELS),
            Interaction.direction == Direction.INBOUND,
        )
        .order_by(Interaction.id)
    )
    return list(session.scalars(query))
