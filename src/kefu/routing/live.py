"""Live ACD: server-sent event streams for the agent panel and the wallboard, and the
ACD clock that runs in every server process.

Both read the database on a short poll instead of listening to one process's memory, so
they are right whichever API worker made the change.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kefu.core.base import utcnow
from kefu.core.clock import local_midnight_utc
from kefu.core.db import unit_of_work
from kefu.core.rbac import Principal
from kefu.routing import acd, stats
from kefu.routing.models import Agent
from kefu.routing.views import agent_read, agent_rows

log = logging.getLogger(__name__)
KEEP_ALIVE_SECONDS = 15.0
STREAM_SECONDS = 600.0  # a stream ends now and then; EventSource reconnects by itself


class Watch(Protocol):
    """What a stream sends: an event name, how often it looks, and what it sees."""

    event: str
    interval: float

    def read(self, session: Session) -> tuple[object, dict[str, Any]]:
        """A key that changes when the payload does, and the payload."""
        ...


class AgentWatch:
    """One agent's state and call; sent when the agent row changes."""

    event = "agent"
    interval = 0.25

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def read(self, session: Session) -> tuple[object, dict[str, Any]]:
        agent = session.get(Agent, self.principal.staff_id)
        view = agent_read(session, agent, staff_id=self.principal.staff_id, viewer=self.principal)
        return (view.version, view.state), view.model_dump(mode="json")


class WallboardWatch:
    """Every queue's figures and the signed-in agents; sent every two seconds."""

    event = "wallboard"
    interval = 2.0

    def __init__(self, timezone: str) -> None:
        self.timezone = timezone
        self.sent = 0

    def read(self, session: Session) -> tuple[object, dict[str, Any]]:
        now = utcnow()
        since = local_midnight_utc(self.timezone, now)
        self.sent += 1  # figures age with the clock: always worth sending
        return self.sent, {
            "at": now.isoformat(),
            "queues": stats.live_figures(session, since=since, now=now),
            "agents": stats.agents_by_state(session),
            "agent_rows": [row.model_dump(mode="json") for row in agent_rows(session)],
        }


def _look(factory: sessionmaker[Session], watch: Watch) -> tuple[object, dict[str, Any]]:
    with unit_of_work(factory) as session:
        return watch.read(session)


async def _events(request: Request, watch: Watch, limit: int | None) -> AsyncIterator[str]:
    factory = request.app.state.session_factory
    loop = asyncio.get_running_loop()
    started = last_sent = loop.time()
    previous: object = None
    sent = 0
    while loop.time() - started < STREAM_SECONDS and not await request.is_disconnected():
        key, payload = await run_in_threadpool(_look, factory, watch)
        if key != previous or sent == 0:
            previous, sent, last_sent = key, sent + 1, loop.time()
            yield f"event: {watch.event}\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"
            if limit is not None and sent >= limit:
                return
        elif loop.time() - last_sent > KEEP_ALIVE_SECONDS:
            last_sent = loop.time()
            yield ": keep-alive\n\n"
        await asyncio.sleep(watch.interval)


def stream(request: Request, watch: Watch, *, limit: int | None = None) -> StreamingResponse:
    """A text/event-stream response of ``watch``'s events (``limit`` ends it early)."""
    return StreamingResponse(
        _events(request, watch, limit),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


# --- the ACD clock ----------------------------------------------------------------------


def tick_once(factory: sessionmaker[Session], *, ring_seconds: int) -> acd.TickResult:
    """One pass of the clock: a cheap read first, a write only when there is work."""
    now = utcnow()
    with unit_of_work(factory) as session:
        if not acd.due(session, now):
            return acd.TickResult()
    with unit_of_work(factory, write=True) as session:
        return acd.tick(session, now=now, ring_seconds=ring_seconds)


async def run_clock(factory: sessionmaker[Session], *, interval: float, ring_seconds: int) -> None:
    """Tick until cancelled; a failed pass is logged and the next one tries again."""
    while True:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(tick_once, factory, ring_seconds=ring_seconds)
        except Exception:  # the clock must outlive one bad pass (a lost connection)
            log.exception("ACD clock pass failed")
