"""A FastAGI server: Asterisk runs kefu's IVR flows with one dialplan line,
``AGI(agi://kefu-host:4573/ivr)`` (or ``/ivr/<flow code>``).

asyncio holds the connections (thousands at once); each engine step runs in a worker
thread with its own transaction, the same service the HTTP webhook calls. Menus play
their prompt with every key as an escape digit, then wait for one key; longer input
uses GET DATA. A transfer sets KEFU_QUEUE, KEFU_PRIORITY and KEFU_REASON and hands the
call back to the dialplan (``Queue(${KEFU_QUEUE})``); the dialplan's hang-up handler
should call the webhook's ``/end`` so the queue wait is recorded.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kefu.billing.lookups import OWN_DATA, BillingLink
from kefu.core.db import unit_of_work
from kefu.errors import NotAuthenticated
from kefu.ivr import service
from kefu.ivr.service import CallSetup
from kefu.org.deps import principal_for
from kefu.org.models import Staff

DEFAULT_PORT = 4573
MENU_KEYS = "0123456789*#"
RESULT = re.compile(r"^200 result=(-?\d*)")
MAX_ENV_LINES = 200
SetupFor = Callable[[Session], CallSetup]


class Hangup(Exception):
    """The channel is gone (result -1, a HANGUP line, or the connection closed)."""


async def read_environment(reader: asyncio.StreamReader) -> dict[str, str]:
    """The ``agi_*: value`` lines Asterisk sends first, up to the blank line."""
    env: dict[str, str] = {}
    for _ in range(MAX_ENV_LINES):
        line = (await reader.readline()).decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            return env
        key, _, value = line.partition(":")
        env[key.strip()] = value.strip()
    raise Hangup("environment too long")


class AgiCall:
    """One call's conversation with Asterisk."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def command(self, text: str) -> str:
        """Send one AGI command and return its result field ("" when absent)."""
        self.writer.write(text.encode() + b"\n")
        await self.writer.drain()
        while True:
            line = (await self.reader.readline()).decode("utf-8", "replace").strip()
            if not line or line.startswith("511"):
                raise Hangup(line)
            if line == "HANGUP":  # sent with AGISIGHUP; the answer follows
                continue
            match = RESULT.match(line)
            if match is None:
                raise Hangup(line)
            if match.group(1) == "-1":
                raise Hangup(line)
            return match.group(1)

    async def play(self, prompts: list[dict[str, str]], escape: str = "") -> str:
        """Play sound files; the key pressed during playback, if any."""
        for prompt in prompts:
            if prompt.get("file"):
                pressed = await self.command(f'STREAM FILE {prompt["file"]} "{escape}"')
                if escape and pressed not in ("", "0"):
                    return chr(int(pressed))
        return ""

    async def collect(self, answer: dict[str, Any]) -> str | None:
        """Play the prompts and read the caller's keys (None on timeout)."""
        timeout_ms = int(answer["timeout_seconds"]) * 1000
        if answer["max_digits"] == 1:
            pressed = await self.play(answer["prompts"], MENU_KEYS)
            if pressed:
                return pressed
            code = await self.command(f"WAIT FOR DIGIT {timeout_ms}")
            return chr(int(code)) if code not in ("", "0") else None
        *before, last = answer["prompts"] or [{"file": "silence/1"}]
        await self.play(before)
        digits = await self.command(
            f"GET DATA {last.get('file') or 'silence/1'} {timeout_ms} {answer['max_digits']}"
        )
        return digits or None


class AgiServer:
    """Runs IVR calls for Asterisk over FastAGI."""

    def __init__(
        self, factory: sessionmaker[Session], setup_for: SetupFor, *, steps_at_once: int = 8
    ) -> None:
        self.factory = factory
        self.setup_for = setup_for
        self.calls = 0  # held now
        # Thousands of calls wait for keys; only a few steps touch the database at a time,
        # within the connection pool.
        self.steps = asyncio.Semaphore(steps_at_once)

    def _step(self, run: Callable[[Session, CallSetup], dict[str, Any]]) -> dict[str, Any]:
        with unit_of_work(self.factory, write=True) as session:
            return run(session, self.setup_for(session))

    async def _run(self, run: Callable[[Session, CallSetup], dict[str, Any]]) -> dict[str, Any]:
        async with self.steps:
            return await asyncio.to_thread(self._step, run)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One connection: one call from its first node to a transfer or hang-up."""
        self.calls += 1
        call_id = ""
        try:
            env = await read_environment(reader)
            call_id = env.get("agi_uniqueid", "")[:128]
            await self._converse(AgiCall(reader, writer), env, call_id)
        except (Hangup, ConnectionError, asyncio.IncompleteReadError):
            if call_id:
                await self._run(lambda s, _setup: service.end_call(s, call_id=call_id))
        finally:
            self.calls -= 1
            writer.close()

    async def _converse(self, call: AgiCall, env: dict[str, str], call_id: str) -> None:
        script = env.get("agi_network_script", "ivr").strip("/").split("/")
        flow = script[1] if len(script) > 1 and script[1] else None
        answer = await self._run(
            lambda s, setup: service.start_call(
                s,
                call_id=call_id,
                caller=env.get("agi_callerid", ""),
                dialled=env.get("agi_dnid") or env.get("agi_extension", ""),
                flow=flow,
                setup=setup,
            )
        )
        while answer["action"] == "collect":
            digits = await call.collect(answer)
            answer = await self._run(_answer(call_id, int(answer["step"]), digits))
        await call.play(answer["prompts"])
        if answer["action"] == "transfer":
            await call.command(f'SET VARIABLE KEFU_QUEUE "{answer["queue"]}"')
            await call.command(f'SET VARIABLE KEFU_PRIORITY "{answer["priority"]}"')
            await call.command(f'SET VARIABLE KEFU_REASON "{answer["reason"]}"')
            return
        await call.command("HANGUP")
        await self._run(lambda s, _setup: service.end_call(s, call_id=call_id))


def _answer(
    call_id: str, step: int, digits: str | None
) -> Callable[[Session, CallSetup], dict[str, Any]]:
    def run(session: Session, setup: CallSetup) -> dict[str, Any]:
        return service.answer_call(session, call_id=call_id, step=step, digits=digits, setup=setup)

    return run


async def serve(server: AgiServer, host: str, port: int) -> asyncio.Server:
    """Start listening; the caller keeps the returned server running."""
    return await asyncio.start_server(server.handle, host, port, limit=64 * 1024, backlog=2048)


# How long a step's setup (the account's rights, the center's calendar) is reused: reading
# them took a fifth of a step's time. Disabling the account stops the IVR within this.
SETUP_KEPT_SECONDS = 5.0


def setup_for_account(
    username: str,
    secret: str,
    timezone: str,
    *,
    link: BillingLink = OWN_DATA,
    kept_seconds: float = SETUP_KEPT_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> SetupFor:
    """Each step acts as the integration account ``username``, checked again at most
    ``kept_seconds`` after the last check (so disabling the account stops the IVR)."""
    kept: list[tuple[float, CallSetup]] = []  # (checked at, setup); threads share it

    def setup(session: Session) -> CallSetup:
        if kept and clock() - kept[0][0] < kept_seconds:
            return kept[0][1]
        staff_id = session.scalar(select(Staff.id).where(Staff.username == username))
        principal = principal_for(session, staff_id, via="agi") if staff_id else None
        if principal is None:
            kept.clear()
            raise NotAuthenticated("account_disabled")
        built = CallSetup.build(session, by=principal, secret=secret, timezone=timezone, link=link)
        kept[:] = [(clock(), built)]
        return built

    return setup
