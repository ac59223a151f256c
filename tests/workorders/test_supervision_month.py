"""A month's supervisions (督办) and whether each was answered by the time asked: in time,
late, overdue or not yet due; a duplicate merged away answered with the order kept, and
its copied steps not counted twice; last month's left out; on the 督办 tab as a card."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_org, make_staff, order_step, supervise
from kefu.core.rbac import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)  # pressed then, answer asked by noon
NOTE = "省公司关注此单，请中午前回复客户"
URL = "/api/v1/supervision/month"


def _press(client, headers: dict[str, str], order: dict, hours: float | None) -> dict:  # type: ignore[no-untyped-def]
    """Pressed now, the answer asked by so many hours after the morning (or no time)."""
    wanted = None if hours is None else MORNING + timedelta(hours=hours)
    return supervise(client, headers, order, NOTE, wanted)


def _answer(client, headers: dict[str, str], order: dict) -> None:  # type: ignore[no-untyped-def]
    current = client.get(f"/api/v1/work-orders/{order['id']}", headers=headers).json()
    for action, body in (("accept", {}), ("reply", {"reply": "已核实并处理，已回复客户。"})):
        current = order_step(client, headers, current, action, body)


def test_the_months_supervisions_and_whether_they_were_answered_in_time(
    client, db: Session
) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    shenzhen = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.province, Role.SUPERVISOR))
    with time_machine.travel(MORNING - timedelta(days=17), tick=False):  # November
        _press(client, supervisor, complain(client, agent, cats.unknown_charge.id), 2)
    with time_machine.travel(MORNING, tick=False):
        # the last two: the same number's, one a duplicate of the other
        phones = [f"1390013900{n}" for n in range(6)] + ["13900139005"]
        in_time, late, overdue, waiting, no_time, duplicate, kept = (
            complain(client, agent, cats.unknown_charge.id, phone) for phone in phones
        )
        for order, hours in ((in_time, 2), (late, 2), (overdue, 2), (waiting, 10), (no_time, None)):
            _press(client, supervisor, order, hours)
        elsewhere = complain(client, shenzhen, cats.unknown_charge.id, "13700137000")
        _press(client, supervisor, elsewhere, 2)
        pressed = _press(client, supervisor, duplicate, 2)
        merged = client.post(
            f"/api/v1/work-orders/{duplicate['id']}/merge",
            json={"into": kept["number"], "reason": "同一问题重复建单"},
            headers=supervisor | {"If-Match": f'"{pressed["version"]}"'},
        )
        assert merged.status_code == 200, merged.text
    with time_machine.travel(MORNING + timedelta(hours=1), tick=False):
        _answer(client, agent, in_time)
        _answer(client, agent, kept)  # the duplicate's supervisor is answered with it
        _answer(client, shenzhen, elsewhere)
    with time_machine.travel(MORNING + timedelta(hours=3), tick=False):
        _answer(client, agent, late)
    with time_machine.travel(MORNING + timedelta(hours=4), tick=False):
        figures = client.get(URL, params={"month": "2026-12"}, headers=supervisor)
        page = client.get("/orders", params={"view": "supervised"}, headers=supervisor).text
        november = client.get(URL, params={"month": "2026-11"}, headers=supervisor).json()
    assert figures.status_code == 200, figures.text
    found = figures.json()
    assert {k: v for k, v in found.items() if k != "rows"} == {
        "month": "2026-12",
        "supervisions": 7,
        "orders": 7,
        "asked_by_time": 6,
        "answered_in_time": 3,
        "answered_late": 1,
        "overdue": 1,
        "waiting": 1,
        "in_time_rate": 0.6,
    }
    # each branch's, the one that heeds supervision least first
    assert [
        (row["unit_name"], row["supervisions"], row["overdue"], row["in_time_rate"])
        for row in found["rows"]
    ] == [("广州", 6, 1, 0.5), ("深圳", 1, 0, 1.0)]
    assert (november["supervisions"], november["overdue"]) == (1, 1)
    card = page[page.index('id="supervision-month"') :]
    assert "本月督办" in card and "60%" in card and "到期 5 次中按时 3 次" in card
    branches = card[card.index("各单位（按时率由低到高）") :]
    assert branches.index("广州") < branches.index("深圳") and "超时 1 次" in branches
    refused = client.get(URL, params={"month": "2026-13"}, headers=supervisor)
    assert (refused.status_code, refused.json()["error"]["field"]) == (422, "month")
