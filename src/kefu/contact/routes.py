"""Interactions over HTTP: a customer's contacts, one contact, the agent's wrap-up."""

from __future__ import annotations

from fastapi import APIRouter, Response

from kefu.contact import repository, service
from kefu.contact.deps import CanRead, CanWrite, load_interaction
from kefu.contact.schemas import InteractionPage, InteractionRead, WrapUp
from kefu.contact.views import interaction_reads
from kefu.core.pagination import Paging
from kefu.core.rbac import Right
from kefu.core.types import PathId
from kefu.core.web import DbSession, IfMatch, check_version, etag
from kefu.customers.deps import LoadedCustomer

router = APIRouter(prefix="/api/v1", tags=["interactions"])


@router.get("/customers/{customer_id}/interactions", response_model=InteractionPage)
def customer_interactions(
    customer: LoadedCustomer, principal: CanRead, session: DbSession, params: Paging
) -> InteractionPage:
    """Every contact of a customer on any channel, newest first."""
    rows, total = repository.for_customer(
        session, customer[0].id, offset=params.offset, limit=params.size
    )
    items = interaction_reads(session, rows, masked=not principal.has(Right.PII_VIEW))
    return InteractionPage(items=items, total=total, page=params.page, size=params.size)


@router.get("/interactions/{interaction_id}", response_model=InteractionRead)
def get_interaction(
    interaction_id: PathId, principal: CanRead, session: DbSession, response: Response
) -> InteractionRead:
    """One contact; the ETag carries its version for If-Match."""
    interaction = load_interaction(session, interaction_id, principal)
    response.headers["ETag"] = etag(interaction.version)
    return interaction_reads(session, [interaction], masked=not principal.has(Right.PII_VIEW))[0]


@router.post("/interactions/{interaction_id}/wrap-up", response_model=InteractionRead)
def wrap_up(
    interaction_id: PathId,
    data: WrapUp,
    principal: CanWrite,
    session: DbSession,
    version: IfMatch,
    response: Response,
) -> InteractionRead:
    """The agent's closing code and note (If-Match); the contact ends."""
    interaction = load_interaction(session, interaction_id, principal)
    check_version(interaction.version, version)
    service.wrap_up(session, interaction=interaction, code=data.code, note=data.note, by=principal)
    response.headers["ETag"] = etag(interaction.version)
    return interaction_reads(session, [interaction], masked=not principal.has(Right.PII_VIEW))[0]
