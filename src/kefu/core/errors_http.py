"""Turns every failure into the one JSON error shape, in the caller's language."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg.errors import QueryCanceled
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kefu.core.i18n import error_message, one_of
from kefu.core.web import request_language
from kefu.errors import KefuError

log = logging.getLogger("kefu.errors")

# Pydantic error types that have their own translated message; others use the generic one.
VALIDATION_CODES = {
    "missing": "field_required",
    "json_invalid": "invalid_json",
    "string_too_long": "validation_too_long",
    "string_too_short": "validation_too_short",
    "too_long": "validation_too_many",
    "too_short": "validation_too_few",
    "string_pattern_mismatch": "validation_pattern",
    "int_parsing": "validation_integer",
    "int_type": "validation_integer",
    "greater_than_equal": "validation_minimum",
    "less_than_equal": "validation_maximum",
    "enum": "validation_choice",
    "literal_error": "validation_choice",
    "bool_parsing": "validation_boolean",
    "date_from_datetime_parsing": "validation_date",
    "date_parsing": "validation_date",
    "value_error": "validation_error",
    "null_refused": "validation_null",
}
LOCATION_KINDS = {"body", "query", "path", "header", "cookie"}

# What each pattern the API checks asks for, in words (label ids, translated like any
# other): "not in the expected format" alone left the caller guessing. A test checks
# that every pattern in the OpenAPI schema has its words here.
PATTERN_HINTS = {
    r"^\d{6}$": "format.six_digits",
    r"^20\d\d-(0[1-9]|1[0-2])$": "format.month",
    r"^[a-z][a-z0-9_.\-]{1,63}$": "format.username",
    r"^[0-9A-HJ-NPQRTUWXY]{18}$": "format.credit_code",
    r"^[A-Za-z0-9\-]{4,40}$": "format.contract_number",
    r"^[A-Za-z0-9_.:@\-]{1,128}$": "format.call_id",
    r"^[0-9*#]{0,32}$": "format.keypad",
    r"^[a-z0-9_\-]{1,32}$": "format.flow_code",
    r"^[A-Za-z0-9_.\-]{1,32}$": "format.code",
    r"^[a-z][a-z0-9_]{0,31}$": "format.segment_code",
    r"^[a-z0-9_]+(\.[a-z0-9_]+){0,2}$": "format.category_code",
    r"^[0-9+\-() ]*$": "format.phone_digits",
}


def error_response(
    request: Request,
    status: int,
    code: str,
    *,
    field: str | None = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    details: list[dict[str, Any]] | None = None,
    message_code: str | None = None,
) -> JSONResponse:
    """The JSON error body ``{"error": {"code", "message", "field"?, "details"?}}``; the
    message is ``message_code``'s when given, else ``code``'s."""
    language = request_language(request)
    message = error_message(language, message_code or code, params or {})
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    if details:
        body["details"] = details
    return JSONResponse(
        {"error": body}, status_code=status, headers=headers, media_type="application/json"
    )


def _field_name(loc: tuple[Any, ...]) -> str | None:
    """The field a validation error names: its location without where it came from
    (only the first part says that; a field may itself be called "body")."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in LOCATION_KINDS:
        parts = parts[1:]
    return ".".join(parts) or None


async def _kefu_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KefuError)
    return error_response(
        request,
        exc.status_code,
        exc.code,
        field=exc.field,
        params={"field": exc.field, **exc.params},
        headers=exc.headers,
        details=exc.details,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    field = _field_name(tuple(first.get("loc", ())))
    code = VALIDATION_CODES.get(str(first.get("type")), "validation_error")
    if code == "field_required" and field is None:  # no body where one is needed
        code = "body_required"
    ctx = {key: str(value) for key, value in (first.get("ctx") or {}).items()}
    if "expected" in ctx:  # pydantic lists the choices in English: "'a', 'b' or 'c'"
        choices = re.findall(r"'([^']*)'", ctx["expected"])
        ctx["expected"] = one_of(request_language(request), choices) or ctx["expected"]
    params = {"field": field or "-", "detail": str(first.get("msg", "")), **ctx}
    if ctx.get("pattern") in PATTERN_HINTS:
        params["hint"] = PATTERN_HINTS[ctx["pattern"]]
    return error_response(
        request, 422, code, field=field, params=params, message_code=_wording(code, ctx)
    )


def _wording(code: str, ctx: dict[str, str]) -> str | None:
    """A plainer message for some refusals, under the same code: an empty text is
    "must not be empty", not "at least 1"; a format mismatch says what it asks for."""
    if code == "validation_too_short" and ctx.get("min_length") == "1":
        return "validation_empty"
    if code == "validation_pattern" and ctx.get("pattern") in PATTERN_HINTS:
        return "validation_pattern_hint"
    return None


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "route_not_found", 405: "method_not_allowed", 400: "bad_request"}
    code = codes.get(exc.status_code, "bad_request")
    status = exc.status_code if exc.status_code < 500 else 400
    return error_response(request, status, code, headers=getattr(exc, "headers", None))


async def _stale(request: Request, exc: Exception) -> JSONResponse:
    return error_response(request, 409, "conflict")


async def _integrity(request: Request, exc: Exception) -> JSONResponse:
    log.info("integrity error turned into 409: %s", exc)
    return error_response(request, 409, "conflict")


async def _busy(request: Request, exc: Exception) -> JSONResponse:
    if getattr(exc, "connection_invalidated", False):
        # The server dropped a pooled connection (a restart) between the idle checks;
        # the pool is renewed, so the same request succeeds when sent again.
        log.warning("database connection lost on %s %s", request.method, request.url.path)
        return error_response(request, 503, "database_unavailable", headers={"Retry-After": "1"})
    if isinstance(getattr(exc, "orig", None), QueryCanceled):
        # A read on the event loop ran past its statement timeout (a table locked by a
        # migration, an overloaded server): nothing was written; the caller retries.
        log.warning("statement timed out on %s %s", request.method, request.url.path)
        return error_response(request, 503, "database_slow", headers={"Retry-After": "1"})
    # SQLite answers "database is locked" only after the busy timeout; ask to retry.
    if "locked" in str(exc).lower() or "busy" in str(exc).lower():
        return error_response(
            request,
            429,
            "too_many_requests",
            params={"retry_after": 1},
            headers={"Retry-After": "1"},
        )
    return await _unexpected(request, exc)


async def _pool_exhausted(request: Request, exc: Exception) -> JSONResponse:
    # Every database connection stayed busy for the pool's whole timeout: the server is
    # overloaded, not broken, and nothing was written; the caller retries shortly.
    log.warning("no database connection free on %s %s", request.method, request.url.path)
    return error_response(
        request,
        429,
        "too_many_requests",
        params={"retry_after": 2},
        headers={"Retry-After": "2"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "internal_error")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that produce the JSON error body."""
    app.add_exception_handler(KefuError, _kefu_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(OperationalError, _busy)
    app.add_exception_handler(PoolTimeout, _pool_exhausted)
    app.add_exception_handler(Exception, _unexpected)
