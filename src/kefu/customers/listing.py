"""Read shapes built from several rows: search hits, enterprise pages and change history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core.history import ChangeHistory
from kefu.core.idnumber import IdKind
from kefu.core.masking import mask_id_number, mask_name
from kefu.core.rbac import Principal, Right
from kefu.customers import repository
from kefu.customers.models import ChannelAgent, Customer, Enterprise, EnterpriseContact
from kefu.customers.schemas import (
    ContactRead,
    ContractRead,
    CustomerListItem,
    EnterpriseRead,
    HistoryRead,
    OrgBrief,
)
from kefu.customers.view import show_phone, staff_brief
from kefu.org.models import OrgUnit


def customer_items(
    session: Session, rows: list[tuple[Customer, OrgUnit]], viewer: Principal
) -> list[CustomerListItem]:
    """Search hits, masked unless the viewer may see personal data."""
    masked = not viewer.has(Right.PII_VIEW)
    numbers = repository.msisdns_of(session, [customer.id for customer, _ in rows])
    return [
        CustomerListItem(
            id=customer.id,
            name=mask_name(customer.name) if masked else customer.name,
            id_number=(mask_id_number(customer.id_number) if masked else customer.id_number)
            if customer.id_number
            else None,
            id_kind=IdKind(customer.id_kind) if customer.id_kind else None,
            id_country=customer.id_country,
            status=customer.status,
            tier=customer.tier,
            org_unit=unit.name,
            org_unit_en=unit.name_en or None,
            numbers=[show_phone(m, masked) for m in numbers[customer.id]],
        )
        for customer, unit in rows
    ]


def contact_read(contact: EnterpriseContact, viewer: Principal) -> ContactRead:
    """A contact with the phone masked unless allowed."""
    masked = not viewer.has(Right.PII_VIEW)
    return ContactRead(
        id=contact.id,
        name=contact.name,
        title=contact.title,
        phone=show_phone(contact.phone, masked) if contact.phone else None,
        email=contact.email,
        is_key=contact.is_key,
        active=contact.active,
    )


def enterprise_read(
    session: Session, loaded: tuple[Enterprise, OrgUnit], viewer: Principal
) -> EnterpriseRead:
    """An enterprise with its people, contracts and member count."""
    enterprise, unit = loaded
    masked = not viewer.has(Right.PII_VIEW)
    people = repository.staff_brief(
        session, [enterprise.account_manager_id or 0, enterprise.sales_rep_id or 0]
    )
    agent = (
        session.get(ChannelAgent, enterprise.channel_agent_id)
        if enterprise.channel_agent_id
        else None
    )
    return EnterpriseRead(
        id=enterprise.id,
        name=enterprise.name,
        credit_code=enterprise.credit_code,
        industry=enterprise.industry,
        scale=enterprise.scale,
        grade=enterprise.grade,
        business_type=enterprise.business_type,
        address=enterprise.address,
        org_unit=OrgBrief(id=unit.id, name=unit.name, name_en=unit.name_en),
        account_manager=staff_brief(people.get(enterprise.account_manager_id or 0), masked),
        sales_rep=staff_brief(people.get(enterprise.sales_rep_id or 0), masked),
        channel_agent=agent.name if agent else None,
        status=enterprise.status,
        member_count=repository.enterprise_members(session, enterprise.id),
        contacts=[contact_read(c, viewer) for c in repository.contacts(session, enterprise.id)],
        contracts=[
            ContractRead.model_validate(c) for c in repository.contracts(session, enterprise.id)
        ],
        version=enterprise.version,
    )


PERSONAL_FIELDS = frozenset({"name", "id_number", "address", "email", "birth_date", "phone"})


def _masked_changes(changes: dict[str, list[object]]) -> dict[str, list[object]]:
    return {
        field: (["***", "***"] if field in PERSONAL_FIELDS else values)
        for field, values in changes.items()
    }


def history_rows(
    session: Session, entity_type: str, entity_id: int, viewer: Principal
) -> list[HistoryRead]:
    """Recorded changes of one record, newest first; personal values hidden unless allowed."""
    masked = not viewer.has(Right.PII_VIEW)
    rows = session.scalars(
        select(ChangeHistory)
        .where(ChangeHistory.entity_type == entity_type, ChangeHistory.entity_id == entity_id)
        .order_by(ChangeHistory.changed_at.desc(), ChangeHistory.id.desc())
        .limit(500)
    )
    return [
        HistoryRead(
            changed_at=row.changed_at,
            actor_id=row.actor_id,
            reason=row.reason,
            changes=_masked_changes(row.change_map()) if masked else row.change_map(),
        )
        for row in rows
    ]
