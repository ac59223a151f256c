"""What came after a notice: the orders its customers opened from the time they were told
until three days after the work, counted and listed for the supervisor who sent it, and
the notice shown on such an order to its handler."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from factories import complain, make_categories
from kefu.core.base import utcnow
from kefu.notices.aftermath import AFTERMATH
from kefu.notices.models import Notice
from kefu.workorders.models import WorkOrder
from notice_calls import act_on, make_area, write_notice


@pytest.fixture
def area(db: Session) -> dict[str, Any]:
    found = make_area(db)
    found["indoor"] = make_categories(db).indoor.id
    db.commit()
    return found


def _opened_at(db: Session, order: dict[str, Any], when: Any) -> None:
    db.execute(update(WorkOrder).where(WorkOrder.id == order["id"]).values(created_at=when))
    db.commit()


def test_the_orders_of_the_told_after_it_are_counted_and_listed(client, db, area) -> None:
    draft = write_notice(client, area)
    assert draft["orders_after"] is None  # nothing to count before it is sent
    before = complain(client, area["agent"], area["indoor"], "13800138001")
    _opened_at(db, before, utcnow() - timedelta(hours=1))  # opened before anyone was told
    notice = act_on(client, area, draft, "send").json()
    assert notice["orders_after"] == 0

    # the told customer, from another phone, and a number texted, with no customer named
    by_customer = client.post(
        "/api/v1/work-orders",
        json={
            "type": "complaint",
            "category_id": area["indoor"],
            "customer_id": area["gold"],
            "contact_phone": "13900139000",
            "subject": "割接后没信号",
        },
        headers=area["agent"],
    ).json()
    by_number = complain(client, area["agent"], area["indoor"], "13800138002", kind="fault")
    complain(client, area["agent"], area["indoor"], "13800138003")  # a customer not told
    late = complain(client, area["agent"], area["indoor"], "13800138002")
    ends = db.get(Notice, notice["id"]).ends_at
    _opened_at(db, late, ends + AFTERMATH + timedelta(hours=1))  # long after the work

    got = client.get(f"/api/v1/notices/{notice['id']}", headers=area["supervisor"]).json()
    assert got["orders_after"] == 2
    listed = client.get(f"/api/v1/notices/{notice['id']}/orders", headers=area["agent"]).json()
    assert listed["total"] == 2
    latest, first = listed["items"]
    assert (latest["number"], latest["type"]) == (by_number["number"], "fault")
    assert (first["number"], first["subject"]) == (by_customer["number"], "割接后没信号")
    assert (first["category"], first["category_en"]) == ("室内无信号", "No indoor signal")
    assert first["customer_id"] == area["gold"]

    page = client.get("/notices", headers=area["supervisor"]).text
    assert "告知后客户工单：2 张" in page and by_customer["number"] in page


def test_the_orders_are_the_notices_areas_only(client, area) -> None:
    notice = act_on(client, area, write_notice(client, area), "send").json()
    hidden = client.get(f"/api/v1/notices/{notice['id']}/orders", headers=area["other_supervisor"])
    assert hidden.status_code == 404


def test_the_handler_sees_the_customer_had_been_told(client, db, area) -> None:
    act_on(client, area, write_notice(client, area, title="天河区核心网割接"), "send")
    told = complain(client, area["agent"], area["indoor"], "13800138001")  # the number texted
    page = client.get(f"/orders/{told['id']}", headers=area["supervisor"]).text
    assert "已通知计划作业" in page and "天河区核心网割接" in page
    other = complain(client, area["agent"], area["indoor"], "13800138003")
    page = client.get(f"/orders/{other['id']}", headers=area["supervisor"]).text
    assert "已通知计划作业" not in page
    # a notice called off is no longer what the order is about
    db.execute(update(Notice).values(status="cancelled"))
    db.commit()
    page = client.get(f"/orders/{told['id']}", headers=area["supervisor"]).text
    assert "天河区核心网割接" not in page
