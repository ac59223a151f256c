"""Console pages: sign-in, customer search and 360, staff administration, language switch."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kefu.console.render import login_redirect, optional_principal, page_language, render
from kefu.contact.models import WrapUpCode
from kefu.core.i18n import SUPPORTED_LANGUAGES, error_message
from kefu.core.pagination import PageParams
from kefu.core.rbac import Principal, Right, Role
from kefu.core.security import LANGUAGE_COOKIE
from kefu.core.types import PathId
from kefu.core.web import DbSession
from kefu.customers import repository as customer_repo
from kefu.customers import service as customer_service
from kefu.customers.deps import ensure_in_scope, scope_filter
from kefu.customers.listing import customer_items
from kefu.customers.models import Subscription
from kefu.customers.schemas import CustomerPage, CustomerView
from kefu.customers.view import build_view
from kefu.errors import KefuError
from kefu.org import repository as org_repo
from kefu.org.models import OrgUnit, Team
from kefu.org.routes import staff_read
from kefu.org.schemas import StaffPage
from kefu.workorders.numbering import order_number_in

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession) -> Response:
    """The start page is customer search."""
    if optional_principal(request, session) is None:
        return login_redirect(request)
    return RedirectResponse("/customers", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Annotated[str, Query(max_length=500)] = "/") -> Response:
    """The sign-in page."""
    safe_next = next if next.startswith("/") and not next.startswith("//") else "/"
    return render(request, "auth/login.html", None, next=safe_next)


@router.get("/lang/{language}")
def switch_language(language: str, next: Annotated[str, Query(max_length=500)] = "/") -> Response:
    """Remember the chosen language in a cookie and go back."""
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if language in SUPPORTED_LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/customers", response_class=HTMLResponse)
def customer_search(
    request: Request,
    session: DbSession,
    q: Annotated[str | None, Query(max_length=64)] = None,
    error: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Search customers by number, ID card or name; a work-order number opens the order."""
    principal = optional_principal(request, session)
    if principal is None:
        return login_redirect(request)
    order_number = order_number_in(q or "")
    if order_number is not None and not error:
        return RedirectResponse(f"/orders/number/{order_number}", status_code=303)
    page, message = None, None
    language = page_language(request, principal)
    if error:
        message = error_message(language, error, {"phone": q or ""})
    elif q and q.strip() and principal.has(Right.CUSTOMER_READ):
        try:
            params = PageParams(page=1, size=50)
            rows, total = customer_service.find_customers(
                session, q.strip(), scope_path=scope_filter(principal), params=params
            )
            page = CustomerPage(
                items=customer_items(session, rows, principal), total=total, page=1, size=50
            )
        except KefuError as exc:
            message = error_message(language, exc.code, {"field": exc.field, **exc.params})
    return render(request, "customers/search.html", principal, q=q, page=page, error=message)


@router.get("/customers/lookup", response_class=HTMLResponse)
def customer_lookup(
    request: Request, session: DbSession, phone: Annotated[str, Query(max_length=64)] = ""
) -> Response:
    """The agent's quick lookup: straight to the caller's 360 page, or to the order when
    a work-order number is given (callers read theirs out)."""
    principal = optional_principal(request, session)
    if principal is None:
        return login_redirect(request)
    order_number = order_number_in(phone)
    if order_number is not None:
        return RedirectResponse(f"/orders/number/{order_number}", status_code=303)
    try:
        subscription, customer, unit = customer_service.find_by_phone(session, raw_phone=phone)
        ensure_in_scope(principal, unit)
    except KefuError as exc:
        language = page_language(request, principal)
        message = error_message(language, exc.code, {"field": exc.field, **exc.params})
        return render(
            request,
            "customers/search.html",
            principal,
            q=phone,
            page=None,
            error=message,
            status_code=exc.status_code,
        )
    return RedirectResponse(f"/customers/{customer.id}?via={subscription.id}", status_code=303)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(
    customer_id: PathId,
    request: Request,
    session: DbSession,
    via: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The customer 360 page, masked unless the viewer may see personal data."""
    principal = optional_principal(request, session)
    if principal is None:
        return login_redirect(request)
    found = customer_repo.customer_with_unit(session, customer_id)
    try:
        if found is None:
            raise KefuError("customer_not_found")
        ensure_in_scope(principal, found[1])
    except KefuError as exc:
        message = error_message(page_language(request, principal), exc.code, exc.params)
        return render(
            request,
            "customers/search.html",
            principal,
            q="",
            page=None,
            error=message,
            status_code=404 if found is None else 403,
        )
    matched = _matched_msisdn(session, via, customer_id)
    view = build_view(
        session,
        customer=found[0],
        unit=found[1],
        viewer=principal,
        matched_msisdn=matched,
        timezone=request.app.state.settings.timezone,
    )
    contacts = _contacts(session, view, english=page_language(request, principal) == "en")
    return render(request, "customers/view.html", principal, view=view, contacts=contacts)


def _contacts(session: DbSession, view: CustomerView, english: bool) -> list[dict[str, Any]]:
    """The 360's recent contacts as the page lists them: times read back, wrap-up codes
    by name."""
    coded = any(row["wrap_up_code"] for row in view.recent_interactions)
    names = {
        code.code: code.name_en if english and code.name_en else code.name
        for code in (session.scalars(select(WrapUpCode)) if coded else [])
    }
    return [
        {
            **row,
            "offered_at": datetime.fromisoformat(str(row["offered_at"])),
            "wrap_up": names.get(str(row["wrap_up_code"]), row["wrap_up_code"] or ""),
        }
        for row in view.recent_interactions
    ]


def _matched_msisdn(
    session: DbSession, subscription_id: int | None, customer_id: int
) -> str | None:
    if subscription_id is None:
        return None
    subscription = session.get(Subscription, subscription_id)
    return subscription.msisdn if subscription and subscription.customer_id == customer_id else None


def _names(session: DbSession, viewer: Principal) -> tuple[dict[int, OrgUnit], dict[int, Team]]:
    """Units and teams the viewer manages (the form offers nothing the API would refuse)."""
    units = {u.id: u for u in org_repo.org_units(session) if viewer.sees_org_path(u.path)}
    teams = {t.id: t for t in org_repo.teams(session) if t.org_unit_id in units}
    return units, teams


@router.get("/staff", response_class=HTMLResponse)
def staff_list(
    request: Request,
    session: DbSession,
    q: Annotated[str | None, Query(max_length=64)] = None,
    role: Annotated[str | None, Query(max_length=32)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Staff administration: everyone in the viewer's scope."""
    principal = optional_principal(request, session)
    if principal is None:
        return login_redirect(request)
    if not principal.has(Right.STAFF_READ):
        return RedirectResponse("/customers", status_code=303)
    role_filter = Role(role) if role in set(Role) else None
    params = PageParams(page=page, size=50)
    rows, total = org_repo.staff_page(
        session, viewer=principal, params=params, q=q, role=role_filter
    )
    units, teams = _names(session, principal)
    return render(
        request,
        "staff/list.html",
        principal,
        roles=list(Role),
        q=q,
        role=role_filter.value if role_filter else "",
        units=units,
        teams=teams,
        page=StaffPage(items=[staff_read(s) for s in rows], total=total, page=page, size=50),
    )


@router.get("/staff/new", response_class=HTMLResponse)
def staff_new(request: Request, session: DbSession) -> Response:
    """The form for a new staff member."""
    return _staff_form(request, session, None)


@router.get("/staff/{staff_id}", response_class=HTMLResponse)
def staff_edit(staff_id: PathId, request: Request, session: DbSession) -> Response:
    """The form to change a staff member."""
    return _staff_form(request, session, staff_id)


def _staff_form(request: Request, session: DbSession, staff_id: int | None) -> Response:
    principal = optional_principal(request, session)
    if principal is None:
        return login_redirect(request)
    if not principal.has(Right.STAFF_READ):
        return RedirectResponse("/customers", status_code=303)
    staff = org_repo.staff_with_skills(session, staff_id) if staff_id else None
    units, teams = _names(session, principal)
    if staff_id and (staff is None or staff.org_unit_id not in units):
        return RedirectResponse("/staff", status_code=303)
    read = staff_read(staff) if staff else None
    skills_text = ", ".join(f"{k.code}:{k.level}" for k in read.skills) if read else ""
    return render(
        request,
        "staff/form.html",
        principal,
        staff=read,
        roles=list(Role),
        units=units,
        teams=teams,
        skills_text=skills_text,
    )
