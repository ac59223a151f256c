"""Page rendering: Jinja2 templates with translations, formatting helpers and the page principal."""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from kefu.core.clock import day_ending_at
from kefu.core.filekinds import shown_size
from kefu.core.i18n import SUPPORTED_LANGUAGES, gettext, negotiate
from kefu.core.idnumber import country_name
from kefu.core.rbac import Principal, Right
from kefu.core.security import LANGUAGE_COOKIE
from kefu.errors import KefuError
from kefu.org.deps import caller

_templates = Jinja2Templates(directory=str(resources.files("kefu").joinpath("console/templates")))


def page_language(request: Request, principal: Principal | None) -> str:
    """Cookie choice first, then the staff member's preference, then the browser's."""
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in SUPPORTED_LANGUAGES:
        return str(cookie)
    if principal is not None:
        return principal.language
    return negotiate(
        request.headers.get("accept-language"), request.app.state.settings.default_language
    )


def optional_principal(request: Request, session: Session) -> Principal | None:
    """The signed-in staff member, or None (pages redirect to the login page)."""
    try:
        return caller(request, session)
    except KefuError:
        return None


def login_redirect(request: Request) -> RedirectResponse:
    """Send the browser to sign in, coming back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def signed_in(request: Request, session: Session, right: Right) -> Principal | Response:
    """The signed-in staff member holding ``right``; otherwise where to send the browser
    (the login page, or the customer search for a member without the right)."""
    principal = optional_principal(request, session)
    if principal is None:
        return login_redirect(request)
    if not principal.has(right):
        return RedirectResponse("/customers", status_code=303)
    return principal


def fen(amount: int | None) -> str:
    """Money in fen shown as yuan with two decimals."""
    value = (amount or 0) / 100
    return f"¥{value:,.2f}"


def local_time(value: datetime | str | None, timezone: str = "Asia/Shanghai") -> str:
    """A stored UTC time shown in the center's zone (also one kept as ISO text, as a
    timeline step's details keep it)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def day_ended_by(value: datetime | None, timezone: str = "Asia/Shanghai") -> str:
    """The day whose end a deadline is (kept as the next midnight, shown as the day)."""
    return day_ending_at(value, timezone).isoformat() if value else "—"


def _in_language(name: str, name_en: str | None, language: str) -> str:
    """A name in the page's language: the Chinese name where no English one is kept."""
    return str((name_en if language == "en" else "") or name)


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page in the viewer's language."""
    language = page_language(request, principal)
    zone = str(request.app.state.settings.timezone)
    return _templates.TemplateResponse(
        request,
        template,
        status_code=status_code,
        context={
            "lang": language,
            "_": lambda message, **params: (
                gettext(language, message).format(**params)
                if params
                else gettext(language, message)
            ),
            "me": principal,
            # a unit's, team's, package's or category's name; and one given as two strings
            "named": lambda thing: _in_language(
                thing.name, getattr(thing, "name_en", ""), language
            ),
            "in_language": lambda name, name_en: _in_language(name, name_en, language),
            "country": lambda code: country_name(code, language),
            "Right": Right,
            "fen": fen,
            "file_size": shown_size,
            "local_time": lambda value: local_time(value, zone),
            "day_ended_by": lambda value: day_ended_by(value, zone),
            "zone": zone,  # scripts show times in it too (kefu.js centerTime)
            "today": date.today(),
            "path": request.url.path,
            **context,
        },
    )
