"""Admission of requests, as plain ASGI: a request enters the application only when it
can finish.

A request takes a pooled database connection in its first dependency (authentication,
in a worker thread) and keeps it, across a few thread hops, until the commit. When more
requests are inside than there are connections, the worker threads fill with requests
waiting for a connection, while the requests holding the connections wait for a thread:
under 200 concurrent webhook calls a server answered one request in ten seconds. SQLite
adds a second queue: its write transactions take a per-process gate at their first query
and hold it to the commit. So requests wait here, on the event loop and holding nothing,
for one of ``requests`` places (at most the pool's connections, fewer than the threads),
and writes also for one of ``writes``. A write is a dozen queries, and at each answer
its thread waits for the interpreter: with eight in a process at once the threads spent
their time queuing for it (PostgreSQL, order creation: 370 a second at 4 concurrent
callers, 215 at 16), so a few are let in and the rest wait here. Event streams run for
as long as a client listens and take short sessions of their own: they are not counted.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from starlette.types import ASGIApp, Receive, Scope, Send

from kefu.core.web import UNSAFE_METHODS


class Admission:
    """At most ``requests`` requests, and ``writes`` write requests, inside at once.

    ``not_writes``: paths whose requests write little and spend their time elsewhere; they
    wait only with the reads (a sign-in: 0.2 s hashing the password, its write after).
    ``not_write_endings``: the same for every path ending so (an intake form's outlook,
    ``…/intake-check``, which writes nothing wherever the form is: new order, call, message).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        requests: int,
        writes: int | None = None,
        not_writes: frozenset[str] = frozenset(),
        not_write_endings: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.limits = (requests, writes)
        self.not_writes = not_writes
        self.not_write_endings = not_write_endings
        self._places: tuple[asyncio.Semaphore, asyncio.Semaphore | None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).endswith("/stream"):
            await self.app(scope, receive, send)
            return
        if self._places is None:  # made in the server's own event loop
            requests, writes = self.limits
            writers = asyncio.Semaphore(writes) if writes else None
            self._places = (asyncio.Semaphore(requests), writers)
        anyone, writers = self._places
        async with AsyncExitStack() as places:
            if self._is_write(scope) and writers is not None:
                await places.enter_async_context(writers)  # the writers' queue first
            await places.enter_async_context(anyone)
            await self.app(scope, receive, send)

    def _is_write(self, scope: Scope) -> bool:
        path = str(scope.get("path", ""))
        return (
            scope["method"] in UNSAFE_METHODS
            and path not in self.not_writes
            and not path.endswith(self.not_write_endings)
        )
