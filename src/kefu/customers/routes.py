"""HTTP routes of the customer domain: 360 lookup, search, records, numbers, tiers, enterprises."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from kefu.core.clock import local_now
from kefu.core.idempotency import run_once
from kefu.core.pagination import Paging
from kefu.core.types import PathId
from kefu.core.web import (
    DbSession,
    IdempotencyKey,
    IfMatch,
    LoopReadSession,
    check_version,
    etag,
    request_language,
    session_factory,
)
from kefu.customers import enterprises, export, repository, service, tiers
from kefu.customers.deps import (
    CanExport,
    CanOverrideTier,
    CanReadCustomers,
    CanUnmask,
    CanWriteCustomers,
    CanWritePolicy,
    LoadedCustomer,
    LoadedEnterprise,
    ensure_in_scope,
    scope_filter,
)
from kefu.customers.listing import contact_read, customer_items, enterprise_read, history_rows
from kefu.customers.models import Subscription
from kefu.customers.schemas import (
    ContactCreate,
    ContactRead,
    ContractCreate,
    ContractRead,
    CustomerCreate,
    CustomerExportRequest,
    CustomerPage,
    CustomerUpdate,
    CustomerView,
    EnterpriseCreate,
    EnterpriseListItem,
    EnterprisePage,
    EnterpriseRead,
    EnterpriseUpdate,
    HistoryRead,
    NumberCreate,
    NumberRead,
    NumberStatusChange,
    PackageRead,
    StatusChange,
    TierChangeRead,
    TierOverride,
    TierRuleItem,
    UnmaskRequest,
    UnmaskResult,
)
from kefu.customers.view import build_view
from kefu.errors import Conflict, MethodNotAllowed, NotFound

router = APIRouter(prefix="/api/v1", tags=["customers"])
NO_DELETE = {"Allow": "GET, PATCH, POST"}


def _view(
    request: Request,
    session: DbSession,
    principal: CanReadCustomers,
    customer_id: int,
    matched: str | None = None,
) -> CustomerView:
    found = repository.customer_with_unit(session, customer_id)
    assert found is not None
    return build_view(
        session,
        customer=found[0],
        unit=found[1],
        viewer=principal,
        matched_msisdn=matched,
        timezone=request.app.state.settings.timezone,
    )


@router.get("/customers/lookup", response_model=CustomerView)
async def lookup(
    phone: Annotated[str, Query(max_length=64)],
    principal: CanReadCustomers,
    session: LoopReadSession,
    request: Request,
) -> CustomerView:
    """The customer 360 for a number in any common written form."""
    # On the event loop: a handful of indexed reads (about a millisecond), less than the
    # thread pool's hand-off costs. Nothing here may wait on a lock or scan a table.
    subscription, customer, unit = service.find_by_phone(session, raw_phone=phone)
    ensure_in_scope(principal, unit)
    return build_view(
        session,
        customer=customer,
        unit=unit,
        viewer=principal,
        matched_msisdn=subscription.msisdn,
        timezone=request.app.state.settings.timezone,
        complete=False,  # a screen pop's lookup: the 360 by id has the rest
    )


@router.get("/customers", response_model=CustomerPage)
def search(
    q: Annotated[str, Query(min_length=1, max_length=64)],
    principal: CanReadCustomers,
    session: DbSession,
    params: Paging,
) -> CustomerPage:
    """Customers by phone number, identity number or name prefix, within the caller's scope."""
    rows, total = service.find_customers(
        session, q.strip(), scope_path=scope_filter(principal), params=params
    )
    return CustomerPage(
        items=customer_items(session, rows, principal),
        total=total,
        page=params.page,
        size=params.size,
    )


@router.post(
    "/customers/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The customers as CSV."}},
)
def export_customers(
    data: CustomerExportRequest, principal: CanExport, session: DbSession, request: Request
) -> StreamingResponse:
    """Customers as a CSV file, masked as on screen; the reason and filter are audited first."""
    settings = request.app.state.settings
    plan = export.plan_export(session, data=data, by=principal, max_rows=settings.export_max_rows)
    language = request_language(request)
    stamp = local_now(settings.timezone).strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        export.stream_csv(session_factory(request), plan, language),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="customers-{stamp}.csv"',
            "X-Export-Rows": str(plan.rows),
            "X-Audit-Seq": str(plan.audit_seq),
        },
    )


@router.post("/customers", response_model=CustomerView, status_code=201)
def create_customer(
    data: CustomerCreate,
    principal: CanWriteCustomers,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Register a subscriber with their numbers."""

    def create() -> CustomerView:
        customer = service.create_customer(session, data=data, by=principal)
        return _view(request, session, principal, customer.id)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="customer.create",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


@router.get("/customers/{customer_id}", response_model=CustomerView)
def get_customer(
    loaded: LoadedCustomer,
    principal: CanReadCustomers,
    session: DbSession,
    request: Request,
    response: Response,
) -> CustomerView:
    """The customer 360 by id; the ETag carries the version for If-Match."""
    response.headers["ETag"] = etag(loaded[0].version)
    return _view(request, session, principal, loaded[0].id)


@router.patch("/customers/{customer_id}", response_model=CustomerView)
def update_customer(
    loaded: LoadedCustomer,
    data: CustomerUpdate,
    version: IfMatch,
    principal: CanWriteCustomers,
    session: DbSession,
    request: Request,
    response: Response,
) -> CustomerView:
    """Change a customer's record; a stale If-Match is a 409."""
    customer = loaded[0]
    check_version(customer.version, version)
    service.update_customer(session, customer=customer, data=data, by=principal)
    session.flush()
    response.headers["ETag"] = etag(customer.version)
    return _view(request, session, principal, customer.id)


@router.delete("/customers/{customer_id}", include_in_schema=False)
def delete_customer(customer_id: PathId) -> None:
    """Customers are never deleted: they are frozen or cancelled."""
    raise MethodNotAllowed("no_hard_delete", headers=NO_DELETE)


@router.post("/customers/{customer_id}/status", response_model=CustomerView)
def change_status(
    loaded: LoadedCustomer,
    data: StatusChange,
    principal: CanWriteCustomers,
    session: DbSession,
    request: Request,
) -> CustomerView:
    """Freeze, reactivate or cancel a customer with a reason."""
    service.change_status(
        session, customer=loaded[0], status=data.status, reason=data.reason, by=principal
    )
    return _view(request, session, principal, loaded[0].id)


@router.post("/customers/{customer_id}/unmask", response_model=UnmaskResult)
def unmask(
    loaded: LoadedCustomer, data: UnmaskRequest, principal: CanUnmask, session: DbSession
) -> UnmaskResult:
    """Reveal personal fields for a stated reason (written to the audit log)."""
    return service.unmask(session, customer=loaded[0], request=data, by=principal)


@router.get("/customers/{customer_id}/history", response_model=list[HistoryRead])
def history(
    loaded: LoadedCustomer, principal: CanReadCustomers, session: DbSession
) -> list[HistoryRead]:
    """Every recorded change of the customer's record, newest first."""
    return history_rows(session, "customer", loaded[0].id, principal)


@router.get("/customers/{customer_id}/tier-history", response_model=list[TierChangeRead])
def tier_history(loaded: LoadedCustomer, session: DbSession) -> list[TierChangeRead]:
    """The customer's tier changes, newest first."""
    return [
        TierChangeRead.model_validate(row) for row in repository.tier_history(session, loaded[0].id)
    ]


@router.post("/customers/{customer_id}/tier", response_model=CustomerView)
def override_tier(
    loaded: LoadedCustomer,
    data: TierOverride,
    principal: CanOverrideTier,
    session: DbSession,
    request: Request,
) -> CustomerView:
    """Set a tier by hand (or ``null`` to return to the policy), with a reason."""
    tiers.override(session, customer=loaded[0], tier=data.tier, reason=data.reason, by=principal)
    return _view(request, session, principal, loaded[0].id)


@router.post("/customers/{customer_id}/numbers", response_model=NumberRead, status_code=201)
def add_number(
    loaded: LoadedCustomer,
    data: NumberCreate,
    principal: CanWriteCustomers,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Open a number for the customer."""

    def create() -> NumberRead:
        subscription = service.add_number(session, customer=loaded[0], data=data, by=principal)
        view = _view(request, session, principal, loaded[0].id)
        return next(n for n in view.numbers if n.id == subscription.id)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="number.open",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


@router.post("/numbers/{number_id}/status", response_model=CustomerView)
def change_number_status(
    number_id: PathId,
    data: NumberStatusChange,
    principal: CanWriteCustomers,
    session: DbSession,
    request: Request,
) -> CustomerView:
    """Suspend, resume or cancel a number with a reason."""
    subscription = session.get(Subscription, number_id)
    if subscription is None:
        raise NotFound()
    found = repository.customer_with_unit(session, subscription.customer_id)
    assert found is not None
    ensure_in_scope(principal, found[1])
    service.change_number_status(
        session, subscription=subscription, status=data.status, reason=data.reason, by=principal
    )
    return _view(request, session, principal, subscription.customer_id)


@router.get("/packages", response_model=list[PackageRead])
def list_packages(_: CanReadCustomers, session: DbSession) -> list[PackageRead]:
    """All tariff packages."""
    return [PackageRead.model_validate(p) for p in repository.packages(session)]


@router.get("/tier-rules", response_model=list[TierRuleItem])
def get_tier_rules(_: CanReadCustomers, session: DbSession) -> list[TierRuleItem]:
    """The tier policy, highest tier first."""
    return [TierRuleItem.model_validate(rule) for rule in repository.tier_rules(session)]


@router.put("/tier-rules", response_model=list[TierRuleItem])
def put_tier_rules(
    data: list[TierRuleItem], principal: CanWritePolicy, session: DbSession
) -> list[TierRuleItem]:
    """Change tier minimums (existing tiers keep their tier until re-evaluated)."""
    rules = tiers.replace_rules(session, rules=data[:10], by=principal)
    return [TierRuleItem.model_validate(rule) for rule in rules]


@router.get("/enterprises", response_model=EnterprisePage)
def search_enterprises(
    principal: CanReadCustomers,
    session: DbSession,
    params: Paging,
    q: Annotated[str | None, Query(max_length=64)] = None,
) -> EnterprisePage:
    """Enterprise customers by name, within the caller's scope."""
    rows, total = repository.search_enterprises(
        session, scope_path=scope_filter(principal), params=params, q=q
    )
    return EnterprisePage(
        items=[EnterpriseListItem.model_validate(e) for e in rows],
        total=total,
        page=params.page,
        size=params.size,
    )


@router.post("/enterprises", response_model=EnterpriseRead, status_code=201)
def create_enterprise(
    data: EnterpriseCreate,
    principal: CanWriteCustomers,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Register an enterprise customer."""

    def create() -> EnterpriseRead:
        enterprise = enterprises.create_enterprise(session, data=data, by=principal)
        found = repository.enterprise_with_unit(session, enterprise.id)
        assert found is not None
        return enterprise_read(session, found, principal)

    if data.credit_code and repository.enterprise_by_credit_code(session, data.credit_code):
        raise Conflict("duplicate", field="credit_code")
    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="enterprise.create",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseRead)
def get_enterprise(
    loaded: LoadedEnterprise, principal: CanReadCustomers, session: DbSession, response: Response
) -> EnterpriseRead:
    """An enterprise with contacts, contracts and member count."""
    response.headers["ETag"] = etag(loaded[0].version)
    return enterprise_read(session, loaded, principal)


@router.patch("/enterprises/{enterprise_id}", response_model=EnterpriseRead)
def update_enterprise(
    loaded: LoadedEnterprise,
    data: EnterpriseUpdate,
    version: IfMatch,
    principal: CanWriteCustomers,
    session: DbSession,
    response: Response,
) -> EnterpriseRead:
    """Change an enterprise; a stale If-Match is a 409."""
    check_version(loaded[0].version, version)
    enterprises.update_enterprise(session, enterprise=loaded[0], data=data, by=principal)
    session.flush()
    response.headers["ETag"] = etag(loaded[0].version)
    return enterprise_read(session, loaded, principal)


@router.delete("/enterprises/{enterprise_id}", include_in_schema=False)
def delete_enterprise(enterprise_id: PathId) -> None:
    """Enterprises are never deleted."""
    raise MethodNotAllowed("no_hard_delete", headers=NO_DELETE)


@router.post("/enterprises/{enterprise_id}/contacts", response_model=ContactRead, status_code=201)
def add_contact(
    loaded: LoadedEnterprise, data: ContactCreate, principal: CanWriteCustomers, session: DbSession
) -> ContactRead:
    """Add a contact person."""
    contact = enterprises.add_contact(session, enterprise=loaded[0], data=data, by=principal)
    return contact_read(contact, principal)


@router.post("/enterprises/{enterprise_id}/contracts", response_model=ContractRead, status_code=201)
def add_contract(
    loaded: LoadedEnterprise, data: ContractCreate, principal: CanWriteCustomers, session: DbSession
) -> ContractRead:
    """Record a contract."""
    return ContractRead.model_validate(
        enterprises.add_contract(session, enterprise=loaded[0], data=data, by=principal)
    )
