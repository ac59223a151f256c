"""FastAGI over the wire: a scripted Asterisk connects to `kefu agi`'s server, plays the
prompts, answers GET DATA / WAIT FOR DIGIT and sees the transfer variables or HANGUP."""

from __future__ import annotations

import asyncio

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from factories import ensure_hotline, make_customer, make_org, make_ready_agent, make_staff
from kefu.contact.models import Interaction
from kefu.core.rbac import Role
from kefu.errors import NotAuthenticated
from kefu.ivr.agi import AgiServer, serve, setup_for_account

DAYTIME = "2026-11-23T10:00:00+08:00"


class Pbx:
    """Plays Asterisk's side: sends the AGI environment, answers each command by a rule."""

    def __init__(self, keys: dict[str, str]) -> None:
        self.keys = keys  # command prefix → result to send back
        self.commands: list[str] = []

    def answer(self, command: str) -> str:
        for prefix, result in self.keys.items():
            if command.startswith(prefix):
                return result
        return "200 result=0" if command.startswith(("STREAM", "WAIT")) else "200 result=1"

    async def call(self, port: int, unique_id: str, caller: str, script: str = "ivr") -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        env = {
            "agi_network": "yes",
            "agi_network_script": script,
            "agi_request": f"agi://127.0.0.1:{port}/{script}",
            "agi_uniqueid": unique_id,
            "agi_callerid": caller,
            "agi_dnid": "10086",
        }
        writer.write("".join(f"{k}: {v}\n" for k, v in env.items()).encode() + b"\n")
        await writer.drain()
        while line := (await reader.readline()).decode().strip():
            self.commands.append(line)
            writer.write(self.answer(line).encode() + b"\n")
            await writer.drain()
        writer.close()


@pytest.fixture
def agi_server(db: Session, session_factory: sessionmaker[Session]):
    ensure_hotline(db)
    org = make_org(db)
    make_staff(db, org.province, Role.INTEGRATION, username="pbx")
    make_customer(db, org.city, "+8613800138000")
    make_ready_agent(db, org.city)  # the expected wait is short: no call-back offer
    db.commit()
    # one step at a time: the test's sessions share one connection
    setup = setup_for_account("pbx", "test-secret", "Asia/Shanghai")
    server = AgiServer(session_factory, setup, steps_at_once=1)
    return server


def run_calls(server: AgiServer, *calls) -> None:
    async def main() -> None:
        listening = await serve(server, "127.0.0.1", 0)
        port = listening.sockets[0].getsockname()[1]
        async with listening:
            await asyncio.gather(*(pbx.call(port, *args) for pbx, args in calls))

    asyncio.run(main())


@time_machine.travel(DAYTIME, tick=False)
def test_a_balance_call_over_fastagi_ends_with_hangup(agi_server: AgiServer, db: Session) -> None:
    pbx = Pbx(
        {
            "STREAM FILE kefu/main-menu": f"200 result={ord('1')}",
            "WAIT FOR DIGIT": f"200 result={ord('#')}",
        }
    )
    run_calls(agi_server, (pbx, ("1700000000.1", "13800138000")))
    assert pbx.commands[0] == 'STREAM FILE kefu/greet "0123456789*#"'  # callers may barge in
    assert pbx.commands[1] == 'STREAM FILE kefu/main-menu "0123456789*#"'
    assert 'STREAM FILE kefu/balance "0123456789*#"' in pbx.commands
    assert pbx.commands[-2:] == ['STREAM FILE kefu/goodbye ""', "HANGUP"]
    contact = db.scalar(select(Interaction).where(Interaction.channel_ref == "call:1700000000.1"))
    assert contact.end_reason == "self_service"


@time_machine.travel(DAYTIME, tick=False)
def test_an_order_number_is_read_with_get_data_and_a_transfer_sets_variables(
    agi_server: AgiServer, db: Session
) -> None:
    pbx = Pbx(
        {
            "STREAM FILE kefu/main-menu": f"200 result={ord('4')}",
            "GET DATA kefu/enter-order 15000 14": "200 result=20261123000001",
            "WAIT FOR DIGIT": f"200 result={ord('0')}",
        }
    )
    run_calls(agi_server, (pbx, ("1700000000.2", "13800138000")))
    assert "GET DATA kefu/enter-order 15000 14" in pbx.commands
    assert 'STREAM FILE kefu/progress-unknown "0123456789*#"' in pbx.commands
    assert pbx.commands[-3:] == [
        'SET VARIABLE KEFU_QUEUE "general"',
        'SET VARIABLE KEFU_PRIORITY "0"',
        'SET VARIABLE KEFU_REASON "agent_requested"',
    ]


@time_machine.travel(DAYTIME, tick=False)
def test_a_caller_hanging_up_is_abandonment_and_many_calls_run_at_once(
    agi_server: AgiServer, db: Session
) -> None:
    gone = Pbx({"STREAM FILE kefu/main-menu": "200 result=-1"})
    others = [Pbx({"WAIT FOR DIGIT": f"200 result={ord('0')}"}) for _ in range(20)]
    run_calls(
        agi_server,
        (gone, ("1700000000.3", "13800138000")),
        *((pbx, (f"1700000001.{n}", "13800138000")) for n, pbx in enumerate(others)),
    )
    contact = db.scalar(select(Interaction).where(Interaction.channel_ref == "call:1700000000.3"))
    assert contact.end_reason == "abandoned"
    assert all(p.commands[-3] == 'SET VARIABLE KEFU_QUEUE "general"' for p in others)
    assert agi_server.calls == 0


def test_a_disabled_account_stops_the_ivr_once_its_kept_setup_runs_out(db: Session) -> None:
    org = make_org(db)
    pbx = make_staff(db, org.province, Role.INTEGRATION, username="pbx")
    db.commit()
    now = [0.0]
    setup = setup_for_account("pbx", "s", "Asia/Shanghai", kept_seconds=5, clock=lambda: now[0])
    first = setup(db)
    pbx.active = False
    db.commit()
    now[0] = 4.9
    assert setup(db) is first  # reused: steps do not read the account every time
    now[0] = 5.1
    with pytest.raises(NotAuthenticated):
        setup(db)
    pbx.active = True
    db.commit()
    assert setup(db) is not first
