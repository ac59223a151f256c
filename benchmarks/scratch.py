"""The scratch table the bare reference endpoint writes to (created by the driver)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, func

scratch = MetaData()
rows = Table(
    "bench_rows",
    scratch,
    Column("id", Integer, primary_key=True),
    Column("subject", String(200)),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
)


def ensure_scratch(engine: Engine) -> None:
    """Create the scratch table once, before any server starts."""
    scratch.create_all(engine, checkfirst=True)
