"""Engine and session boundary for SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with ``synchronous=FULL`` so an acknowledged commit survives a
power cut, foreign keys on and a busy timeout. Write transactions on SQLite begin with
``BEGIN IMMEDIATE``: a deferred transaction that read first and writes later fails at
once with SQLITE_BUSY when another writer committed in between, instead of waiting.

SQLite takes one writer at a time, and a writer that finds the file locked polls with
growing sleeps (up to 100 ms each). Sixteen threads of one process polling for the lock
left it idle most of the time (order creation at 39 req/s, p99 6 s), so the writers of
one process queue on a Python lock first, and the processes take turns at the file
(``kefu.core.sqlite_turns``); SQLite's own lock then never has to make anyone wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kefu.core.kept import INFO_KEY as KEPT_KEY
from kefu.core.kept import Kept
from kefu.core.sqlite_turns import writer_gate

SQLITE_BUSY_TIMEOUT_MS = 15_000
WRITE_OPTION = "kefu_write"
_HOLDS_GATE = "kefu_holds_write_gate"
_ENGINE_KEY = "kefu_engine"


def is_sqlite(url: str) -> bool:
    """True for a SQLite database URL."""
    return url.startswith("sqlite")


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written without a driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False, **kwargs: Any) -> Engine:
    """Create an engine with kefu's connection settings for either database."""
    url = normalize_url(url)
    if is_sqlite(url):
        _ensure_sqlite_directory(url)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=pool_size,
            max_overflow=pool_size,
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size, **kwargs)
    _ping_when_idle(engine)
    return engine


PING_AFTER_IDLE_SECONDS = 2.0
_RETURNED_AT = "kefu_returned_at"


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled PostgreSQL connection before use only if it sat idle a while.

    A server restart or an idle timeout leaves dead connections in the pool; pinging at
    every checkout (SQLAlchemy's ``pool_pre_ping``) found them, but cost a round trip (and
    psycopg's implicit BEGIN) on every request. Under load connections never sit idle,
    and a connection used a moment ago is alive.
    """

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return  # just connected, or in use a moment ago
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            # End psycopg's implicit transaction; a ROLLBACK would drop its prepared statements.
            dbapi_connection.commit()
        except Exception as dead:
            raise DisconnectionError("a pooled connection died while idle") from dead


def _ensure_sqlite_directory(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN, so writers can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    # One writer of this process at a time, then the file's turns between processes.
    gate = writer_gate(engine.url.database)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if not conn.get_execution_options().get(WRITE_OPTION, False):
            conn.exec_driver_sql("BEGIN")
            return
        if not gate.enter(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise OperationalError("BEGIN IMMEDIATE", None, Exception("database is locked"))
        conn.info[_HOLDS_GATE] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _open_gate(conn)
            raise

    def _open_gate(conn: Connection) -> None:
        if conn.info.pop(_HOLDS_GATE, False):
            gate.leave()

    def _open_gate_on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # A connection that went back to the pool (or was dropped) mid-transaction.
        if record is not None and record.info.pop(_HOLDS_GATE, False):
            gate.leave()

    def _ending(statement: str) -> Callable[[Connection], None]:
        def end_then_open_gate(conn: Connection) -> None:
            # SQLAlchemy announces the end before it commits or rolls back. Opened then, the
            # gate let the next writer in while the commit still held the file, and that
            # writer's BEGIN IMMEDIATE slept in SQLite's busy handler (1, 2, 5 ms, …) at
            # every hand-over. So the transaction ends here first; SQLAlchemy's own commit
            # then finds none open and does nothing.
            if not conn.info.get(_HOLDS_GATE):
                return
            try:
                raw = conn.connection.dbapi_connection
                if raw is not None and raw.in_transaction:
                    raw.execute(statement)
            finally:
                _open_gate(conn)

        return end_then_open_gate

    event.listen(engine, "commit", _ending("COMMIT"))
    event.listen(engine, "rollback", _ending("ROLLBACK"))
    event.listen(engine.pool, "checkin", _open_gate_on_checkin)


def make_sessionmaker(bind: Engine | Connection, **kwargs: Any) -> sessionmaker[Session]:
    """A session factory; objects stay readable after commit for response building. Its
    sessions share reference values kept for a few seconds (``kefu.core.kept``), and know
    the engine they came from (``side_engine``)."""
    info: dict[str, Any] = {KEPT_KEY: Kept()}
    if isinstance(bind, Engine):
        info[_ENGINE_KEY] = bind
    kwargs.setdefault("info", info)
    return sessionmaker(bind=bind, expire_on_commit=False, **kwargs)


def begin_write(session: Session) -> None:
    """Mark the session's transaction as a write (BEGIN IMMEDIATE on SQLite)."""
    if not session.in_transaction():
        session.connection(execution_options={WRITE_OPTION: True})


@lru_cache(maxsize=8)
def _write_engine(engine: Engine) -> Engine:
    return engine.execution_options(**{WRITE_OPTION: True})


def open_session(factory: sessionmaker[Session], *, write: bool = False) -> Session:
    """A new session; a write session's transaction begins with BEGIN IMMEDIATE on SQLite.

    Nothing touches the database before the first query, so this is safe on an event loop.
    """
    bind = factory.kw.get("bind")
    if write and isinstance(bind, Engine):
        return factory(bind=_write_engine(bind))
    session = factory()
    if write:  # bound to a connection (tests): it is open already
        begin_write(session)
    return session


@lru_cache(maxsize=8)
def _autocommit_engine(engine: Engine) -> Engine:
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def open_read_session(factory: sessionmaker[Session]) -> tuple[Session, bool]:
    """A session for a request that only reads, and whether it runs without a transaction.

    On PostgreSQL each statement then stands alone (autocommit): no BEGIN and no COMMIT,
    two of the customer 360's seven round trips, and nothing to end but handing the
    connection back. Each statement still sees one consistent moment; the reads together
    may straddle a commit, which a page of independent panels tolerates. SQLite's BEGIN
    and COMMIT cost no round trip, and a session bound to a connection (tests) keeps it.
    """
    bind = factory.kw.get("bind")
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        return factory(bind=_autocommit_engine(bind)), True
    return factory(), False


_LOOP_ENGINES: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()
_SIDE_ENGINES: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()
# A read on the event loop stalls its whole worker while it waits: on PostgreSQL it gives
# up after this long (a table locked by a migration) and the caller is asked to retry.
LOOP_STATEMENT_TIMEOUT_MS = 2_000


def _companion(engine: Engine, made: WeakKeyDictionary[Engine, Engine], **options: Any) -> Engine:
    """A small pool of ``engine``'s database beside its own (one connection and one
    overflow), autocommit on PostgreSQL, made once and disposed with ``engine``."""
    companion = made.get(engine)
    if companion is None:
        own = make_engine(engine.url.render_as_string(hide_password=False), pool_size=1, **options)
        postgresql = engine.dialect.name == "postgresql"
        companion = own.execution_options(isolation_level="AUTOCOMMIT") if postgresql else own
        event.listen(engine, "engine_disposed", lambda _engine: own.dispose())
        made[engine] = companion
    return companion


def _loop_engine(engine: Engine) -> Engine | None:
    """The event loop's own engine for ``engine``'s database (None for an in-memory one).

    Its pool is never shared with the worker threads, and the loop runs one thing at a
    time, so a read on the loop never waits for a connection. From the shared pool it
    could: the loop blocked in a checkout cannot end the requests that hold the
    connections, and the worker would stall until the pool's timeout. (SQLite's readers
    never wait: WAL gives each its snapshot.)
    """
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return None
    if engine.dialect.name != "postgresql":
        return _companion(engine, _LOOP_ENGINES)
    timeout = {"options": f"-c statement_timeout={LOOP_STATEMENT_TIMEOUT_MS}"}
    return _companion(engine, _LOOP_ENGINES, connect_args=timeout)


def side_engine(session: Session) -> Engine | None:
    """On PostgreSQL, an autocommit engine for a statement that must commit on its own
    while ``session`` holds a connection (the day's order counter); None elsewhere.

    Taken from the shared pool, that was a second connection for a request already
    holding one: with as many such requests inside as connections, each waited for
    another until the pool gave up. Whoever holds a side connection runs one statement
    and waits for nothing else, so a wait for one always ends. (None for SQLite, whose
    writers take turns anyway, and for a session bound to a connection: tests.)
    """
    engine = session.info.get(_ENGINE_KEY)
    if not isinstance(engine, Engine) or engine.dialect.name != "postgresql":
        return None
    return _companion(engine, _SIDE_ENGINES)


def loop_engine(engine: Engine) -> Engine:
    """The engine a read on the event loop uses for ``engine``'s database (itself for an
    in-memory SQLite database, which no second engine can see)."""
    return _loop_engine(engine) or engine


def open_loop_read_session(factory: sessionmaker[Session]) -> Session:
    """A session for a few quick reads run on the event loop (``async def`` routes only).

    It reads through the loop's own connection (``_loop_engine``); on PostgreSQL without
    a transaction, like ``open_read_session``. A factory bound to a connection (tests)
    keeps it.
    """
    bind = factory.kw.get("bind")
    loop = _loop_engine(bind) if isinstance(bind, Engine) else None
    return factory(bind=loop) if loop is not None else factory()


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """Open a session, commit on success, roll back on error: the transaction boundary."""
    session = open_session(factory, write=write)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def insert_many(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the session's transaction: COPY on PostgreSQL (a million rows
    in seconds, where parameterised inserts took half a minute), batched on SQLite."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), 10_000):
            connection.execute(table.insert(), rows[start : start + 10_000])
        return
    columns = list(rows[0])
    raw = connection.connection.driver_connection
    assert raw is not None  # a live connection inside the session's transaction
    names = ", ".join(columns)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])
