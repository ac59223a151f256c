"""Rules for enterprise (集团) customers: records, key contacts and contracts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.history import apply_changes, record_changes
from kefu.core.phone import normalize_phone
from kefu.core.rbac import Principal
from kefu.customers import repository
from kefu.customers.models import ChannelAgent, Contract, Enterprise, EnterpriseContact
from kefu.customers.schemas import ContactCreate, ContractCreate, EnterpriseCreate, EnterpriseUpdate
from kefu.errors import Conflict, Forbidden, NotFound, Unprocessable
from kefu.org.models import OrgUnit, Staff


def _check_people(session: Session, values: dict[str, object]) -> None:
    for field in ("account_manager_id", "sales_rep_id"):
        if values.get(field) and session.get(Staff, values[field]) is None:
            raise NotFound("staff_not_found", field=field)
    if (
        values.get("channel_agent_id")
        and session.get(ChannelAgent, values["channel_agent_id"]) is None
    ):
        raise NotFound("not_found", field="channel_agent_id")


def create_enterprise(session: Session, *, data: EnterpriseCreate, by: Principal) -> Enterprise:
    """Register a group customer in a unit the caller may serve."""
    unit = session.get(OrgUnit, data.org_unit_id or by.org_unit_id)
    if unit is None:
        raise NotFound("org_unit_not_found", field="org_unit_id")
    if not by.sees_org_path(unit.path):
        raise Forbidden("customer_out_of_scope", field="org_unit_id", org_unit=unit.name)
    values = data.model_dump(exclude={"org_unit_id"})
    _check_people(session, values)
    enterprise = Enterprise(**values, org_unit_id=unit.id)
    session.add(enterprise)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="enterprise.create",
        entity_type="enterprise",
        entity_id=enterprise.id,
        details=data.model_dump(mode="json"),
    )
    return enterprise


def update_enterprise(
    session: Session, *, enterprise: Enterprise, data: EnterpriseUpdate, by: Principal
) -> Enterprise:
    """Change an enterprise; changed fields go to history."""
    values = {
        k: v
        for k, v in data.model_dump(exclude_unset=True).items()
        if v is not None or k.endswith("_id")
    }
    _check_people(session, values)
    changes = apply_changes(enterprise, values)
    if changes:
        session.flush()
        record_changes(
            session, entity_type="enterprise", entity_id=enterprise.id, changes=changes, actor=by
        )
        audit.record(
            session,
            actor=by,
            action="enterprise.update",
            entity_type="enterprise",
            entity_id=enterprise.id,
            details={"fields": sorted(changes)},
        )
    return enterprise


def add_contact(
    session: Session, *, enterprise: Enterprise, data: ContactCreate, by: Principal
) -> EnterpriseContact:
    """Add a contact person to an enterprise."""
    phone = normalize_phone(data.phone) if data.phone else None
    contact = EnterpriseContact(
        enterprise_id=enterprise.id,
        name=data.name,
        title=data.title,
        phone=phone,
        email=data.email,
        is_key=data.is_key,
    )
    session.add(contact)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="enterprise.contact_add",
        entity_type="enterprise",
        entity_id=enterprise.id,
        details={"contact_id": contact.id},
    )
    return contact


def add_contract(
    session: Session, *, enterprise: Enterprise, data: ContractCreate, by: Principal
) -> Contract:
    """Record a contract (numbers are unique; the end follows the start)."""
    if data.ends_on < data.starts_on:
        raise Unprocessable("contract_dates", field="ends_on")
    if repository.contract_by_number(session, data.number) is not None:
        raise Conflict("duplicate", field="number")
    contract = Contract(enterprise_id=enterprise.id, **data.model_dump())
    session.add(contract)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="enterprise.contract_add",
        entity_type="enterprise",
        entity_id=enterprise.id,
        details={"contract": data.number},
    )
    return contract
