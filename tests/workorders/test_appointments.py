"""On-site visits (上门处理): booked with a window in the center's time, an address and an
engineer, texted to the customer if asked; moved by booking again (改约); made, missed
or called off once; on the timeline and audited; the address masked like any personal
data; refused with a clear error when the window or the order does not allow it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    bearer,
    complain,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    run_jobs_texting_to,
)
from kefu.core.audit import AuditLog
from kefu.core.clock import local_today
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.errors import Unprocessable
from kefu.workorders.appointments import window_of
from kefu.workorders.models import OrderAppointment, WorkOrder
from kefu.workorders.templates import fill_for_order
from kefu.workorders.visit_reminders import REMINDER

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def desk(db: Session):
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    backoffice = bearer(db, make_staff(db, org.city, Role.BACK_OFFICE))
    return org, cats, agent, backoffice


def _tomorrow(hours: tuple[str, str] = ("09:00", "12:00"), **more: object) -> dict[str, object]:
    return {
        "visit_on": (local_today() + timedelta(days=1)).isoformat(),
        "from_time": hours[0],
        "to_time": hours[1],
        "address": "广州市天河区体育西路 101 号 1203 室",
        "engineer": "张工",
        "engineer_phone": "139 0000 1234",
    } | more


def _url(order: dict) -> str:
    return f"/api/v1/work-orders/{order['id']}/appointments"


def _texts(db: Session) -> list[dict]:
    db.expire_all()
    jobs = db.scalars(select(Job).where(Job.kind == "notify.sms").order_by(Job.id))
    return [json.loads(job.payload) for job in jobs]


def test_a_visit_is_booked_texted_moved_and_made(client, db: Session, desk) -> None:
    _, cats, agent, backoffice = desk
    order = complain(client, agent, cats.indoor.id, subject="家里宽带断网")
    booked = client.post(
        _url(order), json=_tomorrow(text_customer=True), headers=agent | {"Idempotency-Key": "v1"}
    )
    assert booked.status_code == 201, booked.text
    first = booked.json()
    assert (first["status"], first["engineer"], first["texted"]) == ("scheduled", "张工", True)
    starts = datetime.fromisoformat(first["starts_at"]).astimezone(SHANGHAI)
    assert (starts.date(), starts.time()) == (local_today() + timedelta(days=1), time(9))
    assert first["address"] == "广州市天河区****"  # an agent sees it masked
    again = client.post(
        _url(order), json=_tomorrow(text_customer=True), headers=agent | {"Idempotency-Key": "v1"}
    )
    assert again.status_code == 201 and again.json() == first  # a double click books once
    (said,) = _texts(db)
    assert said["to"] == "+8613800138000"
    assert (
        said["text"].startswith(f"【{order['number']}】已为您预约")
        and "09:00-12:00" in said["text"]
    )
    assert "张工 139 0000 1234" in said["text"]

    moved = client.post(_url(order), json=_tomorrow(("14:00", "18:00")), headers=agent).json()
    listed = client.get(_url(order), headers=backoffice).json()["items"]
    assert [(v["id"], v["status"]) for v in listed] == [
        (moved["id"], "scheduled"),
        (first["id"], "rescheduled"),
    ]
    assert listed[0]["address"] == "广州市天河区体育西路 101 号 1203 室"  # back office may see it
    done = client.post(
        f"{_url(order)}/{moved['id']}/done", json={"note": "更换光猫，已恢复"}, headers=agent
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["outcome_note"]) == ("done", "更换光猫，已恢复")
    twice = client.post(f"{_url(order)}/{moved['id']}/done", json={}, headers=agent)
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "appointment_not_scheduled")

    steps = [
        e
        for e in client.get(f"/api/v1/work-orders/{order['id']}", headers=agent).json()["events"]
        if e["kind"] == "appointment"
    ]
    assert [(s["details"].get("moved"), s["details"].get("outcome")) for s in steps] == [
        (False, None),
        (True, None),
        (None, "done"),
    ]
    assert "address" not in json.dumps(steps)  # personal data stays off the timeline
    actions = db.scalars(
        select(AuditLog.action)
        .where(AuditLog.action.like("order.appointment.%"))
        .order_by(AuditLog.id)
    ).all()
    assert actions == ["order.appointment.book", "order.appointment.book", "order.appointment.done"]


def test_a_missed_or_called_off_visit_says_who_and_why(client, desk) -> None:
    _, cats, agent, _ = desk
    order = complain(client, agent, cats.indoor.id)
    visit = client.post(_url(order), json=_tomorrow(), headers=agent).json()
    missed = client.post(
        f"{_url(order)}/{visit['id']}/missed",
        json={"missed_by": "engineer", "reason": "工程师临时调度未到"},
        headers=agent,
    ).json()
    assert (missed["status"], missed["missed_by"]) == ("missed", "engineer")
    assert missed["outcome_note"] == "工程师临时调度未到"
    after = client.get(f"/api/v1/work-orders/{order['id']}", headers=agent).json()
    # the customer waited at home for nothing: a step up the queue, as a chase moves it
    assert (after["priority"], after["version"]) == (order["priority"] + 1, order["version"] + 1)
    nobody = client.post(
        f"{_url(order)}/{visit['id']}/missed",
        json={"missed_by": "neighbour", "reason": "无人"},
        headers=agent,
    )
    assert nobody.status_code == 422
    second = client.post(_url(order), json=_tomorrow(), headers=agent).json()
    out = client.post(
        f"{_url(order)}/{second['id']}/missed",
        json={"missed_by": "customer", "reason": "客户不在家"},
        headers=agent,
    )
    assert out.status_code == 200
    same = client.get(f"/api/v1/work-orders/{order['id']}", headers=agent).json()
    assert same["priority"] == after["priority"]  # the customer's miss moves nothing
    second = client.post(_url(order), json=_tomorrow(), headers=agent).json()
    off = client.post(
        f"{_url(order)}/{second['id']}/cancel", json={"reason": "远程重启后已恢复"}, headers=agent
    )
    assert off.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("more", "code", "field"),
    [
        ({"from_time": "12:00", "to_time": "09:00"}, "appointment_window_backwards", "to_time"),
        ({"from_time": "08:00", "to_time": "18:00"}, "appointment_window_too_long", "to_time"),
        ({"from_time": "09:00", "to_time": "09:15"}, "appointment_window_too_short", "to_time"),
        ({"visit_on": "2026-01-01"}, "appointment_in_past", "from_time"),
        ({"visit_on": "2099-01-01"}, "appointment_too_far", "visit_on"),
        ({"address": "广州"}, "validation_too_short", "address"),
        ({"engineer_phone": "call me"}, "validation_pattern", "engineer_phone"),
    ],
)
def test_a_window_that_cannot_be_kept_is_refused(
    client, db: Session, desk, more, code, field
) -> None:
    _, cats, agent, _ = desk
    order = complain(client, agent, cats.indoor.id)
    answer = client.post(_url(order), json=_tomorrow(**more), headers=agent)
    assert answer.status_code == 422, answer.text
    assert (answer.json()["error"]["code"], answer.json()["error"].get("field")) == (code, field)
    assert db.scalar(select(OrderAppointment.id)) is None


def test_no_visit_for_a_finished_order_a_landline_text_or_a_reader(
    client, db: Session, desk
) -> None:
    org, cats, agent, _ = desk
    order = complain(client, agent, cats.indoor.id, phone="020-3888 1234")
    landline = client.post(_url(order), json=_tomorrow(text_customer=True), headers=agent)
    assert landline.json()["error"]["code"] == "appointment_text_needs_mobile"
    cancelled = client.post(
        f"/api/v1/work-orders/{order['id']}/cancel",
        json={"reason": "重复登记，作废"},
        headers=bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
        | {"If-Match": f'"{order["version"]}"'},
    )
    assert cancelled.status_code == 200, cancelled.text
    finished = client.post(_url(order), json=_tomorrow(), headers=agent)
    assert (finished.status_code, finished.json()["error"]["code"]) == (
        409,
        "appointment_order_finished",
    )
    auditor = bearer(db, make_staff(db, org.city, Role.AUDITOR))
    assert client.post(_url(order), json=_tomorrow(), headers=auditor).status_code == 403
    elsewhere = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    assert client.get(_url(order), headers=elsewhere).status_code in (403, 404)
    english = client.post(
        _url(complain(client, agent, cats.indoor.id)),
        json=_tomorrow(from_time="18:00", to_time="09:00"),
        headers=agent | {"Accept-Language": "en"},
    )
    assert english.json()["error"]["message"] == "The visit's window must end after it starts."


@given(
    day=st.integers(min_value=1, max_value=59),
    start=st.integers(min_value=0, max_value=22 * 60),
    length=st.integers(min_value=1, max_value=6 * 60),
)
def test_a_window_is_taken_only_if_it_can_be_kept(day: int, start: int, length: int) -> None:
    visit_on = local_today() + timedelta(days=day)
    begins = time(start // 60, start % 60)
    end_minute = min(start + length, 23 * 60 + 59)
    ends = time(end_minute // 60, end_minute % 60)
    span = timedelta(minutes=end_minute - start)
    try:
        starts_at, ends_at = window_of(visit_on, begins, ends, "Asia/Shanghai")
    except Unprocessable:
        assert not timedelta(minutes=30) <= span <= timedelta(hours=4)
        return
    assert timedelta(minutes=30) <= ends_at - starts_at <= timedelta(hours=4)
    assert starts_at.tzinfo is UTC and starts_at > datetime.now(UTC)
    assert starts_at.astimezone(SHANGHAI).date() == visit_on


def test_the_customer_is_reminded_the_evening_before_unless_the_visit_moved(
    client, db: Session, desk, session_factory, tmp_path: Path, monkeypatch
) -> None:
    _, cats, agent, _ = desk
    order = complain(client, agent, cats.indoor.id)
    in_two_days = (local_today() + timedelta(days=2)).isoformat()
    first = client.post(
        _url(order), json=_tomorrow(visit_on=in_two_days, text_customer=True), headers=agent
    ).json()
    moved = client.post(
        _url(order),
        json=_tomorrow(("14:00", "18:00"), visit_on=in_two_days, text_customer=True),
        headers=agent,
    ).json()
    db.expire_all()
    reminders = db.scalars(select(Job).where(Job.kind == REMINDER).order_by(Job.id)).all()
    assert [json.loads(job.payload)["appointment_id"] for job in reminders] == [
        first["id"],
        moved["id"],
    ]
    evening = datetime.combine(local_today() + timedelta(days=1), time(18), SHANGHAI)
    assert {_utc(job.run_at) for job in reminders} == {evening}
    for job in reminders:
        job.run_at = datetime.now(UTC) - timedelta(minutes=1)  # the evening has come
    db.commit()
    # the reminders, the booking texts
    texts = run_jobs_texting_to(session_factory, tmp_path / "sms.jsonl", monkeypatch)
    reminded = [t for t in texts if "温馨提醒" in t["text"]]
    assert [t["message_id"] for t in reminded] == [reminders[1].message_id]  # not the moved
    assert "14:00-18:00" in reminded[0]["text"] and reminded[0]["to"] == "+8613800138000"


def test_no_reminder_when_the_customer_was_not_texted_the_booking(
    client, db: Session, desk
) -> None:
    _, cats, agent, _ = desk
    order = complain(client, agent, cats.indoor.id)
    in_two_days = (local_today() + timedelta(days=2)).isoformat()
    client.post(_url(order), json=_tomorrow(visit_on=in_two_days), headers=agent)
    db.expire_all()
    assert db.scalar(select(Job.id).where(Job.kind == REMINDER)) is None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def test_orders_with_an_engineer_booked_are_listed_soonest_first(client, desk) -> None:
    _, cats, agent, backoffice = desk
    later = complain(client, agent, cats.indoor.id, "13900139001")
    sooner = complain(client, agent, cats.indoor.id, "13900139002")
    none = complain(client, agent, cats.indoor.id, "13900139003")
    in_two_days = (local_today() + timedelta(days=2)).isoformat()
    client.post(_url(later), json=_tomorrow(visit_on=in_two_days), headers=agent)
    booked = client.post(_url(sooner), json=_tomorrow(("18:00", "20:00")), headers=agent).json()
    listed = client.get("/api/v1/work-orders", params={"on_site": True}, headers=backoffice)
    rows = listed.json()["items"]
    assert [row["number"] for row in rows] == [sooner["number"], later["number"]]
    assert rows[0]["visit_starts_at"] == booked["starts_at"]
    every = client.get("/api/v1/work-orders", headers=backoffice).json()["items"]
    unbooked = next(row for row in every if row["number"] == none["number"])
    assert unbooked["visit_starts_at"] is None
    client.post(f"{_url(sooner)}/{booked['id']}/done", json={}, headers=agent)
    rows = client.get("/api/v1/work-orders", params={"on_site": True}, headers=backoffice)
    assert [row["number"] for row in rows.json()["items"]] == [later["number"]]


def test_the_360_view_tells_the_agent_when_the_engineer_comes(client, db: Session, desk) -> None:
    org, cats, agent, _ = desk
    customer = make_customer(db, org.city)
    db.commit()
    body = {
        "type": "fault",
        "category_id": cats.indoor.id,
        "customer_id": customer.id,
        "subject": "家里没信号",
    }
    order = client.post("/api/v1/work-orders", json=body, headers=agent).json()
    booked = client.post(_url(order), json=_tomorrow(), headers=agent).json()
    view = client.get(
        "/api/v1/customers/lookup", params={"phone": "13800138000"}, headers=agent
    ).json()
    (item,) = view["open_work_items"]
    assert (item["visit_starts_at"], item["visit_ends_at"]) == (
        booked["starts_at"],
        booked["ends_at"],
    )


def test_a_cancelled_order_calls_its_visit_off_and_a_merge_brings_it_along(
    client, db: Session, desk
) -> None:
    org, cats, agent, _ = desk
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    invalid = complain(client, agent, cats.indoor.id, "13900139011")
    visit = client.post(_url(invalid), json=_tomorrow(), headers=agent).json()
    cancelled = client.post(
        f"/api/v1/work-orders/{invalid['id']}/cancel",
        json={"reason": "重复登记，作废"},
        headers=supervisor | {"If-Match": f'"{invalid["version"]}"'},
    )
    assert cancelled.status_code == 200, cancelled.text
    (off,) = client.get(_url(invalid), headers=agent).json()["items"]
    assert (off["id"], off["status"], off["outcome_note"]) == (
        visit["id"],
        "cancelled",
        "重复登记，作废",
    )

    kept = complain(client, agent, cats.indoor.id, "13900139012")
    duplicate = complain(client, agent, cats.indoor.id, "13900139012")
    carried = client.post(_url(duplicate), json=_tomorrow(), headers=agent).json()
    merged = client.post(
        f"/api/v1/work-orders/{duplicate['id']}/merge",
        json={"into": kept["number"]},
        headers=supervisor | {"If-Match": f'"{duplicate["version"]}"'},
    )
    assert merged.status_code == 200, merged.text
    (moved,) = client.get(_url(kept), headers=agent).json()["items"]
    assert (moved["id"], moved["status"]) == (
        carried["id"],
        "scheduled",
    )  # the engineer still comes
    assert client.get(_url(duplicate), headers=agent).json()["items"] == []
    steps = client.get(f"/api/v1/work-orders/{kept['id']}", headers=agent).json()["events"]
    assert any(s["details"].get("carried_from") == duplicate["number"] for s in steps)


def test_a_reply_template_names_the_booked_window(client, db: Session, desk) -> None:
    _, cats, agent, _ = desk
    order = complain(client, agent, cats.indoor.id)
    body = "工程师将于{visit}上门处理，工单号{order_number}。"
    row = db.get(WorkOrder, order["id"])
    assert fill_for_order(db, body, order=row, timezone="Asia/Shanghai").startswith(
        "工程师将于{visit}上门"  # nothing booked: left for the agent, who cannot send it so
    )
    client.post(_url(order), json=_tomorrow(("14:00", "18:00")), headers=agent)
    db.expire_all()
    day = local_today() + timedelta(days=1)
    filled = fill_for_order(db, body, order=row, timezone="Asia/Shanghai")
    assert filled == f"工程师将于{day:%m月%d日}14:00-18:00上门处理，工单号{order['number']}。"
    english = fill_for_order(
        db, "The engineer visits {visit}.", order=row, timezone="Asia/Shanghai", language="en"
    )
    assert english == f"The engineer visits {day:%d %b} 14:00–18:00."


def test_a_booking_without_an_address_goes_where_the_order_knows(client, db: Session, desk) -> None:
    org, cats, agent, _ = desk
    nobody = complain(client, agent, cats.indoor.id, "13900139000")  # no customer of ours
    blank = {k: v for k, v in _tomorrow().items() if k != "address"}
    refused = client.post(_url(nobody), json=blank, headers=agent)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "appointment_address_required"
    assert refused.json()["error"]["field"] == "address"

    customer = make_customer(db, org.city)
    db.commit()
    body = {"type": "fault", "category_id": cats.indoor.id, "customer_id": customer.id}
    order = client.post("/api/v1/work-orders", json=body | {"subject": "断网"}, headers=agent)
    order = order.json()

    def booked_at() -> str:
        visit = client.post(_url(order), json=blank, headers=agent)
        assert visit.status_code == 201, visit.text
        assert "*" in visit.json()["address"]  # the agent still reads it masked
        return str(db.get(OrderAppointment, visit.json()["id"]).address)

    assert booked_at() == "广州市天河区体育西路 100 号"  # the customer's on file
    moved = _tomorrow(("14:00", "16:00"), address="广州市越秀区中山路 1 号 3 楼")
    assert client.post(_url(order), json=moved, headers=agent).status_code == 201
    assert booked_at() == "广州市越秀区中山路 1 号 3 楼"  # where the last visit went
