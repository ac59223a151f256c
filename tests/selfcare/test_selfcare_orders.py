"""On the web a subscriber chases an open order of theirs (催办) and asks to move the
engineer's visit booked on one (改约申请): each recorded on the order's timeline as the
customer's, its holder told, audited; limited so it stays a signal, not noise."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    answer_and_close,
    book_visit,
    complain,
    self_sign_in,
)
from kefu.core.audit import AuditLog
from kefu.core.clock import local_today
from kefu.core.outbox import Job
from kefu.workorders.models import EngineerDayOff, FieldEngineer, OrderAppointment, WorkOrder

NUMBER = "13800138000"


def _staff_notes(db: Session) -> list[str]:
    jobs = db.scalars(select(Job).where(Job.kind == "notify.email").order_by(Job.id))
    return [job.payload for job in jobs if "duty@example.cn" in job.payload]


def test_a_subscriber_chases_their_open_order_once_a_day(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], NUMBER, subject="多扣费")
    headers = self_sign_in(client)
    page = client.get("/api/v1/self/overview").json()
    assert page["orders"][0]["can_chase"] is True
    url = f"/api/v1/self/orders/{order['number'].lower()}/chase"
    chased = client.post(url, json={"note": "一周了还没人联系我"}, headers=headers)
    assert chased.status_code == 200, chased.text
    assert chased.json()["urge_count"] == 1
    kept = db.get(WorkOrder, order["id"])
    db.refresh(kept)
    assert kept.urge_count == 1 and kept.priority == order["priority"] + 1
    audited = db.scalars(select(AuditLog).where(AuditLog.action == "order.urge")).one()
    assert audited.actor_name == "subscriber 138****8000" and audited.actor_id is None
    timeline = client.get(f"/api/v1/work-orders/{order['id']}", headers=center["agent"]).json()
    step = next(s for s in timeline["events"] if s["kind"] == "urge")
    assert "一周了还没人联系我" in step["reason"] and step["details"]["by_customer"] == "web"
    assert any("客户催办工单" in note for note in _staff_notes(db))

    again = client.post(url, json={}, headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "selfcare_chased_today"
    assert client.get("/api/v1/self/overview").json()["orders"][0]["can_chase"] is False


def test_the_page_shows_the_last_progress_text_until_the_answer(client, db, center) -> None:
    """A customer who lost the progress text (进度告知) reads the last one under the
    order while it is being handled; once answered, the answer speaks instead."""
    agent = center["agent"]
    order = complain(client, agent, center["leaf"], NUMBER, subject="多扣费")
    url = f"/api/v1/work-orders/{order['id']}/progress"
    for text in ("计费部门正在核实您的扣费明细。", "已核实为误扣，退费将于明天到账。"):
        assert client.post(url, json={"text": text}, headers=agent).status_code == 201
    self_sign_in(client)
    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    assert shown["progress"]["text"] == "已核实为误扣，退费将于明天到账。"
    assert shown["progress"]["at"] is not None
    page = client.get("/self").text
    assert "最新进展" in page and "已核实为误扣，退费将于明天到账。" in page
    assert "计费部门正在核实" not in page

    answer_and_close(client, agent, order)
    answered = client.get("/api/v1/self/overview").json()["orders"][0]
    assert answered["progress"] is None and answered["answer"]
    assert "最新进展" not in client.get("/self").text


def test_only_ones_own_open_orders_are_chased(client, db, center) -> None:
    others = complain(client, center["agent"], center["leaf"], "13900139000", subject="别人的")
    headers = self_sign_in(client)
    refused = client.post(f"/api/v1/self/orders/{others['number']}/chase", json={}, headers=headers)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "selfcare_order_not_found"
    assert db.get(WorkOrder, others["id"]).urge_count == 0


def test_a_subscriber_asks_to_move_the_engineers_visit(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], NUMBER, subject="宽带断网")
    headers = self_sign_in(client)
    url = f"/api/v1/self/orders/{order['number']}/visit-move"
    day = (local_today() + timedelta(days=3)).isoformat()
    body = {"day": day, "part": "evening", "note": "白天要上班"}
    none_booked = client.post(url, json=body, headers=headers)
    assert none_booked.status_code == 409
    assert none_booked.json()["error"]["code"] == "selfcare_no_visit"

    book_visit(client, center["agent"], order["id"])
    assert client.get("/api/v1/self/overview").json()["orders"][0]["visit_booked"] is True
    too_late = {**body, "day": (local_today() + timedelta(days=15)).isoformat()}
    refused = client.post(url, json=too_late, headers=headers)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "day"
    today = client.post(url, json={**body, "day": local_today().isoformat()}, headers=headers)
    assert today.status_code == 422

    once = {**headers, "Idempotency-Key": "move-1"}
    asked = client.post(url, json=body, headers=once)
    assert asked.status_code == 201, asked.text
    assert asked.json() == {
        "number": order["number"],
        "day": day,
        "part": "evening",
        "moved": False,  # named by hand: not on the roster, so asked of the holder
        "starts_at": None,
        "ends_at": None,
        "engineer": None,
    }
    assert client.post(url, json=body, headers=once).json() == asked.json()  # a retry
    again = client.post(url, json=body, headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "selfcare_move_asked"

    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    assert shown["move_asked"] == {"day": day, "part": "evening"}
    notes = _staff_notes(db)
    assert any("客户申请改约上门" in note and "白天要上班" in note for note in notes)
    timeline = client.get(f"/api/v1/work-orders/{order['id']}", headers=center["agent"]).json()
    step = next(s for s in timeline["events"] if s["action"] == "move_asked")
    assert step["details"]["day"] == day and step["reason"] == "白天要上班"
    assert db.scalar(select(AuditLog.id).where(AuditLog.action == "order.visit_move_asked"))
    # whoever rebooks it sees the ask on the visit itself
    visits = client.get(f"/api/v1/work-orders/{order['id']}/appointments", headers=center["agent"])
    assert visits.json()["items"][0]["move_asked"] == {"day": day, "part": "evening"}


def test_rebooking_the_visit_lets_the_customer_ask_again(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], NUMBER, subject="宽带断网")
    book_visit(client, center["agent"], order["id"])
    headers = self_sign_in(client)
    url = f"/api/v1/self/orders/{order['number']}/visit-move"
    body = {"day": (local_today() + timedelta(days=2)).isoformat(), "part": "morning"}
    assert client.post(url, json=body, headers=headers).status_code == 201
    book_visit(client, center["agent"], order["id"])  # the agent rebooks it (改约)
    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    assert shown["visit_booked"] is True and shown["move_asked"] is None
    visits = client.get(f"/api/v1/work-orders/{order['id']}/appointments", headers=center["agent"])
    assert [v["move_asked"] for v in visits.json()["items"]] == [None, None]
    assert client.post(url, json=body, headers=headers).status_code == 201


def test_a_subscriber_answers_the_return_visit_themselves(client, db, center) -> None:
    order = answer_and_close(
        client, center["agent"], complain(client, center["agent"], center["leaf"], NUMBER)
    )
    headers = self_sign_in(client)
    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    assert shown["awaits_rating"] is True and "已退费 10 元" in shown["answer"]
    url = f"/api/v1/self/orders/{order['number']}/rating"
    rated = client.post(url, json={"outcome": "satisfied"}, headers=headers)
    assert rated.status_code == 200, rated.text
    assert rated.json() == {"number": order["number"], "status": "closed"}
    detail = client.get(f"/api/v1/work-orders/{order['id']}", headers=center["agent"]).json()
    (visit,) = detail["visits"]
    assert visit["outcome"] == "satisfied" and visit["done_at"] is not None
    step = detail["events"][-1]
    assert step["action"] == "visit" and step["details"]["by_customer"] == "web"
    audited = db.scalars(select(AuditLog).where(AuditLog.action == "order.visit")).one()
    assert audited.actor_name == "subscriber 138****8000"
    again = client.post(url, json={"outcome": "satisfied"}, headers=headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "selfcare_not_awaiting_rating"


def test_a_dissatisfied_subscriber_reopens_the_order_and_says_why(client, db, center) -> None:
    order = answer_and_close(
        client, center["agent"], complain(client, center["agent"], center["leaf"], NUMBER)
    )
    headers = self_sign_in(client)
    url = f"/api/v1/self/orders/{order['number']}/rating"
    unsaid = client.post(url, json={"outcome": "dissatisfied"}, headers=headers)
    assert unsaid.status_code == 422 and unsaid.json()["error"]["field"] == "note"
    body = {"outcome": "dissatisfied", "note": "钱还没到账"}
    reopened = client.post(url, json=body, headers=headers)
    assert reopened.status_code == 200, reopened.text
    detail = client.get(f"/api/v1/work-orders/{order['id']}", headers=center["agent"]).json()
    assert detail["handling_round"] == 2 and detail["status"] not in ("closed", "return_visit")
    assert detail["events"][-1]["reason"] == "钱还没到账"
    unknown = client.post(url, json={"outcome": "unreachable"}, headers=headers)
    assert unknown.status_code == 422  # a customer on the web is never "not reached"


def _roster_visit(client, db: Session, center: dict, order: dict, **more: str) -> int:
    """Book the order's visit tomorrow morning with a roster engineer (one made for it
    unless ``engineer_id`` names one); their id."""
    engineer_id = more.pop("engineer_id", None)
    if engineer_id is None:
        unit = db.get(WorkOrder, order["id"]).org_unit_id
        engineer = FieldEngineer(name="李建华", phone="139 2001 3302", org_unit_id=unit)
        db.add(engineer)
        db.commit()
        engineer_id = engineer.id
    booking = {
        "visit_on": (local_today() + timedelta(days=1)).isoformat(),
        "from_time": "09:00",
        "to_time": "12:00",
        "address": "广州市天河区体育西路 101 号",
        "engineer_id": engineer_id,
    } | more
    visits_url = f"/api/v1/work-orders/{order['id']}/appointments"
    booked = client.post(visits_url, json=booking, headers=center["agent"])
    assert booked.status_code == 201, booked.text
    return int(engineer_id)


def test_a_visit_booked_from_the_roster_moves_at_once_when_its_engineer_is_free(
    client, db, center
) -> None:
    order = complain(client, center["agent"], center["leaf"], NUMBER, subject="宽带断网")
    engineer_id = _roster_visit(client, db, center, order)
    visits_url = f"/api/v1/work-orders/{order['id']}/appointments"
    headers = self_sign_in(client)
    day = local_today() + timedelta(days=2)
    url = f"/api/v1/self/orders/{order['number']}/visit-move"
    moved = client.post(url, json={"day": day.isoformat(), "part": "afternoon"}, headers=headers)
    assert moved.status_code == 201, moved.text
    assert moved.json()["moved"] is True and moved.json()["engineer"] == "李建华"
    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    assert shown["move_asked"] is None and f"{day:%m月%d日}14:00-18:00" in shown["facts"]
    visit = client.get(visits_url, headers=center["agent"]).json()["items"][0]
    assert (visit["status"], visit["engineer_id"], visit["booked_by"]) == (
        "scheduled",
        engineer_id,
        None,
    )
    audited = db.scalars(
        select(AuditLog).where(AuditLog.action == "order.appointment.book").order_by(AuditLog.id)
    ).all()[-1]
    assert audited.actor_id is None and audited.actor_name == "subscriber 138****8000"
    assert any("客户已自助改约上门" in note for note in _staff_notes(db))


def _found_out(client, center: dict, order: dict) -> dict:
    """The engineer came and found nobody in: the order's visit closed so."""
    visits_url = f"/api/v1/work-orders/{order['id']}/appointments"
    visit = client.get(visits_url, headers=center["agent"]).json()["items"][0]
    missed = client.post(
        f"{visits_url}/{visit['id']}/missed",
        json={"missed_by": "customer", "reason": "敲门无人应"},
        headers=center["agent"],
    )
    assert missed.status_code == 200, missed.text
    return dict(missed.json())


def test_a_customer_the_engineer_found_out_books_again_on_the_web(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], NUMBER, subject="宽带断网")
    engineer_id = _roster_visit(client, db, center, order)
    _found_out(client, center, order)
    headers = self_sign_in(client)
    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    tomorrow = local_today() + timedelta(days=1)
    assert shown["visit_booked"] is False
    assert shown["visit_missed"] == f"{tomorrow:%m月%d日}09:00-12:00"
    day = local_today() + timedelta(days=2)
    url = f"/api/v1/self/orders/{order['number']}/visit-move"
    again = client.post(url, json={"day": day.isoformat(), "part": "evening"}, headers=headers)
    assert again.status_code == 201, again.text
    assert again.json()["moved"] is True and again.json()["engineer"] == "李建华"
    visits_url = f"/api/v1/work-orders/{order['id']}/appointments"
    booked, missed = client.get(visits_url, headers=center["agent"]).json()["items"][:2]
    assert (booked["status"], booked["engineer_id"]) == ("scheduled", engineer_id)
    # where the engineer went the first time (the agent reads it masked)
    assert db.get(OrderAppointment, booked["id"]).address == "广州市天河区体育西路 101 号"
    assert missed["status"] == "missed"  # kept as it was: the record of who was out
    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    assert (shown["visit_booked"], shown["visit_missed"]) == (True, "")
    assert f"{day:%m月%d日}18:00-20:00" in shown["facts"]


def test_booking_again_with_the_engineer_taken_asks_the_holder_once(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], NUMBER, subject="宽带断网")
    engineer_id = _roster_visit(client, db, center, order)
    _found_out(client, center, order)
    day = local_today() + timedelta(days=2)
    other = complain(client, center["agent"], center["leaf"], "13900139000", subject="光猫")
    _roster_visit(client, db, center, other, engineer_id=engineer_id, visit_on=day.isoformat())
    headers = self_sign_in(client)
    url = f"/api/v1/self/orders/{order['number']}/visit-move"
    body = {"day": day.isoformat(), "part": "morning", "note": "上午都在家"}
    asked = client.post(url, json=body, headers=headers)
    assert asked.status_code == 201 and asked.json()["moved"] is False
    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    assert shown["move_asked"] == {"day": day.isoformat(), "part": "morning"}
    assert shown["visit_missed"]  # still to book: the holder calls them
    assert any("客户申请改约上门" in note and "上午都在家" in note for note in _staff_notes(db))
    twice = client.post(url, json=body, headers=headers)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "selfcare_move_asked"


def test_a_visit_missed_on_an_order_answered_since_is_not_booked_again(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], NUMBER, subject="宽带断网")
    _roster_visit(client, db, center, order)
    _found_out(client, center, order)
    db.get(WorkOrder, order["id"]).status = "replied"  # answered: no visit any more
    db.commit()
    headers = self_sign_in(client)
    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    assert shown["visit_missed"] == ""
    url = f"/api/v1/self/orders/{order['number']}/visit-move"
    day = (local_today() + timedelta(days=2)).isoformat()
    refused = client.post(url, json={"day": day, "part": "morning"}, headers=headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "selfcare_no_visit"


def test_a_move_outside_the_engineers_hours_is_asked_of_the_holder(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], NUMBER, subject="宽带断网")
    engineer = db.get(FieldEngineer, _roster_visit(client, db, center, order))
    engineer.work_start, engineer.work_end = time(8, 30), time(17, 30)
    db.commit()
    headers = self_sign_in(client)
    url = f"/api/v1/self/orders/{order['number']}/visit-move"
    day = (local_today() + timedelta(days=2)).isoformat()
    asked = client.post(url, json={"day": day, "part": "evening"}, headers=headers)
    assert asked.status_code == 201 and asked.json()["moved"] is False  # 18:00 is after hours
    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    assert shown["move_asked"] == {"day": day, "part": "evening"}
    assert any("客户申请改约上门" in note for note in _staff_notes(db))


def test_a_move_onto_the_engineers_day_off_is_asked_of_the_holder(client, db, center) -> None:
    order = complain(client, center["agent"], center["leaf"], NUMBER, subject="宽带断网")
    engineer_id = _roster_visit(client, db, center, order)
    day = local_today() + timedelta(days=2)
    db.add(EngineerDayOff(engineer_id=engineer_id, day=day, reason="轮休"))
    db.commit()
    headers = self_sign_in(client)
    url = f"/api/v1/self/orders/{order['number']}/visit-move"
    asked = client.post(url, json={"day": day.isoformat(), "part": "morning"}, headers=headers)
    assert asked.status_code == 201 and asked.json()["moved"] is False  # their rest day
    shown = client.get("/api/v1/self/overview").json()["orders"][0]
    assert shown["move_asked"] == {"day": day.isoformat(), "part": "morning"}
