"""Work orders through their lifecycle over the API: intake, dispatch, reply, close, visit."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import (
    Categories,
    Org,
    bearer,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    make_team,
)
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.customers.enums import Tier
from kefu.customers.models import Customer
from kefu.org.models import Team
from kefu.workorders import repository


@dataclass
class Center:
    org: Org
    cats: Categories
    team: Team
    agent: dict[str, str]
    handler_id: int
    handler: dict[str, str]
    supervisor: dict[str, str]
    customer_id: int


@pytest.fixture
def center(db: Session) -> Center:
    org = make_org(db)
    cats = make_categories(db)
    team = make_team(db, org.city)
    handler = make_staff(db, org.city, Role.BACK_OFFICE, team_id=team.id)
    customer = make_customer(db, org.city, tier=Tier.GOLD)
    return Center(
        org=org,
        cats=cats,
        team=team,
        agent=bearer(db, make_staff(db, org.city, Role.AGENT)),
        handler_id=handler.id,
        handler=bearer(db, handler),
        supervisor=bearer(db, make_staff(db, org.city, Role.SUPERVISOR)),
        customer_id=customer.id,
    )


def complaint(center: Center, **extra: object) -> dict:
    return {
        "type": "complaint",
        "category_id": center.cats.unknown_charge.id,
        "contact_phone": "+86 138-0013-8000",
        "contact_name": "张伟",
        "customer_id": center.customer_id,
        "subject": "本月不明扣费 10 元",
        "description": "客户称未订购任何业务。",
        "channel": "phone",
    } | extra


def act(client, order: dict, action: str, headers: dict, body: dict | None = None):
    return client.post(
        f"/api/v1/work-orders/{order['id']}/{action}",
        json=body or {},
        headers=headers | {"If-Match": f'"{order["version"]}"'},
    )


def test_a_complaint_goes_from_intake_to_return_visit_and_closes(client, db, center) -> None:
    created = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent)
    assert created.status_code == 201, created.text
    order = created.json()
    assert re.fullmatch(r"WO\d{8}-000001", order["number"])
    assert order["status"] == "new"
    assert order["contact_phone"] == "138****8000"  # an agent sees it masked
    assert order["category"]["path_names"] == ["计费账务", "费用争议", "不明扣费"]
    assert "dispatch" in order["allowed_actions"]

    steps = [
        (
            "dispatch",
            center.supervisor,
            {"team_id": center.team.id, "assignee_id": center.handler_id},
        ),
        ("start", center.handler, {}),
        ("reply", center.handler, {"reply": "经核实为误扣，已退费 10 元。"}),
        ("close", center.handler, {"note": "已答复客户"}),
    ]
    for action, headers, body in steps:
        answer = act(client, order, action, headers, body)
        assert answer.status_code == 200, (action, answer.text)
        order = answer.json()
    assert order["status"] == "return_visit"
    assert order["contact_phone"] == "13800138000"  # back office may see numbers
    (visit,) = order["visits"]
    hours = _hours_between(visit["due_at"], order["events"][-1]["occurred_at"])
    assert 47.9 < hours < 48.1  # gold customers are called back within 48 hours

    order = act(client, order, "visit", center.handler, {"outcome": "satisfied"}).json()
    assert order["status"] == "closed"
    assert order["closed_at"] is not None
    transitions = [
        (e["from_status"], e["to_status"]) for e in order["events"] if e["kind"] == "transition"
    ]
    assert transitions == [
        ("new", "dispatched"),
        ("dispatched", "in_progress"),
        ("in_progress", "replied"),
        ("replied", "return_visit"),
        ("return_visit", "closed"),
    ]
    assert all(e["actor"] for e in order["events"] if e["kind"] == "transition")
    actions = db.scalars(select(AuditLog.action).where(AuditLog.entity_type == "work_order"))
    assert set(actions) >= {"order.create", "order.dispatch", "order.reply", "order.visit"}


def _hours_between(later: str, earlier: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)) / timedelta(hours=1)


def test_a_consultation_closes_without_a_visit(client, center) -> None:
    body = complaint(center, type="consultation")
    order = client.post("/api/v1/work-orders", json=body, headers=center.agent).json()
    order = act(client, order, "accept", center.agent).json()
    order = act(client, order, "reply", center.agent, {"reply": "已告知资费标准"}).json()
    order = act(client, order, "close", center.agent).json()
    assert order["status"] == "closed"
    assert order["visits"] == []


def test_a_dissatisfied_customer_reopens_the_complaint(client, center) -> None:
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    for action, body in [("accept", {}), ("reply", {"reply": "已处理"}), ("close", {})]:
        order = act(client, order, action, center.handler, body).json()
    order = act(
        client, order, "visit", center.handler, {"outcome": "dissatisfied", "note": "仍被扣费"}
    ).json()
    assert order["status"] == "in_progress"
    assert order["visits"][0]["outcome"] == "dissatisfied"
    assert order["events"][-1]["action"] == "reopen"


def test_a_customer_not_reached_is_called_again_then_the_complaint_closes(
    client, db, center
) -> None:
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    for action, body in [("accept", {}), ("reply", {"reply": "已处理"}), ("close", {})]:
        order = act(client, order, action, center.handler, body).json()
    first_due = order["visits"][0]["due_at"]
    missed = act(client, order, "visit", center.handler, {"outcome": "unreachable"})
    assert missed.status_code == 200, missed.text
    once = missed.json()
    (visit,) = once["visits"]
    assert once["status"] == "return_visit" and visit["attempts"] == 1
    assert visit["outcome"] is None and visit["done_at"] is None
    assert visit["due_at"] != first_due  # due again two hours from now
    assert once["version"] > order["version"]  # a second visitor holding the old one: 409
    stale = act(client, order, "visit", center.handler, {"outcome": "satisfied"})
    assert stale.status_code == 409
    step = once["events"][-1]
    assert (step["kind"], step["details"]) == ("note", {"outcome": "unreachable", "attempt": 1})
    page = client.get(f"/orders/{order['id']}", headers=center.handler).text
    assert "回访未接通 · 第 1 次（共 3 次）" in page and "1 次未接通" in page

    twice = act(client, once, "visit", center.handler, {"outcome": "unreachable"}).json()
    assert twice["status"] == "return_visit" and twice["visits"][0]["attempts"] == 2
    note = {"outcome": "unreachable", "note": "三次均无人接听"}
    closed = act(client, twice, "visit", center.handler, note).json()
    assert closed["status"] == "closed" and closed["closed_at"]
    (visit,) = closed["visits"]
    assert (visit["outcome"], visit["attempts"]) == ("unreachable", 3)
    assert closed["events"][-1]["action"] == "visit"
    audited = db.scalars(
        select(AuditLog.action).where(AuditLog.entity_id == str(order["id"]))
    ).all()
    assert audited.count("order.visit_attempt") == 2 and "order.visit" in audited


def test_a_reply_with_a_templates_blanks_left_is_refused(client, center) -> None:
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    order = act(client, order, "accept", center.handler).json()
    blanks = "尊敬的张伟：经核实，{month}的{item}费用属于误扣，已为您退还{amount}元。{amount}"
    for language, words in (("en", "blanks"), ("zh-CN", "待填项")):
        refused = act(
            client,
            order,
            "reply",
            center.handler | {"Accept-Language": language},
            {"reply": blanks},
        )
        assert refused.status_code == 422
        error = refused.json()["error"]
        assert (error["code"], error["field"]) == ("reply_has_blanks", "reply")
        assert words in error["message"] and "{month} {item} {amount}" in error["message"]
    filled = "尊敬的张伟：经核实，10月的来电显示费用属于误扣，已为您退还5元。"
    replied = act(client, order, "reply", center.handler, {"reply": filled})
    assert replied.status_code == 200, replied.text
    assert replied.json()["reply"] == filled


def test_writes_need_the_current_version_and_an_allowed_action(client, center) -> None:
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    url = f"/api/v1/work-orders/{order['id']}/accept"
    assert client.post(url, json={}, headers=center.agent).status_code == 428
    stale = client.post(url, json={}, headers=center.agent | {"If-Match": '"99"'})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    refused = act(client, order, "close", center.agent, {})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "action_not_allowed"


def test_the_resolution_clock_stops_at_the_reply(client, center) -> None:
    # The queue counted an answered complaint awaiting its return visit as overdue.
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    assert order["clock_running"] and order["replied_at"] is None
    order = act(client, order, "accept", center.agent).json()
    assert order["clock_running"]
    waiting = act(client, order, "wait", center.agent, {"reason": "等待客户提供截图"}).json()
    assert not waiting["clock_running"]
    order = act(client, waiting, "resume", center.agent).json()
    assert order["clock_running"]
    order = act(client, order, "reply", center.agent, {"reply": "已退还 10 元。"}).json()
    assert order["status"] == "replied" and not order["clock_running"]
    queue = client.get(
        "/api/v1/work-orders", params={"view": "all"}, headers=center.supervisor
    ).json()["items"]
    row = next(r for r in queue if r["id"] == order["id"])
    assert row["replied_at"] == order["replied_at"] and row["clock_running"] is False
    customer = client.get(f"/api/v1/customers/{center.customer_id}", headers=center.agent).json()
    item = next(i for i in customer["open_work_items"] if i["id"] == order["id"])
    assert item["due_at"] is None  # the 360 shows no countdown for it either


def test_the_return_visits_queue_puts_the_soonest_visit_first(client, db, center) -> None:
    def answered(**extra: object) -> int:
        order = client.post(
            "/api/v1/work-orders", json=complaint(center, **extra), headers=center.agent
        ).json()
        order = act(client, order, "accept", center.agent).json()
        order = act(client, order, "reply", center.agent, {"reply": "已退费 10 元。"}).json()
        return int(act(client, order, "close", center.agent).json()["id"])

    gold = answered()  # the gold customer's visit is due within 48 hours
    ordinary = answered(customer_id=None)  # newer, but visited within 72 hours
    query = repository.order_list_query(
        scope_path=None,
        viewer_id=0,
        status=None,
        assignee_id=None,
        team_id=None,
        repeat_only=False,
        visits_due=True,
    )
    assert [o.id for o, *_ in db.execute(query)] == [gold, ordinary]
    dues = repository.visit_dues(db, [ordinary, gold])
    assert dues[gold][1] < dues[ordinary][1]


def test_an_action_with_an_optional_note_needs_no_body(client, center) -> None:
    # A bodiless accept was refused with "“-” is required.", naming no field.
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    headers = center.agent | {"If-Match": f'"{order["version"]}"'}
    accepted = client.post(f"/api/v1/work-orders/{order['id']}/accept", headers=headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    url = f"/api/v1/work-orders/{order['id']}/dispatch"
    version = {"If-Match": f'"{accepted.json()["version"]}"'}
    for language, words in (("en", "JSON body"), ("zh-CN", "JSON 格式")):
        bare = client.post(url, headers=center.supervisor | version | {"Accept-Language": language})
        assert bare.status_code == 422, bare.text
        error = bare.json()["error"]
        assert error["code"] == "body_required" and "field" not in error
        assert words in error["message"], error


@pytest.mark.parametrize(
    ("action", "body", "code"),
    [
        ("cancel", {"reason": "无"}, None),  # a reason has at least four characters
        ("escalate", {}, None),
        ("dispatch", {}, "dispatch_target_required"),
    ],
)
def test_actions_that_need_a_reason_or_a_target_say_so(client, center, action, body, code) -> None:
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    answer = act(client, order, action, center.supervisor, body)
    assert answer.status_code == 422
    if code:
        assert answer.json()["error"]["code"] == code


def test_dispatching_and_triage_need_the_dispatch_right(client, center) -> None:
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    answer = act(client, order, "triage", center.agent, {"triage": "key", "reason": "媒体曝光风险"})
    assert answer.status_code == 403
    triaged = act(
        client, order, "triage", center.supervisor, {"triage": "key", "reason": "媒体曝光风险"}
    )
    assert triaged.json()["priority"] == 2
    assert triaged.json()["events"][-1]["kind"] == "triage"


def test_escalation_climbs_the_tree_and_stops_at_the_top(client, db, center) -> None:
    center.org.province.name_en = "Guangdong"  # the timeline names the units in English too
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    top_supervisor = bearer(db, make_staff(db, center.org.hq, Role.SUPERVISOR))
    units = []
    for headers in (center.supervisor, top_supervisor):
        answer = act(client, order, "escalate", headers, {"reason": "分公司无法解决"})
        assert answer.status_code == 200, answer.text
        order = answer.json()
        units.append(order["org_unit"]["id"])
    assert units == [center.org.province.id, center.org.hq.id]
    steps = [e["details"] for e in order["events"] if e["action"] == "escalate"]
    assert [(s["from_unit"], s["to_unit"]) for s in steps] == [
        (center.org.city.name, center.org.province.name),
        (center.org.province.name, center.org.hq.name),
    ]
    assert steps[1]["from_unit_en"] == steps[0]["to_unit_en"] == "Guangdong"
    top = act(client, order, "escalate", top_supervisor, {"reason": "请求再次升级处理"})
    assert top.status_code == 409
    assert top.json()["error"]["code"] == "cannot_escalate_top"


def test_another_city_cannot_see_the_order(client, db, center) -> None:
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    stranger = bearer(db, make_staff(db, center.org.other_city, Role.AGENT))
    answer = client.get(f"/api/v1/work-orders/{order['id']}", headers=stranger)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "order_out_of_scope"
    listed = client.get("/api/v1/work-orders", headers=stranger).json()
    assert listed["total"] == 0


def test_creation_is_idempotent_and_refuses_vague_categories(client, center) -> None:
    keyed = center.agent | {"Idempotency-Key": "call-7781-order"}
    first = client.post("/api/v1/work-orders", json=complaint(center), headers=keyed)
    again = client.post("/api/v1/work-orders", json=complaint(center), headers=keyed)
    assert first.json()["id"] == again.json()["id"]
    other = client.post("/api/v1/work-orders", json=complaint(center, subject="x"), headers=keyed)
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    vague = client.post(
        "/api/v1/work-orders",
        json=complaint(center, category_id=center.cats.dispute.id),
        headers=center.agent,
    )
    assert vague.status_code == 422
    assert vague.json()["error"]["code"] == "category_not_leaf"


def test_orders_are_never_deleted(client, center) -> None:
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    assert (
        client.delete(f"/api/v1/work-orders/{order['id']}", headers=center.supervisor).status_code
        == 405
    )


def test_the_customer_360_lists_open_orders_until_they_close(client, center) -> None:
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    lookup = {"phone": "13800138000"}
    items = client.get("/api/v1/customers/lookup", params=lookup, headers=center.agent).json()[
        "open_work_items"
    ]
    assert [(i["number"], i["status"]) for i in items] == [(order["number"], "new")]
    act(client, order, "cancel", center.supervisor, {"reason": "客户撤回投诉"})
    view = client.get("/api/v1/customers/lookup", params=lookup, headers=center.agent).json()
    assert view["open_work_items"] == []


def test_the_new_owner_is_notified_through_the_outbox(client, db, center) -> None:
    from kefu.core.outbox import Job
    from kefu.org.models import Staff

    db.get(Staff, center.handler_id).email = "handler@kefu.example.cn"
    db.commit()
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    act(
        client,
        order,
        "dispatch",
        center.supervisor,
        {"team_id": center.team.id, "assignee_id": center.handler_id},
    )
    (job,) = db.scalars(select(Job)).all()
    assert job.kind == "notify.email"
    assert "handler@kefu.example.cn" in job.payload and order["number"] in job.payload


def test_reopening_before_the_visit_calls_the_visit_off(client, center) -> None:
    """A complaint reopened while its return visit was booked kept that visit open: closed
    again, it had two; the outcome went on the stale one, and the new one stayed open on
    a closed order."""
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    steps = [
        ("dispatch", center.supervisor, {"team_id": center.team.id}),
        ("start", center.handler, {}),
        ("reply", center.handler, {"reply": "已退费。"}),
        ("close", center.handler, {}),
        ("reopen", center.handler, {"reason": "客户来电称仍在扣费"}),
        ("reply", center.handler, {"reply": "已关闭该业务并退费。"}),
        ("close", center.handler, {}),
        ("visit", center.handler, {"outcome": "satisfied"}),
    ]
    for action, headers, body in steps:
        answer = act(client, order, action, headers, body)
        assert answer.status_code == 200, (action, answer.text)
        order = answer.json()
    assert order["status"] == "closed"
    called_off, made = order["visits"]
    assert called_off["done_at"] and called_off["outcome"] is None
    assert called_off["note"] == "客户来电称仍在扣费"
    assert made["outcome"] == "satisfied"


def test_sending_an_order_again_to_the_same_team_moves_its_version(client, center) -> None:
    """Every action writes the order: dispatched twice to the same team, it kept its
    version, so a writer holding that version acted on a timeline it had not seen."""
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    target = {"team_id": center.team.id}
    first = act(client, order, "dispatch", center.supervisor, target).json()
    again = act(client, first, "dispatch", center.supervisor, target)
    assert again.status_code == 200
    assert again.json()["version"] == first["version"] + 1
    stale = act(client, first, "dispatch", center.supervisor, target)
    assert stale.status_code in (409, 412)


def test_an_escalation_tells_the_supervisors_of_the_unit_above(client, db, center) -> None:
    """The new owner of an escalated order is the unit above; nobody there was told, by
    hand or by the time-limit sweep."""
    from kefu.core.outbox import Job

    make_staff(db, center.org.province, Role.SUPERVISOR, email="gd.duty@kefu.example.cn")
    make_staff(db, center.org.province, Role.SUPERVISOR, email="gone@kefu.example.cn", active=False)
    make_staff(db, center.org.province, Role.AGENT, email="gd.agent@kefu.example.cn")
    db.commit()
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    answer = act(client, order, "escalate", center.supervisor, {"reason": "分公司无法解决"})
    assert answer.status_code == 200, answer.text
    mails = [j.payload for j in db.scalars(select(Job).where(Job.kind == "notify.email"))]
    assert len(mails) == 1, mails
    assert "gd.duty@kefu.example.cn" in mails[0] and order["number"] in mails[0]
    assert "分公司无法解决" in mails[0]


def test_an_order_sent_to_a_whole_team_tells_its_leads(client, db, center) -> None:
    """Sent to a team with nobody named, nobody was told; its leads are, and an order
    sent to a unit alone, or to a team without a lead, tells the unit's supervisors."""
    from kefu.core.outbox import Job

    make_staff(db, center.org.city, Role.TEAM_LEAD, team_id=center.team.id, email="lead@k.cn")
    make_staff(db, center.org.city, Role.AGENT, team_id=center.team.id, email="agent@k.cn")
    make_staff(db, center.org.city, Role.SUPERVISOR, email="gz.duty@k.cn")
    db.commit()

    def mails_after(action: str, body: dict) -> list[str]:
        order = client.post(
            "/api/v1/work-orders", json=complaint(center), headers=center.agent
        ).json()
        last = db.scalar(select(func.max(Job.id))) or 0
        answer = act(client, order, action, center.supervisor, body)
        assert answer.status_code == 200, answer.text
        query = select(Job.payload).where(Job.id > last, Job.kind == "notify.email")
        return list(db.scalars(query))

    (to_team,) = mails_after("dispatch", {"team_id": center.team.id})
    assert "lead@k.cn" in to_team
    (to_unit,) = mails_after("dispatch", {"org_unit_id": center.org.city.id})
    assert "gz.duty@k.cn" in to_unit
    leaderless = make_team(db, center.org.city, "夜班")
    db.commit()
    (to_leaderless,) = mails_after("dispatch", {"team_id": leaderless.id})
    assert "gz.duty@k.cn" in to_leaderless  # no lead: the unit's supervisors


def _texts(db: Session) -> list[dict]:
    db.expire_all()
    return [json.loads(j.payload) for j in db.scalars(select(Job).where(Job.kind == "notify.sms"))]


def test_an_answer_can_be_texted_to_the_callback_number(client, db, center) -> None:
    order = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    order = act(client, order, "accept", center.agent).json()
    answer = "经核实为误扣，已退费 10 元。"
    replied = act(client, order, "reply", center.agent, {"reply": answer, "send_sms": True})
    assert replied.status_code == 200, replied.text
    assert _texts(db) == [{"to": "+8613800138000", "text": f"【{order['number']}】{answer}"}]
    event = replied.json()["events"][-1]
    assert (event["action"], event["details"]["texted"]) == ("reply", True)
    page = client.get(f"/orders/{order['id']}", headers=center.agent).text
    assert "已短信告知客户" in page

    # Recording an answer given on the telephone sends nothing.
    other = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent).json()
    other = act(client, other, "accept", center.agent).json()
    quiet = act(client, other, "reply", center.agent, {"reply": answer})
    assert quiet.status_code == 200 and "texted" not in quiet.json()["events"][-1]["details"]
    assert len(_texts(db)) == 1


def test_a_texted_answer_needs_a_mobile_and_fits_an_sms(client, db, center) -> None:
    body = complaint(center, contact_phone="010-6234-5678", customer_id=None)
    landline = client.post("/api/v1/work-orders", json=body, headers=center.agent).json()
    landline = act(client, landline, "accept", center.agent).json()
    refused = act(client, landline, "reply", center.agent, {"reply": "已处理", "send_sms": True})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("reply_sms_needs_mobile", "send_sms")
    assert "手机" in error["message"]
    page = client.get(f"/orders/{landline['id']}", headers=center.agent).text
    assert 'name="send_sms" data-sms-max="500" disabled' in page  # the box cannot be ticked

    mobile = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent)
    order = act(client, mobile.json(), "accept", center.agent).json()
    long_answer = {"reply": "退" * 501, "send_sms": True}
    too_long = act(client, order, "reply", center.agent | {"Accept-Language": "en"}, long_answer)
    assert too_long.status_code == 422
    error = too_long.json()["error"]
    assert (error["code"], error["field"]) == ("reply_sms_too_long", "reply")
    assert "500" in error["message"]
    assert _texts(db) == []
    current = client.get(f"/api/v1/work-orders/{order['id']}", headers=center.agent).json()
    assert current["status"] == "accepted"  # nothing was recorded either
    fits = act(client, order, "reply", center.agent, {"reply": "退" * 500, "send_sms": True})
    assert fits.status_code == 200, fits.text


def test_the_customer_can_be_texted_that_the_order_was_taken(client, db, center) -> None:
    body = complaint(center, send_receipt=True)
    made = client.post("/api/v1/work-orders", json=body, headers=center.agent)
    assert made.status_code == 201, made.text
    order = made.json()
    (text,) = _texts(db)
    assert text["to"] == "+8613800138000"
    assert text["text"].startswith(f"【{order['number']}】您反映的“本月不明扣费 10 元”已受理")
    assert "前答复" in text["text"]
    assert order["events"][0]["details"] == {"receipt_texted": True}
    page = client.get(f"/orders/{order['id']}", headers=center.agent).text
    assert "已短信告知受理" in page

    quiet = client.post("/api/v1/work-orders", json=complaint(center), headers=center.agent)
    assert quiet.status_code == 201 and len(_texts(db)) == 1  # not asked, not sent

    # A customer who speaks English is told in English.
    db.get(Customer, center.customer_id).language = "en"
    db.flush()
    english = client.post(
        "/api/v1/work-orders", json=complaint(center, send_receipt=True), headers=center.agent
    ).json()
    said = _texts(db)[-1]["text"]
    assert said.startswith(
        f"[{english['number']}] We have received your report “本月不明扣费 10 元”"
    )
    assert "; we will answer by " in said

    landline = complaint(center, send_receipt=True, contact_phone="010-6234-5678", customer_id=None)
    refused = client.post("/api/v1/work-orders", json=landline, headers=center.agent)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("receipt_needs_mobile", "send_receipt")
    assert len(_texts(db)) == 2
