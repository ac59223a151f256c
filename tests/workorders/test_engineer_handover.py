"""Handing an engineer's visits to a colleague (交接): each visit keeps its window and gets
the colleague, who must be free for it (those they are booked over stay, named); both
engineers and a texted customer are told; a leaver is made inactive only once no visit
ahead is booked for them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import time_machine
from sqlalchemy import select

from factories import (
    add_engineer,
    roster_visit,
    run_jobs_texting_to,
    texts_sent,
)
from kefu.core.audit import AuditLog
from kefu.core.clock import local_today

MORNING = "2026-12-07T08:00:00+08:00"  # a Monday; Tuesday's sheets are still to go
EVENING = "2026-12-07T18:30:00+08:00"  # Tuesday's sheets have gone out
ZHANG, LI = "+8613920013301", "+8613920013302"


def _add(client: Any, crew: dict, name: str, phone: str, unit: str = "unit", **more: str) -> dict:
    lead = crew["lead"] if unit == "unit" else crew["other_lead"]
    return add_engineer(client, lead, crew[unit], name, phone, **more)


def _book(client: Any, crew: dict, engineer: dict, day: str, hours: tuple[str, str]) -> dict:
    agent, indoor = crew["agent"], crew["indoor"]
    return roster_visit(client, agent, indoor, engineer["id"], day, hours, text_customer=True)


def _hand_over(client: Any, crew: dict, source: dict, to: dict, **more: Any) -> Any:
    body = {"to_engineer_id": to["id"]} | more
    return client.post(
        f"/api/v1/engineers/{source['id']}/hand-over", json=body, headers=crew["lead"]
    )


def test_a_sick_engineers_day_goes_to_a_colleague_who_is_free(
    client, db, crew, session_factory, monkeypatch, tmp_path: Path
) -> None:
    zhang = _add(client, crew, "张志强", "139 2001 3301")
    li = _add(client, crew, "李建华", "139 2001 3302")
    with time_machine.travel(MORNING, tick=False):
        morning = _book(client, crew, zhang, "2026-12-08", ("09:00", "12:00"))
        clashing = _book(client, crew, zhang, "2026-12-08", ("14:00", "16:00"))
        next_day = _book(client, crew, zhang, "2026-12-09", ("09:00", "12:00"))
        li_own = _book(client, crew, li, "2026-12-08", ("15:00", "18:00"))
    with time_machine.travel(EVENING, tick=False):
        before = len(texts_sent(db))
        done = _hand_over(client, crew, zhang, li, day="2026-12-08")
        assert done.status_code == 200, done.text
        texts = texts_sent(db)[before:]
    handed = done.json()
    assert [v["number"] for v in handed["handed"]] == [morning["number"]]
    assert [(v["number"], v["clash_number"]) for v in handed["left"]] == [
        (clashing["number"], li_own["number"])
    ]
    url = f"/api/v1/work-orders/{morning['id']}/appointments"
    visit = client.get(url, headers=crew["agent"]).json()["items"][0]
    assert (visit["engineer_id"], visit["engineer"], visit["engineer_phone"]) == (
        li["id"],
        "李建华",
        "139 2001 3302",
    )
    assert visit["starts_at"] == morning["visit"]["starts_at"]  # the window stands
    # the sheets had gone: the one who no longer goes and the one who now goes are told,
    # and the customer, who was texted the engineer, is texted the new one
    said = {(t["to"], t["text"].split("】")[0]) for t in texts}
    assert said == {
        (ZHANG, "【派单取消"),
        (LI, "【新派单"),
        ("+8613800138001", f"【{morning['number']}"),
    }
    to_customer = next(t["text"] for t in texts if t["to"] == "+8613800138001")
    assert "上门时间不变，改由工程师李建华 139 2001 3302上门" in to_customer
    detail = client.get(f"/api/v1/work-orders/{morning['id']}", headers=crew["agent"]).json()
    step = next(e for e in detail["events"] if e["details"].get("engineer_before"))
    assert (step["details"]["engineer_before"], step["details"]["engineer"]) == ("张志强", "李建华")
    # the next day's visit was not that day's: it stays with Zhang
    url = f"/api/v1/work-orders/{next_day['id']}/appointments"
    assert client.get(url, headers=crew["agent"]).json()["items"][0]["engineer"] == "张志强"
    with time_machine.travel("2026-12-08T13:30:00+08:00", tick=False):  # not reported
        sent = run_jobs_texting_to(session_factory, tmp_path / "sms.jsonl", monkeypatch)
    reminded = [t["to"] for t in sent if t["text"].startswith("【回单提醒】")]
    assert reminded == [LI]  # whoever has the visit when the reminder is due
    audited = db.scalar(select(AuditLog).where(AuditLog.action == "engineer.hand_over"))
    assert audited is not None
    details = json.loads(audited.details)
    assert (details["handed"], details["left"]) == ([morning["number"]], [clashing["number"]])


def test_a_leaver_is_made_inactive_once_their_visits_are_handed_over(client, crew) -> None:
    zhang = _add(client, crew, "张志强", "139 2001 3301")
    li = _add(client, crew, "李建华", "139 2001 3302")
    first = _book(client, crew, zhang, _day(2), ("09:00", "12:00"))
    _book(client, crew, zhang, _day(3), ("09:00", "12:00"))

    def leave() -> Any:
        version = client.get("/api/v1/engineers", headers=crew["lead"]).json()["items"]
        now = next(e["version"] for e in version if e["id"] == zhang["id"])
        url = f"/api/v1/engineers/{zhang['id']}"
        return client.patch(
            url, json={"active": False}, headers=crew["lead"] | {"If-Match": f'"{now}"'}
        )

    refused = leave()
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("engineer_has_visits", "active")
    assert "2" in error["message"] and first["number"] in error["message"]
    assert _hand_over(client, crew, zhang, li).json()["left"] == []  # every day ahead
    left = leave()
    assert left.status_code == 200 and left.json()["active"] is False
    roster = {
        e["id"]: e for e in client.get("/api/v1/engineers", headers=crew["lead"]).json()["items"]
    }
    assert (roster[zhang["id"]]["booked_ahead"], roster[li["id"]]["booked_ahead"]) == (0, 2)


def test_a_hand_over_goes_to_another_active_engineer_of_ones_own_roster(client, crew) -> None:
    zhang = _add(client, crew, "张志强", "139 2001 3301")
    li = _add(client, crew, "李建华", "139 2001 3302")
    elsewhere = _add(client, crew, "王海涛", "139 2001 3303", unit="other_unit")
    _book(client, crew, zhang, _day(2), ("09:00", "12:00"))
    for to, code in ((zhang, "handover_to_self"), (elsewhere, "engineer_not_found")):
        refused = _hand_over(client, crew, zhang, to)
        assert refused.status_code == 422
        assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == (
            code,
            "to_engineer_id",
        )
    url = f"/api/v1/engineers/{li['id']}"
    client.patch(
        url,
        json={"active": False},
        headers=crew["lead"] | {"If-Match": f'"{li["version"]}"'},
    )
    refused = _hand_over(client, crew, zhang, li)
    assert refused.json()["error"]["code"] == "engineer_inactive"
    # an agent books visits but does not hand an engineer's over
    agent = client.post(
        f"/api/v1/engineers/{zhang['id']}/hand-over",
        json={"to_engineer_id": li["id"]},
        headers=crew["agent"],
    )
    assert agent.status_code == 403
    # another branch's lead does not see Zhang
    other = client.post(
        f"/api/v1/engineers/{zhang['id']}/hand-over",
        json={"to_engineer_id": elsewhere["id"]},
        headers=crew["other_lead"],
    )
    assert other.status_code == 404


def _day(ahead: int) -> str:
    return (local_today() + timedelta(days=ahead)).isoformat()


def test_visits_outside_the_colleagues_hours_stay_named(client, crew) -> None:
    zhang = _add(client, crew, "张志强", "139 2001 3301")
    li = _add(client, crew, "李建华", "139 2001 3302", work_start="08:00", work_end="17:00")
    with time_machine.travel(MORNING, tick=False):
        morning = _book(client, crew, zhang, "2026-12-08", ("09:00", "12:00"))
        evening = _book(client, crew, zhang, "2026-12-08", ("18:00", "20:00"))
        done = _hand_over(client, crew, zhang, li)
    assert done.status_code == 200, done.text
    assert [v["number"] for v in done.json()["handed"]] == [morning["number"]]
    assert [(v["number"], v["clash_number"], v["off_duty"]) for v in done.json()["left"]] == [
        (evening["number"], None, True)
    ]
    url = f"/api/v1/work-orders/{evening['id']}/appointments"
    assert client.get(url, headers=crew["agent"]).json()["items"][0]["engineer"] == "张志强"
