"""Console page to correct a customer's record: real-name details (name, document),
contact, language and the service flags. The form sends only what was changed, through
``PATCH /api/v1/customers/{id}`` with If-Match and a reason, so the record's history says
who changed what and why."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kefu.console.render import page_language, render, signed_in
from kefu.core.idnumber import COUNTRIES, IdKind, country_name
from kefu.core.rbac import Right
from kefu.core.types import PathId
from kefu.core.web import DbSession
from kefu.customers import repository as customer_repo
from kefu.customers.enums import Gender
from kefu.customers.view import profile_for

router = APIRouter(include_in_schema=False)


@router.get("/customers/{customer_id}/edit", response_class=HTMLResponse)
def customer_edit(customer_id: PathId, request: Request, session: DbSession) -> Response:
    """The form to correct a customer's record; personal fields the viewer may not see
    are shown masked and left empty, to be typed anew only when they change."""
    principal = signed_in(request, session, Right.CUSTOMER_WRITE)
    if isinstance(principal, Response):
        return principal
    found = customer_repo.customer_with_unit(session, customer_id)
    if found is None or not principal.sees_org_path(found[1].path):
        return RedirectResponse(f"/customers/{customer_id}", status_code=303)
    customer, unit = found
    profile = profile_for(customer, unit, principal, request.app.state.settings.timezone)
    language = page_language(request, principal)
    countries = sorted((country_name(code, language), code) for code in COUNTRIES)
    return render(
        request,
        "customers/edit.html",
        principal,
        p=profile,
        masked=not principal.has(Right.PII_VIEW),
        flags={
            "do_not_call": customer.do_not_call,
            "marketing_consent": customer.marketing_consent,
            "sensitive": customer.sensitive,
        },
        kinds=list(IdKind),
        genders=list(Gender),
        countries=countries,
    )
