"""The order queue page opens where the viewer's job starts."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_org, make_staff
from kefu.core.clock import local_today
from kefu.core.rbac import Role


def _open_tab(page: str) -> str:
    found = re.search(r'class="on" data-queue="(\w+)"', page)
    assert found, "no queue tab is marked as open"
    return found[1]


def test_handlers_start_at_their_orders_and_watchers_at_their_scope(client, db: Session) -> None:
    org = make_org(db)
    roles = (Role.AGENT, Role.BACK_OFFICE, Role.SUPERVISOR, Role.TEAM_LEAD, Role.AUDITOR)
    headers = {role: bearer(db, make_staff(db, org.city, role)) for role in roles}
    starts = {role: _open_tab(client.get("/orders", headers=headers[role]).text) for role in roles}
    assert starts == {
        Role.AGENT: "mine",
        Role.BACK_OFFICE: "mine",
        Role.SUPERVISOR: "all",
        Role.TEAM_LEAD: "all",
        Role.AUDITOR: "all",
    }
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    chosen = client.get("/orders", params={"view": "mine"}, headers=supervisor)
    assert _open_tab(chosen.text) == "mine"


def test_the_repeat_tab_leads_with_the_months_repeat_rate(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    complain(client, agent, cats.unknown_charge.id)
    complain(client, agent, cats.roaming_charge.id)  # the same branch (费用争议): a repeat
    complain(client, agent, cats.indoor.id, phone="13900139000")
    month = local_today("Asia/Shanghai").strftime("%Y-%m")
    api = client.get("/api/v1/work-orders/repeat-rate", params={"month": month}, headers=agent)
    assert (api.json()["repeats"], api.json()["complaints"]) == (1, 3)

    page = client.get("/orders", params={"view": "repeat"}, headers=supervisor).text
    shown = page.split('id="repeat-rates"')[1].split("</div>\n</div>")[0]
    assert "33.3%" in shown and "投诉 3 件，其中重复 1 件" in shown
    assert "费用争议" in shown and "1/2 · 50%" in shown  # the branch the repeat is in
    assert "信号覆盖" not in shown  # no repeat there
    assert 'id="repeat-rates"' not in client.get("/orders", headers=supervisor).text
    client.cookies.set("kefu_lang", "en")  # the language switch's cookie
    english = client.get("/orders", params={"view": "repeat"}, headers=supervisor).text
    client.cookies.clear()
    assert "1 repeat of 3 complaints" in english and "0 repeats of 0 complaints" in english
    # A problem's name leads to its repeat complaints.
    assert f'href="/orders?view=repeat&open_only=false&category={cats.dispute.id}"' in shown


def test_a_queue_narrows_to_a_category_branch(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    charge = complain(client, agent, cats.unknown_charge.id)
    roaming = complain(client, agent, cats.roaming_charge.id, phone="13900139000")
    indoor = complain(client, agent, cats.indoor.id)

    api = client.get(
        "/api/v1/work-orders", params={"category_id": cats.dispute.id}, headers=supervisor
    )
    assert {o["number"] for o in api.json()["items"]} == {charge["number"], roaming["number"]}
    leaf = client.get(
        "/api/v1/work-orders", params={"category_id": cats.indoor.id}, headers=supervisor
    )
    assert [o["number"] for o in leaf.json()["items"]] == [indoor["number"]]
    unknown = client.get("/api/v1/work-orders", params={"category_id": 999_999}, headers=agent)
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "category_id"

    page = client.get(
        "/orders", params={"view": "all", "category": cats.dispute.id}, headers=supervisor
    ).text
    assert charge["number"] in page and roaming["number"] in page
    assert indoor["number"] not in page
    assert 'id="queue-filter"' in page and "费用争议" in page.split('id="queue-filter"')[1]
    everything = client.get("/orders", params={"view": "all"}, headers=supervisor).text
    assert indoor["number"] in everything and 'id="queue-filter"' not in everything
    # Orders come by telephone, SMS, e-mail and the web: the column names the number to
    # call back, not a caller.
    heads = everything.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "联系号码" in heads and "来电人" not in heads
