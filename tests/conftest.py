"""Test plumbing: every database test runs on SQLite and on PostgreSQL.

The schema is built by running the migrations once per backend; each test runs inside
an outer transaction that is rolled back, with the application's own commits turned
into savepoints.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from hypothesis import settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from factories import bearer, make_categories, make_org, make_staff
from kefu.app import create_app
from kefu.config import Settings, get_settings
from kefu.core.clock import local_today
from kefu.core.db import make_engine, make_sessionmaker
from kefu.core.migrate import upgrade
from kefu.core.rbac import Role
from kefu.demo.generator import GenerateOptions, generate

# Shared CI machines are noisy: correctness, not speed, is checked here.
settings.register_profile("kefu", deadline=None, max_examples=60)
settings.load_profile("kefu")
warnings.filterwarnings("ignore", category=DeprecationWarning, module="httpx")
BACKENDS = ["sqlite", "postgresql"]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``make test``'s ``-n auto``: a worker for each core this process may use, at most
    four. Each worker starts a PostgreSQL server of its own and generates its own browser
    centers, so more workers than that cost more in set-up than they save."""
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return max(1, min(4, len(usable) if usable else os.cpu_count() or 1))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server: KEFU_TEST_DATABASE_URL, or one started from the pgserver wheel."""
    given = os.environ.get("KEFU_TEST_DATABASE_URL")
    if given:
        yield given
        return
    with started_postgres() as url:
        yield url


@contextmanager
def started_postgres() -> Iterator[str]:
    """A PostgreSQL server from the pgserver wheel in a directory of its own, stopped and
    its directory removed afterwards: stopped only, every run of the suite left its
    servers' data behind (a hundred runs filled a 250 GB disk)."""
    import pgserver

    data_dir = Path(tempfile.mkdtemp(prefix="kefu-pg-"))
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)


def fresh_postgres_database(url: str, suffix: str = "", *, template: str | None = None) -> str:
    """Create a database on the test server, empty or a copy of ``template``; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from kefu.core.db import normalize_url

    admin = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    name = f"kefu_test_{os.getpid()}{suffix}"
    with admin.connect() as connection:
        # FORCE: a connection the last test left behind (a thread that returned it after
        # its engine was disposed) must not fail the next test's set-up.
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        copied = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copied}'))
    admin.dispose()
    return make_url(normalize_url(url)).set(database=name).render_as_string(hide_password=False)


@contextmanager
def own_database(
    request: pytest.FixtureRequest, tmp_path: Path, name: str, *, pool_size: int = 10
) -> Iterator[Engine]:
    """A migrated database of one test's own on ``request.param``'s backend: its writes
    commit for real (concurrency tests, connections the server drops)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / f'{name}.db'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_url"), f"_{name}")
    engine = make_engine(url, pool_size=pool_size)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def engines(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Lazily built, migrated engines per backend."""
    return {}


def migrated_engine(
    backend: str, request: pytest.FixtureRequest, engines: dict, tmp_path_factory
) -> Engine:
    """The session's migrated engine for a backend, built on first use."""
    if backend not in engines:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'kefu.db'}"
        else:
            url = fresh_postgres_database(request.getfixturevalue("postgres_url"))
        built = make_engine(url)
        upgrade(built)
        engines[backend] = built
    return engines[backend]


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, engines: dict, tmp_path_factory) -> Engine:
    """A migrated engine for the backend under test."""
    return migrated_engine(request.param, request, engines, tmp_path_factory)


@pytest.fixture
def both_databases(
    request: pytest.FixtureRequest, engines: dict, tmp_path_factory
) -> Iterator[dict[str, Session]]:
    """A session on each backend at once, each in a transaction rolled back afterwards: for
    tests that compare what the two databases answer on the same rows."""
    sessions: dict[str, Session] = {}
    opened = []
    try:
        for backend in BACKENDS:
            connection = migrated_engine(backend, request, engines, tmp_path_factory).connect()
            outer = connection.begin()
            opened.append((connection, outer))
            factory = make_sessionmaker(connection, join_transaction_mode="create_savepoint")
            sessions[backend] = factory()
        yield sessions
    finally:
        for session in sessions.values():
            session.close()
        for connection, outer in opened:
            outer.rollback()
            connection.close()


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions joined to one outer transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    factory = make_sessionmaker(connection, join_transaction_mode="create_savepoint")
    try:
        yield factory
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for arranging and checking data."""
    session = session_factory()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(name="settings")
def app_settings() -> Settings:
    """Settings for tests: demo secret allowed, small limits for quick checks."""
    # the ACD clock is off: tests share one connection and tick the ACD themselves
    return Settings(
        demo_mode=True,
        database_url="sqlite://",
        login_max_failures=5,
        acd_tick_seconds=0,
        settle_heap=False,
    )


@pytest.fixture
def client(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """An HTTP client against the app sharing the test's transaction."""
    app = create_app(settings, session_factory)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class GeneratedCenter:
    """A small center generated once per backend and session, copied for each test that
    serves one: generating it took five to seven seconds a test, a copy takes a fraction."""

    url: str  # the database to copy; nothing stays connected to it
    sample_number: str
    day: date  # the center's day it was generated on: its "today" and "this month"


@pytest.fixture(scope="session")
def generated_centers() -> dict[str, GeneratedCenter]:
    """The session's generated centers by backend, made on first use."""
    return {}


def _generated_center(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> GeneratedCenter:
    backend = request.param
    made: dict[str, GeneratedCenter] = request.getfixturevalue("generated_centers")
    # A center made before the center's midnight would have no orders "today" or "this
    # month" after it: made again then, as each test once made its own.
    if backend not in made or made[backend].day != local_today():
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('center') / 'center.db'}"
        else:
            url = fresh_postgres_database(request.getfixturevalue("postgres_url"), "_center")
        engine = make_engine(url)
        upgrade(engine)
        result = generate(engine, GenerateOptions(subscribers=300, enterprises=10, staff=12))
        engine.dispose()  # a template database must have no one connected
        made[backend] = GeneratedCenter(url, result.sample_numbers[0], local_today())
    return made[backend]


def _copy_of(center: GeneratedCenter, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of the test's own holding what ``center`` holds; its URL."""
    from sqlalchemy.engine import make_url

    if center.url.startswith("sqlite"):
        copy = tmp_path / "browser.db"
        with (
            closing(sqlite3.connect(make_url(center.url).database or "")) as source,
            closing(sqlite3.connect(copy)) as target,
        ):
            source.backup(target)  # whole and consistent, write-ahead log included
        return f"sqlite:///{copy}"
    template = make_url(center.url).database
    return fresh_postgres_database(
        request.getfixturevalue("postgres_url"), "_browser", template=template
    )


@contextmanager
def _served_center(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, str, str]]:
    """A small generated center served by uvicorn: its URL, a number, the database URL."""
    center = _generated_center(request, request.getfixturevalue("tmp_path_factory"))
    url = _copy_of(center, request, tmp_path)
    engine = make_engine(url)
    settings = Settings(demo_mode=True, database_url=url, settle_heap=False)
    app = create_app(settings, make_sessionmaker(engine))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", center.sample_number, url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def live_center(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A small generated center served by uvicorn; yields its URL and a number to look up."""
    with _served_center(request, tmp_path) as (base, number, _):
        yield base, number


@pytest.fixture(params=["sqlite", "postgresql"])
def live_center_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, str, str]]:
    """The same served center, with its database URL for arranging data behind it."""
    with _served_center(request, tmp_path) as served:
        yield served


@pytest.fixture
def year_2027_unannounced(monkeypatch: pytest.MonkeyPatch) -> None:
    """2027 stays unannounced whichever release of chinesecalendar is installed (the
    calendar page and the notice's preview ask whether the package knows a year)."""
    from kefu.workorders import calendar_years

    known = calendar_years.officially_known
    monkeypatch.setattr(calendar_years, "officially_known", lambda y: y < 2027 and known(y))


@pytest.fixture
def console_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The center's console address (KEFU_CONSOLE_URL), given with a trailing slash as
    people write it; the address mails are to give."""
    monkeypatch.setenv("KEFU_CONSOLE_URL", "https://kefu.example.cn/")
    get_settings.cache_clear()
    yield "https://kefu.example.cn"
    get_settings.cache_clear()


@pytest.fixture
def settings_put_back(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A command's --database-url sets KEFU_DATABASE_URL for the whole process: undo it
    afterwards, so later tests read the settings they expect."""
    monkeypatch.delenv("KEFU_DATABASE_URL", raising=False)  # remembers what was there
    yield
    get_settings.cache_clear()


@pytest.fixture
def crew(db: Session) -> dict[str, object]:
    """The field engineers' tests' desk: a branch's dispatcher (lead), an agent and
    another branch's dispatcher, with the indoor-coverage category visits are booked on."""
    org = make_org(db)
    found = {
        "unit": org.city.id,
        "other_unit": org.other_city.id,
        "indoor": make_categories(db).indoor.id,
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "lead": bearer(db, make_staff(db, org.city, Role.TEAM_LEAD)),
        "other_lead": bearer(db, make_staff(db, org.other_city, Role.TEAM_LEAD)),
    }
    db.commit()
    return found
