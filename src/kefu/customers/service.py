"""Rules of the customer domain: lookup, records with history, status, numbers and unmasking."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.clock import local_today
from kefu.core.history import apply_changes, record_changes
from kefu.core.idnumber import (
    EIGHTEEN_CHARACTER_KINDS,
    IdKind,
    canonical_text,
    looks_like_document_number,
    nationality,
    normalize_country,
    normalize_id_number,
    normalize_identity,
)
from kefu.core.pagination import PageParams
from kefu.core.phone import national, normalize_phone
from kefu.core.rbac import Principal
from kefu.customers import repository, tiers
from kefu.customers.enums import (
    CUSTOMER_TRANSITIONS,
    SUBSCRIPTION_TRANSITIONS,
    CustomerStatus,
    Gender,
    SubscriptionStatus,
)
from kefu.customers.models import Customer, Enterprise, Subscription
from kefu.customers.schemas import (
    CustomerCreate,
    CustomerUpdate,
    NumberCreate,
    UnmaskRequest,
    UnmaskResult,
)
from kefu.errors import Conflict, Forbidden, NotFound, Unprocessable
from kefu.org.models import OrgUnit, Staff


def find_by_phone(session: Session, *, raw_phone: str) -> tuple[Subscription, Customer, OrgUnit]:
    """The subscriber behind any written form of a number (422 invalid, 404 unknown)."""
    msisdn = normalize_phone(raw_phone)
    found = repository.subscriber_by_msisdn(session, msisdn)
    if found is None:
        raise NotFound("subscriber_not_found", field="phone", phone=national(msisdn))
    return found


def _identity(
    raw: str, kind: IdKind | None, country: str | None, kept_country: str | None = None
) -> dict[str, Any]:
    """The columns a document number given with its kind (or without, for an 18-character
    one) sets: the number in its one form, its kind, a passport's issuing country, and the
    birth date and sex an 18-character number carries (a passport's says neither)."""
    number, found = normalize_identity(raw, kind)
    columns: dict[str, Any] = {
        "id_number": number,
        "id_kind": found.value,
        "id_country": _issuer(number, found, country, kept_country),
    }
    if found in EIGHTEEN_CHARACTER_KINDS:
        columns["birth_date"] = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        columns["gender"] = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    return columns


def _issuer(number: str, kind: IdKind, given: str | None, kept: str | None) -> str | None:
    """The country a document is kept with: a passport's issuer, given or kept from the
    record (real-name registration records it, and two countries' passports may share a
    number); a permanent residence card's holder's nationality, read off its number (one
    given must agree). Other documents carry none, and one given with them is refused."""
    if kind is IdKind.FOREIGN_PERMANENT:
        read = nationality(number)
        if given and normalize_country(given) != read:
            raise Unprocessable("id_country_mismatch", field="id_country", country=read or "—")
        return read
    if kind is not IdKind.PASSPORT:
        if given:
            raise Unprocessable("id_country_not_passport", field="id_country")
        return None
    if not (given or kept):
        raise Unprocessable("id_country_required", field="id_country")
    return normalize_country(given or kept or "")


def _identity_change(customer: Customer, values: dict[str, Any]) -> dict[str, Any]:
    """What an edit of the number, its kind, its country or some of them sets: what is not
    given is kept (a new passport number stays a passport's), checked with what is; clearing
    the number clears its kind and country."""
    if "id_number" in values and values["id_number"] is None:
        return {"id_kind": None, "id_country": None}
    raw = values.get("id_number") or customer.id_number
    if raw is None:
        raise Unprocessable("id_number_needed", field="id_number")
    kind = values.get("id_kind") or _kept_kind(customer, raw)
    # A renewed passport keeps its issuer; a card's nationality is no passport's issuer.
    kept = customer.id_country if customer.id_kind == IdKind.PASSPORT else None
    columns = _identity(raw, kind, values.get("id_country"), kept)
    if values.get("gender"):  # the sex given in the same edit stands
        columns.pop("gender", None)
    return columns


def _kept_kind(customer: Customer, raw: str) -> IdKind | None:
    """The kind on record, for a number that does not carry its own: a passport holder
    giving a new passport's number need not say again that it is one."""
    kept = IdKind(customer.id_kind) if customer.id_kind else None
    if kept in EIGHTEEN_CHARACTER_KINDS or len(canonical_text(raw)) == 18:
        return None  # an 18-character number says its kind itself
    return kept


def _owning_unit(session: Session, unit_id: int | None, by: Principal) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id or by.org_unit_id)
    if unit is None:
        raise NotFound("org_unit_not_found", field="org_unit_id")
    if not by.sees_org_path(unit.path):
        raise Forbidden("customer_out_of_scope", field="org_unit_id", org_unit=unit.name)
    return unit


def _check_links(session: Session, values: dict[str, Any]) -> None:
    if values.get("enterprise_id") and session.get(Enterprise, values["enterprise_id"]) is None:
        raise NotFound("enterprise_not_found", field="enterprise_id")
    if (
        values.get("account_manager_id")
        and session.get(Staff, values["account_manager_id"]) is None
    ):
        raise NotFound("staff_not_found", field="account_manager_id")


def create_customer(session: Session, *, data: CustomerCreate, by: Principal) -> Customer:
    """Register a subscriber with their numbers; the tier comes from the policy."""
    unit = _owning_unit(session, data.org_unit_id, by)
    identity_fields = {"id_number", "id_kind", "id_country"}
    values = data.model_dump(exclude={"numbers", "org_unit_id", *identity_fields})
    _check_links(session, values)
    if (data.id_kind or data.id_country) and not data.id_number:
        raise Unprocessable("id_number_needed", field="id_number")
    identity = _identity(data.id_number, data.id_kind, data.id_country) if data.id_number else {}
    customer = Customer(
        **values
        | identity
        | {
            "gender": data.gender or identity.get("gender") or Gender.UNKNOWN,
            "customer_since": data.customer_since or local_today(),
        },
        org_unit_id=unit.id,
    )
    session.add(customer)
    session.flush()
    for number in data.numbers:
        add_number(session, customer=customer, data=number, by=by, audited=False)
    tiers.apply_policy(session, customer=customer, by=by)
    audit.record(
        session,
        actor=by,
        action="customer.create",
        entity_type="customer",
        entity_id=customer.id,
        details={"org_unit_id": unit.id, "numbers": len(data.numbers)},
    )
    return customer


def update_customer(
    session: Session, *, customer: Customer, data: CustomerUpdate, by: Principal
) -> Customer:
    """Change a customer's record; every changed field is kept in history."""
    values = data.model_dump(exclude_unset=True, exclude={"reason"})
    nullable = {"email", "enterprise_id", "account_manager_id", "id_number"}
    values = {k: v for k, v in values.items() if v is not None or k in nullable}
    _check_links(session, values)
    if {"id_number", "id_kind", "id_country"} & values.keys():
        values |= _identity_change(customer, values)
    changes = apply_changes(customer, values)
    if changes:
        session.flush()
        record_changes(
            session,
            entity_type="customer",
            entity_id=customer.id,
            changes=changes,
            actor=by,
            reason=data.reason,
        )
        audit.record(
            session,
            actor=by,
            action="customer.update",
            entity_type="customer",
            entity_id=customer.id,
            reason=data.reason,
            details={"fields": sorted(changes)},
        )
    return customer


def change_status(
    session: Session, *, customer: Customer, status: CustomerStatus, reason: str, by: Principal
) -> Customer:
    """Freeze, reactivate or cancel a customer; cancelling closes every number."""
    if status not in CUSTOMER_TRANSITIONS[customer.status]:
        raise Conflict(
            "invalid_status_change",
            field="status",
            from_status=str(customer.status),
            to_status=status.value,
        )
    changes = apply_changes(customer, {"status": status})
    if status == CustomerStatus.CANCELLED:
        for subscription, _ in repository.numbers_with_packages(session, customer.id):
            if subscription.status != SubscriptionStatus.CANCELLED:
                _set_number_status(subscription, SubscriptionStatus.CANCELLED)
    session.flush()
    record_changes(
        session,
        entity_type="customer",
        entity_id=customer.id,
        changes=changes,
        actor=by,
        reason=reason,
    )
    audit.record(
        session,
        actor=by,
        action=f"customer.{status.value}",
        entity_type="customer",
        entity_id=customer.id,
        reason=reason,
    )
    return customer


def add_number(
    session: Session,
    *,
    customer: Customer,
    data: NumberCreate,
    by: Principal,
    audited: bool = True,
) -> Subscription:
    """Open a number for a customer (409 when the number is live elsewhere)."""
    msisdn = normalize_phone(data.msisdn, field="msisdn")
    if repository.live_subscription(session, msisdn) is not None:
        raise Conflict("number_in_use", field="msisdn", phone=national(msisdn))
    package = repository.package_by_code(session, data.package_code)
    if package is None:
        raise NotFound("package_not_found", field="package_code")
    subscription = Subscription(
        msisdn=msisdn,
        customer_id=customer.id,
        brand=data.brand,
        package_id=package.id,
        opened_on=data.opened_on or local_today(),
        balance_fen=data.balance_fen,
    )
    session.add(subscription)
    session.flush()
    if audited:
        audit.record(
            session,
            actor=by,
            action="number.open",
            entity_type="customer",
            entity_id=customer.id,
            details={"subscription_id": subscription.id},
        )
    return subscription


def _set_number_status(subscription: Subscription, status: SubscriptionStatus) -> None:
    subscription.status = status
    if status == SubscriptionStatus.CANCELLED:
        subscription.closed_on = local_today()


def change_number_status(
    session: Session,
    *,
    subscription: Subscription,
    status: SubscriptionStatus,
    reason: str,
    by: Principal,
) -> Subscription:
    """Suspend, resume or cancel one number."""
    if status not in SUBSCRIPTION_TRANSITIONS[subscription.status]:
        raise Conflict(
            "invalid_status_change",
            field="status",
            from_status=str(subscription.status),
            to_status=status.value,
        )
    before = subscription.status
    _set_number_status(subscription, status)
    session.flush()
    record_changes(
        session,
        entity_type="subscription",
        entity_id=subscription.id,
        changes={"status": [before, status]},
        actor=by,
        reason=reason,
    )
    audit.record(
        session,
        actor=by,
        action=f"number.{status.value}",
        entity_type="customer",
        entity_id=subscription.customer_id,
        reason=reason,
        details={"subscription_id": subscription.id},
    )
    return subscription


def unmask(
    session: Session, *, customer: Customer, request: UnmaskRequest, by: Principal
) -> UnmaskResult:
    """Reveal personal fields for a stated reason; the audit row is written first."""
    row = audit.record_now(
        session,
        actor=by,
        action="customer.unmask",
        entity_type="customer",
        entity_id=customer.id,
        reason=request.reason,
        details={"fields": sorted(set(request.fields))},
    )
    values: dict[str, Any] = {"audit_seq": row.seq}
    for field in set(request.fields):
        if field == "phones":
            numbers = repository.numbers_with_packages(session, customer.id)
            values["phones"] = [national(s.msisdn) for s, _ in numbers]
        else:
            values[field] = getattr(customer, field)
    return UnmaskResult(**values)


def search_criteria(q: str) -> dict[str, str]:
    """What a search box entry means: an 18-character identity number, a phone number, a
    passport's or travel permit's number, or a name prefix."""
    digits = q.replace(" ", "").replace("-", "")
    if len(digits) == 18 and digits[:17].isdigit():
        return {"id_number": normalize_id_number(digits, field="q")}
    if any(ch.isdigit() for ch in q):
        try:
            return {"msisdn": normalize_phone(q, field="q")}
        except Unprocessable:
            if looks_like_document_number(digits):
                return {"id_number": canonical_text(digits)}
            raise Unprocessable("invalid_query", field="q") from None
    return {"name": q}


def find_customers(
    session: Session, q: str, *, scope_path: str | None, params: PageParams
) -> tuple[list[tuple[Customer, OrgUnit]], int]:
    """The customers a search box entry finds, within a scope. Digits led by 0 or 1 that
    are no phone number may be a passport's (a British one is 9 digits) or a mistyped
    phone number: documents are searched, and when none has it, the searcher is told the
    entry is no phone number rather than shown no one."""
    criteria = search_criteria(q)
    rows, total = repository.search_customers(
        session, scope_path=scope_path, params=params, **criteria
    )
    if total == 0 and _maybe_mistyped_phone(criteria.get("id_number")):
        raise Unprocessable("invalid_query", field="q")
    return rows, total


def _maybe_mistyped_phone(document: str | None) -> bool:
    """Digits led by 0 or 1, short of an identity number's 18: as a phone number starts."""
    return (
        document is not None and len(document) < 18 and document.isdigit() and document[0] in "01"
    )
