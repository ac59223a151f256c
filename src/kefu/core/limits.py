"""ASGI guard in front of the application: body size cap and refusal of control characters."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kefu.core.i18n import error_message, negotiate

# A NUL character, raw or as a JSON escape: PostgreSQL text cannot hold it, and no
# field of kefu has a use for it.
_NUL_FORMS = (b"\x00", b"\\u0000")


class RequestGuard:
    """Answers 413 for bodies over the limit and 400 for NUL characters anywhere, except
    in the bodies of ``cleaning_paths``: intake endpoints that take text from outside as it
    comes and clean it themselves (refusing it would lose a customer's message).

    File uploads (paths matching ``upload_paths``) may be as large as ``max_upload_bytes``
    and are binary, so NUL bytes belong in them: their endpoints check the file and clean
    the text fields sent with it.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        default_language: str,
        cleaning_paths: frozenset[str] = frozenset(),
        upload_paths: re.Pattern[str] | None = None,
        max_upload_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.default_language = default_language
        self.cleaning_paths = cleaning_paths
        self.upload_paths = upload_paths
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        language = negotiate(headers.get("accept-language"), self.default_language)
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope.get("path", ""):
            await _reject(send, 400, "invalid_characters", language, {})
            return
        upload = self._is_upload(scope)
        limit = self.max_upload_bytes if upload else self.max_body_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _reject(send, 413, "payload_too_large", language, {"limit": limit})
            return
        await self._counted(scope, receive, send, language, upload)

    def _is_upload(self, scope: Scope) -> bool:
        return (
            self.upload_paths is not None
            and scope.get("method") == "POST"
            and self.upload_paths.fullmatch(scope.get("path", "")) is not None
        )

    async def _counted(
        self, scope: Scope, receive: Receive, send: Send, language: str, upload: bool
    ) -> None:
        """Read the whole body first (it is capped), check it, then hand it on.

        Checking while the application reads would not work: FastAPI turns any error
        raised while it reads the body into its own 400, hiding the reason.
        """
        limit = self.max_upload_bytes if upload else self.max_body_bytes
        received, more = bytearray(), True  # bytes joined by += would copy at each chunk
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            received += message.get("body", b"")
            more = bool(message.get("more_body", False))
            if len(received) > limit:
                await _reject(send, 413, "payload_too_large", language, {"limit": limit})
                return
        body = bytes(received)
        cleans_itself = upload or scope.get("path", "") in self.cleaning_paths
        if not cleans_itself and any(form in body.lower() for form in _NUL_FORMS):
            await _reject(send, 400, "invalid_characters", language, {})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _reject(
    send: Send, status: int, code: str, language: str, params: dict[str, Any]
) -> None:
    body = json.dumps(
        {"error": {"code": code, "message": error_message(language, code, params)}},
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
