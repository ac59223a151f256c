"""The suite's own PostgreSQL server (from the pgserver wheel) leaves nothing behind: its
data directory is removed when it stops. Stopped only, a hundred runs of the suite had
left 60 GB of servers' data in the temporary directory, and filled the disk."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from conftest import started_postgres
from kefu.core.db import normalize_url


def _ours() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("kefu-pg-*"))


def test_a_started_server_leaves_no_data_behind() -> None:
    before = _ours()
    with started_postgres() as url:
        (data_dir,) = _ours() - before
        engine = create_engine(normalize_url(url))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
        engine.dispose()
    assert not data_dir.exists()
