"""Request plumbing shared by all routes: the session boundary, language and client address."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session, sessionmaker

from kefu.core.db import begin_write
from kefu.core.i18n import SUPPORTED_LANGUAGES, negotiate
from kefu.core.security import LANGUAGE_COOKIE
from kefu.errors import BadRequest, PreconditionRequired

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def session_factory(request: Request) -> sessionmaker[Session]:
    """The application's session factory."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed before the response is sent, else rolled back."""
    session = session_factory(request)()
    try:
        if request.method in UNSAFE_METHODS:
            begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function" makes the commit happen before the response goes out, so a failed
# commit becomes an error response instead of an acknowledged write that was lost.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


def request_language(request: Request) -> str:
    """The caller's language: explicit cookie, then Accept-Language, then the default."""
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in SUPPORTED_LANGUAGES:
        return str(cookie)
    return negotiate(
        request.headers.get("accept-language"), request.app.state.settings.default_language
    )


def client_ip(request: Request) -> str:
    """The caller's address as seen by this server."""
    return request.client.host if request.client else "unknown"


def if_match_version(request: Request) -> int:
    """The version the caller last read, from ``If-Match: "3"`` (428 when absent)."""
    raw = request.headers.get("if-match")
    if raw is None:
        raise PreconditionRequired(field="If-Match")
    cleaned = raw.strip().removeprefix("W/").strip('"')
    if not cleaned.isdigit() or len(cleaned) > 9:
        raise BadRequest("invalid_value", field="If-Match")
    return int(cleaned)


def etag(version: int) -> str:
    """The ETag header value of a versioned record."""
    return f'"{version}"'


IfMatch = Annotated[int, Depends(if_match_version)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
