"""Interactions as callers see them: addresses masked unless the viewer may see them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from kefu.contact import repository
from kefu.contact.enums import ContactChannel
from kefu.contact.models import Interaction, MessageFile
from kefu.contact.schemas import InteractionRead, MessageFileRead
from kefu.core.filekinds import stored_kind
from kefu.core.masking import mask_email
from kefu.core.textsafe import excerpt
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
_RECENT = (
    select(Interaction)
    .where(Interaction.customer_id == bindparam("customer_id"))
    .order_by(Interaction.offered_at.desc(), Interaction.id.desc())
    .limit(RECENT_ON_360)
)
BRIEF_FIELDS = (
    "id",
    "channel",
    "direction",
    "status",
    "end_reason",
    "offered_at",
    "answered_at",
    "ended_at",
    "wrap_up_code",
    "subject",
)


# Contacts that are texts (web chat too): the 360 tells them by their first words.
TEXT_CHANNELS = frozenset({ContactChannel.SMS, ContactChannel.EMAIL, ContactChannel.WEB})
GIST_CHARACTERS = 80


def recent_for_360(session: Session, customer_id: int, masked: bool) -> list[dict[str, object]]:
    """The customer's latest contacts for the 360 page, JSON-ready, in one query (the
    lookup is the agent's hot path; the full records are at /interactions). A message
    carries the start of its text (``gist``): an SMS has no subject to tell it by."""
    rows = session.scalars(_RECENT, {"customer_id": customer_id})
    return [
        {
            **{name: _plain(getattr(row, name)) for name in BRIEF_FIELDS},
            "address": shown_address(row.address, masked),
            "gist": excerpt(row.body, GIST_CHARACTERS) if row.channel in TEXT_CHANNELS else "",
        }
        for row in rows
    ]


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def message_file_read(file: MessageFile) -> MessageFileRead:
    """A message's file as the API shows it."""
    kind = stored_kind(file.media_type)
    return MessageFileRead(
        id=file.id,
        file_name=file.file_name,
        media_type=file.media_type,
        group=kind.group,
        opens_in_browser=kind.opens_in_browser,
        size_bytes=file.size_bytes,
        sha256=file.sha256,
        content_url=f"/api/v1/messages/{file.interaction_id}/files/{file.id}/content",
    )
