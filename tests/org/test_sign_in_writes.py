"""A sign-in checks its password (0.2 s of hashing) before it writes: on SQLite a write
transaction holds the database's single writer turn, and while sign-ins held it every
other write in the center waited. Runs on a committed database of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from conftest import BACKENDS, own_database
from factories import PASSWORD, make_org, make_staff
from kefu.config import Settings
from kefu.core.db import make_sessionmaker, open_session
from kefu.core.web import write_and_commit
from kefu.org import auth
from kefu.org.models import LoginAttempt


@pytest.fixture(params=BACKENDS)
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with own_database(request, tmp_path, "sign_in") as engine:
        yield engine


def _another_writer_gets_in(engine: Engine) -> bool:
    """True when a second connection can write at once, without waiting."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 0")
            cursor.execute("BEGIN IMMEDIATE")  # "database is locked" while a writer holds it
        else:
            cursor.execute("SET lock_timeout = '50ms'")
        cursor.execute("UPDATE staff SET last_login_at = NULL WHERE username = 'dora'")
        if engine.dialect.name == "sqlite":
            cursor.execute("ROLLBACK")
        else:
            raw.rollback()
    finally:
        raw.close()
    return True


def test_the_password_is_checked_while_others_can_write(
    own_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = make_sessionmaker(own_engine)
    with factory() as setup:
        org = make_org(setup)
        make_staff(setup, org.city, username="dora")
        setup.commit()
    checked: list[bool] = []
    real_check = auth.verify_password

    def checking(password_hash: str | None, password: str) -> bool:
        checked.append(_another_writer_gets_in(own_engine))
        return real_check(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", checking)
    session = open_session(factory)  # a sign-in's session begins as a read
    claim = auth.check_credentials(
        session, username="dora", password=PASSWORD, ip="10.0.0.1", settings=Settings()
    )
    outcome = write_and_commit(session, lambda: auth.record_login(session, claim))
    session.close()
    assert checked == [True]
    assert outcome.staff is not None and outcome.error is None
    with factory() as after:
        attempts = after.scalar(select(func.count()).select_from(LoginAttempt))
    assert attempts == 1  # the attempt's write, committed
