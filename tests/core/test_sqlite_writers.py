"""Many concurrent SQLite writers in one process: all succeed, in order, without stalls."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select

from kefu.core import audit
from kefu.core.db import (
    SQLITE_BUSY_TIMEOUT_MS,
    make_engine,
    make_sessionmaker,
    open_session,
    unit_of_work,
)
from kefu.core.migrate import upgrade


def test_concurrent_writers_all_commit_and_the_chain_holds(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}", pool_size=8)
    upgrade(engine)
    factory = make_sessionmaker(engine)

    def write(n: int) -> None:
        with unit_of_work(factory, write=True) as session:
            session.execute(select(audit.AuditLog.seq).limit(1)).all()  # read, then write
            audit.record(session, actor=None, actor_name=f"w{n}", action="test.concurrent")

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(write, range(200)))
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(audit.AuditLog)) == 200
        assert audit.verify(session).ok
    # every turn was handed back: one more write goes straight through
    write(200)
    engine.dispose()


def test_a_failed_or_abandoned_write_hands_its_turn_back(tmp_path: Path) -> None:
    """The per-process writer turn is returned on rollback, on error and on a session
    closed mid-transaction, so the next writer never waits for the busy timeout."""
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}", pool_size=2)
    upgrade(engine)
    factory = make_sessionmaker(engine)

    try:
        with unit_of_work(factory, write=True) as session:
            audit.record(session, actor=None, actor_name="x", action="test.fail")
            raise RuntimeError("the service refused")
    except RuntimeError:
        pass
    abandoned = open_session(factory, write=True)
    abandoned.execute(select(audit.AuditLog.seq).limit(1)).all()
    abandoned.close()  # neither commit nor rollback asked for

    started = time.perf_counter()
    with unit_of_work(factory, write=True) as session:
        audit.record(session, actor=None, actor_name="y", action="test.after")
    assert time.perf_counter() - started < SQLITE_BUSY_TIMEOUT_MS / 1000 / 2
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(audit.AuditLog)) == 1
    engine.dispose()
