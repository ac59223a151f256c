"""A PBX that sends a call's start again while the first is still being answered (a retry
after its own timeout) gets the same first instruction, not a conflict: on PostgreSQL
the second insert waits for the first and then reads its answer; on SQLite writers take
turns. Runs on a committed database of its own, with real concurrent connections."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from sqlalchemy import func, select

from conftest import own_database
from factories import ensure_hotline, make_customer, make_org, make_staff
from kefu.core.db import make_sessionmaker, unit_of_work
from kefu.core.rbac import Role
from kefu.ivr import service
from kefu.ivr.agi import setup_for_account
from kefu.ivr.models import IvrSession

STARTS = 6


@pytest.fixture(params=["sqlite", "postgresql"])
def own_factory(request, tmp_path):
    with own_database(request, tmp_path, "starts", pool_size=STARTS + 2) as engine:
        yield make_sessionmaker(engine)


@time_machine.travel("2026-11-23T10:00:00+08:00", tick=True)
def test_the_same_start_sent_at_once_answers_alike_and_opens_one_call(own_factory) -> None:
    with unit_of_work(own_factory, write=True) as session:
        ensure_hotline(session)
        org = make_org(session)
        make_staff(session, org.province, Role.INTEGRATION, username="pbx")
        make_customer(session, org.city, "+8613800138000")
    setup = setup_for_account("pbx", "secret", "Asia/Shanghai")
    together = threading.Barrier(STARTS)

    def start(_n: int) -> dict:
        together.wait()
        with unit_of_work(own_factory, write=True) as session:
            return service.start_call(
                session,
                call_id="retried-1",
                caller="13800138000",
                dialled="10086",
                flow=None,
                setup=setup(session),
            )

    with ThreadPoolExecutor(max_workers=STARTS) as pool:
        answers = list(pool.map(start, range(STARTS)))
    assert all(a == answers[0] for a in answers), answers
    assert answers[0]["node"] == "main_menu" and answers[0]["step"] == 1
    with unit_of_work(own_factory) as session:
        assert session.scalar(select(func.count()).select_from(IvrSession)) == 1
