"""A customer's e-mail that answers an earlier one continues that mail's work orders.

The customer replies to the center's answer ("still not refunded"), or sends the bill
they were asked for, in the same thread. Their mailer names the earlier mails it answers
(``In-Reply-To``, ``References``); the center's own answers carry the customer's first
Message-ID, so any reply in the thread names it. Such a mail goes onto the orders that
earlier mail opened, rather than waiting in the inbox as a stranger's, and never opens
another (an intake rule would register it again as a repeat complaint): each order lists
it, gets its files, has it on its timeline, and its holder is told.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.enums import ContactChannel, Direction
from kefu.contact.message_files import carry_to_order
from kefu.contact.models import Interaction, InteractionOrder
from kefu.contact.service import link_order
from kefu.core import audit
from kefu.core.rbac import Principal
from kefu.core.textsafe import excerpt
from kefu.workorders.attachments import AttachmentLimits
from kefu.workorders.enums import EventKind, OrderStatus
from kefu.workorders.models import WorkOrder
from kefu.workorders.service import record_event
from kefu.workorders.urging import tell_holders

SHOWN_CHARACTERS = 200


def orders_of_thread(
    session: Session, message: Interaction, refers_to: tuple[str, ...]
) -> list[WorkOrder]:
    """The orders (not cancelled) opened from the customer's earlier mails this one
    answers, oldest first."""
    if message.channel != ContactChannel.EMAIL or not refers_to:
        return []
    earlier = select(Interaction.id).where(
        Interaction.channel_ref.in_([f"{ContactChannel.EMAIL}:{ref}" for ref in refers_to]),
        Interaction.direction == Direction.INBOUND,
        Interaction.id != message.id,
    )
    query = (
        select(WorkOrder)
        .join(InteractionOrder, InteractionOrder.order_id == WorkOrder.id)
        .where(
            InteractionOrder.interaction_id.in_(earlier),
            WorkOrder.status != OrderStatus.CANCELLED,
        )
        .distinct()
        .order_by(WorkOrder.id)
    )
    return list(session.scalars(query))


def continue_orders(
    session: Session,
    *,
    message: Interaction,
    orders: list[WorkOrder],
    by: Principal,
    file_limits: AttachmentLimits,
) -> None:
    """Put the mail on each order of its thread: linked, its files carried, on the
    timeline with its first words, the holder told; audited."""
    said = excerpt(message.body or message.subject, SHOWN_CHARACTERS)
    for order in orders:
        link_order(session, interaction=message, order_id=order.id)
        carry_to_order(session, message=message, order=order, by=by, limits=file_limits)
        record_event(
            session,
            order,
            kind=EventKind.NOTE,
            by=by,
            reason=said,
            details={"customer_wrote": message.id, "channel": str(message.channel)},
        )
        tell_holders(
            session,
            order,
            subject=(
                f"客户就工单 {order.number} 再次来信 / "
                f"The customer wrote again about work order {order.number}"
            ),
            said=said,
        )
        audit.record(
            session,
            actor=by,
            action="order.customer_wrote",
            entity_type="work_order",
            entity_id=order.id,
            details={"interaction": message.id},
        )
