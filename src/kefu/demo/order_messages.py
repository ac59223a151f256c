"""The customers' messages behind the demo's orders that came by SMS or e-mail: each order
was opened from its message (linked both ways, as an agent's order from a message is), an
answered one's answer went back in the message's thread, and a message whose order is
still open waits in the inbox. The inbox then has the year's written contacts, not only
today's."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from kefu.contact.enums import ContactChannel, Direction, EndReason, InteractionStatus
from kefu.contact.models import Interaction, InteractionOrder
from kefu.contact.order_answers import answer_mail
from kefu.contact.replies import reply_subject
from kefu.core.base import utcnow
from kefu.core.db import make_sessionmaker
from kefu.customers.models import Customer
from kefu.demo.bulk import move_id_sequences
from kefu.demo.complaint_text import customer_words
from kefu.workorders.enums import OrderStatus
from kefu.workorders.models import WorkOrder
from kefu.workorders.service import sms_answer

WRITTEN = (ContactChannel.SMS, ContactChannel.EMAIL)
FINISHED = (OrderStatus.CLOSED, OrderStatus.CANCELLED)


def generate_order_messages(engine: Engine, *, seed: int) -> int:
    """Write the message (and the answer sent to it) of every order that came by SMS or
    e-mail; returns how many messages."""
    rng = random.Random(seed + 41)
    with make_sessionmaker(engine)() as session, session.begin():
        orders = session.execute(
            select(WorkOrder, Customer.email, Customer.language)
            .outerjoin(Customer, Customer.id == WorkOrder.customer_id)
            .where(WorkOrder.channel.in_(WRITTEN))
            .order_by(WorkOrder.id)
        ).all()
        next_id = (session.scalar(select(func.max(Interaction.id))) or 0) + 1
        rows: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        for order, email, language in orders:
            message = _message(rng, order, email or "", language or "zh-CN", next_id)
            rows.append(message)
            links.append(
                {"interaction_id": next_id, "order_id": order.id, "linked_at": order.created_at}
            )
            next_id += 1
            if order.replied_at is not None and order.reply:
                rows.append(_answer(order, message, next_id))
                next_id += 1
        _write(session, rows, links)
    return len(links)


def _write(session: Session, rows: list[dict[str, Any]], links: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(Interaction), rows)
        session.execute(insert(InteractionOrder), links)
        move_id_sequences(session, ("contact_interactions",))


def _message(
    rng: random.Random, order: WorkOrder, email: str, language: str, message_id: int
) -> dict[str, Any]:
    """The customer's message: sent minutes before the agent opened the order from it."""
    sms = order.channel == ContactChannel.SMS
    sent = order.created_at - timedelta(minutes=rng.randint(2, 50))
    answered = order.replied_at if order.reply else None
    done = answered is not None or order.status in FINISHED
    now = utcnow()
    return {
        "id": message_id,
        "channel": order.channel,
        "direction": Direction.INBOUND,
        "status": InteractionStatus.ENDED if done else InteractionStatus.OPEN,
        "end_reason": EndReason.COMPLETED if done else None,
        "address": order.contact_phone if sms else email,
        "customer_id": order.customer_id,
        "agent_id": order.assignee_id or order.created_by_id,
        "language": language,
        "offered_at": sent,
        "answered_at": answered,
        "ended_at": answered or (order.closed_at if done else None),
        "subject": "" if sms else order.subject,
        "body": customer_words(order.description),
        "created_at": now,
        "updated_at": now,
    }


def _answer(order: WorkOrder, message: dict[str, Any], answer_id: int) -> dict[str, Any]:
    """The answer as the order's reply sent it: texted with the order's number, or mailed
    in the customer's thread."""
    at: datetime = order.replied_at  # type: ignore[assignment]
    if order.channel == ContactChannel.SMS:
        body, subject = sms_answer(order, order.reply), ""
    else:
        wrote = Interaction(language=message["language"])
        body, subject = answer_mail(order, order.reply, wrote), reply_subject(message["subject"])
    return message | {
        "id": answer_id,
        "direction": Direction.OUTBOUND,
        "status": InteractionStatus.ENDED,
        "end_reason": EndReason.COMPLETED,
        "offered_at": at,
        "answered_at": at,
        "ended_at": at,
        "subject": subject,
        "body": body,
        "in_reply_to_id": message["id"],
    }
