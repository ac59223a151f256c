"""The order queue page opens where the viewer's job starts."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from factories import bearer, make_org, make_staff
from kefu.core.rbac import Role


def _open_tab(page: str) -> str:
    found = re.search(r'class="on" data-queue="(\w+)"', page)
    assert found, "no queue tab is marked as open"
    return found[1]


def test_handlers_start_at_their_orders_and_watchers_at_their_scope(client, db: Session) -> None:
    org = make_org(db)
    roles = (Role.AGENT, Role.BACK_OFFICE, Role.SUPERVISOR, Role.TEAM_LEAD, Role.AUDITOR)
    headers = {role: bearer(db, make_staff(db, org.city, role)) for role in roles}
    starts = {role: _open_tab(client.get("/orders", headers=headers[role]).text) for role in roles}
    assert starts == {
        Role.AGENT: "mine",
        Role.BACK_OFFICE: "mine",
        Role.SUPERVISOR: "all",
        Role.TEAM_LEAD: "all",
        Role.AUDITOR: "all",
    }
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    chosen = client.get("/orders", params={"view": "mine"}, headers=supervisor)
    assert _open_tab(chosen.text) == "mine"
