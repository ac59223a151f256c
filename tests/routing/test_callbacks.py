"""Call-backs: a caller who accepts the IVR's offer is called back by the next free agent.
The booked call-back waits in the queue at the caller's priority, counts apart from
callers on hold, reaches an agent like a call, and its number is shown to that agent
only once they have taken it (audited)."""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, ensure_hotline, make_customer, make_org, make_staff
from kefu.contact import service as contacts
from kefu.contact.defaults import ensure_default_wrap_up_codes
from kefu.contact.enums import ContactChannel, InteractionStatus
from kefu.contact.models import Interaction
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.customers.enums import Tier
from kefu.errors import Unprocessable
from kefu.ivr.models import IvrVisit
from kefu.routing import callbacks
from kefu.routing.priority import call_priority

NIGHT = "2026-11-23T23:00:00+08:00"  # the hotline offers a call-back for the morning


@pytest.fixture
def center(db: Session) -> dict:
    ensure_hotline(db)
    ensure_default_wrap_up_codes(db)
    org = make_org(db)
    agent = make_staff(db, org.city, Role.AGENT)
    center = {
        "pbx": bearer(db, make_staff(db, org.province, Role.INTEGRATION)),
        "supervisor": bearer(db, make_staff(db, org.province, Role.SUPERVISOR)),
        "agent": bearer(db, agent),
        "agent_id": agent.id,
        "gold": make_customer(db, org.city, "+8613800138000", tier=Tier.GOLD),
    }
    db.commit()
    return center


def _call(client, center: dict, call_id: str, caller: str, *presses: str) -> dict:
    answer = client.post(
        "/api/v1/ivr/calls",
        json={"call_id": call_id, "caller": caller, "dialled": "10086"},
        headers=center["pbx"],
    ).json()
    for digits in presses:
        answer = client.post(
            f"/api/v1/ivr/calls/{call_id}/input",
            json={"step": answer["step"], "digits": digits},
            headers=center["pbx"],
        ).json()
    return answer


def _general(client, center: dict) -> dict:
    figures = client.get("/api/v1/acd/queues", headers=center["supervisor"]).json()
    return next(q for q in figures["queues"] if q["code"] == "general")


@time_machine.travel(NIGHT, tick=False)
def test_a_booked_call_back_reaches_the_next_agent_who_dials_the_caller(client, center, db) -> None:
    offer = _call(client, center, "n-1", "138 0013 8000", "0")
    assert offer["node"] == "night" and "预约明天回电请按1" in offer["prompts"][0]["text"]
    booked = _call_more(client, center, offer, "1")
    assert booked["action"] == "hangup" and booked["outcome"] == "callback"

    origin = db.scalar(select(Interaction).where(Interaction.channel_ref == "call:n-1"))
    back = db.scalar(select(Interaction).where(Interaction.channel_ref == f"callback:{origin.id}"))
    assert origin.end_reason == "callback" and origin.status == "ended"
    assert (back.direction, back.channel, back.status) == ("outbound", "voice", "queued")
    assert back.address == "+8613800138000" and back.customer_id == center["gold"].id
    assert back.in_reply_to_id == origin.id
    assert back.priority == call_priority("gold")
    general = _general(client, center)
    assert (general["callbacks_waiting"], general["waiting"], general["offered"]) == (1, 0, 0)

    # the morning's first agent gets it; the number is masked until they take it
    agent = center["agent"]
    me = client.post("/api/v1/acd/me/state", json={"state": "ready"}, headers=agent).json()
    assert me["state"] == "ringing" and me["call"]["direction"] == "outbound"
    assert me["call"]["caller"] == "138****8000"
    early = client.post("/api/v1/acd/me/dial", headers=agent)
    assert early.status_code == 409 and early.json()["error"]["code"] == "agent_has_no_callback"
    client.post("/api/v1/acd/me/answer", headers=agent)
    dial = client.post("/api/v1/acd/me/dial", headers=agent)
    assert dial.json() == {"interaction_id": back.id, "number": "+8613800138000"}
    shown = db.scalars(select(AuditLog).where(AuditLog.action == "callback.dial")).all()
    assert [(a.actor_id, a.entity_id) for a in shown] == [(center["agent_id"], str(back.id))]
    client.post("/api/v1/acd/me/hang-up", headers=agent)
    wrapped = client.post(
        "/api/v1/acd/me/wrap-up", json={"code": "callback.reached"}, headers=agent
    )
    assert wrapped.status_code == 200, wrapped.text
    general = _general(client, center)
    assert (general["callbacks_waiting"], general["callbacks_taken"]) == (0, 1)
    assert (general["offered"], general["answered"]) == (0, 0)  # no caller held on the line


def _call_more(client, center: dict, answer: dict, digits: str) -> dict:
    return client.post(
        f"/api/v1/ivr/calls/{answer['call_id']}/input",
        json={"step": answer["step"], "digits": digits},
        headers=center["pbx"],
    ).json()


@time_machine.travel(NIGHT, tick=False)
def test_a_withheld_number_is_not_offered_a_call_back(client, center, db) -> None:
    queued = _call(client, center, "n-2", "", "0")
    assert queued["action"] == "transfer" and queued["queue"] == "general"
    skipped = db.scalar(select(IvrVisit.result).where(IvrVisit.node == "night"))
    assert skipped == "no_number"
    assert _general(client, center)["callbacks_waiting"] == 0


def test_booking_twice_for_one_call_books_once_and_a_number_is_needed(center, db) -> None:
    def inbound(address: str) -> Interaction:
        return contacts.open_interaction(
            db,
            channel=ContactChannel.IVR,
            status=InteractionStatus.IVR,
            address=address,
            customer_id=center["gold"].id if address else None,
        )

    origin = inbound("+8613800138000")
    first = callbacks.request_callback(db, origin=origin, queue_code="general", priority=3)
    again = callbacks.request_callback(db, origin=origin, queue_code="general", priority=3)
    assert again.id == first.id
    with pytest.raises(Unprocessable) as refused:
        callbacks.request_callback(db, origin=inbound(""), queue_code="general", priority=0)
    assert refused.value.code == "callback_needs_number"
