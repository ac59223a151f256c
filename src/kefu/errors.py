"""Domain errors: each carries a stable code, an HTTP status and message parameters.

Services raise these; one handler in ``app.py`` turns them into the JSON error body
``{"error": {"code", "message", "field"?}}`` in the caller's language.
"""

from __future__ import annotations

from typing import Any


class KefuError(Exception):
    """Base of every error a caller may see; never a 5xx."""

    status_code: int = 400
    code: str = "bad_request"
    # itemised problems shown under "details" (a flow's problems by line, for example)
    details: list[dict[str, Any]] | None = None

    def __init__(
        self,
        code: str | None = None,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(code or self.code)
        if code:
            self.code = code
        self.field = field
        self.headers = headers or {}
        self.params = params


class BadRequest(KefuError):
    """The request is malformed in a way validation could not express."""


class NotAuthenticated(KefuError):
    """No valid credentials were presented."""

    status_code = 401
    code = "not_authenticated"


class Forbidden(KefuError):
    """Authenticated, but the role lacks the right or the object is out of scope."""

    status_code = 403
    code = "forbidden"


class NotFound(KefuError):
    """The object does not exist (or is not visible)."""

    status_code = 404
    code = "not_found"


class MethodNotAllowed(KefuError):
    """The verb is refused on this resource (for example DELETE on customer data)."""

    status_code = 405
    code = "method_not_allowed"


class Conflict(KefuError):
    """The write conflicts with the current state (stale version, duplicate key)."""

    status_code = 409
    code = "conflict"


class PreconditionFailed(KefuError):
    """An If-Match precondition does not hold."""

    status_code = 412
    code = "precondition_failed"


class PayloadTooLarge(KefuError):
    """The request body exceeds the configured limit."""

    status_code = 413
    code = "payload_too_large"


class Unprocessable(KefuError):
    """The request is well-formed but a value is invalid."""

    status_code = 422
    code = "invalid_value"


class PreconditionRequired(KefuError):
    """A conditional header (If-Match) is required for this write."""

    status_code = 428
    code = "precondition_required"


class TooManyRequests(KefuError):
    """The caller is throttled; Retry-After says when to try again."""

    status_code = 429
    code = "too_many_requests"
