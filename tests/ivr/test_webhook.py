"""The telephony webhook drives real calls through the shipped flow, on both databases:
self-service, tier fast path, retries, idempotent inputs, hang-ups, opening a service
with the texted code; flows are published and rolled back under If-Match."""

from __future__ import annotations

import re

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, ensure_hotline, make_customer, make_org, make_ready_agent, make_staff
from kefu.contact.models import Interaction
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.customers.enums import SubscriptionStatus, Tier
from kefu.customers.models import Subscription
from kefu.ivr.flows import default_source
from kefu.ivr.models import IvrSession, IvrVisit
from kefu.routing.models import Agent
from kefu.workorders.models import Consent, WorkOrder

DAYTIME = "2026-11-23T10:00:00+08:00"  # a Monday morning: agents are on


@pytest.fixture
def center(db: Session) -> dict:
    ensure_hotline(db)
    org = make_org(db)
    pbx = bearer(db, make_staff(db, org.province, Role.INTEGRATION))
    supervisor = bearer(db, make_staff(db, org.province, Role.SUPERVISOR))
    normal = make_customer(db, org.city, "+8613800138000")
    vip = make_customer(db, org.city, "+8613900139000", tier=Tier.SUPREME)
    agent = make_ready_agent(db, org.city)  # the expected wait is short: no call-back offer
    db.commit()
    return {"pbx": pbx, "supervisor": supervisor, "normal": normal, "vip": vip, "agent": agent}


def start(client, center: dict, call_id: str, caller: str) -> dict:
    response = client.post(
        "/api/v1/ivr/calls",
        json={"call_id": call_id, "caller": caller, "dialled": "10086"},
        headers=center["pbx"],
    )
    assert response.status_code == 200, response.text
    return response.json()


def press(client, center: dict, answer: dict, digits: str | None) -> dict:
    response = client.post(
        f"/api/v1/ivr/calls/{answer['call_id']}/input",
        json={"step": answer["step"], "digits": digits},
        headers=center["pbx"],
    )
    assert response.status_code == 200, response.text
    return response.json()


@time_machine.travel(DAYTIME, tick=False)
def test_a_caller_hears_the_balance_and_the_call_counts_as_contained(client, center, db) -> None:
    menu = start(client, center, "c-1", "138-0013-8000")
    assert menu["action"] == "collect" and menu["node"] == "main_menu"
    assert menu["prompts"][0]["text"].startswith("您好，欢迎致电")
    heard = press(client, center, menu, "1")
    assert "52.30元" in heard["prompts"][0]["text"]
    assert heard["node"] == "after_self_service"
    bye = press(client, center, heard, "#")
    assert bye["action"] == "hangup" and bye["outcome"] == "self_service"
    ended = client.post("/api/v1/ivr/calls/c-1/end", headers=center["pbx"]).json()
    assert ended["outcome"] == "self_service" and ended["interaction_status"] == "ended"

    contact = db.get(Interaction, ended["interaction_id"])
    assert contact.channel == "ivr" and contact.end_reason == "self_service"
    assert contact.customer_id == center["normal"].id
    figures = client.get("/api/v1/ivr/figures", headers=center["supervisor"]).json()
    assert figures["calls"] == 1 and figures["containment"] == 1.0
    # the 360 page shows the call
    view = client.get(
        "/api/v1/customers/lookup", params={"phone": "13800138000"}, headers=center["supervisor"]
    ).json()
    assert [i["channel"] for i in view["recent_interactions"]] == ["ivr"]
    # with what the caller did there, for whoever serves them next
    assert view["recent_interactions"][0]["ivr"] == {
        "served": ["balance"],
        "outcome": "self_service",
        "transfer_reason": "",
    }


@time_machine.travel(DAYTIME, tick=False)
def test_the_agent_sees_what_the_caller_did_in_the_ivr(client, center, db) -> None:
    """A caller heard the balance, then asked for an agent: the 360 the agent opens (and
    the agent panel's, from the same view) says so, in the reader's language."""
    menu = start(client, center, "c-9", "13800138000")
    heard = press(client, center, menu, "1")
    through = press(client, center, heard, "0")
    assert through["action"] == "transfer" and through["queue"] == "general"
    supervisor = center["supervisor"]
    view = client.get(
        "/api/v1/customers/lookup", params={"phone": "13800138000"}, headers=supervisor
    ).json()
    call = view["recent_interactions"][0]
    assert call["channel"] == "voice"
    assert call["ivr"] == {
        "served": ["balance"],
        "outcome": "transferred",
        "transfer_reason": "agent_requested",
    }
    page = client.get(f"/customers/{center['normal'].id}", headers=supervisor).text
    assert "查询余额 → 转人工 (要求人工)" in page
    client.cookies.set("kefu_lang", "en")  # the language switch's cookie
    english = client.get(f"/customers/{center['normal'].id}", headers=supervisor).text
    client.cookies.delete("kefu_lang")
    assert "Heard the balance → put through (asked for an agent)" in english
    # A caller who left the menu having done nothing is told apart from one served.
    menu = start(client, center, "c-10", "13800138000")
    client.post("/api/v1/ivr/calls/c-10/end", headers=center["pbx"])
    page = client.get(f"/customers/{center['normal'].id}", headers=supervisor).text
    assert "未办理即挂机" in page
    # The IVR page counts the week: calls, how they left and why they were put through.
    week = client.get("/ivr", headers=supervisor).text.split('id="ivr-week"', 1)[1]
    assert "进入语音导航的来电" in week and ">2<" in week
    reasons = week.split('id="ivr-reasons"', 1)[1].split("</table>", 1)[0]
    assert "要求人工" in reasons and "综合服务" in reasons
    outcomes = week.split('id="ivr-outcomes"', 1)[1].split("</table>", 1)[0]
    assert "转人工" in outcomes and "中途挂机" in outcomes


@time_machine.travel(DAYTIME, tick=False)
def test_a_supreme_customer_gets_the_fast_path_and_waits_with_priority(client, center, db) -> None:
    vip_menu = start(client, center, "c-2", "+86 139 0013 9000")
    assert vip_menu["node"] == "vip_menu"
    assert vip_menu["prompts"][0]["text"].startswith("尊敬的至尊卡客户")
    transfer = press(client, center, vip_menu, "0")
    assert transfer["action"] == "transfer" and transfer["queue"] == "vip"
    contact = db.scalar(select(Interaction).where(Interaction.channel_ref == "call:c-2"))
    assert contact.channel == "voice" and contact.status == "ringing"  # offered at once
    assert contact.agent_id == center["agent"].id
    assert contact.priority == 4 + 2  # supreme tier plus the flow's fast-path step
    route = client.get("/api/v1/ivr/calls/c-2/route", headers=center["pbx"]).json()
    assert route["status"] == "ringing" and route["agent_id"] == center["agent"].id
    ended = client.post("/api/v1/ivr/calls/c-2/end", headers=center["pbx"]).json()
    assert ended["outcome"] == "transferred" and ended["interaction_status"] == "ended"
    db.refresh(contact)
    assert contact.end_reason == "abandoned"  # hung up while ringing, before an answer
    agent = db.get(Agent, center["agent"].id)
    db.refresh(agent)
    assert agent.state == "ready" and agent.interaction_id is None  # free for the next call


@time_machine.travel(DAYTIME, tick=False)
def test_wrong_keys_retry_then_fall_back_to_an_agent(client, center) -> None:
    menu = start(client, center, "c-3", "13800138000")
    again = press(client, center, menu, "7")
    assert again["node"] == "main_menu"
    assert again["prompts"][0]["text"] == "您的输入有误。"
    again = press(client, center, again, None)  # silence
    transfer = press(client, center, again, "8")
    assert transfer["action"] == "transfer" and transfer["queue"] == "general"


@time_machine.travel(DAYTIME, tick=False)
def test_a_retried_input_gets_the_same_answer_and_a_stale_one_is_refused(client, center) -> None:
    menu = start(client, center, "c-4", "13800138000")
    assert start(client, center, "c-4", "13800138000") == menu  # a repeated start
    first = press(client, center, menu, "2")
    assert press(client, center, menu, "2") == first  # the PBX retried the same input
    stale = client.post(
        "/api/v1/ivr/calls/c-4/input", json={"step": 1, "digits": "3"}, headers=center["pbx"]
    )
    # step 1 was answered and step 2 is the current question: step 1 again replays
    assert stale.json() == first
    wrong = client.post(
        "/api/v1/ivr/calls/c-4/input", json={"step": 9, "digits": "3"}, headers=center["pbx"]
    )
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "ivr_step_mismatch"


@time_machine.travel(DAYTIME, tick=False)
def test_hanging_up_mid_menu_is_abandonment_at_that_node(client, center, db) -> None:
    menu = start(client, center, "c-5", "13800138000")
    press(client, center, menu, "2")
    ended = client.post("/api/v1/ivr/calls/c-5/end", headers=center["pbx"]).json()
    assert ended["outcome"] == "abandoned"
    record = db.scalar(select(IvrSession).where(IvrSession.call_id == "c-5"))
    # in the order they were entered: PostgreSQL hands back an unordered query's rows in
    # whatever order its heap holds them (a visit updated when left may come last)
    visits = db.scalars(
        select(IvrVisit).where(IvrVisit.session_id == record.id).order_by(IvrVisit.id)
    ).all()
    # no notice of planned work for this caller: straight on to the tier check
    assert [v.node for v in visits][:3] == ["greet", "notice_check", "by_value"]
    assert visits[-1].node == "package_menu" and visits[-1].result == "hangup"
    figures = client.get("/api/v1/ivr/figures", headers=center["supervisor"]).json()
    assert figures["abandonment_by_node"][0] == {
        "node": "package_menu",
        "reached": 1,
        "abandoned": 1,
        "rate": 1.0,
    }
    # The IVR page says what callers heard where they hung up, in the page's language.
    page = client.get("/ivr", headers=center["supervisor"]).text
    hung_up = page.split('id="ivr-abandonment"', 1)[1].split("</table>", 1)[0]
    assert "package_menu" in hung_up and "查询当前套餐请按1，开通国际漫游请按2" in hung_up
    client.cookies.set("kefu_lang", "en")
    page = client.get("/ivr", headers=center["supervisor"]).text
    client.cookies.delete("kefu_lang")
    assert 'title="For your current package press 1, to open' in page
    late = client.post(
        "/api/v1/ivr/calls/c-5/input", json={"step": 3, "digits": "1"}, headers=center["pbx"]
    )
    assert late.status_code == 409
    # Instants beyond any center's calls, or without a zone, are refused at their field; a
    # day before 0001-01-01 was a 500.
    for params, field, code in (
        ({"until": "0001-01-01T00:00:00Z"}, "until", "invalid_period"),
        ({"since": "2150-01-01T00:00:00Z"}, "since", "invalid_period"),
        ({"until": "2026-12-01T00:00:00"}, "until", "timezone_required"),
    ):
        refused = client.get("/api/v1/ivr/figures", params=params, headers=center["supervisor"])
        assert refused.status_code == 422, refused.text
        assert (refused.json()["error"]["field"], refused.json()["error"]["code"]) == (field, code)


def _texted_code(db: Session) -> str:
    texts = [j.payload for j in db.scalars(select(Job).where(Job.kind == "notify.sms"))]
    match = re.search(r"验证码 (\d{6})", texts[-1])
    assert match
    return match.group(1)


@time_machine.travel(DAYTIME, tick=False)
def test_opening_roaming_needs_the_texted_code(client, center, db) -> None:
    menu = start(client, center, "c-6", "13800138000")
    package_menu = press(client, center, menu, "2")
    ask_code = press(client, center, package_menu, "2")
    assert ask_code["node"] == "roaming_code" and ask_code["max_digits"] == 6
    code = _texted_code(db)
    wrong = "000000" if code != "000000" else "111111"
    again = press(client, center, ask_code, wrong)
    assert again["node"] == "roaming_code" and again["prompts"][0]["text"] == "验证码不正确。"
    assert db.scalars(select(WorkOrder)).all() == []  # nothing changed without the code
    done = press(client, center, again, code)
    assert done["node"] == "after_self_service"
    number = re.search(r"工单号(WO\d{8}-\d{6})", done["prompts"][0]["text"]).group(1)
    order = db.scalar(select(WorkOrder).where(WorkOrder.number == number))
    assert order.type == "service_request" and order.customer_id == center["normal"].id
    consent = db.scalar(select(Consent).where(Consent.order_id == order.id))
    assert consent.method == "sms_code" and consent.call_reference == "c-6"
    assert code not in (db.scalar(select(IvrSession.state)) or "")  # the code is not kept


@time_machine.travel(DAYTIME, tick=False)
def test_an_unknown_caller_asking_for_the_balance_reaches_an_agent(client, center) -> None:
    menu = start(client, center, "c-7", "anonymous")
    transfer = press(client, center, menu, "1")
    assert transfer["action"] == "transfer"
    assert transfer["prompts"][0]["text"].startswith("未查到您的号码信息")


def test_flows_are_checked_published_and_rolled_back(client, center) -> None:
    headers = center["supervisor"]
    broken = (
        default_source()
        .replace("next: by_value", "next: by_valu")
        .replace("else: by_value", "else: by_valu")
    )
    refused = client.post(
        "/api/v1/ivr/flows/hotline/versions", json={"source": broken}, headers=headers
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "ivr_flow_invalid"
    assert {d["code"] for d in error["details"]} >= {"ivr_unknown_target", "ivr_unreachable"}
    assert any("by_valu" in d["message"] for d in error["details"])

    edited = default_source().replace("您好，欢迎致电客服热线。", "您好，这里是新版本。")
    draft = client.post(
        "/api/v1/ivr/flows/hotline/versions",
        json={"source": edited, "note": "new greeting"},
        headers=headers | {"Idempotency-Key": "v2"},
    )
    assert draft.status_code == 201 and draft.json()["number"] == 2
    flow = client.get("/api/v1/ivr/flows/hotline", headers=headers)
    url = "/api/v1/ivr/flows/hotline/versions/2/publish"
    assert client.post(url, headers=headers).status_code == 428
    stale = client.post(url, headers=headers | {"If-Match": '"999"'})
    assert stale.status_code == 409
    published = client.post(url, headers=headers | {"If-Match": flow.headers["ETag"]})
    assert published.status_code == 200 and published.json()["published_number"] == 2
    with time_machine.travel(DAYTIME, tick=False):
        assert (
            start(client, center, "c-8", "13800138000")["prompts"][0]["text"]
            == "您好，这里是新版本。"
        )
    back = client.post(
        "/api/v1/ivr/flows/hotline/rollback",
        headers=headers | {"If-Match": published.headers["ETag"]},
    )
    assert back.status_code == 200 and back.json()["published_number"] == 1
    statuses = {v["number"]: v["status"] for v in back.json()["versions"]}
    assert statuses == {1: "published", 2: "retired"}


def test_checking_yaml_gives_problems_or_the_graph(client, center) -> None:
    headers = center["supervisor"] | {"Accept-Language": "en"}
    ok = client.post("/api/v1/ivr/check", json={"source": default_source()}, headers=headers)
    assert ok.json()["ok"] and ok.json()["graph"]["start"] == "greet"
    bad = client.post("/api/v1/ivr/check", json={"source": "start: x\n"}, headers=headers).json()
    assert not bad["ok"] and bad["problems"][0]["message"].startswith("Line 1")


def test_only_the_pbx_account_may_drive_calls(client, center) -> None:
    refused = client.post(
        "/api/v1/ivr/calls", json={"call_id": "x-1", "caller": ""}, headers=center["supervisor"]
    )
    assert refused.status_code == 403


@time_machine.travel(DAYTIME, tick=False)
def test_a_cancelled_number_gets_no_former_customers_fast_path(client, center, db) -> None:
    """Bug: the IVR took tier and customer from a cancelled subscription, so a number
    given up by a 至尊 customer still reached the VIP menu."""
    vip = center["vip"]
    subscription = db.scalar(select(Subscription).where(Subscription.customer_id == vip.id))
    subscription.status = SubscriptionStatus.CANCELLED
    db.commit()
    menu = start(client, center, "c-9", "13900139000")
    assert menu["node"] == "main_menu"
    contact = db.scalar(select(Interaction).where(Interaction.channel_ref == "call:c-9"))
    assert contact.customer_id is None


@time_machine.travel(DAYTIME, tick=False)
def test_a_caller_told_of_planned_work_under_way_hears_it_first(client, center, db) -> None:
    from datetime import datetime, timedelta

    from kefu.notices.models import Notice, NoticeRecipient

    starts = datetime.fromisoformat(DAYTIME) + timedelta(hours=3)  # 13:00 today
    notice = Notice(
        kind="cutover",
        status="sent",
        title="核心网设备割接",
        title_en="Core network cut-over",
        body="届时移动数据中断约30分钟。",
        org_unit_id=center["normal"].org_unit_id,
        audience="both",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        created_by_id=center["agent"].id,
    )
    db.add(notice)
    db.flush()
    db.add(NoticeRecipient(notice_id=notice.id, customer_id=center["normal"].id))
    db.commit()
    told = start(client, center, "c-n1", "13800138000")
    said = [p["text"] for p in told["prompts"]]
    assert said[1] == (
        "您所在区域将于11月23日13:00至15:00进行核心网设备割接，"
        "期间部分业务可能受影响，给您带来不便，敬请谅解。"
    )
    assert told["node"] == "main_menu"  # then on as any caller
    other = start(client, center, "c-n2", "13900139000")  # not sent the notice
    assert not any("割接" in p["text"] for p in other["prompts"])
    center["normal"].language = "en"  # served in English: the English title
    db.merge(center["normal"])
    db.commit()
    in_english = start(client, center, "c-n3", "13800138000")
    assert in_english["prompts"][1]["text"].startswith(
        "Planned work in your area, 23 Nov 13:00 to 15:00: Core network cut-over."
    )
