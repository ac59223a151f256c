"""The center's calendar a year at a time, and the State Council's notice recorded from
its text: through the API, on both databases."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import NOTICE_2027, bearer, make_categories, make_org, make_staff, order_step
from kefu.core.audit import AuditLog
from kefu.core.calendar_days import CalendarDay, center_calendar
from kefu.core.rbac import Role
from kefu.workorders.calendar_years import unannounced_year

DAYS_2027 = 3 + 8 + 2 + 3 + 5 + 2 + 1 + 1 + 7 + 2


pytestmark = pytest.mark.usefixtures("year_2027_unannounced")


def _people(db: Session) -> tuple[dict[str, str], dict[str, str]]:
    org = make_org(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    return admin, agent


def test_a_year_the_package_knows_is_official(client, db: Session) -> None:
    _, agent = _people(db)
    year = client.get("/api/v1/calendar/years/2026", headers=agent).json()
    assert (year["official"], year["announced"]) == (True, True)
    days = {d["day"]: d for d in year["days"]}
    assert days["2026-02-17"] == {
        "day": "2026-02-17",
        "workday": False,
        "name": "spring_festival",
        "source": "official",
    }
    assert days["2026-02-14"]["workday"] is True  # a Saturday worked for 春节
    assert client.get("/api/v1/calendar/years/1999", headers=agent).status_code == 422


def test_an_unannounced_year_is_flagged_from_mid_november(client, db: Session) -> None:
    _, agent = _people(db)
    year = client.get("/api/v1/calendar/years/2027", headers=agent).json()
    assert (year["official"], year["announced"], year["days"]) == (False, False, [])
    assert unannounced_year(db, date(2026, 11, 1)) is None  # two months ahead: not yet
    assert unannounced_year(db, date(2026, 11, 20)) == 2027
    assert unannounced_year(db, date(2027, 3, 1)) == 2027  # into the year, still unknown


def test_the_notice_is_read_then_recorded_once(client, db: Session) -> None:
    admin, agent = _people(db)
    body = {"text": NOTICE_2027}
    refused = client.post("/api/v1/calendar/notices/preview", json=body, headers=agent)
    assert refused.status_code == 403
    preview = client.post("/api/v1/calendar/notices/preview", json=body, headers=admin)
    assert preview.status_code == 200, preview.text
    read = preview.json()
    assert read["year"] == 2027
    assert [h["name"] for h in read["holidays"]][:2] == ["元旦", "春节"]
    assert read["holidays"][1] | {"name": None} == {
        "name": None,
        "first": "2027-02-05",
        "last": "2027-02-12",
        "days": 8,
        "stated_days": 8,
    }
    assert len(read["days"]) == DAYS_2027
    assert {d["change"] for d in read["days"]} == {"new"}
    assert read["worked_weekdays"] == [] and read["differs_from_official"] == []
    assert db.scalar(select(CalendarDay).limit(1)) is None  # a preview writes nothing

    once = {**admin, "Idempotency-Key": "notice-2027"}
    recorded = client.post("/api/v1/calendar/notices", json=body, headers=once)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json() == {
        "year": 2027,
        "added": DAYS_2027,
        "changed": 0,
        "unchanged": 0,
        "orders_moved": 0,
        "asks_moved": 0,
    }
    again = client.post("/api/v1/calendar/notices", json=body, headers=once)
    assert again.json() == recorded.json()
    db.expire_all()
    rows = {r.day: r for r in db.scalars(select(CalendarDay))}
    assert len(rows) == DAYS_2027
    assert (rows[date(2027, 2, 8)].workday, rows[date(2027, 2, 8)].note) == (False, "春节")
    assert (rows[date(2027, 2, 20)].workday, rows[date(2027, 2, 20)].note) == (
        True,
        "春节调休上班",
    )
    audits = db.scalars(select(AuditLog).where(AuditLog.action == "calendar.notice")).all()
    assert [(a.entity_id, json.loads(a.details)["added"]) for a in audits] == [("2027", DAYS_2027)]

    year = client.get("/api/v1/calendar/years/2027", headers=agent).json()
    assert (year["official"], year["announced"]) == (False, True)
    assert unannounced_year(db, date(2026, 11, 20)) is None
    # Working time now skips 春节 and counts the Saturday worked for it.
    calendar = center_calendar(db, "Asia/Shanghai")
    assert not calendar.is_workday(date(2027, 2, 8)) and calendar.is_workday(date(2027, 2, 20))


def test_the_notice_does_not_silently_replace_a_day_the_center_recorded(
    client, db: Session
) -> None:
    admin, _ = _people(db)
    local = {"workday": True, "note": "中心春节照常上班"}
    put = client.put("/api/v1/calendar/days/2027-02-08", json=local, headers=admin)
    assert put.status_code == 200, put.text
    body = {"text": NOTICE_2027}
    read = client.post("/api/v1/calendar/notices/preview", json=body, headers=admin).json()
    replaced = [d for d in read["days"] if d["change"] == "replaces"]
    assert [(d["day"], d["recorded"], d["workday"]) for d in replaced] == [
        ("2027-02-08", True, False)
    ]
    conflict = client.post("/api/v1/calendar/notices", json=body, headers=admin)
    assert conflict.status_code == 409
    error = conflict.json()["error"]
    assert (error["code"], error["field"]) == ("notice_replaces_recorded", "replace_recorded")
    assert "2027-02-08" in error["message"]
    db.expire_all()
    assert db.scalars(select(CalendarDay)).all()[0].workday is True  # nothing written
    assert len(db.scalars(select(CalendarDay)).all()) == 1

    replace = client.post(
        "/api/v1/calendar/notices", json=body | {"replace_recorded": True}, headers=admin
    )
    assert replace.status_code == 201, replace.text
    assert replace.json() | {"year": 0} == {
        "year": 0,
        "added": DAYS_2027 - 1,
        "changed": 1,
        "unchanged": 0,
        "orders_moved": 0,
        "asks_moved": 0,
    }
    db.expire_all()
    assert db.get(CalendarDay, date(2027, 2, 8)).workday is False


def test_a_notice_that_does_not_add_up_is_refused_in_the_callers_language(
    client, db: Session
) -> None:
    admin, _ = _people(db)
    wrong = {"text": NOTICE_2027.replace("共8天", "共9天")}
    for language, words in (("en", "the notice says 9"), ("zh-CN", "通知写明共9天")):
        answer = client.post(
            "/api/v1/calendar/notices/preview",
            json=wrong,
            headers=admin | {"Accept-Language": language},
        )
        assert answer.status_code == 422
        error = answer.json()["error"]
        assert (error["code"], error["field"]) == ("notice_count_mismatch", "text")
        assert words in error["message"] and "2027-02-05" in error["message"]
    untitled = {"text": NOTICE_2027.split("\n", 1)[1]}
    missing = client.post("/api/v1/calendar/notices", json=untitled, headers=admin)
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "year")
    given = client.post(
        "/api/v1/calendar/notices/preview", json=untitled | {"year": 2027}, headers=admin
    )
    assert given.status_code == 200 and given.json()["year"] == 2027


def test_a_recorded_day_is_forgotten_at_its_version(client, db: Session) -> None:
    admin, agent = _people(db)
    make_categories(db)
    url = "/api/v1/calendar/days/2027-03-08"
    client.put(url, json={"workday": False, "note": "地方节日"}, headers=admin)
    assert client.delete(url, headers=admin).status_code == 428
    assert client.delete(url, headers=agent | {"If-Match": '"1"'}).status_code == 403
    assert client.delete(url, headers=admin | {"If-Match": '"9"'}).status_code in (409, 412)
    forgot = client.delete(url, headers=admin | {"If-Match": '"1"'})
    assert forgot.json() == {"day": "2027-03-08", "orders_moved": 0, "asks_moved": 0}
    gone = client.delete(url, headers=admin | {"If-Match": '"1"'})
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "calendar_day_not_recorded")
    db.expire_all()
    assert db.get(CalendarDay, date(2027, 3, 8)) is None
    audit = db.scalar(select(AuditLog).where(AuditLog.action == "calendar.day_forgotten"))
    assert audit is not None and json.loads(audit.details) == {"workday": False, "note": "地方节日"}
    assert center_calendar(db, "Asia/Shanghai").is_workday(date(2027, 3, 8))


SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 28 December 2026: a suggestion's five working days run into 2027.
TAKEN = datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI)


def _suggestion(client, agent: dict[str, str], category_id: int) -> dict:
    body = {
        "type": "suggestion",
        "category_id": category_id,
        "contact_phone": "13800138000",
        "subject": "建议延长营业厅时间",
    }
    made = client.post("/api/v1/work-orders", json=body, headers=agent)
    assert made.status_code == 201, made.text
    return made.json()


def _due(client, headers: dict[str, str], order: dict) -> datetime:
    found = client.get(f"/api/v1/work-orders/{order['id']}", headers=headers).json()
    return datetime.fromisoformat(found["resolve_due_at"]).astimezone(SHANGHAI)


def test_recording_the_notice_moves_the_limits_of_open_orders_through_it(
    client, db: Session
) -> None:
    admin, agent = _people(db)
    cats = make_categories(db)
    with time_machine.travel(TAKEN, tick=False):
        order = _suggestion(client, agent, cats.indoor.id)
        answered = _suggestion(client, agent, cats.indoor.id)
        answered = order_step(client, agent, answered, "accept", {})
        order_step(client, agent, answered, "reply", {"reply": "已采纳，将延长营业时间。"})
        counted_monday_to_friday = _due(client, agent, order)
        answered_due = _due(client, agent, answered)
        body = {"text": NOTICE_2027}
        read = client.post("/api/v1/calendar/notices/preview", json=body, headers=admin).json()
        assert read["open_orders"] == 1  # the answered one's clock no longer runs
        assert date(2027, 1, 1) in [date.fromisoformat(d) for d in read["changed_days"]]
        recorded = client.post(
            "/api/v1/calendar/notices", json=body | {"move_open_orders": True}, headers=admin
        )
        assert recorded.status_code == 201, recorded.text
        assert recorded.json()["orders_moved"] == 1
        moved = _due(client, agent, order)
        # 元旦 (Friday 1 January) is no longer counted: one working day later.
        assert moved.date() > counted_monday_to_friday.date()
        assert moved.weekday() < 5 and moved.date() != date(2027, 1, 1)
        assert _due(client, agent, answered) == answered_due
        timeline = client.get(f"/api/v1/work-orders/{order['id']}", headers=agent).json()
        step = timeline["events"][-1]
        assert step["kind"] == "limits" and step["details"]["calendar_notice"] == 2027
        assert datetime.fromisoformat(step["details"]["due_at"]) == moved
        page = client.get(f"/orders/{order['id']}", headers=agent).text
        assert "时限已重算" in page and "已录入2027年节假日安排" in page


def test_a_notice_recorded_without_moving_leaves_the_limits(client, db: Session) -> None:
    admin, agent = _people(db)
    cats = make_categories(db)
    with time_machine.travel(TAKEN, tick=False):
        order = _suggestion(client, agent, cats.indoor.id)
        before = _due(client, agent, order)
        recorded = client.post(
            "/api/v1/calendar/notices", json={"text": NOTICE_2027}, headers=admin
        )
        assert recorded.json()["orders_moved"] == 0
        assert _due(client, agent, order) == before


def test_one_day_recorded_or_forgotten_moves_the_limits_through_it(client, db: Session) -> None:
    admin, agent = _people(db)
    cats = make_categories(db)
    with time_machine.travel(TAKEN, tick=False):
        order = _suggestion(client, agent, cats.indoor.id)
        before = _due(client, agent, order)
        url = "/api/v1/calendar/days/2026-12-30"  # a Wednesday the center takes off
        off = {"workday": False, "note": "地方节日", "move_open_orders": True}
        recorded = client.put(url, json=off, headers=admin)
        assert (recorded.status_code, recorded.json()["orders_moved"]) == (200, 1)
        later = _due(client, agent, order)
        assert later > before
        again = client.put(
            url, json=off | {"note": "地方节日（更正）"}, headers=admin | {"If-Match": '"1"'}
        )
        assert again.json()["orders_moved"] == 0  # still off: nothing to count again
        forgot = client.delete(
            url, params={"move_open_orders": "true"}, headers=admin | {"If-Match": '"2"'}
        )
        assert forgot.status_code == 200, forgot.text
        assert forgot.json() == {"day": "2026-12-30", "orders_moved": 1, "asks_moved": 0}
        assert _due(client, agent, order) == before
        kinds = [
            e["kind"]
            for e in client.get(f"/api/v1/work-orders/{order['id']}", headers=agent).json()[
                "events"
            ]
        ]
        assert kinds.count("limits") == 2


def test_the_keepers_of_the_rules_are_mailed_once_a_week_until_the_year_is_known(
    client, db: Session
) -> None:
    from kefu.core.outbox import Job
    from kefu.workorders.calendar_reminders import remind_unannounced

    org = make_org(db)
    admin = make_staff(db, org.province, Role.ADMIN, email="admin@example.cn")
    english = make_staff(db, org.hq, Role.ADMIN, email="ops@example.com", language="en")
    make_staff(db, org.province, Role.ADMIN)  # no address: nobody to mail
    make_staff(db, org.province, Role.ADMIN, email="left@example.cn", active=False)
    make_staff(db, org.city, Role.AGENT, email="agent@example.cn")  # keeps no rules
    db.commit()

    def mails() -> list[dict]:
        jobs = db.scalars(select(Job).where(Job.message_id.like("calendar-gap-%")))
        return [json.loads(j.payload) for j in jobs]

    zone = "Asia/Shanghai"
    assert remind_unannounced(db, zone, date(2026, 11, 1)) == 0  # two months ahead
    assert remind_unannounced(db, zone, date(2026, 11, 20)) == 2
    assert remind_unannounced(db, zone, date(2026, 11, 21)) == 0  # the same week
    db.commit()
    sent = {m["to"]: m for m in mails()}
    assert set(sent) == {admin.email, english.email}
    assert sent[admin.email]["subject"] == "kefu：2027年节假日安排尚未录入"
    assert sent[english.email]["subject"] == "kefu: the holidays of 2027 are not recorded"
    assert "Holidays and workdays" in sent[english.email]["body"]
    assert remind_unannounced(db, zone, date(2026, 11, 23)) == 2  # the next week
    db.commit()

    admin_headers = bearer(db, admin)
    recorded = client.post(
        "/api/v1/calendar/notices", json={"text": NOTICE_2027}, headers=admin_headers
    )
    assert recorded.status_code == 201
    db.expire_all()
    assert remind_unannounced(db, zone, date(2026, 11, 30)) == 0  # known now
    assert len(mails()) == 4


def test_the_reminder_ends_with_the_calendar_pages_address(db: Session, console_at: str) -> None:
    from kefu.core.outbox import Job
    from kefu.workorders.calendar_reminders import remind_unannounced

    org = make_org(db)
    make_staff(db, org.province, Role.ADMIN, email="admin@example.cn")
    db.commit()
    assert remind_unannounced(db, "Asia/Shanghai", date(2026, 11, 20)) == 1
    [job] = db.scalars(select(Job).where(Job.message_id.like("calendar-gap-%")))
    assert json.loads(job.payload)["body"].endswith(f"\n\n{console_at}/orders/calendar")


def test_an_order_warned_under_the_old_count_is_warned_again_at_the_new_one(
    client, db: Session
) -> None:
    from kefu.workorders.models import WorkOrder

    admin, agent = _people(db)
    cats = make_categories(db)
    with time_machine.travel(TAKEN, tick=False):
        order = _suggestion(client, agent, cats.indoor.id)
        row = db.get(WorkOrder, order["id"])
        assert row is not None
        row.warned_at = row.created_at  # as if the sweep had warned of the old limit
        warn_before = row.warn_at
        db.commit()
        off = {"workday": False, "note": "地方节日", "move_open_orders": True}
        moved = client.put("/api/v1/calendar/days/2026-12-30", json=off, headers=admin)
        assert moved.json()["orders_moved"] == 1
    db.expire_all()
    row = db.get(WorkOrder, order["id"])
    assert row is not None and row.warn_at > warn_before
    assert row.warned_at is None  # the sweep warns again when the new warning time comes
