"""Schema migrations with Alembic; the scripts ship inside the package."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from kefu.core.db import normalize_url


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("kefu") / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


class MigrationError(RuntimeError):
    """A migration would leave the database inconsistent; nothing was changed."""


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest), in one transaction."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            command.upgrade(alembic_config(connection=conn), revision)
        return
    with engine.connect() as conn:
        _upgrade_sqlite(conn, revision)


def _upgrade_sqlite(conn: Connection, revision: str) -> None:
    """SQLite changes a table by copying it and dropping the old one, which enforced
    foreign keys forbid once other rows point at it; so they are switched off for the
    migration (outside the transaction, where SQLite honours the switch) and every
    reference is checked before COMMIT instead."""
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        with conn.begin():
            command.upgrade(alembic_config(connection=conn), revision)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise MigrationError(f"migration would break references: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this version of kefu."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
