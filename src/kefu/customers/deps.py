"""Loaders and permission checks of the customer domain."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import DbSession
from kefu.customers import repository
from kefu.customers.models import Customer, Enterprise
from kefu.errors import Forbidden, NotFound
from kefu.org.deps import require
from kefu.org.models import OrgUnit

CanReadCustomers = Annotated[Principal, Depends(require(Right.CUSTOMER_READ))]
CanWriteCustomers = Annotated[Principal, Depends(require(Right.CUSTOMER_WRITE))]
CanUnmask = Annotated[Principal, Depends(require(Right.CUSTOMER_UNMASK))]
CanOverrideTier = Annotated[Principal, Depends(require(Right.TIER_OVERRIDE))]
CanWritePolicy = Annotated[Principal, Depends(require(Right.POLICY_WRITE))]
CanExport = Annotated[Principal, Depends(require(Right.CUSTOMER_EXPORT))]


def ensure_in_scope(principal: Principal, unit: OrgUnit) -> None:
    """403 when the record belongs to a unit outside the caller's scope."""
    if not principal.sees_org_path(unit.path):
        raise Forbidden("customer_out_of_scope", org_unit=unit.name)


def scope_filter(principal: Principal) -> str | None:
    """The org path prefix a caller's searches are limited to (None: everything)."""
    return principal.scope_filter()


def load_customer(
    customer_id: PathId, principal: CanReadCustomers, session: DbSession
) -> tuple[Customer, OrgUnit]:
    """The customer in the path with its unit (404 unknown, 403 out of scope)."""
    found = repository.customer_with_unit(session, customer_id)
    if found is None:
        raise NotFound("customer_not_found")
    ensure_in_scope(principal, found[1])
    return found


def load_enterprise(
    enterprise_id: PathId, principal: CanReadCustomers, session: DbSession
) -> tuple[Enterprise, OrgUnit]:
    """The enterprise in the path with its unit (404 unknown, 403 out of scope)."""
    found = repository.enterprise_with_unit(session, enterprise_id)
    if found is None:
        raise NotFound("enterprise_not_found")
    ensure_in_scope(principal, found[1])
    return found


LoadedCustomer = Annotated[tuple[Customer, OrgUnit], Depends(load_customer)]
LoadedEnterprise = Annotated[tuple[Enterprise, OrgUnit], Depends(load_enterprise)]
