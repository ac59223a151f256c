"""The ACD on both databases: priority by tier with aging, the longest-idle skilled agent
with the level breaking ties, a big customer's own manager first and then overflow,
offers that ring out, callers who give up, and the agent's whole cycle over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_org, make_staff
from kefu.contact.defaults import ensure_default_wrap_up_codes
from kefu.contact.enums import ContactChannel, InteractionStatus
from kefu.contact.models import Interaction, InteractionOrder
from kefu.contact.service import open_interaction
from kefu.core.rbac import Role
from kefu.customers.enums import Tier
from kefu.org.models import Skill, StaffSkill
from kefu.routing import acd
from kefu.routing.defaults import ensure_default_break_reasons, ensure_default_queues
from kefu.routing.enums import AgentState
from kefu.routing.models import Agent, AgentEvent, Queue, QueueSkill, WaitingCall
from kefu.workorders.models import Category
from kefu.workorders.taxonomy import ensure_default_categories

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Guangzhou


@pytest.fixture
def center(db: Session) -> dict:
    ensure_default_categories(db)
    ensure_default_queues(db)
    ensure_default_break_reasons(db)
    ensure_default_wrap_up_codes(db)
    org = make_org(db)
    db.flush()
    return {"org": org}


def _call(db: Session, customer_id: int | None = None, address: str = "") -> Interaction:
    return open_interaction(
        db,
        channel=ContactChannel.IVR,
        status=InteractionStatus.IVR,
        address=address,
        customer_id=customer_id,
    )


def _agent(db: Session, center: dict, *, at: datetime, role: Role = Role.AGENT, **skills: int):
    staff = make_staff(db, center["org"].city, role)
    for code, level in skills.items():
        skill = db.scalar(select(Skill).where(Skill.code == code)) or Skill(code=code, name=code)
        db.add(skill)
        db.flush()
        db.add(StaffSkill(staff_id=staff.id, skill_id=skill.id, level=level))
    db.flush()
    acd.set_state(db, staff_id=staff.id, state=AgentState.READY, now=at)
    return staff


def _state(db: Session, staff_id: int) -> Agent:
    agent = db.get(Agent, staff_id)
    db.refresh(agent)
    return agent


def test_higher_tiers_go_first_but_a_long_wait_is_never_passed(db, center) -> None:
    normal = _call(db)
    acd.enqueue(db, interaction=normal, queue_code="general", priority=0, now=T0)
    supreme_soon = _call(db)
    acd.enqueue(
        db,
        interaction=supreme_soon,
        queue_code="general",
        priority=4,
        now=T0 + timedelta(seconds=60),
    )
    supreme_late = _call(db)
    late = T0 + timedelta(seconds=4 * 30 + 61)  # beyond the top tier's head start
    acd.enqueue(db, interaction=supreme_late, queue_code="general", priority=4, now=late)

    first = _agent(db, center, at=late + timedelta(seconds=1))
    second = _agent(db, center, at=late + timedelta(seconds=2))
    third = _agent(db, center, at=late + timedelta(seconds=3))
    assert _state(db, first.id).interaction_id == supreme_soon.id  # 60 s later, 120 s ahead
    assert _state(db, second.id).interaction_id == normal.id  # waited longer than any head start
    assert _state(db, third.id).interaction_id == supreme_late.id


def test_the_longest_idle_skilled_agent_gets_the_call_and_level_breaks_ties(db, center) -> None:
    english = db.scalar(select(Queue).where(Queue.code == "english"))
    skill = Skill(code="english", name="英语")
    db.add(skill)
    db.flush()
    db.add(QueueSkill(queue_id=english.id, skill_id=skill.id, min_level=2))
    unskilled = _agent(db, center, at=T0)  # idle longest, but no English
    basic = _agent(db, center, at=T0 + timedelta(seconds=5), english=2)
    expert = _agent(db, center, at=T0 + timedelta(seconds=5), english=5)
    later = _agent(db, center, at=T0 + timedelta(seconds=9), english=5)

    call = _call(db)
    offer = acd.enqueue(
        db, interaction=call, queue_code="english", priority=0, now=T0 + timedelta(seconds=20)
    )
    assert offer is not None and offer.staff_id == expert.id  # same idle time, higher level
    second = _call(db)
    offer = acd.enqueue(
        db, interaction=second, queue_code="english", priority=0, now=T0 + timedelta(seconds=21)
    )
    assert offer is not None and offer.staff_id == basic.id
    assert _state(db, unskilled.id).state == "ready" and _state(db, later.id).state == "ready"


def test_a_big_customer_waits_for_their_manager_then_overflows(db, center) -> None:
    manager = _agent(db, center, at=T0, role=Role.ACCOUNT_MANAGER)
    customer = make_customer(
        db, center["org"].city, "+8613900139000", tier=Tier.DIAMOND, account_manager_id=manager.id
    )
    # the manager is busy with another call
    acd.enqueue(db, interaction=_call(db), queue_code="general", priority=0, now=T0)
    acd.answer(db, staff_id=manager.id, now=T0)
    other = _agent(db, center, at=T0)

    call = _call(db, customer.id)
    offer = acd.enqueue(
        db, interaction=call, queue_code="vip", priority=5, now=T0 + timedelta(seconds=1)
    )
    assert offer is None  # held for the manager although another agent is free
    held = db.get(WaitingCall, call.id)
    assert held.dedicated_agent_id == manager.id

    acd.tick(db, now=T0 + timedelta(seconds=10))
    assert _state(db, other.id).state == "ready"  # still inside the 15 s window
    acd.tick(db, now=T0 + timedelta(seconds=17))
    assert _state(db, other.id).interaction_id == call.id  # overflowed


def test_a_ready_manager_gets_their_customer_before_a_longer_idle_agent(db, center) -> None:
    longest = _agent(db, center, at=T0)
    manager = _agent(db, center, at=T0 + timedelta(seconds=30), role=Role.ACCOUNT_MANAGER)
    customer = make_customer(
        db, center["org"].city, "+8613900139001", tier=Tier.SUPREME, account_manager_id=manager.id
    )
    offer = acd.enqueue(
        db,
        interaction=_call(db, customer.id),
        queue_code="vip",
        priority=6,
        now=T0 + timedelta(seconds=40),
    )
    assert offer is not None and offer.staff_id == manager.id
    assert _state(db, longest.id).state == "ready"


def test_an_offer_that_rings_out_goes_to_the_next_agent(db, center) -> None:
    first = _agent(db, center, at=T0)
    second = _agent(db, center, at=T0 + timedelta(seconds=1))
    call = _call(db)
    acd.enqueue(
        db,
        interaction=call,
        queue_code="general",
        priority=0,
        now=T0 + timedelta(seconds=5),
        ring_seconds=20,
    )
    assert _state(db, first.id).state == "ringing"
    result = acd.tick(db, now=T0 + timedelta(seconds=26), ring_seconds=20)
    assert result.rang_out == 1
    missed = _state(db, first.id)
    assert missed.state == "break" and missed.reason == "missed"
    assert _state(db, second.id).interaction_id == call.id
    db.refresh(call)
    assert call.status == "ringing" and call.agent_id == second.id


def test_a_caller_who_gives_up_leaves_the_queue(db, center) -> None:
    call = _call(db)
    acd.enqueue(db, interaction=call, queue_code="general", priority=0, now=T0)
    acd.call_ended(db, interaction=call, now=T0 + timedelta(seconds=30))
    assert db.get(WaitingCall, call.id) is None
    db.refresh(call)
    assert call.status == "ended" and call.end_reason == "abandoned"
    agent = _agent(db, center, at=T0 + timedelta(seconds=31))
    assert _state(db, agent.id).state == "ready"  # nothing left to offer


def test_states_follow_the_table_and_every_change_is_kept(db, center) -> None:
    agent = _agent(db, center, at=T0)
    with pytest.raises(Exception, match="unknown_break_reason"):
        acd.set_state(db, staff_id=agent.id, state=AgentState.BREAK, reason="nap")
    acd.set_state(
        db, staff_id=agent.id, state=AgentState.BREAK, reason="lunch", now=T0 + timedelta(minutes=1)
    )
    call = _call(db)
    acd.enqueue(
        db, interaction=call, queue_code="general", priority=0, now=T0 + timedelta(minutes=2)
    )
    assert _state(db, agent.id).state == "break"  # not offered on a break
    acd.set_state(db, staff_id=agent.id, state=AgentState.READY, now=T0 + timedelta(minutes=3))
    assert _state(db, agent.id).state == "ringing"
    with pytest.raises(Exception, match="agent_on_call"):
        acd.set_state(db, staff_id=agent.id, state=AgentState.OFFLINE)
    events = db.scalars(
        select(AgentEvent).where(AgentEvent.staff_id == agent.id).order_by(AgentEvent.id)
    )
    assert [(e.from_state, e.to_state, e.reason) for e in events] == [
        ("offline", "ready", ""),
        ("ready", "break", "lunch"),
        ("break", "ready", ""),
        ("ready", "ringing", ""),
    ]


def test_an_agent_takes_a_call_from_ready_to_wrap_up_over_http(client, db, center) -> None:
    staff = make_staff(db, center["org"].city, Role.AGENT)
    headers = bearer(db, staff)
    other_city = make_customer(db, center["org"].other_city, "+8613700137000")
    ready = client.post("/api/v1/acd/me/state", json={"state": "ready"}, headers=headers)
    assert ready.status_code == 200 and ready.json()["state"] == "ready"
    call = _call(db, other_city.id, "+8613700137000")
    acd.enqueue(db, interaction=call, queue_code="general", priority=0)
    db.commit()

    me = client.get("/api/v1/acd/me", headers=headers).json()
    assert me["state"] == "ringing" and me["call"]["caller"] == "137****7000"
    caller = client.get("/api/v1/acd/me/caller", headers=headers)
    assert caller.status_code == 200  # another branch's customer: the call grants the view
    assert caller.json()["profile"]["id"] == other_city.id
    assert (
        client.post("/api/v1/acd/me/state", json={"state": "offline"}, headers=headers).status_code
        == 409
    )
    assert client.post("/api/v1/acd/me/answer", headers=headers).json()["state"] == "talking"
    category = db.scalar(select(Category).where(Category.code == "billing.dispute.unknown"))
    outlook = {"type": "complaint", "category_id": category.id}
    before = client.post("/api/v1/acd/me/intake-check", json=outlook, headers=headers)
    assert before.status_code == 200, before.text
    assert before.json()["repeat"] is False and before.json()["resolve_due_at"]
    order = client.post(
        "/api/v1/acd/me/orders",
        json={"type": "complaint", "category_id": category.id, "subject": "不明扣费"},
        headers={**headers, "Idempotency-Key": "call-order-1"},
    )
    assert order.status_code == 201, order.text  # the caller is another branch's customer
    body = order.json()
    assert body["customer_id"] == other_city.id and body["channel"] == "phone"
    linked = db.scalar(select(InteractionOrder).where(InteractionOrder.interaction_id == call.id))
    assert linked.order_id == body["id"]
    # The same problem again on this call: the caller's number repeats the order just made,
    # which the agent sees (they made it) though it belongs to the customer's branch.
    again = client.post("/api/v1/acd/me/intake-check", json=outlook, headers=headers).json()
    assert again["repeat"] is True and [e["number"] for e in again["earlier"]] == [body["number"]]
    assert client.post("/api/v1/acd/me/hang-up", headers=headers).json()["state"] == "wrap_up"
    blocked = client.post("/api/v1/acd/me/state", json={"state": "ready"}, headers=headers)
    assert blocked.status_code == 409 and blocked.json()["error"]["code"] == "wrap_up_pending"
    done = client.post(
        "/api/v1/acd/me/wrap-up",
        json={"code": "inquiry.bill", "note": "解释了账单", "then": "break", "reason": "rest"},
        headers=headers,
    )
    assert done.status_code == 200 and done.json()["state"] == "break"
    db.refresh(call)
    assert call.status == "ended" and call.end_reason == "completed"
    assert call.wrap_up_code == "inquiry.bill" and call.wrapped_up_at is not None
    assert client.get("/api/v1/acd/me/caller", headers=headers).status_code == 404
    no_call = client.post("/api/v1/acd/me/intake-check", json=outlook, headers=headers)
    assert no_call.status_code == 404 and no_call.json()["error"]["code"] == "agent_has_no_call"


def test_the_agent_stream_sends_the_current_state(client, db, center) -> None:
    staff = make_staff(db, center["org"].city, Role.AGENT)
    headers = bearer(db, staff)
    client.post("/api/v1/acd/me/state", json={"state": "ready"}, headers=headers)
    with client.stream("GET", "/api/v1/acd/me/stream?events=1", headers=headers) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        body = response.read().decode()
    assert body.startswith("event: agent\n") and '"state": "ready"' in body


def test_only_agents_take_calls_and_only_monitors_watch(client, db, center) -> None:
    qa = bearer(db, make_staff(db, center["org"].city, Role.QA))
    auditor = bearer(db, make_staff(db, center["org"].city, Role.AUDITOR))
    assert (
        client.post("/api/v1/acd/me/state", json={"state": "ready"}, headers=qa).status_code == 403
    )
    assert client.get("/api/v1/acd/queues", headers=auditor).status_code == 403
    assert client.get("/api/v1/acd/queues", headers=qa).status_code == 200
    bad = client.post(
        "/api/v1/acd/me/state",
        json={"state": "talking"},
        headers=bearer(db, make_staff(db, center["org"].city)),
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "agent_state_not_settable"


def test_a_caller_of_another_branch_chases_their_order_through_the_call(client, db, center) -> None:
    """The caller pop offers a chase on each of the caller's open orders: the call grants
    it, as it grants the caller's 360, even for another branch's customer and an order
    the agent cannot open."""
    org = center["org"]
    staff = make_staff(db, org.city, Role.AGENT)
    headers = bearer(db, staff)
    caller = make_customer(db, org.other_city, "+8613700137000")
    someone_else = make_customer(db, org.other_city, "+8613600136000")
    category = db.scalar(select(Category).where(Category.code == "billing.dispute.unknown"))
    theirs = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    body = {"type": "complaint", "category_id": category.id, "subject": "不明扣费"}
    orders = "/api/v1/work-orders"
    mine = client.post(orders, json=body | {"customer_id": caller.id}, headers=theirs)
    other = client.post(orders, json=body | {"customer_id": someone_else.id}, headers=theirs)
    assert mine.status_code == other.status_code == 201
    client.post("/api/v1/acd/me/state", json={"state": "ready"}, headers=headers)
    call = _call(db, caller.id, "+8613700137000")
    acd.enqueue(db, interaction=call, queue_code="general", priority=0)
    db.commit()
    pop = client.get("/api/v1/acd/me/caller", headers=headers).json()  # while it rings
    (item,) = pop["open_work_items"]
    assert (item["number"], item["urgeable"], item["in_reach"]) == (
        mine.json()["number"],
        True,
        False,
    )
    # Outside the call, the order is beyond this agent: another branch's customer.
    direct = client.post(f"/api/v1/work-orders/{item['id']}/urge", json={}, headers=headers)
    assert direct.status_code == 403

    url = f"/api/v1/acd/me/orders/{item['id']}/urge"
    said = {"note": "客户来电催问扣费核查结果"}
    chased = client.post(url, json=said, headers=headers | {"Idempotency-Key": "pop-1"})
    assert chased.status_code == 201, chased.text
    assert (chased.json()["urge_count"], chased.json()["held_by"]) == (1, "深圳")
    again = client.post(url, json=said, headers=headers | {"Idempotency-Key": "pop-1"})
    assert again.json() == chased.json()  # a double click is one chase
    not_theirs = client.post(
        f"/api/v1/acd/me/orders/{other.json()['id']}/urge",
        json={},
        headers=headers | {"Accept-Language": "en"},
    )
    assert not_theirs.status_code == 403
    assert not_theirs.json()["error"]["message"] == "This order is not the caller's."
    # the caller's number is theirs too (as the repeat rule reads it), and what the agent
    # may reach anyway stays in reach
    by_number = client.post(
        orders, json=body | {"contact_phone": "137 0013 7000"}, headers=theirs
    ).json()
    neighbour = make_customer(db, org.city, "+8613500135000")
    db.commit()
    made_here = client.post(orders, json=body | {"customer_id": neighbour.id}, headers=headers)
    assert made_here.status_code == 201, made_here.text
    made_here = made_here.json()
    for order in (by_number, made_here):
        through = client.post(f"/api/v1/acd/me/orders/{order['id']}/urge", json={}, headers=headers)
        assert through.status_code == 201, through.text
    client.post("/api/v1/acd/me/answer", headers=headers)
    client.post("/api/v1/acd/me/hang-up", headers=headers)
    client.post("/api/v1/acd/me/wrap-up", json={"code": "inquiry.bill"}, headers=headers)
    no_call = client.post(url, json={}, headers=headers)
    assert no_call.status_code == 404 and no_call.json()["error"]["code"] == "agent_has_no_call"
