"""What each engineer does (宽带 / 无线覆盖) and when they work (上班时间), and who can go
for a window (谁有空): free then, of the order's area, working then, doing the kind of
work it needs, the least loaded that day first; one booked over the window named with
that order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from factories import add_engineer, bearer, complain, make_staff, roster_visit
from kefu.core.clock import local_today
from kefu.core.rbac import Role
from kefu.org.models import OrgUnit
from kefu.workorders.models import Category

DAY = (local_today() + timedelta(days=2)).isoformat()


def _add(client: Any, headers: dict, unit: int, name: str, skills: list[str], **more: str) -> dict:
    return add_engineer(client, headers, unit, name, skills=skills, **more)


def _book(client: Any, crew: dict, engineer: dict, hours: tuple[str, str]) -> dict:
    return roster_visit(client, crew["agent"], crew["indoor"], engineer["id"], DAY, hours)


def test_an_engineers_skills_are_kept_and_changed(client, crew) -> None:
    zhang = _add(
        client, crew["lead"], crew["unit"], "张志强", ["coverage", "broadband", "coverage"]
    )
    assert zhang["skills"] == ["broadband", "coverage"]  # each once, in a fixed order
    url = f"/api/v1/engineers/{zhang['id']}"
    changed = client.patch(
        url, json={"skills": []}, headers=crew["lead"] | {"If-Match": f'"{zhang["version"]}"'}
    )
    assert changed.status_code == 200 and changed.json()["skills"] == []  # every kind
    body = {"name": "李建华", "org_unit_id": crew["unit"], "skills": ["iptv"]}
    refused = client.post("/api/v1/engineers", json=body, headers=crew["lead"])
    assert refused.status_code == 422
    assert refused.json()["error"]["field"].startswith("skills")


def test_who_can_go_is_offered_best_first(client, db: Session, crew) -> None:
    city = db.get(OrgUnit, crew["unit"])
    province = db.get(OrgUnit, city.parent_id)
    supervisor = bearer(db, make_staff(db, province, Role.SUPERVISOR))
    indoor = db.get(Category, crew["indoor"])
    indoor.code = "network.coverage.indoor"  # its visits need 无线覆盖
    db.commit()
    add = lambda name, skills, unit=crew["unit"]: _add(client, supervisor, unit, name, skills)  # noqa: E731
    fits = add("张志强", ["coverage"])
    generalist = add("王海涛", [])
    broadband = add("李建华", ["broadband"])
    elsewhere = add("赵勇", ["coverage"], crew["other_unit"])
    busy = add("陈伟", ["coverage"])
    taken = _book(client, crew, busy, ("10:00", "12:00"))
    _book(client, crew, generalist, ("15:00", "17:00"))  # free then, but busier that day
    order = complain(client, crew["agent"], crew["indoor"], "13800138002")

    url = f"/api/v1/work-orders/{order['id']}/engineers"
    window = {"visit_on": DAY, "from_time": "09:00", "to_time": "11:00"}
    offer = client.get(url, params=window, headers=supervisor).json()
    assert offer["skill_needed"] == "coverage"
    ranked = [(i["name"], i["fits"], i["nearby"], i["visits_that_day"]) for i in offer["items"]]
    assert ranked == [
        ("张志强", True, True, 0),
        ("王海涛", True, True, 1),  # does every kind
        ("李建华", False, True, 0),
        ("赵勇", True, False, 0),  # another branch
        ("陈伟", True, True, 1),  # booked over the window
    ]
    clashes = {i["engineer_id"]: i["clash_number"] for i in offer["items"]}
    assert clashes[busy["id"]] == taken["number"] and clashes[fits["id"]] is None
    assert {broadband["id"], elsewhere["id"]} <= set(clashes)
    # the agent's roster is their branch's; a window backwards is refused at its field
    mine = client.get(url, params=window, headers=crew["agent"]).json()["items"]
    assert "赵勇" not in [i["name"] for i in mine]
    backwards = client.get(url, params=window | {"to_time": "08:00"}, headers=crew["agent"])
    assert backwards.status_code == 422 and backwards.json()["error"]["field"] == "to_time"


def test_working_hours_are_kept_changed_and_cleared(client, crew) -> None:
    zhang = _add(
        client, crew["lead"], crew["unit"], "张志强", [], work_start="08:30", work_end="17:30"
    )
    assert (zhang["work_start"], zhang["work_end"]) == ("08:30:00", "17:30:00")
    url = f"/api/v1/engineers/{zhang['id']}"
    match = lambda engineer: crew["lead"] | {"If-Match": f'"{engineer["version"]}"'}  # noqa: E731
    renamed = client.patch(url, json={"name": "张志强"}, headers=match(zhang)).json()
    assert renamed["work_start"] == "08:30:00"  # hours left out stay as they are
    board = client.get("/api/v1/engineers/board", params={"day": DAY}, headers=crew["agent"])
    (row,) = board.json()["rows"]
    assert (row["work_start"], row["work_end"]) == ("08:30:00", "17:30:00")  # the day's board
    half = client.patch(url, json={"work_start": None}, headers=match(renamed))
    assert half.status_code == 422 and half.json()["error"] == {
        "code": "engineer_hours_pair",
        "message": "上班时间请同时填写开始和结束，或都不填（不限时间）。",
        "field": "work_start",
    }
    backwards = client.patch(
        url, json={"work_start": "18:00", "work_end": "09:00"}, headers=match(renamed)
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["code"] == "engineer_hours_order"
    assert backwards.json()["error"]["field"] == "work_end"
    cleared = client.patch(url, json={"work_start": None, "work_end": None}, headers=match(renamed))
    assert cleared.status_code == 200
    assert (cleared.json()["work_start"], cleared.json()["work_end"]) == (None, None)
    body = {"name": "李建华", "org_unit_id": crew["unit"], "work_end": "17:00"}
    one_end = client.post("/api/v1/engineers", json=body, headers=crew["lead"])
    assert one_end.status_code == 422 and one_end.json()["error"]["field"] == "work_start"


def test_one_off_duty_for_the_window_is_offered_after_those_working(
    client, db: Session, crew
) -> None:
    add = lambda name, **hours: _add(client, crew["lead"], crew["unit"], name, [], **hours)  # noqa: E731
    days = add("张志强", work_start="08:30", work_end="17:30")
    add("李建华", work_start="12:00", work_end="20:30")
    add("王海涛")  # no hours set: any time
    order = complain(client, crew["agent"], crew["indoor"], "13800138002")
    url = f"/api/v1/work-orders/{order['id']}/engineers"

    def offered(hours: tuple[str, str]) -> list[tuple[str, bool]]:
        window = {"visit_on": DAY, "from_time": hours[0], "to_time": hours[1]}
        items = client.get(url, params=window, headers=crew["agent"]).json()["items"]
        return [(i["name"], i["on_duty"]) for i in items]

    assert offered(("18:00", "20:00")) == [("李建华", True), ("王海涛", True), ("张志强", False)]
    assert offered(("09:00", "11:00")) == [("张志强", True), ("王海涛", True), ("李建华", False)]
    # the area still comes first: a local asked to stay late before a drive from elsewhere
    city = db.get(OrgUnit, crew["unit"])
    supervisor = bearer(db, make_staff(db, db.get(OrgUnit, city.parent_id), Role.SUPERVISOR))
    _add(client, crew["other_lead"], crew["other_unit"], "赵勇", [])
    window = {"visit_on": DAY, "from_time": "18:00", "to_time": "20:00"}
    items = client.get(url, params=window, headers=supervisor).json()["items"]
    assert [(i["name"], i["nearby"], i["on_duty"]) for i in items][-2:] == [
        ("张志强", True, False),
        ("赵勇", False, True),
    ]
    # off duty is offered, not refused: overtime agreed with them is booked as asked
    overtime = _book(client, crew, days, ("18:00", "20:00"))
    visits = client.get(f"/api/v1/work-orders/{overtime['id']}/appointments", headers=crew["agent"])
    assert visits.json()["items"][0]["engineer"] == "张志强"
