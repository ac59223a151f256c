"""A notice for enterprise customers reaches their groups' key people (关键人) too — at a
mobile number by text and at their address by e-mail, each on record — and every
account manager whose customers or groups were told gets one e-mail naming them, in the
manager's language, once everyone is sent it; called off, the same people are told."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import make_group, make_staff
from kefu.core import outbox
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.customers.enums import EnterpriseGrade, EnterpriseScale, Industry
from kefu.customers.models import Customer, Enterprise, EnterpriseContact
from kefu.notices import sending
from kefu.notices.models import NoticeKeyPerson
from kefu.org.models import OrgUnit
from notice_calls import act_on, make_area, write_notice


def _contact(db: Session, group_id: int, name: str, **values: Any) -> EnterpriseContact:
    person = EnterpriseContact(enterprise_id=group_id, name=name, **values)
    db.add(person)
    db.flush()
    return person


@pytest.fixture
def area(db: Session) -> dict[str, Any]:
    found = make_area(db)
    city = db.get(OrgUnit, found["unit"])
    group_manager = make_staff(
        db, city, Role.ACCOUNT_MANAGER, display_name="王经理", email="wang@kefu.example.cn"
    )
    gold_manager = make_staff(
        db, city, Role.ACCOUNT_MANAGER, email="li@kefu.example.cn", language="en"
    )
    db.get(Enterprise, found["group"]).account_manager_id = group_manager.id
    db.get(Customer, found["gold"]).account_manager_id = gold_manager.id
    key = dict(is_key=True, title="信息化主管")
    found["it_lead"] = _contact(
        db, found["group"], "张建国", phone="+8613900139001", email="it@wuliu.example.cn", **key
    ).id
    found["desk"] = _contact(
        db, found["group"], "李秘书", phone="+862087654321", email="desk@wuliu.example.cn", **key
    ).id  # a landline: mailed, not texted
    _contact(db, found["group"], "赵工", phone="+8613900139002")  # not a key person
    _contact(db, found["group"], "钱总", phone="+8613900139003", is_key=True, active=False)
    _contact(db, found["group"], "孙助理", is_key=True)  # nothing to reach them by
    elsewhere = make_group(
        db,
        found["other_unit"],
        "佛山某制造厂",
        industry=Industry.MANUFACTURING,
        scale=EnterpriseScale.MEDIUM,
        grade=EnterpriseGrade.B,
        account_manager_id=group_manager.id,  # the same manager: not told, not named
    )
    _contact(db, elsewhere.id, "周厂长", phone="+8613900139004", is_key=True)
    found["managers"] = {"group": group_manager.email, "gold": gold_manager.email}
    db.commit()
    return found


def _jobs(db: Session) -> list[tuple[str, dict]]:
    db.expire_all()
    return [(job.kind, json.loads(job.payload)) for job in db.scalars(select(Job).order_by(Job.id))]


def test_the_groups_key_people_are_told_and_on_record(client, db, area) -> None:
    draft = write_notice(client, area)
    # two customers (two texts, one address); two key people (one mobile, two addresses)
    assert draft["reach"] == {"customers": 2, "key_people": 2, "texts": 3, "mails": 3}
    only_gold = write_notice(client, area, audience="high_value")
    assert only_gold["reach"]["key_people"] == 0  # groups are told with enterprise customers

    sent = act_on(client, area, draft, "send").json()
    assert sent["reach"] == draft["reach"]
    jobs = _jobs(db)
    texted = {p["to"] for kind, p in jobs if kind == "notify.sms"}
    assert "+8613900139001" in texted and "+862087654321" not in texted
    assert "+8613900139002" not in texted and "+8613900139004" not in texted
    mailed = {p["to"] for kind, p in jobs if kind == "notify.email"}
    assert {"it@wuliu.example.cn", "desk@wuliu.example.cn"} <= mailed
    said = next(p["text"] for kind, p in jobs if p.get("to") == "+8613900139001")
    assert said.startswith("【大客户通告】天河区核心网割接：")

    listed = client.get(
        f"/api/v1/notices/{sent['id']}/key-people", headers=area["supervisor"]
    ).json()
    assert listed["total"] == 2
    first = listed["items"][0]
    assert (first["contact_id"], first["enterprise"], first["title"]) == (
        area["it_lead"],
        "广州某物流有限公司",
        "信息化主管",
    )
    assert first["phone"] == "139****9001" and first["name"] == "张**"  # masked
    assert listed["items"][1]["phone"] == ""  # the landline was not texted


def test_the_account_managers_are_told_which_of_theirs_were(client, db, area) -> None:
    act_on(client, area, write_notice(client, area), "send")
    mails = {p["to"]: p for kind, p in _jobs(db) if kind == "notify.email"}
    group_mail = mails[area["managers"]["group"]]
    assert group_mail["subject"] == "【大客户通告】天河区核心网割接"
    # the group's member told has no manager of their own: the group's manager is theirs
    assert "您负责的1位客户及集团广州某物流有限公司的关键人" in group_mail["body"]
    assert "佛山某制造厂" not in group_mail["body"]
    assert "请主动联系客户" in group_mail["body"]
    gold_mail = mails[area["managers"]["gold"]]  # served in English
    assert "has been sent to 1 of your customers" in gold_mail["body"]


def test_called_off_the_key_people_and_managers_are_told(client, db, area) -> None:
    sent = act_on(client, area, write_notice(client, area), "send").json()
    before = len(_jobs(db))
    cancelled = act_on(client, area, sent, "cancel", {"reason": "设备到货延迟，割接改期"})
    assert cancelled.status_code == 200, cancelled.text
    later = _jobs(db)[before:]
    texted = {p["to"]: p["text"] for kind, p in later if kind == "notify.sms"}
    assert "已取消" in texted["+8613900139001"]
    mailed = {p["to"]: p["body"] for kind, p in later if kind == "notify.email"}
    assert "已取消" in mailed["desk@wuliu.example.cn"]
    assert "已取消" in mailed[area["managers"]["group"]]
    assert "is called off" in mailed[area["managers"]["gold"]]


def test_sent_a_batch_at_a_time_the_managers_are_told_once_at_the_end(
    client, db, area, session_factory, monkeypatch
) -> None:
    monkeypatch.setattr(sending, "BATCH", 1)
    sent = act_on(client, area, write_notice(client, area), "send").json()
    assert sent["sending"] is True
    managers = set(area["managers"].values())
    assert not {p["to"] for kind, p in _jobs(db) if kind == "notify.email"} & managers
    while outbox.run_due(session_factory).done:
        pass
    db.expire_all()
    assert len(db.scalars(select(NoticeKeyPerson)).all()) == 2
    mails = [p["to"] for kind, p in _jobs(db) if kind == "notify.email"]
    assert sorted(m for m in mails if m in managers) == sorted(managers)  # once each
    done = client.get(f"/api/v1/notices/{sent['id']}", headers=area["supervisor"]).json()
    assert done["sending"] is False
    assert done["reach"] == {"customers": 2, "key_people": 2, "texts": 3, "mails": 3}
