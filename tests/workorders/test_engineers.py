"""The field engineers' roster (装维工程师): dispatchers keep it; a visit booked from it
carries the engineer's name and phone and cannot promise one engineer at two doors at
once; the day's board shows who goes where; a leaver is made inactive, never deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from factories import add_engineer, complain
from kefu.core.audit import AuditLog
from kefu.core.clock import local_today


def _add(client: Any, crew: dict, name: str, **more: Any) -> dict[str, Any]:
    return add_engineer(client, crew["lead"], crew["unit"], name, **more)


def _visit(hours: tuple[str, str], days: int = 1, **who: Any) -> dict[str, Any]:
    return {
        "visit_on": (local_today() + timedelta(days=days)).isoformat(),
        "from_time": hours[0],
        "to_time": hours[1],
        "address": "广州市天河区体育西路 101 号 1203 室",
    } | who


def _book(client: Any, crew: dict, order: dict, body: dict) -> Any:
    url = f"/api/v1/work-orders/{order['id']}/appointments"
    return client.post(url, json=body, headers=crew["agent"])


def test_a_visit_booked_from_the_roster_keeps_the_engineer_to_one_door(client, crew) -> None:
    zhang = _add(client, crew, "张志强")
    first = complain(client, crew["agent"], crew["indoor"], "13800138001")
    second = complain(client, crew["agent"], crew["indoor"], "13800138002")
    booked = _book(client, crew, first, _visit(("09:00", "12:00"), engineer_id=zhang["id"]))
    assert booked.status_code == 201, booked.text
    made = booked.json()
    assert (made["engineer_id"], made["engineer"], made["engineer_phone"]) == (
        zhang["id"],
        "张志强",
        "139 2001 3301",
    )

    clash = _book(client, crew, second, _visit(("11:00", "13:00"), engineer_id=zhang["id"]))
    assert clash.status_code == 409
    error = clash.json()["error"]
    assert (error["code"], error["field"]) == ("engineer_busy", "engineer_id")
    assert first["number"] in error["message"] and "张志强" in error["message"]
    after = _book(client, crew, second, _visit(("12:00", "15:00"), engineer_id=zhang["id"]))
    assert after.status_code == 201  # a window touching the last one's end is free
    # moving the first visit within its own old window is no clash with itself
    moved = _book(client, crew, first, _visit(("09:30", "11:30"), engineer_id=zhang["id"]))
    assert moved.status_code == 201, moved.text

    roster = client.get("/api/v1/engineers", headers=crew["agent"]).json()["items"]
    assert [(e["name"], e["booked_ahead"]) for e in roster] == [("张志强", 2)]


def test_an_engineer_named_by_hand_still_books_and_one_of_the_two_is_needed(client, crew) -> None:
    order = complain(client, crew["agent"], crew["indoor"], "13800138001")
    by_hand = _book(client, crew, order, _visit(("09:00", "12:00"), engineer="外协李工"))
    assert by_hand.status_code == 201 and by_hand.json()["engineer_id"] is None
    nobody = _book(client, crew, order, _visit(("14:00", "16:00")))
    assert nobody.status_code == 422
    assert (nobody.json()["error"]["code"], nobody.json()["error"]["field"]) == (
        "appointment_engineer_missing",
        "engineer",
    )
    unknown = _book(client, crew, order, _visit(("14:00", "16:00"), engineer_id=9999))
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "engineer_id"


def test_a_leaver_is_made_inactive_and_no_longer_booked(client, db, crew) -> None:
    wang = _add(client, crew, "王海涛")
    order = complain(client, crew["agent"], crew["indoor"], "13800138001")
    stale = client.patch(
        f"/api/v1/engineers/{wang['id']}",
        json={"active": False},
        headers=crew["lead"] | {"If-Match": '"99"'},
    )
    assert stale.status_code in (409, 412)
    left = client.patch(
        f"/api/v1/engineers/{wang['id']}",
        json={"active": False},
        headers=crew["lead"] | {"If-Match": f'"{wang["version"]}"'},
    )
    assert left.status_code == 200 and left.json()["active"] is False
    refused = _book(client, crew, order, _visit(("09:00", "12:00"), engineer_id=wang["id"]))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "engineer_inactive"
    assert client.delete(f"/api/v1/engineers/{wang['id']}", headers=crew["lead"]).status_code in (
        404,
        405,
    )
    actions = set(
        db.scalars(select(AuditLog.action).where(AuditLog.entity_type == "field_engineer"))
    )
    assert actions == {"engineer.create", "engineer.change"}


def test_the_roster_is_the_dispatchers_and_their_units(client, crew) -> None:
    body = {"name": "陈伟", "org_unit_id": crew["unit"]}
    by_agent = client.post("/api/v1/engineers", json=body, headers=crew["agent"])
    assert by_agent.status_code == 403
    elsewhere = client.post("/api/v1/engineers", json=body, headers=crew["other_lead"])
    assert elsewhere.status_code == 403
    chen = _add(client, crew, "陈伟")
    assert client.get("/api/v1/engineers", headers=crew["other_lead"]).json()["items"] == []
    # another branch's engineer is not on the roster of the other branch's booker
    theirs = complain(client, crew["other_lead"], crew["indoor"], "13800138001")
    url = f"/api/v1/work-orders/{theirs['id']}/appointments"
    visit = _visit(("09:00", "12:00"), engineer_id=chen["id"])
    other = client.post(url, json=visit, headers=crew["other_lead"])
    assert other.status_code == 422 and other.json()["error"]["code"] == "engineer_not_found"
    retried = client.post(
        "/api/v1/engineers",
        json=body | {"name": "刘洋"},
        headers=crew["lead"] | {"Idempotency-Key": "e-1"},
    )
    again = client.post(
        "/api/v1/engineers",
        json=body | {"name": "刘洋"},
        headers=crew["lead"] | {"Idempotency-Key": "e-1"},
    )
    assert retried.json()["id"] == again.json()["id"]


def test_the_days_board_shows_who_goes_where(client, crew) -> None:
    zhang = _add(client, crew, "张志强")
    _add(client, crew, "李建华")  # free that day: listed with no visits
    first = complain(client, crew["agent"], crew["indoor"], "13800138001")
    second = complain(client, crew["agent"], crew["indoor"], "13800138002")
    later = complain(client, crew["agent"], crew["indoor"], "13800138003")
    _book(client, crew, second, _visit(("14:00", "16:00"), engineer_id=zhang["id"]))
    _book(client, crew, first, _visit(("09:00", "12:00"), engineer_id=zhang["id"]))
    _book(client, crew, later, _visit(("09:00", "12:00"), engineer="外协李工"))
    _book(
        client,
        crew,
        complain(client, crew["agent"], crew["indoor"], "13800138004"),
        _visit(("09:00", "12:00"), days=2, engineer_id=zhang["id"]),
    )  # another day

    day = (local_today() + timedelta(days=1)).isoformat()
    board = client.get("/api/v1/engineers/board", params={"day": day}, headers=crew["agent"])
    assert board.status_code == 200, board.text
    rows = {row["name"]: row for row in board.json()["rows"]}
    assert list(rows) == ["张志强", "李建华", "外协李工"]
    assert [v["number"] for v in rows["张志强"]["visits"]] == [first["number"], second["number"]]
    assert rows["李建华"]["visits"] == []
    assert rows["外协李工"]["engineer_id"] is None
    assert "*" in rows["张志强"]["visits"][0]["address"]  # masked for an agent
    elsewhere = client.get(
        "/api/v1/engineers/board", params={"day": day}, headers=crew["other_lead"]
    ).json()
    assert elsewhere["rows"] == []  # another branch sees neither the roster nor the visits


def test_the_roster_counts_visits_made_and_missed_by_the_engineer(client, crew) -> None:
    zhang = _add(client, crew, "张志强")
    made, missed, ahead = (
        complain(client, crew["agent"], crew["indoor"], f"1380013800{n}") for n in (1, 2, 3)
    )
    for order, hours in ((made, ("09:00", "12:00")), (missed, ("14:00", "16:00"))):
        _book(client, crew, order, _visit(hours, engineer_id=zhang["id"]))
    _book(client, crew, ahead, _visit(("16:00", "18:00"), days=2, engineer_id=zhang["id"]))
    visits = {
        order["id"]: client.get(
            f"/api/v1/work-orders/{order['id']}/appointments", headers=crew["agent"]
        ).json()["items"][0]["id"]
        for order in (made, missed)
    }
    base = "/api/v1/work-orders/{}/appointments/{}/{}"
    done = client.post(
        base.format(made["id"], visits[made["id"]], "done"), json={}, headers=crew["agent"]
    )
    assert done.status_code == 200, done.text
    no_show = client.post(
        base.format(missed["id"], visits[missed["id"]], "missed"),
        json={"missed_by": "engineer", "reason": "工程师未到"},
        headers=crew["agent"],
    )
    assert no_show.status_code == 200, no_show.text
    (row,) = client.get("/api/v1/engineers", headers=crew["agent"]).json()["items"]
    assert (row["booked_ahead"], row["made_30d"], row["missed_30d"]) == (1, 1, 1)
