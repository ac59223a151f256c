"""ASGI guard in front of the application: body size cap and refusal of control characters."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kefu.core.i18n import error_message, negotiate


class _TooLarge(Exception):
    pass


class RequestGuard:
    """Answers 413 for bodies over the limit and 400 for NUL bytes in the address."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, default_language: str) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        language = negotiate(headers.get("accept-language"), self.default_language)
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope.get("path", ""):
            await _reject(send, 400, "invalid_characters", language, {})
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _reject(send, 413, "payload_too_large", language, {"limit": self.max_body_bytes})
            return
        await self._counted(scope, receive, send, language)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, language: str) -> None:
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _reject(
                    send, 413, "payload_too_large", language, {"limit": self.max_body_bytes}
                )


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
