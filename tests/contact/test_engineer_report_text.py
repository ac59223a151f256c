"""Field engineers reporting their visits by text (HD 回单): what a report says read from
what an engineer types; the visit closed at once in the engineer's name, the holder told
and a customer who was out texted how to book again; every report that cannot close a
visit answered with why; a text from anyone else left to an agent."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import complain, make_staff, text_in, texts_sent
from kefu.contact.engineer_report_text import report_in
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.customers.models import Customer
from kefu.org.models import OrgUnit
from kefu.workorders.models import FieldEngineer, WorkOrder
from kefu.workorders.numbering import NUMBER_IN_TEXT

BOOKED_ON = "2026-12-07T10:00:00+08:00"  # the visits are booked for Tuesday 09:00–12:00
DURING = "2026-12-08T10:30:00+08:00"  # the window has begun
BEFORE = "2026-12-08T08:00:00+08:00"  # the day of the visit, before its window
ENGINEER = "13920013301"


@pytest.mark.parametrize(
    ("text", "made"),
    [
        ("WO20261208-000123 完成", True),
        ("WO20261208-000123 已上门，光猫已更换", True),
        ("WO20261208-000123 未完成，需换光猫", True),  # there, fault still open
        ("WO20261208-000123 客户不在，未完成", False),  # nobody met
        ("wo20261208-000123 done", True),
        ("WO20261208-000123 nobody home", False),
        ("WO20261208-000123 1", True),
        ("2", False),
        ("WO20261208-000123", None),  # the number's own digits say nothing
        ("WO20261208-000123 1 2", None),
        ("about the router", None),  # "out" inside a word is not OUT
        ("", None),
    ],
)
def test_what_a_report_says(text: str, made: bool | None) -> None:
    report = report_in(text)
    assert (report.made if report else None) == made


@given(st.text(max_size=60))
def test_any_text_reads_as_made_nobody_or_nothing_keeping_the_words(text: str) -> None:
    report = report_in(text)
    if report is not None:  # the engineer's words, without the order number
        assert set(report.words) <= set(text) | {" "}
        assert NUMBER_IN_TEXT.search(report.words) is None


@given(st.integers(min_value=0, max_value=999_999_999))
def test_an_order_number_alone_is_no_report(serial: int) -> None:
    assert report_in(f"WO20261201-{serial:06d}") is None


def _engineer(db: Session, name: str = "张志强", phone: str = "139 2001 3301") -> int:
    unit = db.scalar(select(Customer.org_unit_id).where(Customer.id.is_not(None)))
    engineer = FieldEngineer(name=name, phone=phone, org_unit_id=unit)
    db.add(engineer)
    db.commit()
    return engineer.id


def _booked(client: Any, sms_desk: dict, engineer_id: int, day: str = "2026-12-08") -> dict:
    """An order with its visit booked from the roster, 09:00–12:00 on ``day``."""
    with time_machine.travel(BOOKED_ON, tick=False):
        order = complain(client, sms_desk["agent"], sms_desk["leaf"], subject="宽带断网")
        visit = {
            "visit_on": day,
            "from_time": "09:00",
            "to_time": "12:00",
            "address": "广州市天河区体育西路 101 号",
            "engineer_id": engineer_id,
        }
        url = f"/api/v1/work-orders/{order['id']}/appointments"
        made = client.post(url, json=visit, headers=sms_desk["agent"])
        assert made.status_code == 201, made.text
    return order | {"visit": made.json()}


def _report(client: Any, sms_desk: dict, text: str, at: str, sender: str = ENGINEER) -> dict:
    with time_machine.travel(at, tick=False):
        return text_in(
            client, sms_desk["gateway"], text, f"hd-{abs(hash((text, at, sender)))}", sender
        )


def _visit(client: Any, sms_desk: dict, order: dict) -> dict:
    url = f"/api/v1/work-orders/{order['id']}/appointments"
    return dict(client.get(url, headers=sms_desk["agent"]).json()["items"][0])


def _last_text(db: Session) -> dict:
    return texts_sent(db)[-1]


def test_an_engineer_reports_a_visit_made(client, db, sms_desk) -> None:
    order = _booked(client, sms_desk, _engineer(db))
    held = db.get(WorkOrder, order["id"])
    make_staff(db, db.get(OrgUnit, held.org_unit_id), Role.SUPERVISOR, email="sup@example.cn")
    db.commit()  # the order sits with its unit: its supervisor holds it
    served = _report(client, sms_desk, f"HD {order['number']} 完成，已换光猫", DURING)
    assert served["rule"] == "装维短信回单" and served["auto_replied"]
    assert served["status"] == "ended"
    reply = _last_text(db)
    assert reply["to"] == "+8613920013301"
    assert reply["text"] == f"已记录：工单 {order['number']} 上门已完成。感谢回单。"
    visit = _visit(client, sms_desk, order)
    assert visit["status"] == "done" and visit["closed_by"] is None
    assert visit["outcome_note"] == "工程师张志强短信回单：完成，已换光猫"
    detail = client.get(f"/api/v1/work-orders/{order['id']}", headers=sms_desk["agent"]).json()
    step = next(e for e in detail["events"] if e["details"].get("outcome") == "done")
    assert "已换光猫" in step["reason"] and step["details"]["engineer_report"] == "张志强"
    audited = db.scalar(select(AuditLog).where(AuditLog.action == "order.appointment.done"))
    assert audited is not None and audited.actor_name == "工程师 张志强"
    mails = db.scalars(select(Job.payload).where(Job.kind == "notify.email")).all()
    told = [json.loads(payload) for payload in mails]
    assert any(mail["subject"].startswith("工程师回单 " + order["number"]) for mail in told)


def test_nobody_at_home_closes_the_visit_and_texts_the_customer(client, db, sms_desk) -> None:
    order = _booked(client, sms_desk, _engineer(db))
    _report(client, sms_desk, "HD 客户不在，敲门无人应", DURING)  # their one visit under way
    visit = _visit(client, sms_desk, order)
    assert (visit["status"], visit["missed_by"]) == ("missed", "customer")
    to_customer, reply = texts_sent(db)[-2:]
    assert to_customer["to"] == "+8613800138000"
    assert to_customer["text"] == (
        f"【{order['number']}】工程师张志强按约于12月08日09:00-12:00上门，未能见到您。"
        "如需重新预约，请回复 GY+日期+时段（如 GY 12月9日下午）或致电客服热线。"
    )
    assert reply["text"] == f"已记录：工单 {order['number']} 客户不在，已告知客户改约。感谢回单。"
    # the customer books again by text: the same engineer and address, free then
    with time_machine.travel(DURING, tick=False):
        served = text_in(client, sms_desk["gateway"], "GY 12月10日下午", "gy-again")
    assert served["auto_replied"] and served["status"] == "ended"
    assert _last_text(db)["text"].startswith(
        f"【{order['number']}】已为您改约至12月10日14:00-18:00上门处理，工程师张志强"
    )
    url = f"/api/v1/work-orders/{order['id']}/appointments"
    again, missed = client.get(url, headers=sms_desk["agent"]).json()["items"][:2]
    assert (again["status"], again["engineer"], again["address"]) == (
        "scheduled",
        "张志强",
        order["visit"]["address"],
    )
    assert missed["status"] == "missed"


def test_an_order_answered_since_is_not_booked_again_by_text(client, db, sms_desk) -> None:
    order = _booked(client, sms_desk, _engineer(db))
    _report(client, sms_desk, f"HD {order['number']} 不在", DURING)
    db.get(WorkOrder, order["id"]).status = "replied"  # answered: no visit any more
    db.commit()
    with time_machine.travel(DURING, tick=False):
        served = text_in(client, sms_desk["gateway"], "GY 12月10日下午", "gy-late")
    assert served["status"] == "open" and not served["auto_replied"]  # for an agent


def _reply_to(client: Any, db: Session, sms_desk: dict, text: str, at: str, **more: Any) -> str:
    served = _report(client, sms_desk, text, at, **more)
    assert served["auto_replied"]  # answered: the engineer sends it again, right
    return str(_last_text(db)["text"])


def test_a_report_that_cannot_close_a_visit_is_answered_with_why(client, db, sms_desk) -> None:
    mine = _engineer(db)
    other = _engineer(db, "李建华", "139 2001 3302")
    order = _booked(client, sms_desk, mine)
    tomorrows = _booked(client, sms_desk, mine, day="2026-12-09")
    theirs = _booked(client, sms_desk, other)
    number = order["number"]
    said = _reply_to(client, db, sms_desk, f"HD {number} 到了", DURING)
    assert said.startswith("回单格式：HD 工单号 完成")
    said = _reply_to(client, db, sms_desk, f"HD {theirs['number']} 完成", DURING)
    assert said == f"工单 {theirs['number']} 没有派给您的待上门预约，请核对工单号。"
    said = _reply_to(client, db, sms_desk, f"HD {tomorrows['number']} 完成", DURING)
    assert said == f"工单 {tomorrows['number']} 的上门在 12月09日09:00-12:00，当天才能回单。"
    said = _reply_to(client, db, sms_desk, f"HD {number} 不在", BEFORE)
    assert "尚未开始" in said
    said = _reply_to(client, db, sms_desk, "HD 完成", BEFORE)  # none of theirs begun yet
    assert said.startswith("请写明工单号")
    assert _visit(client, sms_desk, order)["status"] == "scheduled"
    _report(client, sms_desk, f"HD {number} 完成", DURING)
    said = _reply_to(client, db, sms_desk, f"HD {number} 不在", DURING)  # sent twice
    assert said == f"工单 {number} 的这次上门已结单，无需再回单。"
    assert _visit(client, sms_desk, order)["status"] == "done"


def test_a_report_from_anyone_else_waits_for_an_agent(client, db, sms_desk) -> None:
    order = _booked(client, sms_desk, _engineer(db))
    served = _report(client, sms_desk, f"HD {order['number']} 完成", DURING, sender="13800138000")
    assert served["status"] == "open" and not served["auto_replied"]
    assert _visit(client, sms_desk, order)["status"] == "scheduled"
    # an engineer who has left reports nothing either
    db.execute(FieldEngineer.__table__.update().values(active=False))
    db.commit()
    served = _report(client, sms_desk, f"HD {order['number']} 完成", DURING)
    assert served["status"] == "open" and not served["auto_replied"]
