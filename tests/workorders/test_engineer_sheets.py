"""The engineer's day sheet (派工短信): at 18:00 the evening before, a roster engineer is
texted the next day's visits as they stand then (windows, order numbers, addresses, no
customer numbers); a visit booked, moved or called off after the sheet went out is
texted to them at once; each text is audited. An engineer off that day with visits still
booked warns the branch's dispatchers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    bearer,
    make_categories,
    make_org,
    make_staff,
    make_team,
    roster_visit,
    run_jobs_texting_to,
    texts_sent,
)
from kefu.config import get_settings
from kefu.core.audit import AuditLog
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.org.models import OrgUnit
from kefu.workorders.engineer_sheets import SHEET
from kefu.workorders.models import EngineerDayOff, FieldEngineer
from kefu.workorders.visit_reminders import REMINDER

MORNING = "2026-12-07T10:00:00+08:00"  # a Monday
EVENING = "2026-12-07T18:30:00+08:00"  # the sheets for Tuesday have gone out
ENGINEER = "+8613920013301"


@pytest.fixture
def desk(db: Session) -> dict[str, Any]:
    org = make_org(db)
    engineer = FieldEngineer(name="张志强", phone="139 2001 3301", org_unit_id=org.city.id)
    no_mobile = FieldEngineer(name="李建华", phone="020 8765 4321", org_unit_id=org.city.id)
    db.add_all([engineer, no_mobile])
    found = {
        "indoor": make_categories(db).indoor.id,
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
    }
    db.flush()
    found |= {"engineer": engineer.id, "no_mobile": no_mobile.id}
    db.commit()
    return found


def _book(client: Any, desk: dict, day: str, hours: tuple[str, str], **more: Any) -> dict:
    engineer = more.pop("engineer_id", desk["engineer"])
    door = f"广州市天河区体育西路 {hours[0][:2]} 号"
    return roster_visit(
        client, desk["agent"], desk["indoor"], engineer, day, hours, address=door, **more
    )


def _sheets(db: Session) -> list[dict]:
    db.expire_all()
    jobs = db.scalars(select(Job).where(Job.kind == SHEET).order_by(Job.id))
    return [json.loads(job.payload) for job in jobs]


def _to_engineer(texts: list[dict]) -> list[str]:
    return [t["text"] for t in texts if t["to"] == ENGINEER]


def test_the_evening_before_the_engineer_is_texted_the_days_visits(
    client, db, desk, session_factory, monkeypatch, tmp_path: Path
) -> None:
    with time_machine.travel(MORNING, tick=False):
        late = _book(client, desk, "2026-12-08", ("14:00", "18:00"))
        early = _book(client, desk, "2026-12-08", ("09:00", "12:00"))
        moved = _book(client, desk, "2026-12-08", ("18:00", "20:00"))
        _book(client, desk, "2026-12-09", ("09:00", "12:00"))
        _book(client, desk, "2026-12-08", ("09:00", "12:00"), engineer_id=desk["no_mobile"])
        assert [s["day"] for s in _sheets(db)] == ["2026-12-08", "2026-12-09"]  # once a day
        # moved to Wednesday before the sheet went out: simply not on Tuesday's
        url = f"/api/v1/work-orders/{moved['id']}/appointments"
        again = {**moved["visit"], "visit_on": "2026-12-09", "from_time": "14:00"}
        body = {k: again[k] for k in ("visit_on", "from_time", "address", "engineer_id")}
        body["to_time"] = "18:00"
        assert client.post(url, json=body, headers=desk["agent"]).status_code == 201
    with time_machine.travel(EVENING, tick=False):
        texts = run_jobs_texting_to(session_factory, tmp_path / "sms.jsonl", monkeypatch)
    (sheet,) = _to_engineer(texts)
    assert sheet.startswith("【明日上门】张志强师傅，12月08日共2单：09:00-12:00 ")
    assert early["number"] in sheet and late["number"] in sheet and moved["number"] not in sheet
    assert "体育西路 09 号" in sheet and "13800138001" not in sheet  # no customer's number
    audited = db.scalars(
        select(AuditLog.entity_id).where(AuditLog.action == "order.appointment.engineer_texted")
    ).all()
    assert sorted(audited) == sorted([str(early["id"]), str(late["id"])])


def test_after_the_sheet_changes_are_texted_at_once(client, db, desk) -> None:
    with time_machine.travel(MORNING, tick=False):
        kept = _book(client, desk, "2026-12-08", ("09:00", "12:00"))
    with time_machine.travel(EVENING, tick=False):
        before = len(texts_sent(db))
        url = f"/api/v1/work-orders/{kept['id']}/appointments/{kept['visit']['id']}/cancel"
        called_off = client.post(url, json={"reason": "客户已自行修复"}, headers=desk["agent"])
        assert called_off.status_code == 200, called_off.text
        added = _book(client, desk, "2026-12-08", ("14:00", "18:00"))
        texted = [t["text"] for t in texts_sent(db)[before:] if t["to"] == ENGINEER]
    assert texted[0].startswith("【派单取消】12月08日 09:00-12:00 " + kept["number"])
    assert texted[1].startswith("【新派单】12月08日 14:00-18:00 " + added["number"])


def test_an_unreported_visit_reminds_its_engineer_an_hour_after_its_window(
    client, db, desk, session_factory, monkeypatch, tmp_path: Path
) -> None:
    with time_machine.travel(MORNING, tick=False):
        reported = _book(client, desk, "2026-12-08", ("09:00", "12:00"))
        unreported = _book(client, desk, "2026-12-08", ("14:00", "16:00"))
    with time_machine.travel("2026-12-08T12:20:00+08:00", tick=False):
        url = f"/api/v1/work-orders/{reported['id']}/appointments/{reported['visit']['id']}/done"
        assert client.post(url, json={"note": "已修复"}, headers=desk["agent"]).status_code == 200
    with time_machine.travel("2026-12-08T17:10:00+08:00", tick=False):
        board = client.get("/api/v1/engineers/board?day=2026-12-08", headers=desk["agent"])
        visits = {v["number"]: v for row in board.json()["rows"] for v in row["visits"]}
        roster = client.get("/api/v1/engineers", headers=desk["agent"]).json()["items"]
        texts = run_jobs_texting_to(session_factory, tmp_path / "sms.jsonl", monkeypatch)
    zhang = next(e for e in roster if e["id"] == desk["engineer"])
    assert zhang["awaiting_report"] == 1
    assert visits[unreported["number"]]["awaiting_report"] is True  # its window is over
    assert visits[reported["number"]]["awaiting_report"] is False
    number = unreported["number"]
    reminders = [t for t in _to_engineer(texts) if t.startswith("【回单提醒】")]
    assert reminders == [
        f"【回单提醒】张志强师傅，工单 {number}（12月08日14:00-16:00）尚未回单，"
        f"请回复 HD {number} 完成（或 不在）。"
    ]
    audited = db.scalars(
        select(AuditLog.details).where(
            AuditLog.action == "order.appointment.engineer_texted",
            AuditLog.entity_id == str(unreported["id"]),
        )
    ).all()
    assert any('"report_reminder": true' in details for details in audited)


def _mails(db: Session) -> list[dict]:
    db.expire_all()
    jobs = db.scalars(select(Job).where(Job.kind == "notify.email").order_by(Job.id))
    return [json.loads(job.payload) for job in jobs]


def test_an_engineer_off_that_day_with_visits_warns_the_dispatchers(
    client, db, desk, session_factory, monkeypatch, tmp_path: Path
) -> None:
    org_unit = db.get(FieldEngineer, desk["engineer"]).org_unit_id
    unit = db.get(OrgUnit, org_unit)
    supervisor = make_staff(db, unit, Role.SUPERVISOR, email="sup@kefu.example.cn")
    team = make_team(db, unit)
    make_staff(db, unit, Role.TEAM_LEAD, email="lead@kefu.example.cn", team_id=team.id)
    make_staff(db, make_org(db).other_city, Role.SUPERVISOR, email="far@kefu.example.cn")
    db.add(EngineerDayOff(engineer_id=desk["engineer"], day=date(2026, 12, 8), reason="请假"))
    db.commit()
    assert supervisor.id
    with time_machine.travel(MORNING, tick=False):
        kept = _book(client, desk, "2026-12-08", ("09:00", "12:00"))
        _book(client, desk, "2026-12-09", ("09:00", "12:00"))  # the day after: at work
        before = len(_mails(db))
    with time_machine.travel(EVENING, tick=False):
        texts = run_jobs_texting_to(session_factory, tmp_path / "sms.jsonl", monkeypatch)
    # the sheet still goes (it may be overtime agreed with them) ...
    (sheet,) = _to_engineer(texts)
    assert kept["number"] in sheet
    # ... and the branch's supervisor and team lead are told, nobody elsewhere
    warned = [m for m in _mails(db)[before:] if "休息" in m["subject"]]
    assert sorted(m["to"] for m in warned) == ["lead@kefu.example.cn", "sup@kefu.example.cn"]
    assert warned[0]["subject"].startswith("张志强 12月08日休息，仍有1个上门")
    assert kept["number"] in warned[0]["body"] and "移交" in warned[0]["body"]


def test_the_evening_notices_go_at_the_time_the_center_sets(client, db, desk, monkeypatch) -> None:
    """KEFU_EVENING_NOTICES_AT moves the engineer's sheet and the customer's reminder."""
    monkeypatch.setattr(get_settings(), "evening_notices_at", time(17, 30))
    with time_machine.travel(MORNING, tick=False):
        _book(client, desk, "2026-12-09", ("09:00", "12:00"), text_customer=True)
    db.expire_all()
    at = {kind: db.scalar(select(Job.run_at).where(Job.kind == kind)) for kind in (SHEET, REMINDER)}
    evening = datetime(2026, 12, 8, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert {kind: when.replace(tzinfo=when.tzinfo or UTC) for kind, when in at.items()} == {
        SHEET: evening,
        REMINDER: evening,
    }
