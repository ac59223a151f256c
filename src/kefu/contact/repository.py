"""Queries of the contact domain."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kefu.contact.enums import MESSAGE_CHANNELS, ContactChannel, Direction, InteractionStatus
from kefu.contact.models import Interaction, InteractionOrder
from kefu.customers.models import Customer
from kefu.org.models import OrgUnit


def for_customer(
    session: Session, customer_id: int, *, offset: int, limit: int
) -> tuple[list[Interaction], int]:
    """A customer's contacts, newest first, and how many there are."""
    where = Interaction.customer_id == customer_id
    total = session.scalar(select(func.count()).select_from(Interaction).where(where)) or 0
    query = (
        select(Interaction)
        .where(where)
        .order_by(Interaction.offered_at.desc(), Interaction.id.desc())
    )
    return list(session.scalars(query.offset(offset).limit(limit))), total


def order_ids(session: Session, interaction_ids: list[int]) -> dict[int, list[int]]:
    """The work orders linked to each interaction."""
    found: dict[int, list[int]] = defaultdict(list)
    if interaction_ids:
        rows = session.execute(
            select(InteractionOrder.interaction_id, InteractionOrder.order_id)
            .where(InteractionOrder.interaction_id.in_(interaction_ids))
            .order_by(InteractionOrder.order_id)
        )
        for interaction_id, order_id in rows:
            found[interaction_id].append(order_id)
    return found


def inbound_messages(
    session: Session,
    *,
    status: InteractionStatus | None,
    channel: ContactChannel | None,
    scope_path: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Interaction], int]:
    """Customers' SMS and e-mail: waiting ones oldest first (the queue to work through),
    any other listing newest first (what came in lately); within a branch's scope a
    message from nobody known is shown too (someone must read it)."""
    channels = [channel] if channel else list(MESSAGE_CHANNELS)
    query = (
        select(Interaction)
        .outerjoin(Customer, Customer.id == Interaction.customer_id)
        .outerjoin(OrgUnit, OrgUnit.id == Customer.org_unit_id)
        .where(Interaction.channel.in_(channels), Interaction.direction == Direction.INBOUND)
    )
    if status is not None:
        query = query.where(Interaction.status == status)
    if scope_path is not None:
        query = query.where(
            or_(Interaction.customer_id.is_(None), OrgUnit.path.startswith(scope_path))
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if status == InteractionStatus.OPEN:
        query = query.order_by(Interaction.offered_at, Interaction.id)
    else:
        query = query.order_by(Interaction.offered_at.desc(), Interaction.id.desc())
    query = query.offset(offset).limit(limit)
    return list(session.scalars(query)), total
