"""Engine and session boundary for SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with ``synchronous=FULL`` so an acknowledged commit survives a
power cut, foreign keys on and a busy timeout. Write transactions on SQLite begin with
``BEGIN IMMEDIATE``: a deferred transaction that read first and writes later fails at
once with SQLITE_BUSY when another writer committed in between, instead of waiting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 15_000
WRITE_OPTION = "kefu_write"


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
    return create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, **kwargs
    )


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

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_sessionmaker(bind: Engine | Connection, **kwargs: Any) -> sessionmaker[Session]:
    """A session factory; objects stay readable after commit for response building."""
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
