"""The benchmark runner's own plumbing (the figures themselves live in benchmarks/)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from benchmarks import run
from sqlalchemy import Engine, select

from conftest import BACKENDS, own_database
from factories import make_org, make_staff, make_team
from kefu.core.db import make_sessionmaker, unit_of_work
from kefu.core.rbac import Role
from kefu.workorders.enums import OrderStatus
from kefu.workorders.models import ReturnVisit, WorkOrder


def test_figures_are_saved_on_a_fresh_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """results/ is not in git: on a fresh clone the work-order suite measured for minutes,
    then failed to write its figures, because it alone did not create the folder."""
    results = tmp_path / "results"
    monkeypatch.setattr(run, "RESULTS", results)
    run._save("workorders", {"sqlite": {"ratio": 0.5, "note": "中文"}})
    saved = json.loads((results / "workorders.json").read_text(encoding="utf-8"))
    assert saved == {"sqlite": {"ratio": 0.5, "note": "中文"}}


def test_server_cpu_counts_the_workers_a_server_started() -> None:
    """A server's CPU is mostly its workers' (uvicorn --workers 2): counting the parent
    alone would make every request look free."""
    from benchmarks.http_load import server_cpu_seconds

    # The worker burns 0.5 s and 0.3 s must be counted: the kernel counts CPU in ticks, and a
    # burn of exactly 0.3 s was once read as 0.29 (the test failed on a fresh clone).
    burn = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass\n"
    worker = f"import time\n{burn}time.sleep(30)"
    parent = (
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', {worker!r}])\n"
        "time.sleep(30)"
    )
    server = subprocess.Popen([sys.executable, "-c", parent])
    try:
        deadline = time.monotonic() + 20
        while server_cpu_seconds(server.pid) < 0.3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server_cpu_seconds(server.pid) >= 0.3
    finally:
        for process in psutil.Process(server.pid).children(recursive=True):
            process.kill()
        server.kill()
        server.wait()


@pytest.fixture(params=BACKENDS)
def bench_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with own_database(request, tmp_path, "lifecycles") as engine:
        yield engine


def test_the_lifecycle_benchmark_runs_the_service_it_measures(bench_engine: Engine) -> None:
    """The benchmark calls the lifecycle's functions itself: when one of them took a new
    argument, only a full benchmark run found the benchmark broken."""
    from benchmarks import workorders

    with unit_of_work(make_sessionmaker(bench_engine), write=True) as session:
        org = make_org(session)
        make_staff(session, org.city, Role.SUPERVISOR, username="supervisor")
        make_team(session, org.city)
    leaves = workorders._prepare(bench_engine)
    url = bench_engine.url.render_as_string(hide_password=False)
    assert workorders.lifecycles_per_second(url, leaves, count=2)["lifecycles"] == 2
    with make_sessionmaker(bench_engine)() as session:
        closed = session.scalars(select(WorkOrder.status)).all()
        visited = session.scalars(select(ReturnVisit.outcome)).all()
    assert closed == [OrderStatus.CLOSED] * 2 and visited == ["satisfied"] * 2
