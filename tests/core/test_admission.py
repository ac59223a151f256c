"""Admission (``core.admission``): at most so many requests, and so many writes, inside
the application at once; the others wait on the event loop, in order."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from fastapi import FastAPI
from fastapi.testclient import TestClient

from kefu.config import Settings
from kefu.core.admission import Admission


class _Counting:
    """An application that notes how many requests of each kind are inside it at once."""

    def __init__(self) -> None:
        self.inside = {"GET": 0, "POST": 0}
        self.most = {"GET": 0, "POST": 0}
        self.release = asyncio.Event()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        method = scope["method"]
        self.inside[method] += 1
        self.most[method] = max(self.most[method], self.inside[method])
        await self.release.wait()
        self.inside[method] -= 1


def _scope(method: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": "/api/v1/work-orders"}


async def _crowd(writes: int) -> tuple[_Counting, dict[str, int]]:
    inner = _Counting()
    admission = Admission(inner, requests=8, writes=writes)
    calls = [admission(_scope("POST"), None, None) for _ in range(6)]
    calls += [admission(_scope("GET"), None, None) for _ in range(3)]
    running = [asyncio.ensure_future(call) for call in calls]
    await asyncio.sleep(0.01)
    seen = dict(inner.inside)  # while the first ones are still inside
    inner.release.set()
    await asyncio.gather(*running)
    return inner, seen


def test_writes_beyond_the_slots_wait_and_reads_go_past_them() -> None:
    inner, seen = asyncio.run(_crowd(writes=2))
    assert seen == {"GET": 3, "POST": 2}
    assert inner.most["POST"] == 2
    assert inner.inside == {"GET": 0, "POST": 0}  # every waiting write got in and finished


def test_a_sign_in_waits_with_the_reads_not_the_writes() -> None:
    async def crowd() -> dict[str, int]:
        inner = _Counting()
        admission = Admission(
            inner,
            requests=8,
            writes=1,
            not_writes=frozenset({"/in"}),
            not_write_endings=("/look",),
        )
        calls = [admission(_scope("POST"), None, None) for _ in range(2)]
        calls.append(admission({**_scope("POST"), "path": "/in"}, None, None))
        calls.append(admission({**_scope("POST"), "path": "/things/7/look"}, None, None))
        running = [asyncio.ensure_future(call) for call in calls]
        await asyncio.sleep(0.01)
        seen = dict(inner.inside)
        inner.release.set()
        await asyncio.gather(*running)
        return seen

    assert asyncio.run(crowd()) == {"GET": 0, "POST": 3}  # one write, the sign-in, the look


def test_the_server_lets_in_its_databases_number_of_writes(client: TestClient) -> None:
    app = cast(FastAPI, client.app)
    admission = next(m for m in app.user_middleware if m.cls is Admission)
    settings: Settings = app.state.settings
    sqlite = app.state.session_factory.kw["bind"].dialect.name == "sqlite"
    expected = settings.sqlite_write_slots if sqlite else settings.postgresql_write_slots
    assert admission.kwargs["writes"] == expected
    # a sign-in (it hashes before it writes) and the intake forms' outlooks (reads)
    assert admission.kwargs["not_writes"] == {"/api/v1/auth/login"}
    assert admission.kwargs["not_write_endings"] == ("/intake-check",)
    outlooks = {path for path in app.openapi()["paths"] if path.endswith("/intake-check")}
    assert outlooks == {
        "/api/v1/work-orders/intake-check",
        "/api/v1/acd/me/intake-check",
        "/api/v1/messages/{interaction_id}/intake-check",
    }
