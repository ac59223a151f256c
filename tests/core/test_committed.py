"""A write route's work and commit in one trip to the thread pool (``core.web.committed``):
what it acknowledges is committed, and a failure leaves nothing behind."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from conftest import BACKENDS, own_database
from kefu.core.db import make_sessionmaker, open_session
from kefu.core.web import committed
from kefu.org.models import OrgUnit


@pytest.fixture(params=BACKENDS)
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with own_database(request, tmp_path, "committed") as engine:
        yield engine


def _units(engine: Engine) -> int:
    with make_sessionmaker(engine)() as session:
        return int(session.scalar(select(func.count()).select_from(OrgUnit)) or 0)


def _unit(code: str) -> OrgUnit:
    return OrgUnit(code=code, name="广州分公司", name_en="Guangzhou", level="city", path="/")


def test_the_work_and_its_commit_run_in_one_worker_thread(own_engine: Engine) -> None:
    session = open_session(make_sessionmaker(own_engine), write=True)
    threads: set[int] = set()
    loop_thread = threading.get_ident()

    def work() -> int:
        threads.add(threading.get_ident())
        session.add(_unit("GZ"))
        session.flush()
        return 7

    assert asyncio.run(committed(session, work)) == 7
    assert threads and loop_thread not in threads  # off the event loop
    assert not session.in_transaction()  # nothing left for the request to end
    session.close()
    assert _units(own_engine) == 1  # another session sees it: committed


def test_a_failure_rolls_the_work_back(own_engine: Engine) -> None:
    session = open_session(make_sessionmaker(own_engine), write=True)

    def work() -> None:
        session.add(_unit("SZ"))
        session.flush()
        raise ValueError("refused after the flush")

    with pytest.raises(ValueError):
        asyncio.run(committed(session, work))
    assert not session.in_transaction()
    session.close()
    assert _units(own_engine) == 0


def test_the_then_step_runs_after_the_commit_in_the_same_thread(own_engine: Engine) -> None:
    session = open_session(make_sessionmaker(own_engine), write=True)
    threads: list[int] = []

    def work() -> OrgUnit:
        threads.append(threading.get_ident())
        unit = _unit("FS")
        session.add(unit)
        session.flush()
        return unit

    def then(unit: OrgUnit) -> tuple[str, int]:
        threads.append(threading.get_ident())
        return unit.code, _units(own_engine)  # another connection sees it: already committed

    assert asyncio.run(committed(session, work, then)) == ("FS", 1)
    assert len(set(threads)) == 1  # one trip to the thread pool
    session.close()


def test_a_failing_then_step_leaves_the_work_committed(own_engine: Engine) -> None:
    # What was acknowledged by the commit stays; the answer's fault is the answer's.
    session = open_session(make_sessionmaker(own_engine), write=True)

    def work() -> None:
        session.add(_unit("ZH"))
        session.flush()

    def then(_: None) -> None:
        raise RuntimeError("the page could not be built")

    with pytest.raises(RuntimeError):
        asyncio.run(committed(session, work, then))
    session.close()
    assert _units(own_engine) == 1
