"""HTTP routes of the organization domain: sign-in, tokens, org tree, teams, skills, staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from kefu.core.idempotency import run_once
from kefu.core.pagination import Paging
from kefu.core.rbac import Principal, Role
from kefu.core.security import SESSION_COOKIE, SessionSigner
from kefu.core.types import PathId, RefId
from kefu.core.web import (
    DbSession,
    IdempotencyKey,
    IfMatch,
    ReadSession,
    check_version,
    client_ip,
    etag,
    write_and_commit,
)
from kefu.errors import Conflict, Forbidden, MethodNotAllowed, NotFound
from kefu.org import auth, repository, service
from kefu.org.deps import (
    CanReadStaff,
    CanWriteOrg,
    CanWriteStaff,
    CurrentPrincipal,
    principal_for,
)
from kefu.org.models import Staff, Team
from kefu.org.schemas import (
    LoginRequest,
    MeRead,
    OrgUnitCreate,
    OrgUnitRead,
    PasswordSet,
    SkillCreate,
    SkillLevel,
    SkillRead,
    StaffCreate,
    StaffPage,
    StaffRead,
    StaffUpdate,
    TeamCreate,
    TeamHours,
    TeamRead,
    TokenCreate,
    TokenCreated,
    TokenRead,
)

router = APIRouter(prefix="/api/v1", tags=["organization"])


def me_read(principal: Principal, csrf: str | None = None) -> MeRead:
    """The caller as the console shows them."""
    return MeRead(
        id=principal.staff_id,
        username=principal.username,
        display_name=principal.display_name,
        role=principal.role,
        org_unit_id=principal.org_unit_id,
        language=principal.language,
        rights=sorted(principal.rights),
        csrf_token=csrf if csrf is not None else principal.csrf_token,
    )


def staff_read(staff: Staff) -> StaffRead:
    """A staff record with its skills."""
    skills = [SkillLevel(code=row.skill.code, level=row.level) for row in staff.skills]
    return StaffRead(
        id=staff.id,
        username=staff.username,
        display_name=staff.display_name,
        role=staff.role,
        org_unit_id=staff.org_unit_id,
        team_id=staff.team_id,
        scope_org_unit_id=staff.scope_org_unit_id,
        language=staff.language,
        email=staff.email,
        phone=staff.phone,
        active=staff.active,
        last_login_at=staff.last_login_at,
        version=staff.version,
        skills=sorted(skills, key=lambda item: item.code),
    )


SIGN_IN_PATH = f"{router.prefix}/auth/login"  # waits with the reads (core/admission.py)


@router.post("/auth/login", response_model=MeRead)
def login(
    data: LoginRequest,
    request: Request,
    response: Response,
    session: ReadSession,
) -> MeRead:
    """Sign in; sets the console session cookie and returns the CSRF token to send back."""
    settings = request.app.state.settings
    claim = auth.check_credentials(
        session,
        username=data.username,
        password=data.password,
        ip=client_ip(request),
        settings=settings,
    )
    # Committed before any refusal: failed attempts must count though the request fails.
    outcome = write_and_commit(session, lambda: auth.record_login(session, claim))
    if outcome.error is not None or outcome.staff is None:
        raise outcome.error or NotFound()
    signer: SessionSigner = request.app.state.signer
    cookie, session_data = signer.issue(outcome.staff.id, outcome.staff.session_epoch)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=settings.session_max_age_seconds,
    )
    principal = principal_for(session, outcome.staff.id)  # a read: no second turn at the writer
    assert principal is not None
    return me_read(principal, session_data.csrf)


@router.post("/auth/logout", status_code=204)
def logout(response: Response) -> Response:
    """End the console session on this browser."""
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/auth/me", response_model=MeRead)
def me(principal: CurrentPrincipal) -> MeRead:
    """Who is signed in."""
    return me_read(principal)


@router.get("/auth/tokens", response_model=list[TokenRead])
def list_tokens(principal: CurrentPrincipal, session: DbSession) -> list[TokenRead]:
    """The caller's integration tokens."""
    return [TokenRead.model_validate(t) for t in auth.tokens_of(session, principal.staff_id)]


@router.post("/auth/tokens", response_model=TokenCreated, status_code=201)
def create_token(
    data: TokenCreate, principal: CurrentPrincipal, session: DbSession
) -> TokenCreated:
    """A new bearer token for the caller; its secret is shown only in this response."""
    token, secret = auth.create_token(
        session, staff_id=principal.staff_id, name=data.name, by=principal
    )
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=secret)


@router.delete("/auth/tokens/{token_id}", response_model=TokenRead)
def revoke_token(token_id: PathId, principal: CurrentPrincipal, session: DbSession) -> TokenRead:
    """Revoke one of the caller's tokens (kept on record, never deleted)."""
    return TokenRead.model_validate(auth.revoke_token(session, token_id=token_id, by=principal))


@router.get("/org/units", response_model=list[OrgUnitRead])
def list_org_units(_: CurrentPrincipal, session: DbSession) -> list[OrgUnitRead]:
    """The org tree in order (HQ, provinces, city branches)."""
    return [OrgUnitRead.model_validate(unit) for unit in repository.org_units(session)]


@router.post("/org/units", response_model=OrgUnitRead, status_code=201)
def create_org_unit(
    data: OrgUnitCreate,
    principal: CanWriteOrg,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Add a unit to the tree."""
    if data.code in {unit.code for unit in repository.org_units(session)}:
        raise Conflict("duplicate", field="code")
    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="org_unit.create",
        payload=data,
        create=lambda: OrgUnitRead.model_validate(
            service.create_org_unit(session, data=data, by=principal)
        ),
    )
    return JSONResponse(body, status_code=status)


@router.get("/org/teams", response_model=list[TeamRead])
def list_teams(
    _: CurrentPrincipal, session: DbSession, org_unit_id: Annotated[RefId | None, Query()] = None
) -> list[TeamRead]:
    """Teams, optionally of one unit."""
    return [TeamRead.model_validate(team) for team in repository.teams(session, org_unit_id)]


@router.post("/org/teams", response_model=TeamRead, status_code=201)
def create_team(
    data: TeamCreate,
    principal: CanWriteOrg,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Add a team (班组)."""
    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="team.create",
        payload=data,
        create=lambda: TeamRead.model_validate(
            service.create_team(session, data=data, by=principal)
        ),
    )
    return JSONResponse(body, status_code=status)


@router.put("/org/teams/{team_id}/hours", response_model=TeamRead)
def set_team_hours(
    team_id: PathId,
    data: TeamHours,
    principal: CanWriteOrg,
    session: DbSession,
    version: IfMatch,
) -> TeamRead:
    """Set a team's working hours (both empty: the center's default day)."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound("team_not_found")
    unit = repository.org_unit(session, team.org_unit_id)
    if unit is None or not principal.sees_org_path(unit.path):
        raise Forbidden("org_unit_out_of_scope", org_unit=unit.name if unit else "")
    check_version(team.version, version)
    return TeamRead.model_validate(
        service.set_team_hours(session, team=team, data=data, by=principal)
    )


@router.get("/org/skills", response_model=list[SkillRead])
def list_skills(_: CurrentPrincipal, session: DbSession) -> list[SkillRead]:
    """All routing skills."""
    return [SkillRead.model_validate(skill) for skill in repository.skills(session)]


@router.post("/org/skills", response_model=SkillRead, status_code=201)
def create_skill(
    data: SkillCreate,
    principal: CanWriteOrg,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Add a routing skill."""
    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="skill.create",
        payload=data,
        create=lambda: SkillRead.model_validate(
            service.create_skill(session, data=data, by=principal)
        ),
    )
    return JSONResponse(body, status_code=status)


@router.get("/staff", response_model=StaffPage)
def list_staff(
    principal: CanReadStaff,
    session: DbSession,
    params: Paging,
    q: Annotated[str | None, Query(max_length=64)] = None,
    role: Role | None = None,
    org_unit_id: Annotated[RefId | None, Query()] = None,
    active: bool | None = None,
) -> StaffPage:
    """Staff in the caller's scope, filtered and paged."""
    rows, total = repository.staff_page(
        session,
        viewer=principal,
        params=params,
        q=q,
        role=role,
        org_unit_id=org_unit_id,
        active=active,
    )
    return StaffPage(
        items=[staff_read(s) for s in rows], total=total, page=params.page, size=params.size
    )


@router.post("/staff", response_model=StaffRead, status_code=201)
def create_staff(
    data: StaffCreate,
    principal: CanWriteStaff,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Add a staff member."""
    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="staff.create",
        payload=data,
        create=lambda: staff_read(service.create_staff(session, data=data, by=principal)),
    )
    return JSONResponse(body, status_code=status)


def _load_staff(session: DbSession, staff_id: int, viewer: Principal) -> Staff:
    staff = repository.staff_with_skills(session, staff_id)
    if staff is None:
        raise NotFound("staff_not_found")
    unit = repository.org_unit(session, staff.org_unit_id)
    if unit is None or not viewer.sees_org_path(unit.path):
        raise Forbidden("staff_out_of_scope")
    return staff


@router.get("/staff/{staff_id}", response_model=StaffRead)
def get_staff(
    staff_id: PathId, principal: CanReadStaff, session: DbSession, response: Response
) -> StaffRead:
    """One staff member; the ETag carries the version for a later If-Match."""
    staff = _load_staff(session, staff_id, principal)
    response.headers["ETag"] = etag(staff.version)
    return staff_read(staff)


@router.patch("/staff/{staff_id}", response_model=StaffRead)
def update_staff(
    staff_id: PathId,
    data: StaffUpdate,
    version: IfMatch,
    principal: CanWriteStaff,
    session: DbSession,
    response: Response,
) -> StaffRead:
    """Change a staff member; a stale If-Match is a 409."""
    staff = _load_staff(session, staff_id, principal)
    check_version(staff.version, version)
    service.update_staff(session, staff=staff, data=data, by=principal)
    session.flush()
    response.headers["ETag"] = etag(staff.version)
    return staff_read(staff)


@router.put("/staff/{staff_id}/password", status_code=204)
def set_password(
    staff_id: PathId, data: PasswordSet, principal: CanWriteStaff, session: DbSession
) -> Response:
    """Set a staff member's password; their open sessions end."""
    service.set_password(
        session,
        staff=_load_staff(session, staff_id, principal),
        password=data.password,
        by=principal,
    )
    return Response(status_code=204)


@router.delete("/staff/{staff_id}", status_code=405, include_in_schema=False)
def delete_staff(staff_id: PathId) -> None:
    """Staff records carry history; they are disabled, never deleted."""
    raise MethodNotAllowed("no_hard_delete", headers={"Allow": "GET, PATCH"})
