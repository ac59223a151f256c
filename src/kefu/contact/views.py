"""Interactions as callers see them: addresses masked unless the viewer may see them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kefu.contact import repository
from kefu.contact.models import Interaction
from kefu.contact.schemas import InteractionRead
from kefu.core.masking import mask_email
from kefu.customers.view import show_phone


def shown_address(address: str, masked: bool) -> str:
    """A number in national digits or an e-mail address, masked unless allowed."""
    if not address:
        return ""
    if "@" in address:
        return mask_email(address) if masked else address
    return show_phone(address, masked) if address.startswith("+") else address


def interaction_reads(
    session: Session, interactions: list[Interaction], *, masked: bool
) -> list[InteractionRead]:
    """Response bodies for interactions, with their linked orders."""
    orders = repository.order_ids(session, [i.id for i in interactions])
    return [
        InteractionRead.model_validate(
            {
                **{c.key: getattr(i, c.key) for c in Interaction.__table__.columns},
                "address": shown_address(i.address, masked),
                "order_ids": orders.get(i.id, []),
            }
        )
        for i in interactions
    ]


RECENT_ON_360 = 10


def recent_for_360(session: Session, customer_id: int, masked: bool) -> list[dict[str, object]]:
    """The customer's latest contacts for the 360 page, JSON-ready."""
    rows, _total = repository.for_customer(session, customer_id, offset=0, limit=RECENT_ON_360)
    return [
        read.model_dump(mode="json") for read in interaction_reads(session, rows, masked=masked)
    ]
