"""Handling notes (处理记录): a handler keeps what was done or learned on the order's
timeline, in any state, without a version and without changing the order; audited, once
per Idempotency-Key, refused for readers and outside the handler's scope."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_org, make_staff
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.workorders.models import OrderEvent


def _notes(db: Session, order_id: int) -> list[str]:
    db.expire_all()
    query = select(OrderEvent.reason).where(
        OrderEvent.order_id == order_id, OrderEvent.kind == "note"
    )
    return list(db.scalars(query.order_by(OrderEvent.id)))


def test_a_handler_keeps_notes_on_the_timeline(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = complain(client, agent, cats.indoor.id)
    url = f"/api/v1/work-orders/{order['id']}/notes"
    note = "已联系网优部门，预计明天上午现场测试。\n客户白天不方便接电话。"

    added = client.post(url, json={"note": note}, headers=agent | {"Idempotency-Key": "n-1"})
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["version"] == order["version"] and body["status"] == order["status"]
    step = body["events"][-1]
    assert (step["kind"], step["reason"], step["details"]) == ("note", note, {"note": True})
    # The same key and note: the same answer, one note; another note under it: refused.
    again = client.post(url, json={"note": note}, headers=agent | {"Idempotency-Key": "n-1"})
    assert again.status_code == 201 and again.json() == body
    other = client.post(url, json={"note": "别的"}, headers=agent | {"Idempotency-Key": "n-1"})
    assert other.status_code == 422
    assert _notes(db, order["id"]) == [note]
    audited = db.scalar(
        select(func.count()).where(
            AuditLog.action == "order.note", AuditLog.entity_id == str(order["id"])
        )
    )
    assert audited == 1
    # The order was not changed: a write with the version read before still goes through.
    accepted = client.post(
        f"/api/v1/work-orders/{order['id']}/accept",
        json={},
        headers=agent | {"If-Match": f'"{order["version"]}"'},
    )
    assert accepted.status_code == 200, accepted.text
    page = client.get(f"/orders/{order['id']}", headers=agent).text
    step_html = page.split('class="event-note"', 1)[1].split("</li>", 1)[0]
    assert "处理记录" in step_html and "已联系网优部门" in step_html
    assert 'id="note-form"' in page


def test_notes_are_refused_when_empty_or_out_of_reach(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = complain(client, agent, cats.indoor.id)
    url = f"/api/v1/work-orders/{order['id']}/notes"
    empty = client.post(url, json={"note": "   "}, headers=agent)
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "note"
    long = client.post(url, json={"note": "长" * 2001}, headers=agent)
    assert long.status_code == 422 and long.json()["error"]["field"] == "note"
    control = client.post(url, json={"note": "bad\x07bell"}, headers=agent)
    assert control.status_code == 422

    reader = bearer(db, make_staff(db, org.city, Role.QA))
    assert client.post(url, json={"note": "看过了"}, headers=reader).status_code == 403
    elsewhere = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    assert client.post(url, json={"note": "看过了"}, headers=elsewhere).status_code == 403
    missing = client.post("/api/v1/work-orders/999999/notes", json={"note": "x"}, headers=agent)
    assert missing.status_code == 404
    assert _notes(db, order["id"]) == []
