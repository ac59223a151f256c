"""Who is calling: session cookie or bearer token to a Principal, and named permission checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from kefu.core.rbac import Principal, Right, Role, rights_for
from kefu.core.security import (
    CSRF_HEADER,
    SESSION_COOKIE,
    SessionSigner,
    csrf_matches,
    token_digest,
)
from kefu.core.web import UNSAFE_METHODS, DbSession, client_ip
from kefu.errors import Forbidden, NotAuthenticated
from kefu.org.models import ApiToken, OrgUnit, Staff

_OWN_UNIT, _SCOPE_UNIT = aliased(OrgUnit, name="own_unit"), aliased(OrgUnit, name="scope_unit")
# Built once: every request runs it, and building it per call with fresh aliases took
# over a millisecond, more than the customer lookup's own queries.
_STAFF_WITH_SCOPE = (
    select(Staff, _OWN_UNIT.path, _SCOPE_UNIT.path)
    .join(_OWN_UNIT, _OWN_UNIT.id == Staff.org_unit_id)
    .outerjoin(_SCOPE_UNIT, _SCOPE_UNIT.id == Staff.scope_org_unit_id)
    .where(Staff.id == bindparam("staff_id"))
)
_TOKEN_BY_DIGEST = select(ApiToken).where(ApiToken.digest == bindparam("digest"))


def principal_for(session: Session, staff_id: int, **extra: object) -> Principal | None:
    """Load an active staff member with their scope path as a Principal."""
    row = session.execute(_STAFF_WITH_SCOPE, {"staff_id": staff_id}).first()
    if row is None or not row[0].active:
        return None
    staff: Staff = row[0]
    return Principal(
        staff_id=staff.id,
        username=staff.username,
        display_name=staff.display_name,
        role=Role(staff.role),
        org_unit_id=staff.org_unit_id,
        scope_path=row[2] or row[1],
        language=staff.language,
        rights=rights_for(Role(staff.role)),
        **extra,  # type: ignore[arg-type]
    )


def _from_token(request: Request, session: Session, token: str) -> Principal:
    api_token = session.scalar(_TOKEN_BY_DIGEST, {"digest": token_digest(token)})
    if api_token is None or api_token.revoked_at is not None:
        raise NotAuthenticated("invalid_token", headers={"WWW-Authenticate": "Bearer"})
    principal = principal_for(session, api_token.staff_id, via="token", ip=client_ip(request))
    if principal is None:
        raise NotAuthenticated("account_disabled", headers={"WWW-Authenticate": "Bearer"})
    return principal


def _from_cookie(request: Request, session: Session, cookie: str) -> Principal:
    signer: SessionSigner = request.app.state.signer
    data = signer.read(cookie)
    if data is None:
        raise NotAuthenticated("session_expired")
    principal = principal_for(
        session, data.staff_id, via="session", ip=client_ip(request), csrf_token=data.csrf
    )
    epoch = session.scalar(select(Staff.session_epoch).where(Staff.id == data.staff_id))
    if principal is None or epoch != data.epoch:
        raise NotAuthenticated("session_expired")
    # Cookies ride along on cross-site requests; the header proves the page is ours.
    if request.method in UNSAFE_METHODS and not csrf_matches(
        data.csrf, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden("csrf_failed", field=CSRF_HEADER)
    return principal


def get_principal(request: Request, session: DbSession) -> Principal:
    """The authenticated caller (401 when there is none)."""
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return _from_token(request, session, credentials.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return _from_cookie(request, session, cookie)
    raise NotAuthenticated(headers={"WWW-Authenticate": "Bearer"})


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require(right: Right) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets the request through only when the caller holds ``right``."""

    # async: a pure check runs on the event loop instead of costing a thread hop.
    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.has(right):
            raise Forbidden("missing_right", right=right.value)
        return principal

    check.__name__ = f"require_{right.name.lower()}"
    return check


CanReadStaff = Annotated[Principal, Depends(require(Right.STAFF_READ))]
CanWriteStaff = Annotated[Principal, Depends(require(Right.STAFF_WRITE))]
CanWriteOrg = Annotated[Principal, Depends(require(Right.ORG_WRITE))]
CanReadAudit = Annotated[Principal, Depends(require(Right.AUDIT_READ))]
