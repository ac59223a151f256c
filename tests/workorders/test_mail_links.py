"""Mails to staff end with the address of the page they are about, once the center has
said where its console is (KEFU_CONSOLE_URL): the order given to a handler, the incident
a supervisor is to confirm, the customer's new complaint an account manager follows.
Without the address they read as before, naming the order by its number."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from factories import (
    bearer,
    complain,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    make_team,
    order_step,
)
from kefu.cli import app
from kefu.config import Settings, get_settings
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.notify import links


def _mails_to(db: Session, address: str) -> list[dict[str, Any]]:
    db.expire_all()
    payloads = db.scalars(select(Job.payload).where(Job.kind == "notify.email").order_by(Job.id))
    return [p for p in map(json.loads, payloads) if p["to"] == address]


@pytest.mark.parametrize(
    "given",
    [
        "kefu.example.cn",
        "ftp://kefu.example.cn",
        "https://",
        "https://kefu.example.cn/?tab=1",
        "https://kefu.example.cn/#top",
    ],
)
def test_a_console_address_that_is_not_a_plain_web_address_is_refused(given: str) -> None:
    with pytest.raises(ValidationError, match="not a plain http"):
        Settings(console_url=given)


def test_a_console_address_keeps_its_path_without_the_trailing_slash() -> None:
    assert Settings(console_url="https://cs.example.cn/kefu/").console_url == (
        "https://cs.example.cn/kefu"
    )
    assert Settings(console_url="").console_url == ""


def test_a_command_stops_on_a_wrong_setting_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before any command runs, each wrong setting is named by its variable, in a line:
    not a traceback from wherever the settings happen to be read first."""
    monkeypatch.setenv("KEFU_CONSOLE_URL", "kefu.example.cn")
    monkeypatch.setenv("KEFU_SMTP_PORT", "twenty-five")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["outbox", "list"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "✗ KEFU_CONSOLE_URL: not a plain http(s) address, such as https://kefu.example.cn",
        "✗ KEFU_SMTP_PORT: Input should be a valid integer, unable to parse string as an integer",
    ]


def test_staff_mails_end_with_the_pages_address_and_the_page_opens(
    client, db: Session, console_at: str
) -> None:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    handler = make_staff(
        db, org.city, Role.BACK_OFFICE, team_id=team.id, email="handler@kefu.example.cn"
    )
    boss = make_staff(db, org.city, Role.SUPERVISOR, email="boss@kefu.example.cn")
    manager = make_staff(db, org.city, Role.ACCOUNT_MANAGER, email="wang@kefu.example.cn")
    customer = make_customer(db, org.city, "+8613800138001", account_manager_id=manager.id)
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, boss)

    # The handler is given a billing complaint: the mail ends with the order's page.
    order = complain(client, agent, cats.unknown_charge.id, "13900139000")
    body = {"team_id": team.id, "assignee_id": handler.id, "reason": "请核实扣费"}
    order_step(client, supervisor, order, "dispatch", body)
    [given] = _mails_to(db, "handler@kefu.example.cn")
    order_address = f"{console_at}/orders/{order['id']}"
    assert given["body"] == f"{order['number']}: 扣费问题\n请核实扣费\n\n{order_address}"

    # Five complaints of no signal propose an incident: the supervisor's mail ends with it.
    burst = [
        complain(client, agent, cats.indoor.id, f"1380013{n:04d}", subject="小区没有信号")
        for n in range(5)
    ]
    incident_id = burst[-1]["incident_id"]
    assert incident_id is not None
    [proposed] = [m for m in _mails_to(db, "boss@kefu.example.cn") if "incident" in m["subject"]]
    assert proposed["body"].endswith(f"\n\n{console_at}/incidents/{incident_id}")

    # The account manager's mail of a new complaint gives its address, not how to look it up.
    created = {"type": "complaint", "category_id": cats.unknown_charge.id, "subject": "扣费"}
    followed = client.post(
        "/api/v1/work-orders", json=created | {"customer_id": customer.id}, headers=agent
    ).json()
    [told] = _mails_to(db, "wang@kefu.example.cn")
    assert told["body"].endswith(f"\n\n{console_at}/orders/{followed['id']}")
    assert "查询框" not in told["body"]

    # Each address opens its page for whom it is mailed to (no sign-in page, no refusal).
    opened = {
        links.order_page(order["id"]): (bearer(db, handler), order["number"]),
        links.incident_page(incident_id): (supervisor, "小区没有信号"),
        links.order_page(followed["id"]): (bearer(db, manager), followed["number"]),
    }
    for path, (headers, shown) in opened.items():
        page = client.get(path, headers=headers)
        assert (page.status_code, page.url.path) == (200, path)
        assert shown in page.text


@pytest.mark.parametrize(
    ("path", "role"),
    [
        (links.QUEUES, Role.BACK_OFFICE),  # a batch given to a handler
        (links.CALENDAR, Role.ADMIN),  # the year ahead's holidays are not known
        (links.ENGINEERS, Role.TEAM_LEAD),  # an engineer off with visits booked
        (links.NOTICES, Role.ACCOUNT_MANAGER),  # a notice reaching their customers
        (links.EARLY_WARNINGS, Role.SUPERVISOR),  # the day's early warnings
    ],
)
def test_each_page_a_mail_names_opens_for_whom_it_is_mailed_to(
    client, db: Session, path: str, role: Role
) -> None:
    org = make_org(db)
    reader = bearer(db, make_staff(db, org.city, role))
    page = client.get(path, headers=reader)
    assert (page.status_code, page.url.path) == (200, path)


def test_without_the_console_address_a_mail_names_the_order_only(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    handler = make_staff(
        db, org.city, Role.BACK_OFFICE, team_id=team.id, email="handler@kefu.example.cn"
    )
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    order = complain(client, agent, cats.unknown_charge.id)
    body = {"team_id": team.id, "assignee_id": handler.id, "reason": "请核实扣费"}
    order_step(client, supervisor, order, "dispatch", body)
    [given] = _mails_to(db, "handler@kefu.example.cn")
    assert given["body"] == f"{order['number']}: 扣费问题\n请核实扣费"
