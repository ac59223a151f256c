"""Notices to big customers before planned work (大客户通告): a supervisor writes one for an
area, sees whom it reaches, sends it once — a text to each big customer's number and an
e-mail where the center has their address, each customer on record — and agents see it
on those customers' 360 from two days before the work until it ends; called off, the
same customers are told."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from factories import make_customer
from kefu.core import outbox
from kefu.core.audit import AuditLog
from kefu.core.base import utcnow
from kefu.core.outbox import Job
from kefu.core.security import LANGUAGE_COOKIE
from kefu.customers.enums import (
    Tier,
)
from kefu.notices import sending
from kefu.notices.models import Notice, NoticeRecipient
from kefu.org.models import OrgUnit
from notice_calls import act_on, make_area, notice_body, write_notice


@pytest.fixture
def area(db: Session) -> dict[str, Any]:
    return make_area(db)


def _outbox(db: Session) -> list[tuple[str, dict]]:
    db.expire_all()
    jobs = db.scalars(select(Job).order_by(Job.id))
    return [(job.kind, json.loads(job.payload)) for job in jobs]


def test_a_notice_reaches_the_areas_big_customers_once_by_text_and_mail(client, db, area) -> None:
    draft = write_notice(client, area)
    assert draft["status"] == "draft"
    # the gold customer (a text and an e-mail) and the group's (a text: no address)
    assert draft["reach"] == {"customers": 2, "key_people": 0, "texts": 2, "mails": 1}
    assert _outbox(db) == []  # a draft sends nothing

    sent = act_on(client, area, draft, "send")
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sent" and sent.json()["reach"]["customers"] == 2
    queued = _outbox(db)
    texts = {p["to"]: p["text"] for kind, p in queued if kind == "notify.sms"}
    assert set(texts) == {"+8613800138001", "+8613800138002"}
    assert texts["+8613800138001"].startswith("【大客户通告】天河区核心网割接：")
    assert "请提前做好准备" in texts["+8613800138001"]
    assert texts["+8613800138002"].startswith("[Notice] 天河区核心网割接, ")  # served in English
    assert "Mobile data will stop" in texts["+8613800138002"]
    mails = [p for kind, p in queued if kind == "notify.email"]
    assert [m["to"] for m in mails] == ["zhang.wei@example.cn"]
    assert mails[0]["subject"] == "【大客户通告】天河区核心网割接"
    told = set(db.scalars(select(NoticeRecipient.customer_id)))
    assert told == {area["gold"], area["staff_of_group"]}
    listed = client.get(
        f"/api/v1/notices/{draft['id']}/recipients", headers=area["supervisor"]
    ).json()
    assert listed["total"] == 2
    first = listed["items"][0]
    assert (first["customer_id"], first["msisdn"], first["tier"]) == (
        area["gold"],
        "138****8001",
        "gold",
    )
    assert first["name"] == "张**" and first["email"] != "zhang.wei@example.cn"

    again = act_on(client, area, sent.json(), "send")
    assert again.status_code == 409 and again.json()["error"]["code"] == "notice_not_draft"
    assert len(_outbox(db)) == len(queued)
    actions = set(db.scalars(select(AuditLog.action).where(AuditLog.entity_type == "notice")))
    assert actions == {"notice.create", "notice.send"}


def test_the_audience_is_chosen(client, area) -> None:
    only_groups = write_notice(client, area, audience="enterprises")
    assert only_groups["reach"]["customers"] == 1
    high = write_notice(client, area, audience="high_value")
    assert high["reach"] == {"customers": 1, "key_people": 0, "texts": 1, "mails": 1}


def test_agents_see_it_on_the_customers_360_from_two_days_before(client, db, area) -> None:
    notice = write_notice(client, area)
    act_on(client, area, notice, "send")
    view = client.get(f"/api/v1/customers/{area['gold']}", headers=area["agent"]).json()
    assert [n["title"] for n in view["notices"]] == ["天河区核心网割接"]
    page = client.get(f"/customers/{area['gold']}", headers=area["agent"]).text
    assert "天河区核心网割接" in page
    # and on the form of the order the agent opens for them: a complaint is likely about it
    intake = client.get(f"/orders/new?customer_id={area['gold']}", headers=area["agent"]).text
    assert "已通知计划作业" in intake and "天河区核心网割接" in intake
    plain = client.get(f"/api/v1/customers/{area['plain']}", headers=area["agent"]).json()
    assert plain["notices"] == []  # not told, not shown
    far = utcnow() + timedelta(days=5)
    db.execute(update(Notice).values(starts_at=far, ends_at=far + timedelta(hours=2)))
    db.commit()
    view = client.get(f"/api/v1/customers/{area['gold']}", headers=area["agent"]).json()
    assert view["notices"] == []  # not yet: shown from two days before
    looked_up = client.get(
        "/api/v1/customers/lookup", params={"phone": "13800138001"}, headers=area["agent"]
    ).json()
    assert looked_up["notices"] is None  # the lookup stays a handful of reads


def test_called_off_after_sending_the_same_customers_are_told(client, db, area) -> None:
    notice = act_on(client, area, write_notice(client, area), "send").json()
    before = len(_outbox(db))
    no_reason = act_on(client, area, notice, "cancel", {})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "reason"
    cancelled = act_on(client, area, notice, "cancel", {"reason": "设备到货延迟，割接改期"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    told = [p for kind, p in _outbox(db)[before:] if kind == "notify.sms"]
    assert {t["to"] for t in told} == {"+8613800138001", "+8613800138002"}
    assert all("取消" in t["text"] or "Called off" in t["text"] for t in told)
    view = client.get(f"/api/v1/customers/{area['gold']}", headers=area["agent"]).json()
    assert view["notices"] == []
    twice = act_on(client, area, cancelled.json(), "cancel", {"reason": "再次取消一下"})
    assert twice.status_code == 409


def test_bad_windows_other_areas_and_rights_are_refused(client, area) -> None:
    starts = utcnow() + timedelta(days=1)
    backwards = client.post(
        "/api/v1/notices",
        json=notice_body(area, ends_at=(starts - timedelta(hours=1)).isoformat()),
        headers=area["supervisor"],
    )
    assert backwards.status_code == 422 and backwards.json()["error"]["field"] == "ends_at"
    past = client.post(
        "/api/v1/notices",
        json=notice_body(
            area,
            starts_at=(utcnow() - timedelta(days=2)).isoformat(),
            ends_at=(utcnow() - timedelta(days=1)).isoformat(),
        ),
        headers=area["supervisor"],
    )
    assert past.status_code == 422 and past.json()["error"]["code"] == "notice_over"
    naive_start = notice_body(area, starts_at="2026-12-09T01:00:00")
    naive = client.post("/api/v1/notices", json=naive_start, headers=area["supervisor"])
    assert naive.status_code == 422 and naive.json()["error"]["field"] == "starts_at"
    elsewhere = client.post(
        "/api/v1/notices", json=notice_body(area), headers=area["other_supervisor"]
    )
    assert elsewhere.status_code == 403
    by_agent = client.post("/api/v1/notices", json=notice_body(area), headers=area["agent"])
    assert by_agent.status_code == 403
    notice = write_notice(client, area)
    hidden = client.get(f"/api/v1/notices/{notice['id']}", headers=area["other_supervisor"])
    assert hidden.status_code == 404
    stale = client.post(
        f"/api/v1/notices/{notice['id']}/send",
        headers=area["supervisor"] | {"If-Match": '"99"'},
    )
    assert stale.status_code in (409, 412)
    unversioned = client.post(f"/api/v1/notices/{notice['id']}/send", headers=area["supervisor"])
    assert unversioned.status_code == 428


def test_a_retried_creation_is_one_notice(client, db, area) -> None:
    headers = area["supervisor"] | {"Idempotency-Key": "n-1"}
    body = notice_body(area)
    first = client.post("/api/v1/notices", json=body, headers=headers)
    second = client.post("/api/v1/notices", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    other = client.post("/api/v1/notices", json=body | {"title": "另一项"}, headers=headers)
    assert other.status_code == 422  # the same key for another notice
    listed = client.get("/api/v1/notices", headers=area["agent"]).json()["items"]
    assert [n["id"] for n in listed] == [first.json()["id"]]


def test_customers_served_in_english_read_and_hear_the_english_title(client, db, area) -> None:
    notice = write_notice(client, area, title_en="Tianhe core network cut-over")
    assert notice["title_en"] == "Tianhe core network cut-over"
    act_on(client, area, notice, "send")
    queued = _outbox(db)
    texts = {p["to"]: p["text"] for kind, p in queued if kind == "notify.sms"}
    assert texts["+8613800138002"].startswith("[Notice] Tianhe core network cut-over, ")
    assert texts["+8613800138001"].startswith("【大客户通告】天河区核心网割接：")
    view = client.get(f"/api/v1/customers/{area['gold']}", headers=area["agent"]).json()
    assert view["notices"][0]["title_en"] == "Tianhe core network cut-over"
    client.cookies.set(LANGUAGE_COOKIE, "en")
    page = client.get(f"/customers/{area['gold']}", headers=area["agent"]).text
    assert "Tianhe core network cut-over" in page and "天河区核心网割接" not in page


@pytest.fixture
def big_area(db: Session, area: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict:
    """The area with five customers to tell, sent two a batch."""
    unit = db.get(OrgUnit, area["unit"])
    for n in range(6, 9):
        make_customer(db, unit, f"+861380013800{n}", tier=Tier.GOLD, email=None)
    db.commit()
    monkeypatch.setattr(sending, "BATCH", 2)
    return area


def _sent_to(db: Session) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(NoticeRecipient.msisdn)))


def test_a_large_audience_is_sent_on_by_the_worker_a_batch_at_a_time(
    client, db, big_area, session_factory
) -> None:
    draft = write_notice(client, big_area)
    assert draft["reach"]["customers"] == 5
    sent = act_on(client, big_area, draft, "send")
    assert sent.status_code == 200, sent.text
    assert sent.json()["sending"] is True
    assert sent.json()["reach"]["customers"] == 2  # the first batch, in the request
    assert len(_sent_to(db)) == 2
    page = client.get("/notices", headers=big_area["supervisor"]).text
    assert "正在向其余客户发送" in page

    while outbox.run_due(session_factory).done:  # the worker: two batches, then the texts
        pass
    assert len(_sent_to(db)) == 5
    texts = [p["to"] for kind, p in _outbox(db) if kind == "notify.sms"]
    assert sorted(texts) == sorted(_sent_to(db))  # one text each, none twice
    done = client.get(f"/api/v1/notices/{draft['id']}", headers=big_area["supervisor"]).json()
    assert done["sending"] is False and done["reach"]["customers"] == 5
    assert done["version"] == sent.json()["version"]  # an open page can still call it off
    audit = db.scalar(select(AuditLog).where(AuditLog.action == "notice.send"))
    assert audit is not None and json.loads(audit.details)["customers"] == 5  # as confirmed


def test_called_off_while_sending_it_stops_and_those_sent_it_are_told(
    client, db, big_area, session_factory
) -> None:
    sent = act_on(client, big_area, write_notice(client, big_area), "send").json()
    first = _sent_to(db)
    cancelled = act_on(client, big_area, sent, "cancel", {"reason": "设备到货延迟，割接改期"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["sending"] is False
    while outbox.run_due(session_factory).done:
        pass
    assert _sent_to(db) == first  # no one else was sent it
    texts = [p for kind, p in _outbox(db) if kind == "notify.sms"]
    called_off = {t["to"] for t in texts if "取消" in t["text"] or "Called off" in t["text"]}
    assert called_off == first
    assert len(texts) == 2 * len(first)
