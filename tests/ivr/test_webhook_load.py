"""Many calls at once through the webhook of a real server: every one is answered. On
SQLite, writes queued for the one writer once took every worker thread, and the request
holding the writer's gate waited for a thread for ever (one answer in ten seconds under
200 calls); write admission keeps threads free (core/admission.py)."""

from __future__ import annotations

import asyncio

import httpx

from kefu.demo.reference import DEMO_PASSWORD

CALLS = 120  # more than the server's 40 worker threads


async def _start_calls(base: str, token: str) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=CALLS)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:

        async def start(n: int) -> int:
            body = {"call_id": f"load-{n}", "caller": "13800138000", "dialled": "10086"}
            answer = await client.post("/api/v1/ivr/calls", json=body, timeout=60)
            return answer.status_code

        return list(await asyncio.gather(*(start(n) for n in range(CALLS))))


def test_more_concurrent_calls_than_threads_are_all_answered(live_center) -> None:
    base, _ = live_center
    with httpx.Client(base_url=base) as login:
        account = {"username": "pbx", "password": DEMO_PASSWORD}
        signed = login.post("/api/v1/auth/login", json=account)
        csrf = {"X-CSRF-Token": signed.json()["csrf_token"]}
        token = login.post("/api/v1/auth/tokens", json={"name": "load"}, headers=csrf).json()
    statuses = asyncio.run(_start_calls(base, token["token"]))
    assert statuses == [200] * CALLS
