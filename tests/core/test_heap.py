"""A server settles its heap at start-up: what it loaded is frozen out of the collector's
reach, jieba's dictionary too once it is read, and objects made later are still
collected. Tests build their apps with ``settle_heap=False``; these turn it on."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kefu.app import create_app
from kefu.config import Settings
from kefu.core import heap
from kefu.core.db import make_engine, make_sessionmaker


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite runs with nothing frozen


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_settle_freezes_what_is_alive_and_later_garbage_is_still_collected(thawed) -> None:
    kept = [_Cycle() for _ in range(1000)]
    heap.settle()
    frozen = gc.get_freeze_count()
    assert frozen >= 1000
    made_later = _Cycle()
    gc.collect()
    assert gc.get_freeze_count() == frozen  # a collection leaves the frozen alone
    del made_later
    before = sum(isinstance(o, _Cycle) for o in gc.get_objects())
    gc.collect()
    assert sum(isinstance(o, _Cycle) for o in gc.get_objects()) == before - 1
    assert kept


def test_a_server_settles_at_start_and_again_once_the_dictionary_is_read(
    thawed, tmp_path, monkeypatch
) -> None:
    settled: list[str] = []
    settle = heap.settle

    def noted() -> None:
        settle()
        settled.append(threading.current_thread().name)

    monkeypatch.setattr(heap, "settle", noted)
    # no table is read: the ACD clock is off and only the health check is asked
    url = f"sqlite:///{tmp_path / 'heap.db'}"
    engine = make_engine(url)
    settings = Settings(demo_mode=True, database_url=url, acd_tick_seconds=0)
    assert settings.settle_heap  # the default for every server
    app = create_app(settings, make_sessionmaker(engine))
    assert gc.get_freeze_count() == 0 and not settled
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 10_000  # the app, its routes and libraries
        deadline = time.monotonic() + 30
        while len(settled) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert settled[1] == "jieba-warm-up"  # again once the dictionary was read
        assert client.get("/healthz").json() == {"status": "ok"}
    engine.dispose()
