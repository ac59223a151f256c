"""The caller cache: a token or session seen in the last five seconds is answered without
reading the staff row again, and any committed change to staff, tokens or units is seen
by the next request of this process at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from factories import bearer, make_org, make_staff
from kefu.core.rbac import Role
from kefu.org.callers import KEEP_SECONDS, Callers


def test_rows_are_kept_for_five_seconds_and_forgotten_on_clear() -> None:
    now = [100.0]
    kept = Callers(clock=lambda: now[0])
    assert KEEP_SECONDS == 5.0
    kept.keep(("token", "abc"), "row")
    now[0] += KEEP_SECONDS
    assert kept.get(("token", "abc")) == "row"
    now[0] += 0.001
    assert kept.get(("token", "abc")) is None  # too old: read again
    kept.keep(("staff", 7), "row")
    kept.clear()
    assert kept.get(("staff", 7)) is None


@pytest.fixture
def reads(db: Session) -> Iterator[list[str]]:
    """The statements that read a caller's staff row, while the test runs."""
    seen: list[str] = []
    bind = db.get_bind()

    def note(_conn, _cursor, statement: str, *_args) -> None:
        if "FROM staff JOIN org_units AS own_unit" in statement:
            seen.append(statement)

    event.listen(bind, "before_cursor_execute", note)
    yield seen
    event.remove(bind, "before_cursor_execute", note)


def test_a_repeat_caller_is_not_read_again_but_changes_are_seen_at_once(
    client, db: Session, reads: list[str]
) -> None:
    org = make_org(db)
    staff = make_staff(db, org.city, Role.SUPERVISOR)
    headers = bearer(db, staff)
    reads.clear()
    assert client.get("/api/v1/auth/me", headers=headers).json()["role"] == "supervisor"
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert len(reads) == 1  # the second request used the kept row

    staff.role = Role.AGENT  # a committed change to staff empties the cache
    db.commit()
    assert client.get("/api/v1/auth/me", headers=headers).json()["role"] == "agent"
    assert len(reads) == 2

    staff.active = False
    db.commit()
    refused = client.get("/api/v1/auth/me", headers=headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "account_disabled"
