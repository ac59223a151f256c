"""Emergencies: a burst of one complaint from one area is proposed as an incident,
confirmed by a supervisor, and resolved once — every caller answered, every order closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    bearer,
    complain,
    make_categories,
    make_org,
    make_staff,
    make_team,
    order_step,
)
from kefu.core.calendar import BusinessCalendar
from kefu.core.outbox import Job
from kefu.core.rbac import Role


def _complaint(client, headers, category_id: int, n: int) -> dict:
    return complain(client, headers, category_id, f"1380013{n:04d}", subject=f"小区没有信号 {n}")


def test_a_burst_becomes_one_incident_and_is_answered_once(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    boss = make_staff(db, org.city, Role.SUPERVISOR, email="boss@kefu.example.cn")
    supervisor = bearer(db, boss)
    # Another branch's complaint and a billing complaint do not count.
    _complaint(client, agent, cats.unknown_charge.id, 99)
    orders = [_complaint(client, agent, cats.indoor.id, n) for n in range(4)]
    assert all(o["incident_id"] is None for o in orders)
    fifth = _complaint(client, agent, cats.indoor.id, 4)  # the threshold is 5 in an hour
    assert fifth["incident_id"] is not None
    incident_url = f"/api/v1/incidents/{fifth['incident_id']}"
    incident = client.get(incident_url, headers=agent).json()
    assert (incident["status"], incident["orders"]) == ("proposed", 5)
    mails = [j.payload for j in db.scalars(select(Job))]
    assert any("boss@kefu.example.cn" in m and incident["number"] in m for m in mails)

    # joins the open incident; from a landline, which no text can reach
    sixth = complain(client, agent, cats.indoor.id, "010-6234-5678", subject="家里座机打不出")
    assert sixth["incident_id"] == incident["id"]
    # The orders before the threshold moved into the incident (a change: a new version);
    # the fifth and sixth went in with it.
    versions = [client.get(f"/api/v1/work-orders/{o['id']}", headers=agent).json() for o in orders]
    assert {(o["incident_id"], o["version"]) for o in versions} == {(incident["id"], 2)}
    assert (fifth["version"], sixth["version"]) == (1, 1)

    # Only a supervisor decides, with the current version.
    confirm = {"note": "基站故障已确认"}
    assert client.post(f"{incident_url}/confirm", json=confirm, headers=agent).status_code == 403
    stale = supervisor | {"If-Match": '"99"'}
    assert client.post(f"{incident_url}/confirm", json=confirm, headers=stale).status_code == 409
    current = supervisor | {"If-Match": f'"{incident["version"]}"'}
    confirmed = client.post(f"{incident_url}/confirm", json=confirm, headers=current)
    assert confirmed.status_code == 200, confirmed.text
    incident = confirmed.json()

    current = supervisor | {"If-Match": f'"{incident["version"]}"'}
    blank = client.post(f"{incident_url}/resolve", json={"reply": "预计{due}恢复"}, headers=current)
    assert (blank.status_code, blank.json()["error"]["code"]) == (422, "reply_has_blanks")
    reply = "您好，您所在小区的基站故障已修复，信号已恢复，给您带来不便深表歉意。"
    resolved = client.post(
        f"{incident_url}/resolve",
        json={"reply": reply},
        headers=supervisor | {"If-Match": f'"{incident["version"]}"'},
    )
    assert resolved.status_code == 200, resolved.text
    done = resolved.json()
    assert done["status"] == "resolved" and len(done["order_list"]) == 6
    assert {o["status"] for o in done["order_list"]} == {"closed"}
    texts = [j.payload for j in db.scalars(select(Job).where(Job.kind == "notify.sms"))]
    assert len(texts) == 5 and all(reply in t for t in texts)  # every mobile caller
    assert not any("+861062345678" in t for t in texts)
    landline = client.get(f"/api/v1/work-orders/{sixth['id']}", headers=supervisor).json()
    assert landline["status"] == "closed" and landline["events"][-1]["details"]["texted"] is False
    one = client.get(f"/api/v1/work-orders/{fifth['id']}", headers=supervisor).json()
    closing = one["events"][-1]
    assert (closing["action"], closing["to_status"]) == ("incident_close", "closed")
    assert one["reply"] == reply
    # The console page tells who decided what, and when.
    page = client.get(f"/incidents/{incident['id']}", headers=supervisor).text
    steps = page.split('class="meta incident-steps"', 1)[1].split("</ol>", 1)[0]
    assert "提出于 " in steps
    assert f"{boss.display_name} 确认于 " in steps and f"{boss.display_name} 解决于 " in steps

    # Once resolved, a new complaint starts afresh rather than joining it.
    later = _complaint(client, agent, cats.indoor.id, 6)
    assert later["incident_id"] is None


def test_a_dismissed_incident_releases_its_orders(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    last = [_complaint(client, agent, cats.indoor.id, n) for n in range(5)][-1]
    url = f"/api/v1/incidents/{last['incident_id']}"
    version = client.get(url, headers=supervisor).json()["version"]
    dismissed = client.post(
        f"{url}/dismiss",
        json={"reason": "各自原因不同"},
        headers=supervisor | {"If-Match": f'"{version}"'},
    ).json()
    assert dismissed["status"] == "dismissed" and dismissed["orders"] == 0
    order = client.get(f"/api/v1/work-orders/{last['id']}", headers=agent).json()
    assert order["incident_id"] is None and order["status"] == "new"
    assert order["version"] == last["version"] + 1  # released: a change like any other
    listed = client.get("/api/v1/incidents", params={"status": "dismissed"}, headers=agent).json()
    assert [i["id"] for i in listed["items"]] == [dismissed["id"]]
    page = client.get(f"/incidents/{dismissed['id']}", headers=supervisor).text
    assert "撤销于 " in page and "确认于" not in page


def test_resolving_ends_each_orders_wait_and_calls_off_its_visit(client, db: Session) -> None:
    """Closed with its incident, an order waiting on its customer kept its pause (paused
    at on a closed order, the time waited never added to its limit), and a complaint
    awaiting its return visit kept the visit open."""
    org = make_org(db)
    cats = make_categories(db)
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    team = make_team(db, org.city)
    created = [_complaint(client, supervisor, cats.indoor.id, n) for n in range(5)]
    # the first ones changed when the fifth linked them to its incident
    waiting, visiting = (
        client.get(f"/api/v1/work-orders/{o['id']}", headers=supervisor).json() for o in created[:2]
    )
    waiting_since = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Beijing
    with time_machine.travel(waiting_since, tick=False):
        for action, body in [("accept", {}), ("wait", {"reason": "等客户在家测试信号"})]:
            waiting = order_step(client, supervisor, waiting, action, body)
    steps = [
        ("dispatch", {"team_id": team.id}),
        ("start", {}),
        ("reply", {"reply": "已优化基站参数。"}),
        ("close", {}),
    ]
    for action, body in steps:
        visiting = order_step(client, supervisor, visiting, action, body)
    assert visiting["status"] == "return_visit"

    url = f"/api/v1/incidents/{waiting['incident_id']}"
    for decision, body in [("confirm", {}), ("resolve", {"reply": "基站故障已修复。"})]:
        version = client.get(url, headers=supervisor).json()["version"]
        headers = supervisor | {"If-Match": f'"{version}"'}
        with time_machine.travel(waiting_since + timedelta(hours=3), tick=False):
            answer = client.post(f"{url}/{decision}", json=body, headers=headers)
        assert answer.status_code == 200, answer.text

    waited = client.get(f"/api/v1/work-orders/{waiting['id']}", headers=supervisor).json()
    assert (waited["status"], waited["paused_at"]) == ("closed", None)
    due_before, due_after = (datetime.fromisoformat(o["resolve_due_at"]) for o in (waiting, waited))
    # the three working hours waited on the customer move the limit on
    assert BusinessCalendar().between(due_before, due_after) == timedelta(hours=3)
    visited = client.get(f"/api/v1/work-orders/{visiting['id']}", headers=supervisor).json()
    assert visited["status"] == "closed"
    (visit,) = visited["visits"]
    assert visit["done_at"] is not None and visit["outcome"] is None


def test_callers_who_wrote_in_are_answered_in_their_messages_threads(client, db: Session) -> None:
    """Resolving answers an order opened from an SMS as that SMS's reply (sent once, the
    message served) and one opened from an e-mail by mail in the customer's thread."""
    from kefu.contact.enums import ContactChannel, InteractionStatus
    from kefu.contact.models import Interaction, InteractionOrder
    from kefu.contact.service import open_interaction

    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    orders = [_complaint(client, agent, cats.indoor.id, n) for n in range(5)]
    written = {}
    for order, channel, address in (
        (orders[0], ContactChannel.SMS, "+8613800130000"),
        (orders[1], ContactChannel.EMAIL, "li.lei@example.cn"),
    ):
        message = open_interaction(
            db,
            channel=channel,
            status=InteractionStatus.OPEN,
            address=address,
            customer_id=None,
            channel_ref=f"{channel}:<m-{order['id']}@mail>",
            body="小区没有信号",
        )
        db.add(InteractionOrder(interaction_id=message.id, order_id=order["id"]))
        written[channel] = message.id
    db.commit()
    url = f"/api/v1/incidents/{orders[-1]['incident_id']}"
    for step in ("confirm", "resolve"):
        version = client.get(url, headers=supervisor).json()["version"]
        body = {"note": "基站故障"} if step == "confirm" else {"reply": "基站已修复。"}
        done = client.post(
            f"{url}/{step}", json=body, headers=supervisor | {"If-Match": f'"{version}"'}
        )
        assert done.status_code == 200, done.text
    db.expire_all()
    texts = [j.payload for j in db.scalars(select(Job).where(Job.kind == "notify.sms"))]
    assert len(texts) == 5  # one to each caller, the SMS's sender's as its reply
    mails = [j.payload for j in db.scalars(select(Job).where(Job.kind == "notify.email"))]
    assert len(mails) == 1 and "li.lei@example.cn" in mails[0] and "基站已修复" in mails[0]
    for channel, message_id in written.items():
        served = db.get(Interaction, message_id)
        assert served is not None and served.status == "ended", channel
        reply = db.scalar(select(Interaction).where(Interaction.in_reply_to_id == message_id))
        assert reply is not None and "基站已修复" in reply.body
    mailed = client.get(f"/api/v1/work-orders/{orders[1]['id']}", headers=supervisor).json()
    assert mailed["events"][-1]["details"]["emailed"] is True
