"""What each engineer does (宽带 / 无线覆盖), and who can go for a window (谁有空): free
then, of the order's area, doing the kind of work it needs, the least loaded that day
first; one booked over the window named with that order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from factories import bearer, complain, make_staff
from kefu.core.clock import local_today
from kefu.core.rbac import Role
from kefu.org.models import OrgUnit
from kefu.workorders.models import Category

DAY = (local_today() + timedelta(days=2)).isoformat()


def _add(client: Any, headers: dict, unit: int, name: str, skills: list[str]) -> dict:
    body = {"name": name, "phone": "139 2001 3301", "org_unit_id": unit, "skills": skills}
    made = client.post("/api/v1/engineers", json=body, headers=headers)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _book(client: Any, crew: dict, engineer: dict, hours: tuple[str, str]) -> dict:
    order = complain(client, crew["agent"], crew["indoor"], "13800138001")
    body = {
        "visit_on": DAY,
        "from_time": hours[0],
        "to_time": hours[1],
        "address": "广州市天河区体育西路 101 号",
        "engineer_id": engineer["id"],
    }
    url = f"/api/v1/work-orders/{order['id']}/appointments"
    assert client.post(url, json=body, headers=crew["agent"]).status_code == 201
    return order


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
