"""Queries of the contact domain."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.contact.models import Interaction, InteractionOrder


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
