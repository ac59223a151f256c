"""Dispatching many orders at once (批量派单): each goes or is refused on its own, with the
error it would get alone; a wrong target refuses them all; the new owner is told once;
the batch and each dispatch are audited, a refused order not."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_org, make_staff, make_team
from kefu.core import audit
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.org.models import Staff

URL = "/api/v1/work-orders/batch-dispatch"


def _mails_to(db: Session, address: str) -> list[dict]:
    db.expire_all()
    jobs = db.scalars(select(Job).where(Job.kind == "notify.email").order_by(Job.id))
    return [json.loads(job.payload) for job in jobs if address in job.payload]


def _do(client, order: dict, action: str, headers: dict, body: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    answer = client.post(
        f"/api/v1/work-orders/{order['id']}/{action}",
        json=body or {},
        headers=headers | {"If-Match": f'"{order["version"]}"'},
    )
    assert answer.status_code == 200, (action, answer.text)
    result: dict = answer.json()
    return result


def _audited(db: Session, action: str) -> int:
    return db.scalar(select(func.count()).where(AuditLog.action == action)) or 0


def test_a_batch_sends_what_may_go_and_says_why_the_rest_did_not(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    handler = make_staff(db, org.city, Role.BACK_OFFICE, team_id=team.id)
    db.get(Staff, handler.id).email = "handler@kefu.example.cn"
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    fresh = [complain(client, agent, cats.unknown_charge.id, f"1380013800{n}") for n in range(3)]
    sent = complain(client, agent, cats.indoor.id, "13900139000")
    sent = _do(client, sent, "dispatch", supervisor, {"team_id": team.id})
    answered = complain(client, agent, cats.indoor.id, "13700137000")
    answered = _do(client, answered, "accept", supervisor)
    answered = _do(client, answered, "reply", supervisor, {"reply": "已处理。"})
    stale = complain(client, agent, cats.indoor.id, "13600136000")
    _do(client, stale, "accept", supervisor)  # since the dispatcher read it
    elsewhere = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    away = complain(client, elsewhere, cats.indoor.id, "13500135000")
    listed = {
        o["id"]: o["version"]
        for o in client.get(
            "/api/v1/work-orders", params={"view": "all"}, headers=supervisor
        ).json()["items"]
    }
    assert listed[fresh[0]["id"]] == fresh[0]["version"]  # the list carries each version
    before_dispatches = _audited(db, "order.dispatch") + _audited(db, "order.transfer")

    asked = [*fresh, sent, answered, stale, away]
    body = {
        "orders": [{"id": o["id"], "version": o["version"]} for o in asked]
        + [{"id": 999_999, "version": 1}],
        "team_id": team.id,
        "assignee_id": handler.id,
        "reason": "早班批量派单",
    }
    answer = client.post(URL, json=body, headers=supervisor | {"Accept-Language": "en"})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert [(o["number"], o["status"]) for o in result["dispatched"]] == [
        (o["number"], "dispatched") for o in (*fresh, sent)
    ]
    handler_name = db.get(Staff, handler.id).display_name
    assert {(o["org_unit"], o["assignee"]) for o in result["dispatched"]} == {
        ("广州", handler_name)
    }
    refused = {o["id"]: (o["code"], o["message"]) for o in result["refused"]}
    assert refused == {
        answered["id"]: (
            "action_not_allowed",
            "This order is Replied; “Dispatch” is not possible now.",
        ),
        stale["id"]: refused[stale["id"]],
        away["id"]: refused[away["id"]],
        999_999: refused[999_999],
    }
    assert refused[stale["id"]][0] == "stale_version"
    assert refused[away["id"]][0] == "order_out_of_scope"
    assert refused[999_999][0] == "order_not_found"

    for made in (*fresh, sent):
        order = client.get(f"/api/v1/work-orders/{made['id']}", headers=supervisor).json()
        assert (order["team"]["id"], order["assignee"]["id"]) == (team.id, handler.id)
        step = order["events"][-1]
        assert step["action"] == ("transfer" if made is sent else "dispatch")
        assert step["reason"] == "早班批量派单"
    untouched = client.get(f"/api/v1/work-orders/{answered['id']}", headers=supervisor).json()
    assert untouched["version"] == answered["version"]  # refused: left as it was
    # one dispatch row an order sent, one for the batch; none for the refused
    assert _audited(db, "order.dispatch") + _audited(db, "order.transfer") == (
        before_dispatches + 4
    )
    assert _audited(db, "order.batch_dispatch") == 1
    # The handler is told once, of the four.
    (notice,) = [m for m in _mails_to(db, "handler@kefu.example.cn") if "4 " in m["subject"]]
    assert "4 张工单已派给您" in notice["subject"]
    assert all(o["number"] in notice["body"] for o in (*fresh, sent))
    assert len(_mails_to(db, "handler@kefu.example.cn")) == 1


def test_a_wrong_target_or_a_repeated_order_refuses_the_whole_batch(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    order = complain(client, agent, cats.unknown_charge.id)
    one = [{"id": order["id"], "version": order["version"]}]
    unknown = client.post(URL, json={"orders": one, "team_id": 999_999}, headers=supervisor)
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "team_id"
    outside = client.post(
        URL, json={"orders": one, "org_unit_id": org.other_city.id}, headers=supervisor
    )
    assert outside.status_code == 403
    twice = client.post(
        URL, json={"orders": one + one, "org_unit_id": org.city.id}, headers=supervisor
    )
    assert twice.status_code == 422
    assert twice.json()["error"] == {
        "code": "batch_order_repeated",
        "field": "orders",
        "message": "批量中有工单重复。",
    }
    empty = client.post(URL, json={"orders": [], "org_unit_id": org.city.id}, headers=supervisor)
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "orders"
    # dispatching is a supervisor's: an agent may not, one order or many, nor pick rows
    refused = client.post(URL, json={"orders": one, "org_unit_id": org.city.id}, headers=agent)
    assert refused.status_code == 403
    assert 'name="pick"' not in client.get("/orders?view=mine", headers=agent).text
    queue = client.get("/orders?view=all", headers=supervisor).text
    assert f'name="pick" value="{order["id"]}" data-version="{order["version"]}"' in queue
    after = client.get(f"/api/v1/work-orders/{order['id']}", headers=supervisor).json()
    assert after["version"] == order["version"] and after["status"] == "new"


def test_a_savepoint_rolled_back_forgets_its_audit_rows(db: Session) -> None:
    """A refused order's changes go with its savepoint; so must any audit row it made."""
    audit.record(db, actor=None, action="kept.before", actor_name="test")
    try:
        with audit.savepoint(db):
            audit.record(db, actor=None, action="gone.inside", actor_name="test")
            raise RuntimeError("refused")
    except RuntimeError:
        pass
    with audit.savepoint(db):
        audit.record(db, actor=None, action="kept.after", actor_name="test")
    db.commit()
    actions = set(db.scalars(select(AuditLog.action)))
    assert {"kept.before", "kept.after"} <= actions and "gone.inside" not in actions


def test_the_orders_waiting_to_be_sent_most_urgent_and_longest_waiting_first(
    client, db: Session
) -> None:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    oldest = complain(client, agent, cats.indoor.id, "13800138001")
    accepted = complain(client, agent, cats.indoor.id, "13800138002")
    accepted = _do(client, accepted, "accept", supervisor)
    sent = complain(client, agent, cats.indoor.id, "13800138003")
    sent = _do(client, sent, "dispatch", supervisor, {"team_id": team.id})
    returned = _do(client, sent, "return", supervisor, {"reason": "不属本班组处理范围"})
    urgent = complain(client, agent, cats.unknown_charge.id, "13800138004")
    urgent = _do(client, urgent, "triage", supervisor, {"triage": "urgent", "reason": "影响整栋楼"})
    answered = complain(client, agent, cats.indoor.id, "13800138005")
    answered = _do(client, answered, "accept", supervisor)
    _do(client, answered, "reply", supervisor, {"reply": "已处理。"})

    listed = client.get(
        "/api/v1/work-orders", params={"to_dispatch": "true"}, headers=supervisor
    ).json()
    assert [o["number"] for o in listed["items"]] == [
        urgent["number"],  # most urgent first
        oldest["number"],  # then the longest waiting
        accepted["number"],
        returned["number"],  # returned to the dispatcher: to be sent again
    ]
    page = client.get("/orders?view=dispatch", headers=supervisor).text
    assert 'data-queue="dispatch"' in page and page.count('name="pick"') == 4
    assert '待派单 <span class="count" title="等待派单的工单">4</span>' in page  # on every tab
    assert 'data-queue="dispatch"' not in client.get("/orders", headers=agent).text
