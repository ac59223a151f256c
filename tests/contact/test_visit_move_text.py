"""Moving the engineer's visit by SMS (GY 改约): the day and part of it read from what a
customer types, in Chinese or English, any order, with words around; anything unclear is
left to an agent. Then the ask on the sender's booked visit, and the reply."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import book_visit, complain, text_in, texts_sent
from kefu.contact.visit_move_text import when_asked
from kefu.core.clock import local_today
from kefu.core.outbox import Job
from kefu.workorders.enums import PartOfDay

TODAY = date(2026, 12, 6)  # a Sunday
PART_SAID = {
    PartOfDay.MORNING: ("上午", "早上", "morning", "AM"),
    PartOfDay.AFTERNOON: ("下午", "afternoon", "pm"),
    PartOfDay.EVENING: ("晚上", "傍晚", "evening"),
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _written(day: date, style: int) -> str:
    return (
        f"{day.month}月{day.day}日",
        f"{day.month}月{day.day}号",
        f"{day.month}-{day.day}",
        f"{day.month}/{day.day:02d}",
        f"{day.day} {MONTHS[day.month - 1]}",
        f"{MONTHS[day.month - 1].upper()} {day.day}",
    )[style]


@given(
    ahead=st.integers(min_value=1, max_value=300),
    part=st.sampled_from(list(PartOfDay)),
    style=st.integers(min_value=0, max_value=5),
    word=st.integers(min_value=0, max_value=2),
    part_first=st.booleans(),
    filler=st.sampled_from(["", "麻烦 ", "白天要上班，", "please ", "谢谢"]),
)
def test_a_day_and_part_written_any_way_read_back(
    ahead: int, part: PartOfDay, style: int, word: int, part_first: bool, filler: str
) -> None:
    day = TODAY + timedelta(days=ahead)
    said = PART_SAID[part][word % len(PART_SAID[part])]
    pieces = [said, _written(day, style)] if part_first else [_written(day, style), said]
    assert when_asked(f"{filler}{' '.join(pieces)}", TODAY) == (day, part)


@given(st.text(max_size=80))
def test_any_text_reads_as_one_day_and_part_or_nothing(text: str) -> None:
    found = when_asked(text, TODAY)
    assert found is None or (found[0] > TODAY and isinstance(found[1], PartOfDay))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天晚上", (date(2026, 12, 7), PartOfDay.EVENING)),
        ("大后天上午", (date(2026, 12, 9), PartOfDay.MORNING)),
        ("周六下午", (date(2026, 12, 12), PartOfDay.AFTERNOON)),
        ("9号晚上", (date(2026, 12, 9), PartOfDay.EVENING)),
        ("5号晚上", (date(2027, 1, 5), PartOfDay.EVENING)),  # the 5th is past: next month's
        ("1月3日上午", (date(2027, 1, 3), PartOfDay.MORNING)),
        ("WO20261206-000123 12月9日下午", (date(2026, 12, 9), PartOfDay.AFTERNOON)),
        ("12月9日", None),  # no part of the day
        ("下午", None),  # no day
        ("12月9日下午或12月10日上午", None),  # two of each
        ("2月30日上午", None),  # no such day
        ("I came home late, 12月9日 if possible", None),  # "came" holds no "am"
    ],
)
def test_what_is_read_and_what_is_left_to_an_agent(text: str, expected: object) -> None:
    assert when_asked(text, TODAY) == expected


def _text(client, sms_desk: dict, text: str, message_id: str) -> dict:  # type: ignore[no-untyped-def]
    return text_in(client, sms_desk["gateway"], text, message_id)


def _last_text(db: Session) -> str:
    return str(texts_sent(db)[-1]["text"])


def _jobs(db: Session) -> list[tuple[str, str]]:
    db.expire_all()
    return [(job.kind, job.payload) for job in db.scalars(select(Job).order_by(Job.id))]


def test_a_customer_moves_the_visit_by_text(client, db, sms_desk) -> None:
    order = complain(client, sms_desk["agent"], sms_desk["leaf"], subject="宽带断网")
    book_visit(client, sms_desk["agent"], order["id"], text=True)
    assert "如需改约，请回复 GY+日期+时段" in _last_text(db)  # the booking's text says how
    day = local_today() + timedelta(days=3)
    served = _text(client, sms_desk, f"gy {day.month}月{day.day}日晚上 白天不在家", "gy-1")
    assert served["rule"] == "短信改约上门" and served["auto_replied"]
    assert served["status"] == "ended"
    assert _last_text(db) == (
        f"已收到您的改约申请：工单 {order['number']} 的上门希望改到 {day:%m月%d日}晚上，"
        "工作人员将致电与您确认新的时间。"
    )
    url = f"/api/v1/work-orders/{order['id']}/appointments"
    visits = client.get(url, headers=sms_desk["agent"])
    assert visits.json()["items"][0]["move_asked"] == {"day": day.isoformat(), "part": "evening"}
    detail = client.get(f"/api/v1/work-orders/{order['id']}", headers=sms_desk["agent"]).json()
    step = next(e for e in detail["events"] if e["action"] == "move_asked")
    assert step["details"]["by_customer"] == "sms" and "白天不在家" in step["reason"]
    # asked once per booking: a second text waits for an agent
    again = _text(client, sms_desk, f"GY {day.month}月{day.day}日上午", "gy-2")
    assert again["status"] == "open" and not again["auto_replied"]


@pytest.mark.parametrize(
    "text",
    ["GY 下午", "GY 明天", "GY 12月9日下午 12月10日上午", "GY 下个月 5 号上午"],
)
def test_an_unclear_move_waits_for_an_agent(client, db, sms_desk, text: str) -> None:
    order = complain(client, sms_desk["agent"], sms_desk["leaf"], subject="宽带断网")
    book_visit(client, sms_desk["agent"], order["id"], text=True)
    served = _text(client, sms_desk, text, f"gy-{abs(hash(text))}")
    assert served["status"] == "open" and not served["auto_replied"]


def test_with_two_visits_the_text_names_the_order(client, db, sms_desk) -> None:
    first = complain(client, sms_desk["agent"], sms_desk["leaf"], subject="宽带断网")
    second = complain(client, sms_desk["agent"], sms_desk["leaf"], subject="机顶盒坏了")
    for order in (first, second):
        book_visit(client, sms_desk["agent"], order["id"], text=True)
    day = local_today() + timedelta(days=2)
    unnamed = _text(client, sms_desk, f"GY {day.month}月{day.day}日上午", "gy-a")
    assert unnamed["status"] == "open"  # which visit? an agent asks
    named = _text(client, sms_desk, f"GY {second['number']} {day.month}月{day.day}日上午", "gy-b")
    assert named["status"] == "ended" and second["number"] in _last_text(db)


def _on_the_roster(client, db: Session, sms_desk: dict) -> tuple[dict, int]:  # type: ignore[no-untyped-def]
    """An order whose visit tomorrow morning is booked from the roster, texted."""
    from kefu.customers.models import Customer
    from kefu.workorders.models import FieldEngineer

    unit = db.scalar(select(Customer.org_unit_id).where(Customer.id.is_not(None)))
    engineer = FieldEngineer(name="张志强", phone="139 2001 3301", org_unit_id=unit)
    db.add(engineer)
    db.commit()
    order = complain(client, sms_desk["agent"], sms_desk["leaf"], subject="宽带断网")
    visit = {
        "visit_on": (local_today() + timedelta(days=1)).isoformat(),
        "from_time": "09:00",
        "to_time": "12:00",
        "address": "广州市天河区体育西路 101 号",
        "engineer_id": engineer.id,
        "text_customer": True,
    }
    url = f"/api/v1/work-orders/{order['id']}/appointments"
    assert client.post(url, json=visit, headers=sms_desk["agent"]).status_code == 201
    return order, engineer.id


def test_a_roster_engineer_free_then_moves_the_visit_at_once(client, db, sms_desk) -> None:
    order, _ = _on_the_roster(client, db, sms_desk)
    day = local_today() + timedelta(days=3)
    served = _text(client, sms_desk, f"GY {day.month}月{day.day}日晚上", "gy-r1")
    assert served["status"] == "ended" and served["auto_replied"]
    said = _last_text(db)
    assert f"已为您改约至{day:%m月%d日}18:00-20:00上门处理，工程师张志强 139 2001 3301" in said
    url = f"/api/v1/work-orders/{order['id']}/appointments"
    moved, before = client.get(url, headers=sms_desk["agent"]).json()["items"][:2]
    assert (moved["status"], moved["engineer"], moved["booked_by"]) == (
        "scheduled",
        "张志强",
        None,
    )
    assert moved["move_asked"] is None and before["status"] == "rescheduled"
    jobs = [kind for kind, _ in _jobs(db)]
    assert "order.visit_reminder" in jobs  # reminded the evening before, as it was texted
    detail = client.get(f"/api/v1/work-orders/{order['id']}", headers=sms_desk["agent"]).json()
    assert not [e for e in detail["events"] if e["action"] == "move_asked"]


def test_a_roster_engineer_taken_then_leaves_the_ask_to_the_holder(client, db, sms_desk) -> None:
    order, engineer_id = _on_the_roster(client, db, sms_desk)
    day = local_today() + timedelta(days=3)
    other = complain(client, sms_desk["agent"], sms_desk["leaf"], subject="机顶盒坏了")
    taken = {
        "visit_on": day.isoformat(),
        "from_time": "19:00",
        "to_time": "20:00",
        "address": "广州市越秀区中山路 1 号",
        "engineer_id": engineer_id,
    }
    url = f"/api/v1/work-orders/{other['id']}/appointments"
    assert client.post(url, json=taken, headers=sms_desk["agent"]).status_code == 201
    served = _text(client, sms_desk, f"GY {order['number']} {day.month}月{day.day}日晚上", "gy-r2")
    assert served["auto_replied"] and "工作人员将致电与您确认新的时间" in _last_text(db)
    mine = f"/api/v1/work-orders/{order['id']}/appointments"
    booked = client.get(mine, headers=sms_desk["agent"]).json()["items"][0]
    assert booked["status"] == "scheduled" and booked["move_asked"]["part"] == "evening"
