"""The monthly service-quality bulletin: categories against the month before, repeat
hotspots, breaches by branch, the churn watchlist, safe text, a page that sets its own
strict policy, and the command that writes it — on both databases."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from factories import bearer, make_category, make_customer, make_org, make_staff
from kefu.analytics import bulletin
from kefu.analytics.models import ChurnWarning, TrainedModel
from kefu.cli import app
from kefu.core.rbac import Role
from kefu.customers.models import Subscription
from kefu.workorders.enums import OrderStatus, OrderType
from kefu.workorders.models import Breach, OrderRefund, WorkOrder


def _world(db: Session) -> dict[str, object]:
    org = make_org(db)
    agent = make_staff(db, org.city)
    billing = make_category(db, "计费账务")
    hostile = make_category(db, "<script>alert(1)</script>", billing)
    signal = make_category(db, "信号覆盖", billing)
    customer = make_customer(db, org.city)
    n = 0

    def order(category, at: datetime, unit, *breaches: datetime, **values: object) -> None:  # type: ignore[no-untyped-def]
        nonlocal n
        n += 1
        placed = WorkOrder(
            number=f"WO-B{n}",
            type=values.pop("type", OrderType.COMPLAINT),
            status=values.pop("status", OrderStatus.CLOSED),
            channel="phone",
            category_id=category.id,
            customer_id=customer.id,
            contact_phone="+8613800138000",
            subject="投诉",
            created_by_id=agent.id,
            org_unit_id=unit.id,
            created_at=at,
            handling_round=max(1, len(breaches)),
            breached_at=breaches[-1] if breaches else None,
            **values,
        )
        db.add(placed)
        db.flush()
        for handling_round, moment in enumerate(breaches, start=1):
            db.add(
                Breach(
                    order_id=placed.id, handling_round=handling_round, due_at=at, breached_at=moment
                )
            )

    october = datetime(2026, 10, 10, 4, tzinfo=UTC)
    september = datetime(2026, 9, 10, 4, tzinfo=UTC)
    for _ in range(5):
        order(hostile, october, org.city)
    order(hostile, october, org.city, is_repeat=True)
    order(hostile, october, org.city, is_repeat=True)
    order(signal, october, org.other_city, is_repeat=True)
    order(signal, october, org.other_city, status=OrderStatus.CANCELLED)  # not counted
    order(signal, october, org.other_city, type=OrderType.CONSULTATION)  # not a complaint
    for _ in range(4):
        order(signal, september, org.other_city)
    order(hostile, september, org.city)
    # Breached in three rounds of handling: twice in October, the second on its last
    # local evening (UTC: 31 Oct 15:30), then again in November. And once on the first
    # local minute of November.
    order(
        signal,
        october,
        org.city,
        datetime(2026, 10, 20, 2, tzinfo=UTC),
        datetime(2026, 10, 31, 15, 30, tzinfo=UTC),
        datetime(2026, 11, 5, 2, tzinfo=UTC),
    )
    order(signal, october, org.city, datetime(2026, 10, 31, 16, 0, tzinfo=UTC))
    db.flush()
    model = TrainedModel(kind="churn", active=True, report="{}", artifact=b"")
    db.add(model)
    db.flush()
    sid = db.scalar(select(Subscription.id).where(Subscription.customer_id == customer.id))
    db.add(
        ChurnWarning(
            week=date(2026, 11, 2),
            model_id=model.id,
            subscription_id=sid,
            customer_id=customer.id,
            org_unit_id=org.city.id,
            probability=0.4,
            reasons=json.dumps([["days_since_payment", 0.7, "high"]]),
        )
    )
    db.flush()
    return {"org": org, "hostile": hostile, "signal": signal}


def test_the_month_against_the_month_before(db: Session) -> None:
    world = _world(db)
    found = bulletin.build(db, 202610, timezone="Asia/Shanghai", language="zh-CN")
    assert found.first == date(2026, 10, 1) and found.last == date(2026, 10, 31)
    hostile_path = "计费账务 › <script>alert(1)</script>"
    # 7 complaints (5 + 2 repeats) vs 1; signal: 1 repeat + 2 breached vs 4 (cancelled left out)
    assert found.categories == [(hostile_path, 7, 1), ("计费账务 › 信号覆盖", 3, 4)]
    assert found.hotspots == [("广州", hostile_path, 2), ("深圳", "计费账务 › 信号覆盖", 1)]
    # An order counts once however many of its rounds breached in the month; its first
    # rounds count although its latest breach is November's; November's are not October's.
    assert found.breaches == [("广州", 1)]
    labels = [line.label for line in found.headline]
    assert "投诉量" in labels and "越级投诉率" in labels and "百万用户申诉率" in labels
    assert labels[-3:] == ["客户自助回访占比", "工程师爽约率", "回单及时率"] and len(labels) == 16
    complaints = next(line for line in found.headline if line.label == "投诉量")
    assert (complaints.value, complaints.previous, complaints.worse) == (10, 5, True)
    assert found.drivers is None  # no survey answers: said so, not a failure
    assert found.churn_listed == 1 and found.churn_by_branch == [("广州", 1)]
    assert found.churn_reasons == [("久未缴费/充值", 1)]
    page = bulletin.render_html(found)
    assert "<script>" not in page and "&lt;script&gt;" in page  # names are escaped
    assert "服务质量简报 · 2026-10" in page and "问卷数量不足" in page
    scoped = bulletin.build(
        db,
        202610,
        timezone="Asia/Shanghai",
        language="en",
        scope_path=world["org"].other_city.path,  # type: ignore[attr-defined]
    )
    assert [c[1] for c in scoped.categories] == [1]  # 深圳's own: the one repeat
    assert scoped.churn_listed == 0


def test_the_page_and_the_command(client: TestClient, db: Session, tmp_path: Path) -> None:
    world = _world(db)
    supervisor = make_staff(db, world["org"].hq, Role.SUPERVISOR)  # type: ignore[attr-defined]
    page = client.get(
        "/api/v1/analytics/bulletin",
        params={"period": "2026-10"},
        headers={**bearer(db, supervisor), "Accept-Language": "en"},
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Service quality bulletin · 2026-10" in page.text
    policy = page.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; style-src 'sha256-")
    bad = client.get(
        "/api/v1/analytics/bulletin", params={"period": "2026-13"}, headers=bearer(db, supervisor)
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "period"
    agent = make_staff(db, world["org"].city)  # type: ignore[attr-defined]
    refused = client.get(
        "/api/v1/analytics/bulletin", params={"period": "2026-10"}, headers=bearer(db, agent)
    )
    assert refused.status_code == 403


def test_the_command_refuses_a_bad_period(tmp_path: Path, settings_put_back: None) -> None:
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    bad = runner.invoke(app, ["bulletin", "--period", "2026-13", "--database-url", url])
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output
    target = tmp_path / "b.html"
    made = runner.invoke(
        app,
        ["bulletin", "--period", "2026-10", "--database-url", url, "--output", str(target)],
    )
    assert made.exit_code == 0, made.output
    assert "服务质量简报" in target.read_text(encoding="utf-8")


def test_the_month_lists_the_complaints_taken_outside(db: Session) -> None:
    org = make_org(db)
    agent = make_staff(db, org.city)
    category = make_category(db, "计费账务")
    october = datetime(2026, 10, 10, 4, tzinfo=UTC)
    answer_by = datetime(2026, 10, 15, 16, tzinfo=UTC)  # the end of 15 October, local

    def appeal(number: str, origin: str, **values: object) -> None:
        db.add(
            WorkOrder(
                number=number,
                type=OrderType.COMPLAINT,
                status=values.pop("status", OrderStatus.CLOSED),
                channel="phone",
                category_id=category.id,
                contact_phone="+8613800138000",
                subject="越级",
                created_by_id=agent.id,
                org_unit_id=org.city.id,
                created_at=october,
                origin=origin,
                resolve_due_at=datetime(2026, 10, 12, 4, tzinfo=UTC),
                **values,
            )
        )

    appeal(
        "WO-A1",
        "regulator",
        origin_ref="12300-1",
        origin_due_at=answer_by,
        replied_at=datetime(2026, 10, 14, 4, tzinfo=UTC),
    )  # after its limit, by their day
    appeal("WO-A2", "media", replied_at=datetime(2026, 10, 13, 4, tzinfo=UTC))  # late
    appeal("WO-A3", "consumer_body", origin_ref="12315-1", status=OrderStatus.IN_PROGRESS)
    appeal("WO-A4", "executive")  # handed down inside the company: not outside
    appeal("WO-A5", "regulator", origin_ref="12300-2", status=OrderStatus.CANCELLED)
    db.flush()
    found = bulletin.build(db, 202610, timezone="Asia/Shanghai", language="zh-CN")
    assert [(a.number, a.origin, a.reference, a.answered) for a in found.appeals] == [
        ("WO-A1", "工信部申诉", "12300-1", "in_time"),
        ("WO-A2", "媒体舆情", "", "late"),
        ("WO-A3", "消协转办", "12315-1", "open"),
    ]
    page = bulletin.render_html(found)
    assert "本月 3 件，其中 1 件在对方要求的日期前答复。" in page
    assert "<td>2026-10-15</td>" in page  # their day, as they set it
    assert "2026-10-12 12:00" in page  # no day set: the time limit, in the center's time
    english = bulletin.render_html(
        bulletin.build(db, 202610, timezone="Asia/Shanghai", language="en")
    )
    assert "Regulator appeal (MIIT)" in english and "Not yet" in english


def test_the_month_counts_what_was_given_back(db: Session) -> None:
    org = make_org(db)
    agent, lead = make_staff(db, org.city), make_staff(db, org.city, Role.TEAM_LEAD)
    category = make_category(db, "计费账务")
    october = datetime(2026, 10, 10, 4, tzinfo=UTC)
    order = WorkOrder(
        number="WO-R1",
        type=OrderType.COMPLAINT,
        status=OrderStatus.CLOSED,
        channel="phone",
        category_id=category.id,
        contact_phone="+8613800138000",
        subject="误扣",
        created_by_id=agent.id,
        org_unit_id=org.city.id,
        created_at=october,
    )
    db.add(order)
    db.flush()

    def refund(kind: str, status: str, fen: int, at: datetime) -> None:
        db.add(
            OrderRefund(
                order_id=order.id,
                kind=kind,
                status=status,
                msisdn="+8613800138000",
                charge_fen=fen // 2 if kind == "double_refund" else fen,
                amount_fen=fen,
                reason="核实误扣",
                requested_by_id=agent.id,
                requested_at=at,
                decided_by_id=lead.id if status != "requested" else None,
                credited_at=at if status == "credited" else None,
            )
        )

    refund("refund", "credited", 3000, october)
    refund("refund", "credited", 1550, october)
    refund("double_refund", "credited", 2000, october)
    refund("compensation", "rejected", 9900, october)  # never reached the customer
    refund("refund", "requested", 800, october)  # still waiting
    refund("refund", "credited", 1200, datetime(2026, 9, 20, 4, tzinfo=UTC))  # last month
    db.flush()
    found = bulletin.build(db, 202610, timezone="Asia/Shanghai", language="zh-CN")
    assert found.refunds is not None
    assert found.refunds.kinds == [("退费", 2, 4550), ("双倍返还", 1, 2000)]
    assert found.refunds.branches == [(org.city.id, 3, 6550)]
    assert (found.refunds.previous_fen, found.refunds.awaiting) == (1200, 1)
    page = bulletin.render_html(found)
    assert "本月退费赔付到账 3 笔，共 ¥65.50（上月 ¥12.00）；本月申请、尚待审批 1 笔。" in page
    english = bulletin.render_html(
        bulletin.build(db, 202610, timezone="Asia/Shanghai", language="en")
    )
    assert "3 credited to customers this month, ¥65.50 (last month ¥12.00)" in english
    assert "Double refund" in english
    quiet = bulletin.render_html(
        bulletin.build(db, 202608, timezone="Asia/Shanghai", language="zh-CN")
    )
    assert "本月无退费赔付。" in quiet
