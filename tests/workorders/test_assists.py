"""Another team's part in an order (协办): the holder asks a team of the order's unit or
above, and keeps the order; the team's leads are told, its people find the ask in their
queue and answer it once; the holder is told. On the timeline and audited; refused with a
clear error otherwise; taken back by hand, or when the order closes or is cancelled."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
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
from kefu.core import outbox
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.workorders.assists import OVERDUE

QUESTION = "客户反映小区室内无信号，请网优中心核查附近基站（站号 GZ-1024）是否故障"


@pytest.fixture
def desk(client, db: Session):
    """A complaint held by a branch's back office, the province's network centre (its lead
    and one of its people) to be asked, and a team of another branch."""
    org = make_org(db)
    cats = make_categories(db)
    complaints = make_team(db, org.city)
    network = make_team(db, org.province, "网络优化中心")
    network.name_en = "Network optimisation"
    handler = make_staff(
        db, org.city, Role.BACK_OFFICE, team_id=complaints.id, email="handler@kefu.example.cn"
    )
    lead = make_staff(
        db, org.province, Role.TEAM_LEAD, team_id=network.id, email="noc-lead@kefu.example.cn"
    )
    member = make_staff(db, org.province, Role.BACK_OFFICE, team_id=network.id)
    elsewhere = make_team(db, org.other_city, "深圳网络维护班")
    db.commit()
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    order = complain(client, agent, cats.indoor.id, subject="家中室内无信号")
    body = {"team_id": complaints.id, "assignee_id": handler.id}
    order = order_step(client, supervisor, order, "dispatch", body)
    return {
        "org": org,
        "order": order,
        "category": cats.indoor.id,
        "complaints": complaints.id,
        "network": network.id,
        "elsewhere": elsewhere.id,
        "agent": agent,
        "supervisor": supervisor,
        "handler": bearer(db, handler),
        "handler_name": handler.display_name,
        "lead": bearer(db, lead),
        "member": bearer(db, member),
        "member_name": member.display_name,
    }


def _url(order: dict, *more: object) -> str:
    return "/".join([f"/api/v1/work-orders/{order['id']}/assists", *map(str, more)])


def _ask(client, desk: dict, **body: object):  # type: ignore[no-untyped-def]
    payload = {"team_id": desk["network"], "question": QUESTION} | body
    return client.post(_url(desk["order"]), json=payload, headers=desk["handler"])


def _mails_to(db: Session, address: str) -> list[dict]:
    db.expire_all()
    jobs = db.scalars(select(Job).where(Job.kind == "notify.email").order_by(Job.id))
    return [json.loads(job.payload) for job in jobs if address in job.payload]


def _audited(db: Session, order: dict) -> list[str]:
    query = select(AuditLog.action).where(
        AuditLog.entity_id == str(order["id"]), AuditLog.action.like("order.assist.%")
    )
    return list(db.scalars(query.order_by(AuditLog.seq)))


def test_the_holder_asks_the_network_centre_which_answers_and_the_holder_is_told(
    client, db: Session, desk
) -> None:
    order = desk["order"]
    headers = desk["handler"] | {"Idempotency-Key": "as-1"}
    body = {"team_id": desk["network"], "question": QUESTION, "due_hours": 4}
    asked = client.post(_url(order), json=body, headers=headers)
    assert asked.status_code == 201, asked.text
    made = asked.json()
    assert (made["status"], made["team"], made["team_en"]) == (
        "open",
        "网络优化中心",
        "Network optimisation",
    )
    assert (made["question"], made["asked_by"], made["overdue"]) == (
        QUESTION,
        desk["handler_name"],
        False,
    )
    wanted = datetime.fromisoformat(made["due_at"]) - datetime.fromisoformat(made["asked_at"])
    assert wanted == timedelta(hours=4)
    # a double click asks once; another ask under the same key is refused
    again = client.post(_url(order), json=body, headers=headers)
    assert again.status_code == 201 and again.json() == made
    other = client.post(_url(order), json=body | {"due_hours": 8}, headers=headers)
    assert other.status_code == 422
    # the centre's lead is told, with the question and the time in the center's zone
    (mail,) = _mails_to(db, "noc-lead@kefu.example.cn")
    assert "协办" in mail["subject"] and order["number"] in mail["body"]
    assert QUESTION in mail["body"]
    due = datetime.fromisoformat(made["due_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"请于 {due:%Y-%m-%d %H:%M} 前答复 / Answer by {due:%Y-%m-%d %H:%M}" in mail["body"]

    # the order stays with its holder, and its timeline says what was asked of whom
    page = client.get(f"/api/v1/work-orders/{order['id']}", headers=desk["handler"]).json()
    assert (page["status"], page["version"]) == (order["status"], order["version"])
    step = page["events"][-1]
    assert (step["kind"], step["reason"], step["details"]["step"]) == ("assist", QUESTION, "ask")
    assert step["details"]["team"] == "网络优化中心"

    # the centre's people find it in their queue, with its order
    (waiting,) = client.get("/api/v1/assists", headers=desk["member"]).json()["items"]
    assert (waiting["id"], waiting["order_number"], waiting["order_subject"]) == (
        made["id"],
        order["number"],
        "家中室内无信号",
    )
    assert (waiting["asked_by"], waiting["team"]) == (desk["handler_name"], "网络优化中心")
    assert client.get("/api/v1/assists", headers=desk["handler"]).json()["items"] == []

    said = "已核查：GZ-1024 基站传输中断，已派维护，预计今晚 20:00 前恢复"
    answered = client.post(
        _url(order, made["id"], "answer"), json={"answer": said}, headers=desk["member"]
    )
    assert answered.status_code == 200, answered.text
    done = answered.json()
    assert (done["status"], done["answer"], done["ended_by"]) == (
        "answered",
        said,
        desk["member_name"],
    )
    twice = client.post(
        _url(order, made["id"], "answer"), json={"answer": said}, headers=desk["lead"]
    )
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "assist_already_ended"
    (told,) = _mails_to(db, "handler@kefu.example.cn")[-1:]
    assert "协办已答复" in told["subject"] and said in told["body"]
    assert client.get("/api/v1/assists", headers=desk["member"]).json()["items"] == []

    listed = client.get(_url(order), headers=desk["agent"]).json()
    assert [(a["status"], a["answer"]) for a in listed["items"]] == [("answered", said)]
    assert [t["name"] for t in listed["teams"]] == ["网络优化中心"]  # not its own, not 深圳's
    assert _audited(db, order) == ["order.assist.ask", "order.assist.answer"]


FRIDAY_AT_FOUR = datetime(2026, 12, 11, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_team_that_keeps_hours_is_given_its_working_hours(client, db: Session, desk) -> None:
    """Billing works 09:00–18:00 on workdays: four hours asked on a Friday at four are
    two that day and two on Monday, wanted at eleven; the network centre keeps no hours
    and is wanted at eight that evening. The job that tells of an ask unanswered runs
    then."""
    billing = make_team(db, desk["org"].province, "计费核查中心")
    billing.work_start, billing.work_end = time(9, 0), time(18, 0)
    db.commit()
    with time_machine.travel(FRIDAY_AT_FOUR, tick=False):
        to_billing = _ask(client, desk, team_id=billing.id, due_hours=4)
        to_centre = _ask(client, desk, due_hours=4)
    assert to_billing.status_code == 201, to_billing.text
    local = ZoneInfo("Asia/Shanghai")

    def wanted(answer) -> datetime:  # type: ignore[no-untyped-def]
        return datetime.fromisoformat(answer.json()["due_at"]).astimezone(local)

    assert wanted(to_billing) == datetime(2026, 12, 14, 11, 0, tzinfo=local)
    assert wanted(to_centre) == datetime(2026, 12, 11, 20, 0, tzinfo=local)
    db.expire_all()
    runs = db.scalars(select(Job.run_at).where(Job.kind == OVERDUE).order_by(Job.run_at))
    assert [r.replace(tzinfo=UTC) for r in runs] == [wanted(to_centre), wanted(to_billing)]


def test_an_ask_the_rules_do_not_allow_is_refused_at_its_field(client, desk) -> None:
    refused = [
        (_ask(client, desk, team_id=desk["complaints"]), 422, "assist_own_team"),
        (_ask(client, desk, team_id=desk["elsewhere"]), 422, "assist_team_out_of_reach"),
        (_ask(client, desk, team_id=999_999), 422, "assist_team_unknown"),
    ]
    for answer, status, code in refused:
        assert answer.status_code == status, answer.text
        assert answer.json()["error"] == answer.json()["error"] | {"code": code, "field": "team_id"}
    for body in ({"question": "查"}, {"due_hours": 0}, {"due_hours": 169}):
        bad = _ask(client, desk, **body)
        assert bad.status_code == 422 and bad.json()["error"]["field"] == next(iter(body))
    assert _ask(client, desk).status_code == 201
    second = _ask(client, desk, question="再补充：客户家在 12 楼，电梯间有信号")
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "assist_already_open"
    assert "网络优化中心" in second.json()["error"]["message"]


def test_only_the_team_asked_answers_it_and_in_the_callers_language(client, desk) -> None:
    made = _ask(client, desk).json()
    url = _url(desk["order"], made["id"], "answer")
    body = {"answer": "我来答复一下这个问题"}
    for headers in (desk["handler"], desk["supervisor"]):
        refused = client.post(url, json=body, headers=headers | {"Accept-Language": "zh-CN"})
        assert refused.status_code == 403
        error = refused.json()["error"]
        assert error["code"] == "assist_not_your_team"
        assert error["message"] == "只有被请求协办的班组成员才能答复。"
    english = client.post(url, json=body, headers=desk["handler"] | {"Accept-Language": "en"})
    assert english.json()["error"]["message"] == "Only the people of the team asked can answer it."
    unknown = client.post(
        _url(desk["order"], made["id"] + 1000, "answer"), json=body, headers=desk["member"]
    )
    assert unknown.status_code == 404
    # the team asked answers it; it does not take the ask back
    dodged = client.post(
        _url(desk["order"], made["id"], "withdraw"),
        json={"reason": "不归我们管"},
        headers=desk["lead"],
    )
    assert dodged.status_code == 403
    assert dodged.json()["error"]["code"] == "assist_team_answers"


def test_an_ask_is_taken_back_by_hand_or_when_the_order_ends(client, db: Session, desk) -> None:
    order = desk["order"]
    made = _ask(client, desk).json()
    took = client.post(
        _url(order, made["id"], "withdraw"),
        json={"reason": "客户已自行恢复信号"},
        headers=desk["handler"],
    )
    assert took.status_code == 200 and took.json()["status"] == "withdrawn"
    late = client.post(
        _url(order, made["id"], "answer"), json={"answer": "已核查基站正常"}, headers=desk["member"]
    )
    assert late.status_code == 409
    # asked again, then the order is handed back and cancelled as invalid: the ask goes too
    again = _ask(client, desk).json()
    order = client.get(f"/api/v1/work-orders/{order['id']}", headers=desk["handler"]).json()
    order = order_step(client, desk["handler"], order, "return", {"reason": "非本班组业务范围"})
    order_step(client, desk["supervisor"], order, "cancel", {"reason": "重复来电，已合并处理"})
    listed = client.get(_url(order), headers=desk["handler"]).json()["items"]
    assert [(a["id"], a["status"]) for a in listed] == [
        (made["id"], "withdrawn"),
        (again["id"], "withdrawn"),
    ]
    assert client.get("/api/v1/assists", headers=desk["member"]).json()["items"] == []
    assert _audited(db, order) == ["order.assist.ask", "order.assist.withdraw"] * 2
    # a cancelled order asks nothing more
    finished = _ask(client, desk)
    assert finished.status_code == 409
    assert finished.json()["error"]["code"] == "assist_order_finished"


def test_an_answered_order_still_hears_its_team_until_it_closes(client, desk) -> None:
    """A reply may go out before the network is mended: the ask stays open through the
    return visit, and the closing takes it back."""
    made = _ask(client, desk).json()
    order = client.get(f"/api/v1/work-orders/{desk['order']['id']}", headers=desk["handler"])
    order = order.json()
    for action, body in (
        ("start", {}),
        ("reply", {"reply": "已安排网优中心核查基站，恢复后短信告知。"}),
        ("close", {"note": "已答复客户"}),
    ):
        order = order_step(client, desk["handler"], order, action, body)
    assert order["status"] == "return_visit"
    (waiting,) = client.get("/api/v1/assists", headers=desk["member"]).json()["items"]
    assert waiting["id"] == made["id"]
    visited = order_step(
        client, desk["agent"], order, "visit", {"outcome": "satisfied", "note": "客户满意"}
    )
    assert visited["status"] == "closed"
    assert client.get(_url(order), headers=desk["handler"]).json()["items"][0]["status"] == (
        "withdrawn"
    )


def test_an_order_sent_on_takes_back_what_it_asks_of_teams_that_no_longer_answer(
    client, db: Session, desk
) -> None:
    """Escalated to the province, a branch team can no longer see the order; dispatched to
    the network centre, the centre holds it: neither has an ask to answer any more."""
    upstairs = desk["order"]
    branch_team = make_team(db, desk["org"].city, "广州网络维护班")
    db.commit()
    to_branch = _ask(client, desk, team_id=branch_team.id).json()
    to_centre = _ask(client, desk).json()
    order = client.get(f"/api/v1/work-orders/{upstairs['id']}", headers=desk["handler"]).json()
    order = order_step(client, desk["handler"], order, "escalate", {"reason": "需省公司协调处理"})
    listed = client.get(_url(order), headers=desk["agent"]).json()["items"]  # who opened it
    assert [(a["id"], a["status"]) for a in listed] == [
        (to_branch["id"], "withdrawn"),
        (to_centre["id"], "open"),
    ]
    step = next(
        e for e in order["events"] if e["kind"] == "assist" and e["details"]["step"] == "withdraw"
    )
    assert step["details"]["order_moved"] is True and step["reason"] == "需省公司协调处理"
    province_supervisor = bearer(db, make_staff(db, desk["org"].province, Role.SUPERVISOR))
    body = {"team_id": desk["network"], "reason": "由网优中心直接处理"}
    order_step(client, province_supervisor, order, "dispatch", body)
    listed = client.get(_url(order), headers=province_supervisor).json()["items"]
    assert [a["status"] for a in listed] == ["withdrawn", "withdrawn"]


def test_an_ask_past_its_time_tells_the_team_and_the_asker_once(
    client, db: Session, desk, session_factory
) -> None:
    """At the time wanted the worker looks at the ask: still open, the centre's lead and
    the holder who asked are mailed; answered by then, nobody is."""
    late = _ask(client, desk, due_hours=2).json()
    answered_in_time = _ask(client, desk, team_id=_other_centre(db, desk)).json()
    said = {"answer": "已核查：基站正常，建议客户重启终端后观察"}
    url = _url(desk["order"], answered_in_time["id"], "answer")
    assert client.post(url, json=said, headers=desk["billing"]).status_code == 200
    db.expire_all()
    jobs = list(db.scalars(select(Job).where(Job.kind == OVERDUE).order_by(Job.id)))
    wanted = [datetime.fromisoformat(a["due_at"]) for a in (late, answered_in_time)]
    assert [job.run_at.replace(tzinfo=UTC) for job in jobs] == wanted
    for job in jobs:
        job.run_at = datetime.now(UTC) - timedelta(minutes=1)  # the time has come
    db.commit()
    while outbox.run_due(session_factory).done:
        pass
    overdue = [
        mail
        for address in (
            "noc-lead@kefu.example.cn",
            "handler@kefu.example.cn",
            "billing@kefu.example.cn",
        )
        for mail in _mails_to(db, address)
        if "协办已超时" in mail["subject"]
    ]
    assert sorted(mail["to"] for mail in overdue) == [
        "handler@kefu.example.cn",
        "noc-lead@kefu.example.cn",
    ]
    assert all(QUESTION in mail["body"] and "网络优化中心" in mail["body"] for mail in overdue)


def _other_centre(db: Session, desk: dict) -> int:
    """The province's billing centre, with one of its people (mailed if it were late)."""
    centre = make_team(db, desk["org"].province, "计费核查中心")
    person = make_staff(
        db,
        desk["org"].province,
        Role.BACK_OFFICE,
        team_id=centre.id,
        email="billing@kefu.example.cn",
    )
    db.commit()
    desk["billing"] = bearer(db, person)
    return centre.id


def test_who_watches_the_queues_follows_every_ask_of_the_orders_in_their_scope(
    client, db: Session, desk
) -> None:
    """The branch's supervisor follows what the branch's orders wait for, from the
    branch's own teams and from the province's centre alike, and nothing of another
    branch's orders; the province's supervisor follows all of them; neither is a member,
    and an agent watches no team's asks."""
    org = desk["org"]
    branch_team = make_team(db, org.city, "广州网络维护班")
    db.commit()
    to_centre = _ask(client, desk, due_hours=48).json()
    to_branch = _ask(client, desk, team_id=branch_team.id, due_hours=4).json()
    elsewhere = complain(
        client, bearer(db, make_staff(db, org.other_city, Role.AGENT)), desk["category"]
    )
    other_branch = bearer(db, make_staff(db, org.other_city, Role.SUPERVISOR))
    dispatched = {"team_id": desk["elsewhere"]}
    elsewhere = order_step(client, other_branch, elsewhere, "dispatch", dispatched)
    from_elsewhere = client.post(
        f"/api/v1/work-orders/{elsewhere['id']}/assists",
        json={"team_id": desk["network"], "question": QUESTION, "due_hours": 72},
        headers=other_branch,
    )
    assert from_elsewhere.status_code == 201, from_elsewhere.text
    province = bearer(db, make_staff(db, org.province, Role.SUPERVISOR))

    def followed(headers: dict) -> list[tuple[int, str, str]]:
        found = client.get("/api/v1/assists", params={"in_scope": "true"}, headers=headers)
        assert found.status_code == 200, found.text
        return [(a["id"], a["team"], a["order_number"]) for a in found.json()["items"]]

    ours = desk["order"]["number"]
    # the soonest due first, each with its team and order
    assert followed(desk["supervisor"]) == [
        (to_branch["id"], "广州网络维护班", ours),
        (to_centre["id"], "网络优化中心", ours),
    ]
    assert followed(other_branch) == [
        (from_elsewhere.json()["id"], "网络优化中心", elsewhere["number"])
    ]
    assert followed(province) == [
        *followed(desk["supervisor"]),
        (from_elsewhere.json()["id"], "网络优化中心", elsewhere["number"]),
    ]
    assert client.get("/api/v1/assists", headers=province).json()["items"] == []  # no team
    refused = client.get("/api/v1/assists", params={"in_scope": "true"}, headers=desk["agent"])
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "missing_right"
