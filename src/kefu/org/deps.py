"""Who is calling: session cookie or bearer token to a Principal, and named permission checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session, aliased
from starlette.concurrency import run_in_threadpool

from kefu.core.db import open_read_session
from kefu.core.rbac import Principal, Right, Role, rights_for
from kefu.core.security import (
    CSRF_HEADER,
    SESSION_COOKIE,
    SessionData,
    SessionSigner,
    csrf_matches,
    token_digest,
)
from kefu.core.web import UNSAFE_METHODS, client_ip, session_factory
from kefu.errors import Forbidden, NotAuthenticated, NotFound
from kefu.org.callers import Callers
from kefu.org.models import ApiToken, OrgUnit, Staff

_OWN_UNIT, _SCOPE_UNIT = aliased(OrgUnit, name="own_unit"), aliased(OrgUnit, name="scope_unit")
# Every request runs one of these, so they are built once and read only the columns a
# Principal needs: building them per call with fresh aliases took over a millisecond.
_CALLER = (
    select(
        Staff.id,
        Staff.username,
        Staff.display_name,
        Staff.role,
        Staff.org_unit_id,
        Staff.language,
        Staff.active,
        Staff.session_epoch,
        _OWN_UNIT.path.label("own_path"),
        _SCOPE_UNIT.path.label("scope_path"),
    )
    .join(_OWN_UNIT, _OWN_UNIT.id == Staff.org_unit_id)
    .outerjoin(_SCOPE_UNIT, _SCOPE_UNIT.id == Staff.scope_org_unit_id)
)
_CALLER_BY_ID = _CALLER.where(Staff.id == bindparam("staff_id"))
_CALLER_BY_TOKEN = _CALLER.join(ApiToken, ApiToken.staff_id == Staff.id).where(
    ApiToken.digest == bindparam("digest"), ApiToken.revoked_at.is_(None)
)


def unit_scope(session: Session, principal: Principal, org_unit_id: int | None) -> str | None:
    """The org path a report or export covers: the unit asked for (404 unknown, 403
    outside the caller's scope), else the caller's own scope (None: the whole center)."""
    if org_unit_id is None:
        return principal.scope_filter()
    unit = session.get(OrgUnit, org_unit_id)
    if unit is None:
        raise NotFound("org_unit_not_found", field="org_unit_id")
    if not principal.sees_org_path(unit.path):
        raise Forbidden("customer_out_of_scope", field="org_unit_id", org_unit=unit.name)
    return unit.path


def _principal(row: Row[*tuple[Any, ...]], **extra: object) -> Principal:
    return Principal(
        staff_id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        org_unit_id=row.org_unit_id,
        scope_path=row.scope_path or row.own_path,
        language=row.language,
        rights=rights_for(Role(row.role)),
        **extra,  # type: ignore[arg-type]
    )


def principal_for(session: Session, staff_id: int, **extra: object) -> Principal | None:
    """Load an active staff member with their scope path as a Principal."""
    row = session.execute(_CALLER_BY_ID, {"staff_id": staff_id}).first()
    if row is None or not row.active:
        return None
    return _principal(row, **extra)


def _from_token(request: Request, row: Any) -> Principal:
    if row is None:
        raise NotAuthenticated("invalid_token", headers={"WWW-Authenticate": "Bearer"})
    if not row.active:
        raise NotAuthenticated("account_disabled", headers={"WWW-Authenticate": "Bearer"})
    return _principal(row, via="token", ip=client_ip(request))


def _from_cookie(request: Request, row: Any, data: SessionData) -> Principal:
    if row is None or not row.active or row.session_epoch != data.epoch:
        raise NotAuthenticated("session_expired")
    principal = _principal(row, via="session", ip=client_ip(request), csrf_token=data.csrf)
    # Cookies ride along on cross-site requests; the header proves the page is ours.
    if request.method in UNSAFE_METHODS and not csrf_matches(
        data.csrf, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden("csrf_failed", field=CSRF_HEADER)
    return principal


class _Asked:
    """Who a request says it is: a bearer token's digest or a signed session cookie."""

    def __init__(self, request: Request) -> None:
        authorization = request.headers.get("authorization", "")
        scheme, _, credentials = authorization.partition(" ")
        self.session: SessionData | None = None
        if scheme.lower() == "bearer" and credentials.strip():
            self.key: tuple[str, object] = ("token", token_digest(credentials.strip()))
            return
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise NotAuthenticated(headers={"WWW-Authenticate": "Bearer"})
        signer: SessionSigner = request.app.state.signer
        self.session = signer.read(cookie)
        if self.session is None:
            raise NotAuthenticated("session_expired")
        self.key = ("staff", self.session.staff_id)

    def read(self, session: Session, kept: Callers) -> Any:
        """The caller's row from the database, kept for the next requests."""
        kind, value = self.key
        query, name = (
            (_CALLER_BY_TOKEN, "digest") if kind == "token" else (_CALLER_BY_ID, "staff_id")
        )
        row = session.execute(query, {name: value}).first()
        if row is not None:
            kept.keep(self.key, row)
        return row

    def principal(self, request: Request, row: Any) -> Principal:
        if self.session is None:
            return _from_token(request, row)
        return _from_cookie(request, row, self.session)


def caller(request: Request, session: Session) -> Principal:
    """The authenticated caller (401 when there is none), for code already off the event
    loop (console pages)."""
    asked, kept = _Asked(request), _kept(request)
    row = kept.get(asked.key)
    return asked.principal(request, row if row is not None else asked.read(session, kept))


async def get_principal(request: Request) -> Principal:
    """The authenticated caller (401 when there is none). A caller seen in the last few
    seconds is answered on the event loop; otherwise the row is read in the thread pool."""
    asked, kept = _Asked(request), _kept(request)
    row = kept.get(asked.key)
    if row is None:
        row = await run_in_threadpool(_read_apart, request, asked, kept)
    return asked.principal(request, row)


def _read_apart(request: Request, asked: _Asked, kept: Callers) -> Any:
    """The caller's row, read in a session that ends before the route's begins: a request
    never holds two pooled connections at once. (Read in the route's session, it made a
    route on a session of its own wait for a second connection while holding the first:
    as many such requests as connections held the pool between them.)"""
    session, _ = open_read_session(session_factory(request))
    try:
        row = asked.read(session, kept)
        session.commit()
        return row
    finally:
        session.close()


def _kept(request: Request) -> Callers:
    kept: Callers = request.app.state.callers  # one per app, so one per database
    return kept


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
