"""The 督办 queue: the orders supervisors pressed for, the answer owed soonest first; the
time asked shown on the queues and the order page, overdue once past, gone once the
order is answered; a merged duplicate's time and reminder carried to the order kept."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    bearer,
    complain,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    make_team,
    order_step,
    supervise,
)
from kefu.core import outbox
from kefu.core.clock import local_today
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.workorders.supervising import DUE

NOTE = "省公司关注此单，请尽快联系客户并回复。"


def _supervise(client, headers: dict[str, str], order: dict, by: datetime | None = None) -> dict:  # type: ignore[no-untyped-def]
    return supervise(client, headers, order, NOTE, by)


def _owed(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _supervised(client, headers: dict[str, str], **params: object) -> list[dict]:  # type: ignore[no-untyped-def]
    listed = client.get(
        "/api/v1/work-orders", params={"supervised": "true", **params}, headers=headers
    )
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


def test_the_supervised_queue_puts_the_answer_owed_soonest_first(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    handler = make_staff(db, org.city, Role.BACK_OFFICE, team_id=team.id)
    lead = make_staff(db, org.city, Role.TEAM_LEAD, team_id=team.id)
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    first, second = (bearer(db, make_staff(db, org.city, Role.SUPERVISOR)) for _ in range(2))
    now = datetime.now(UTC).replace(microsecond=0)
    later, soon, quiet, plain = (
        order_step(
            client,
            first,
            complain(client, agent, cats.unknown_charge.id, f"1380013800{n}"),
            "dispatch",
            {"team_id": team.id, "assignee_id": handler.id},
        )
        for n in range(4)
    )
    _supervise(client, first, later, now + timedelta(days=2))
    _supervise(client, first, soon, now + timedelta(days=1))
    # a second supervisor wants it sooner: the sooner time stands, whoever asked it
    assert _owed(
        _supervise(client, second, soon, now + timedelta(hours=3))["supervise_answer_by"]
    ) == now + timedelta(hours=3)
    again = _supervise(client, first, soon, now + timedelta(days=3))
    assert _owed(again["supervise_answer_by"]) == now + timedelta(hours=3)
    _supervise(client, first, quiet)  # no time asked

    listed = _supervised(client, first)
    assert [o["id"] for o in listed] == [soon["id"], later["id"], quiet["id"]]
    assert [_owed(o["supervise_answer_by"]) for o in listed] == [
        now + timedelta(hours=3),
        now + timedelta(days=2),
        None,
    ]
    assert plain["id"] not in {o["id"] for o in _supervised(client, first)}

    # The console's tab, for those who watch others' orders: the count still owed.
    queue = client.get("/orders", params={"view": "supervised"}, headers=first).text
    assert 'data-queue="supervised"' in queue and "督办" in queue
    assert 'title="尚未答复的督办工单">3</span>' in queue
    assert queue.index(soon["number"]) < queue.index(later["number"]) < queue.index(quiet["number"])
    assert " 前答复" in queue and "已超时" not in queue
    assert 'data-queue="supervised"' in client.get("/orders", headers=bearer(db, lead)).text
    assert 'data-queue="supervised"' not in client.get("/orders", headers=agent).text

    # Answered: nothing is owed, and it leaves the tab's open orders.
    holder = bearer(db, db.merge(handler))
    current = client.get(f"/api/v1/work-orders/{soon['id']}", headers=holder).json()
    answered = order_step(client, holder, current, "reply", {"reply": "已核实为误扣，已退费。"})
    assert answered["supervise_answer_by"] is None
    queue = client.get("/orders", params={"view": "supervised"}, headers=first).text
    assert soon["number"] not in queue and 'title="尚未答复的督办工单">2</span>' in queue

    # Past the time asked, and still unanswered: overdue on the queue and on its page.
    with time_machine.travel(now + timedelta(days=2, minutes=1), tick=False):
        queue = client.get("/orders", params={"view": "supervised"}, headers=first).text
        page = client.get(f"/orders/{later['id']}", headers=first).text
    assert "已超时，限 " in queue and "已超时，限 " in page
    client.cookies.set("kefu_lang", "en")
    english = client.get("/orders", params={"view": "supervised"}, headers=first).text
    client.cookies.clear()
    assert 'data-queue="supervised">Supervised <span class="count"' in english
    assert 'Supervised ×1 · <span class="when">answer by ' in english


def test_a_merged_duplicates_time_asked_goes_to_the_order_kept(
    client, db: Session, session_factory
) -> None:
    org = make_org(db)
    cats = make_categories(db)
    customer = make_customer(db, org.city, "+8613800138000")
    team = make_team(db, org.city)
    make_staff(db, org.city, Role.BACK_OFFICE, team_id=team.id, email="h@kefu.example.cn")
    boss = make_staff(db, org.city, Role.SUPERVISOR, email="boss@kefu.example.cn")
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, boss)
    body = {"type": "complaint", "category_id": cats.unknown_charge.id, "subject": "扣费问题"}
    kept, duplicate = (
        client.post(
            "/api/v1/work-orders", json=body | {"customer_id": customer.id}, headers=agent
        ).json()
        for _ in range(2)
    )
    wanted = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5)
    pressed = _supervise(client, supervisor, duplicate, wanted)
    merged = client.post(
        f"/api/v1/work-orders/{duplicate['id']}/merge",
        json={"into": kept["number"], "reason": "同一扣费问题，重复建单"},
        headers=supervisor | {"If-Match": f'"{pressed["version"]}"'},
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["supervise_answer_by"] is None  # cancelled: it owes nothing
    after = client.get(f"/api/v1/work-orders/{kept['id']}", headers=supervisor).json()
    assert _owed(after["supervise_answer_by"]) == wanted
    assert [o["id"] for o in _supervised(client, supervisor, status="new")] == [kept["id"]]
    db.expire_all()
    reminders = [
        (json.loads(job.payload)["order_id"], job.run_at)
        for job in db.scalars(select(Job).where(Job.kind == DUE).order_by(Job.id))
    ]
    assert reminders == [(duplicate["id"], wanted), (kept["id"], wanted)]

    # Still unanswered at the time asked: the supervisor hears of the order kept, once.
    db.commit()
    with time_machine.travel(wanted + timedelta(minutes=1), tick=False):
        while outbox.run_due(session_factory).done:
            pass
    db.expire_all()
    mails = [
        json.loads(p) for p in db.scalars(select(Job.payload).where(Job.kind == "notify.email"))
    ]
    late = [m["subject"] for m in mails if m["to"] == "boss@kefu.example.cn"]
    assert [s.split()[1] for s in late if "督办时限已到" in s] == [kept["number"]]


def test_the_export_can_keep_the_supervised_orders_only(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    pressed, plain = (
        complain(client, agent, cats.unknown_charge.id, phone)
        for phone in ("13800138001", "13800138002")
    )
    _supervise(client, supervisor, pressed)
    day = local_today().isoformat()
    asked = {"reason": "督办工单月度通报", "format": "csv", "created_from": day, "created_to": day}

    def numbers(**only: bool) -> list[str]:
        answer = client.post("/api/v1/work-orders/export", json=asked | only, headers=supervisor)
        assert answer.status_code == 200, answer.text
        _header, *rows = csv.reader(io.StringIO(answer.content.decode("utf-8-sig")))
        return sorted(row[0] for row in rows)

    assert numbers() == sorted([pressed["number"], plain["number"]])
    assert numbers(supervised_only=True) == [pressed["number"]]
    # the 督办 tab's export dialog keeps them only, unless unticked
    tab = client.get("/orders", params={"view": "supervised"}, headers=supervisor).text
    assert 'name="supervised_only" checked' in tab
    assert 'name="supervised_only" checked' not in client.get("/orders", headers=supervisor).text
