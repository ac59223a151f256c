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

from factories import bearer, make_customer, make_org, make_staff
from kefu.core import outbox
from kefu.core.audit import AuditLog
from kefu.core.base import utcnow
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.core.security import LANGUAGE_COOKIE
from kefu.customers.enums import (
    BusinessType,
    CustomerStatus,
    EnterpriseGrade,
    EnterpriseScale,
    Industry,
    Tier,
)
from kefu.customers.models import Enterprise
from kefu.notices import service
from kefu.notices.models import Notice, NoticeRecipient
from kefu.org.models import OrgUnit


@pytest.fixture
def area(db: Session) -> dict[str, Any]:
    org = make_org(db)
    group = Enterprise(
        name="广州某物流有限公司",
        industry=Industry.GOVERNMENT,
        scale=EnterpriseScale.LARGE,
        grade=EnterpriseGrade.A,
        business_type=BusinessType.GROUP_VOICE,
        org_unit_id=org.city.id,
    )
    db.add(group)
    db.flush()
    people = {
        "gold": make_customer(db, org.city, "+8613800138001", tier=Tier.GOLD),
        "staff_of_group": make_customer(
            db, org.city, "+8613800138002", enterprise=group, email=None, language="en"
        ),
        "plain": make_customer(db, org.city, "+8613800138003"),
        "gold_elsewhere": make_customer(db, org.other_city, "+8613800138004", tier=Tier.GOLD),
        "gold_frozen": make_customer(
            db, org.city, "+8613800138005", tier=Tier.DIAMOND, status=CustomerStatus.FROZEN
        ),
    }
    found = {
        "unit": org.city.id,
        "supervisor": bearer(db, make_staff(db, org.city, Role.SUPERVISOR)),
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "other_supervisor": bearer(db, make_staff(db, org.other_city, Role.SUPERVISOR)),
        **{name: customer.id for name, customer in people.items()},
    }
    db.commit()
    return found


def _body(area: dict, **changes: Any) -> dict[str, Any]:
    starts = utcnow() + timedelta(days=1)
    return {
        "kind": "cutover",
        "title": "天河区核心网割接",
        "body": "届时移动数据业务中断约30分钟，请提前做好准备。",
        "body_en": "Mobile data will stop for about 30 minutes; please prepare.",
        "org_unit_id": area["unit"],
        "audience": "both",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=4)).isoformat(),
        **changes,
    }


def _write(client: Any, area: dict, **changes: Any) -> dict[str, Any]:
    made = client.post("/api/v1/notices", json=_body(area, **changes), headers=area["supervisor"])
    assert made.status_code == 201, made.text
    return dict(made.json())


def _act(client: Any, area: dict, notice: dict, action: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    headers = area["supervisor"] | {"If-Match": f'"{notice["version"]}"'}
    return client.post(f"/api/v1/notices/{notice['id']}/{action}", json=body, headers=headers)


def _outbox(db: Session) -> list[tuple[str, dict]]:
    db.expire_all()
    jobs = db.scalars(select(Job).order_by(Job.id))
    return [(job.kind, json.loads(job.payload)) for job in jobs]


def test_a_notice_reaches_the_areas_big_customers_once_by_text_and_mail(client, db, area) -> None:
    draft = _write(client, area)
    assert draft["status"] == "draft"
    # the gold customer (a text and an e-mail) and the group's (a text: no address)
    assert draft["reach"] == {"customers": 2, "texts": 2, "mails": 1}
    assert _outbox(db) == []  # a draft sends nothing

    sent = _act(client, area, draft, "send")
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

    again = _act(client, area, sent.json(), "send")
    assert again.status_code == 409 and again.json()["error"]["code"] == "notice_not_draft"
    assert len(_outbox(db)) == len(queued)
    actions = set(db.scalars(select(AuditLog.action).where(AuditLog.entity_type == "notice")))
    assert actions == {"notice.create", "notice.send"}


def test_the_audience_is_chosen(client, area) -> None:
    only_groups = _write(client, area, audience="enterprises")
    assert only_groups["reach"]["customers"] == 1
    high = _write(client, area, audience="high_value")
    assert high["reach"] == {"customers": 1, "texts": 1, "mails": 1}


def test_agents_see_it_on_the_customers_360_from_two_days_before(client, db, area) -> None:
    notice = _write(client, area)
    _act(client, area, notice, "send")
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
    notice = _act(client, area, _write(client, area), "send").json()
    before = len(_outbox(db))
    no_reason = _act(client, area, notice, "cancel", {})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "reason"
    cancelled = _act(client, area, notice, "cancel", {"reason": "设备到货延迟，割接改期"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    told = [p for kind, p in _outbox(db)[before:] if kind == "notify.sms"]
    assert {t["to"] for t in told} == {"+8613800138001", "+8613800138002"}
    assert all("取消" in t["text"] or "Called off" in t["text"] for t in told)
    view = client.get(f"/api/v1/customers/{area['gold']}", headers=area["agent"]).json()
    assert view["notices"] == []
    twice = _act(client, area, cancelled.json(), "cancel", {"reason": "再次取消一下"})
    assert twice.status_code == 409


def test_bad_windows_other_areas_and_rights_are_refused(client, area) -> None:
    starts = utcnow() + timedelta(days=1)
    backwards = client.post(
        "/api/v1/notices",
        json=_body(area, ends_at=(starts - timedelta(hours=1)).isoformat()),
        headers=area["supervisor"],
    )
    assert backwards.status_code == 422 and backwards.json()["error"]["field"] == "ends_at"
    past = client.post(
        "/api/v1/notices",
        json=_body(
            area,
            starts_at=(utcnow() - timedelta(days=2)).isoformat(),
            ends_at=(utcnow() - timedelta(days=1)).isoformat(),
        ),
        headers=area["supervisor"],
    )
    assert past.status_code == 422 and past.json()["error"]["code"] == "notice_over"
    naive_start = _body(area, starts_at="2026-12-09T01:00:00")
    naive = client.post("/api/v1/notices", json=naive_start, headers=area["supervisor"])
    assert naive.status_code == 422 and naive.json()["error"]["field"] == "starts_at"
    elsewhere = client.post("/api/v1/notices", json=_body(area), headers=area["other_supervisor"])
    assert elsewhere.status_code == 403
    by_agent = client.post("/api/v1/notices", json=_body(area), headers=area["agent"])
    assert by_agent.status_code == 403
    notice = _write(client, area)
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
    body = _body(area)
    first = client.post("/api/v1/notices", json=body, headers=headers)
    second = client.post("/api/v1/notices", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    other = client.post("/api/v1/notices", json=body | {"title": "另一项"}, headers=headers)
    assert other.status_code == 422  # the same key for another notice
    listed = client.get("/api/v1/notices", headers=area["agent"]).json()["items"]
    assert [n["id"] for n in listed] == [first.json()["id"]]


def test_customers_served_in_english_read_and_hear_the_english_title(client, db, area) -> None:
    notice = _write(client, area, title_en="Tianhe core network cut-over")
    assert notice["title_en"] == "Tianhe core network cut-over"
    _act(client, area, notice, "send")
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
    monkeypatch.setattr(service, "BATCH", 2)
    return area


def _sent_to(db: Session) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(NoticeRecipient.msisdn)))


def test_a_large_audience_is_sent_on_by_the_worker_a_batch_at_a_time(
    client, db, big_area, session_factory
) -> None:
    draft = _write(client, big_area)
    assert draft["reach"]["customers"] == 5
    sent = _act(client, big_area, draft, "send")
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
    sent = _act(client, big_area, _write(client, big_area), "send").json()
    first = _sent_to(db)
    cancelled = _act(client, big_area, sent, "cancel", {"reason": "设备到货延迟，割接改期"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["sending"] is False
    while outbox.run_due(session_factory).done:
        pass
    assert _sent_to(db) == first  # no one else was sent it
    texts = [p for kind, p in _outbox(db) if kind == "notify.sms"]
    called_off = {t["to"] for t in texts if "取消" in t["text"] or "Called off" in t["text"]}
    assert called_off == first
    assert len(texts) == 2 * len(first)
