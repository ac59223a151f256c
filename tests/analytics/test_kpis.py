"""Operational KPIs: every figure against a hand-counted month, at the edges that matter
(exactly 20 s, local midnight, exactly seven days), by group and scope, drilled down to
its records, exported without formulas, and identical on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from factories import bearer, make_categories, make_customer, make_org, make_staff
from kefu.analytics.kpi_service import Drill, KpiQuery, kpi_records, kpi_report
from kefu.analytics.kpi_views import filter_options, record_read
from kefu.analytics.kpis import Dimension, Grain, Kpi, Source
from kefu.contact.enums import ContactChannel, Direction, EndReason, InteractionStatus
from kefu.contact.models import Interaction
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.customers.enums import Brand, Tier
from kefu.customers.models import Customer, Subscription
from kefu.org.models import OrgUnit
from kefu.routing.models import Queue
from kefu.workorders.enums import (
    AppointmentStatus,
    Channel,
    OrderOrigin,
    OrderStatus,
    OrderType,
    VisitOutcome,
)
from kefu.workorders.models import FieldEngineer, OrderAppointment, ReturnVisit, WorkOrder

ZONE = ZoneInfo("Asia/Shanghai")
OCTOBER = KpiQuery(date(2026, 10, 1), date(2026, 10, 31), Grain.MONTH)
NOW = datetime(2026, 10, 31, 12, 0, tzinfo=ZONE)  # before order O5's limit passes
US = timedelta(microseconds=1)


def local(day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, second, micro, tzinfo=ZONE)


@dataclass
class Month:
    org: object
    a: Customer  # 广州, gold, 全球通
    b: Customer  # 深圳, normal, 动感地带
    ids: dict[str, int]


def _call(session: Session, name: str, ids: dict[str, int], **values: object) -> None:
    values.setdefault("direction", Direction.INBOUND)
    values.setdefault("status", InteractionStatus.ENDED)
    contact = Interaction(**values)
    session.add(contact)
    session.flush()
    ids[name] = contact.id


def _order(session: Session, name: str, ids: dict[str, int], **values: object) -> WorkOrder:
    order = WorkOrder(number=f"WO-{name}", subject="话费", **values)
    session.add(order)
    session.flush()
    ids[name] = order.id
    return order


def plant_month(session: Session) -> Month:
    """The hand-counted October (see each figure's test for the arithmetic)."""
    org = make_org(session)
    a = make_customer(session, org.city, "+8613800000001", tier=Tier.GOLD)
    b = make_customer(session, org.other_city, "+8613800000002", tier=Tier.NORMAL)
    session.execute(
        update(Subscription).where(Subscription.customer_id == b.id).values(brand=Brand.MZONE)
    )
    gone = make_customer(session, org.city, "+8613800000003")  # cancelled before October
    session.execute(
        update(Subscription)
        .where(Subscription.customer_id == gone.id)
        .values(closed_on=date(2026, 9, 1))
    )
    late = make_customer(session, org.city, "+8613800000004")  # opened after October
    session.execute(
        update(Subscription)
        .where(Subscription.customer_id == late.id)
        .values(opened_on=date(2026, 11, 5))
    )
    queue = Queue(code="kpi-q", name="话费", service_level_seconds=20)
    patient = Queue(code="kpi-q2", name="宽带", service_level_seconds=30)
    session.add_all([queue, patient])
    session.flush()
    ids: dict[str, int] = {}
    voice = {"channel": ContactChannel.VOICE}
    ivr = {"channel": ContactChannel.IVR}
    a_call = {"customer_id": a.id, "address": "+8613800000001"}
    b_call = {"customer_id": b.id, "address": "+8613800000002"}

    def queued(at: datetime, q: Queue) -> dict[str, object]:
        return {"offered_at": at, "queued_at": at, "queue_id": q.id}

    t1, t2 = local(1, 9), local(1, 23, 59, 59, 999_999)
    _call(
        session,
        "c1",
        ids,
        **voice,
        **a_call,
        **queued(t1, queue),
        answered_at=t1 + timedelta(seconds=20),
        ended_at=t1 + timedelta(seconds=120),
        wrapped_up_at=t1 + timedelta(seconds=130),
        end_reason=EndReason.COMPLETED,
    )
    _call(
        session,
        "c2",
        ids,
        **voice,
        **a_call,
        **queued(t2, queue),
        answered_at=t2 + timedelta(seconds=20, microseconds=1),
        ended_at=t2 + timedelta(seconds=70, microseconds=1),
        end_reason=EndReason.COMPLETED,
    )
    t3, t4, t5 = local(2), local(2, 10), local(2, 11)
    _call(
        session,
        "c3",
        ids,
        **voice,
        **b_call,
        **queued(t3, queue),
        ended_at=t3 + timedelta(seconds=25),
        end_reason=EndReason.ABANDONED,
    )
    _call(
        session,
        "c4",
        ids,
        **voice,
        **b_call,
        **queued(t4, patient),
        ended_at=t4 + timedelta(seconds=10),
        end_reason=EndReason.ABANDONED,
    )
    _call(
        session,
        "c5",
        ids,
        **voice,
        **b_call,
        **queued(t5, patient),
        answered_at=t5 + timedelta(seconds=25),
        ended_at=t5 + timedelta(seconds=225),
        end_reason=EndReason.COMPLETED,
    )
    _call(
        session,
        "c6",
        ids,
        **ivr,
        **a_call,
        offered_at=t2 + timedelta(days=7),
        ended_at=t2 + timedelta(days=7, seconds=30),
        end_reason=EndReason.SELF_SERVICE,
    )
    _call(
        session,
        "c7",
        ids,
        **ivr,
        **b_call,
        offered_at=t5 + timedelta(days=7) + US,
        ended_at=t5 + timedelta(days=7, seconds=20),
        end_reason=EndReason.ABANDONED,
    )
    _call(
        session,
        "c8",
        ids,
        **ivr,
        address="+8613999999999",
        offered_at=local(3, 10),
        ended_at=local(3, 10, 1),
        end_reason=EndReason.FLOW_ENDED,
    )
    _call(
        session,
        "c9",
        ids,
        channel=ContactChannel.SMS,
        **a_call,
        offered_at=local(20, 8),
        status=InteractionStatus.OPEN,
    )
    _call(
        session,
        "c10",
        ids,
        **voice,
        **b_call,
        direction=Direction.OUTBOUND,
        offered_at=local(5, 9),
        answered_at=local(5, 9, 0, 5),
        ended_at=local(5, 9, 3),
        end_reason=EndReason.COMPLETED,
    )
    _call(
        session,
        "before",
        ids,
        **voice,
        **a_call,
        **queued(local(1) - US, queue),
        answered_at=local(1, 0, 0, 5),
        ended_at=local(1, 0, 2),
        end_reason=EndReason.COMPLETED,
    )
    november = datetime(2026, 11, 1, tzinfo=ZONE)
    _call(
        session,
        "after",
        ids,
        **voice,
        **a_call,
        **queued(november, queue),
        answered_at=november + timedelta(seconds=5),
        ended_at=november + timedelta(seconds=9),
        end_reason=EndReason.COMPLETED,
    )

    creator = make_staff(session, org.city, Role.AGENT)
    leaf = make_categories(session).unknown_charge
    common = {"category_id": leaf.id, "created_by_id": creator.id, "channel": Channel.PHONE}
    in_a = {
        **common,
        "customer_id": a.id,
        "contact_phone": "+8613800000001",
        "org_unit_id": org.city.id,
    }
    in_b = {
        **common,
        "customer_id": b.id,
        "contact_phone": "+8613800000002",
        "org_unit_id": org.other_city.id,
    }
    complaint = {"type": OrderType.COMPLAINT}
    o1 = _order(
        session,
        "o1",
        ids,
        **in_a,
        **complaint,
        status=OrderStatus.CLOSED,
        created_at=local(1, 10),
        resolve_due_at=local(3, 10),
        replied_at=local(2, 9),
    )
    o2 = _order(
        session,
        "o2",
        ids,
        **in_a,
        **complaint,
        status=OrderStatus.CLOSED,
        is_repeat=True,
        origin=OrderOrigin.REGULATOR,  # the customer took it to the ministry (越级)
        origin_ref="12300-2026-0000001",
        created_at=local(10),
        resolve_due_at=local(12),
        replied_at=local(13),
    )
    _order(
        session,
        "o3",
        ids,
        **in_b,
        **complaint,
        status=OrderStatus.CANCELLED,
        origin=OrderOrigin.MEDIA,  # cancelled: counted nowhere
        created_at=local(11),
        resolve_due_at=local(13),
    )
    _order(
        session,
        "o4",
        ids,
        **in_b,
        type=OrderType.CONSULTATION,
        status=OrderStatus.ACCEPTED,
        created_at=local(11),
        resolve_due_at=local(11, 18),
    )
    _order(
        session,
        "o5",
        ids,
        **in_b,
        **complaint,
        status=OrderStatus.IN_PROGRESS,
        is_repeat=True,
        created_at=local(12),
        resolve_due_at=local(31, 23, 59, 59, 999_999),
    )
    engineer = FieldEngineer(name="张志强", phone="139 2001 3301", org_unit_id=org.city.id)
    session.add(engineer)
    session.flush()
    # each settled visit's outcome came in this long after its window: two within the
    # hour (the customer's miss at 59:59.999999), the engineer's miss three hours late
    came_in = {
        AppointmentStatus.DONE: timedelta(minutes=20),
        "engineer": timedelta(hours=3),
        "customer": timedelta(minutes=59, seconds=59, microseconds=999_999),
    }
    session.add_all(
        [
            ReturnVisit(  # an agent's call
                order_id=o1.id,
                due_at=local(4),
                done_at=local(5),
                outcome=VisitOutcome.SATISFIED,
                visitor_id=creator.id,
            ),
            # the customer's own answer (no one called: the web or a text)
            ReturnVisit(
                order_id=o2.id,
                due_at=local(14),
                done_at=local(15),
                outcome=VisitOutcome.DISSATISFIED,
            ),
            ReturnVisit(order_id=o1.id, due_at=local(30)),  # not yet done
            # never reached: it says nothing of satisfaction
            ReturnVisit(
                order_id=o2.id,
                due_at=local(20),
                done_at=local(21),
                outcome=VisitOutcome.UNREACHABLE,
                attempts=3,
            ),
            # engineers' visits, dated by the end of their window: one made, one the
            # engineer missed, one the customer missed, one moved, one still booked, and
            # one the engineer missed in November (outside the month)
            *[
                _visit(
                    o1.id,
                    status,
                    ends,
                    missed_by,
                    engineer.id,
                    came_in.get(missed_by or status),
                )
                for status, ends, missed_by in (
                    (AppointmentStatus.DONE, local(6, 12), ""),
                    (AppointmentStatus.MISSED, local(7, 12), "engineer"),
                    (AppointmentStatus.MISSED, local(8, 12), "customer"),
                    (AppointmentStatus.RESCHEDULED, local(9, 12), ""),
                    (AppointmentStatus.SCHEDULED, local(30, 12), ""),
                    (AppointmentStatus.MISSED, local(31) + timedelta(days=1), "engineer"),
                )
            ],
        ]
    )
    session.flush()
    return Month(org, a, b, ids)


def _visit(
    order_id: int,
    status: str,
    ends: datetime,
    missed_by: str,
    engineer_id: int | None = None,
    closed_after: timedelta | None = None,
) -> OrderAppointment:
    return OrderAppointment(
        order_id=order_id,
        status=status,
        starts_at=ends - timedelta(hours=3),
        ends_at=ends,
        address="广州市天河区体育西路 101 号",
        engineer_id=engineer_id,
        engineer="张志强",
        missed_by=missed_by,
        outcome_note="",
        closed_at=ends + closed_after if closed_after is not None else None,
    )


def report(session: Session, ask: KpiQuery = OCTOBER, scope: str | None = None):  # type: ignore[no-untyped-def]
    return kpi_report(session, ask, timezone="Asia/Shanghai", scope_path=scope, now=NOW)


def test_every_figure_of_the_month_is_counted_as_defined(db: Session) -> None:
    plant_month(db)
    figures = report(db).total.figures()
    # offered: c1..c5 (voice, queued, inbound, inside October); c10 is outbound
    assert figures["offered"] == 5 and figures["answered"] == 3 and figures["abandoned"] == 2
    assert figures["abandon_rate"] == pytest.approx(2 / 5, abs=1e-15)
    # held to the goal: answered c1, c2, c5 and c3 (gave up after 25 s > 20 s); c4 gave up
    # within its queue's 30 s. In time: c1 (exactly 20 s) and c5 (25 s of 30), not c2 (+1 µs)
    assert figures["service_level"] == pytest.approx(2 / 4, abs=1e-15)
    assert figures["asa_seconds"] == pytest.approx((20 + 20.000001 + 25) / 3, abs=1e-12)
    assert figures["aht_seconds"] == pytest.approx((110 + 50 + 200) / 3, abs=1e-12)
    # calls: c1..c8; kept in the IVR: c6 (self-service) and c8 (flow ended), not c7 (gave up)
    assert figures["ivr_containment"] == pytest.approx(2 / 8, abs=1e-15)
    # answered known callers c1, c2, c5: A came back after c1 (c2) and exactly seven days
    # after c2 (c6); B came back seven days and one microsecond after c5 (c7), too late
    assert figures["first_contact_resolution"] == pytest.approx(1 / 3, abs=1e-15)
    # complaints o1, o2, o5 (o3 cancelled as invalid); repeats o2, o5
    assert figures["complaints"] == 3
    assert figures["repeat_complaint_rate"] == pytest.approx(2 / 3, abs=1e-15)
    assert figures["appeal_rate"] == pytest.approx(1 / 3, abs=1e-15)  # o2, from the regulator
    # two numbers in service on 1 November (one cancelled in September, one opened later)
    assert figures["complaints_per_10k"] == pytest.approx(3 / 2 * 10_000, abs=1e-9)
    # the ministry's measure: o2 came through its appeal center, of two numbers in service
    assert figures["appeals_per_million"] == pytest.approx(1 / 2 * 1_000_000, abs=1e-6)
    # due: o1 in time, o2 replied late, o4 past its limit unanswered; o5 not yet due at NOW
    assert figures["time_limit_compliance"] == pytest.approx(1 / 3, abs=1e-15)
    assert figures["return_visit_satisfaction"] == pytest.approx(1 / 2, abs=1e-15)
    # o2's answer was the customer's own, o1's an agent's call
    assert figures["return_visit_self_share"] == pytest.approx(1 / 2, abs=1e-15)
    # engineers' visits settled in October: made, missed by the engineer, by the customer
    assert figures["engineer_no_show_rate"] == pytest.approx(1 / 3, abs=1e-15)
    # of those three, two were in within the hour of the window's end
    assert figures["engineer_report_on_time"] == pytest.approx(2 / 3, abs=1e-15)


def test_days_are_local_days_and_weeks_start_on_monday(db: Session) -> None:
    plant_month(db)
    by_day = {
        row.bucket: row.figures()
        for row in report(db, KpiQuery(date(2026, 10, 1), date(2026, 10, 2), Grain.DAY)).rows
    }
    # c2 was offered at 23:59:59.999999 local: 1 October, though it is 15:59 UTC
    assert by_day[date(2026, 10, 1)]["offered"] == 2
    assert by_day[date(2026, 10, 2)]["offered"] == 3  # c3 at local midnight, c4, c5
    weekly = report(db, KpiQuery(date(2026, 10, 1), date(2026, 10, 31), Grain.WEEK))
    first = weekly.rows[0]
    assert first.bucket == date(2026, 9, 28)  # 1 October 2026 is a Thursday
    assert first.figures()["offered"] == 5
    assert sum(row.parts.sums.get("calls", 0) for row in weekly.rows) == 8


def test_figures_split_by_tier_brand_and_branch(db: Session) -> None:
    month = plant_month(db)
    by_tier = {r.key: r.figures() for r in report(db, _by(Dimension.TIER)).totals}
    assert by_tier[Tier.GOLD]["offered"] == 2 and by_tier[Tier.NORMAL]["offered"] == 3
    assert by_tier[None]["ivr_containment"] == 1.0  # the unknown caller's call, c8
    assert by_tier[Tier.GOLD]["complaints_per_10k"] == pytest.approx(20_000)  # 2 of 1 number
    by_brand = {r.key: r.figures() for r in report(db, _by(Dimension.BRAND)).totals}
    assert by_brand[Brand.MZONE]["complaints"] == 1 and by_brand[Brand.GOTONE]["complaints"] == 2
    by_unit = {r.key: r.figures() for r in report(db, _by(Dimension.ORG_UNIT)).totals}
    assert by_unit[month.org.city.id]["offered"] == 2
    assert by_unit[month.org.other_city.id]["time_limit_compliance"] == 0.0  # o4 late
    by_queue = report(db, _by(Dimension.QUEUE))
    assert all(r.figures()["complaints"] == 0 for r in by_queue.totals)  # orders have no queue


def _by(dimension: Dimension) -> KpiQuery:
    return KpiQuery(OCTOBER.first, OCTOBER.last, Grain.MONTH, dimension)


def _drilled(session: Session, ask: KpiQuery, drill: Drill, limit: int = 10):  # type: ignore[no-untyped-def]
    """The records behind a figure, the whole center's, at the planted month's now."""
    return kpi_records(
        session,
        ask,
        drill,
        timezone="Asia/Shanghai",
        scope_path=None,
        now=NOW,
        limit=limit,
        offset=0,
    )


def test_a_branch_sees_only_its_own_figures(db: Session) -> None:
    month = plant_month(db)
    figures = report(db, scope=month.org.city.path).total.figures()
    assert figures["offered"] == 2  # A's calls; B's and the unknown caller's are not shown
    assert figures["ivr_containment"] == pytest.approx(1 / 3)  # c1, c2, c6
    assert figures["complaints"] == 2


def test_the_dashboard_filters_offer_only_what_the_caller_may_narrow_to(db: Session) -> None:
    month = plant_month(db)
    db.add(Queue(code="complaints-en", name="投诉", name_en="Complaints"))
    db.flush()
    whole = {c.parameter: c.options for c in filter_options(db, None, "en")}
    assert [label for _, label in whole["org_unit_id"]] == ["总部", "广东", "广州", "深圳"]
    assert ("gold", "Gold") in whole["tier"] and len(whole["tier"]) == len(Tier)
    assert "Complaints" in [label for _, label in whole["queue_id"]]
    assert ("voice", "Call") in whole["channel"] and ("console", "Console") in whole["channel"]
    branch = {c.parameter: c.options for c in filter_options(db, month.org.city.path, "zh-CN")}
    assert branch["org_unit_id"] == [(str(month.org.city.id), "广州")]
    assert ("gotone", "全球通") in branch["brand"]


def test_a_figure_drills_down_to_the_records_it_counts(db: Session) -> None:
    month = plant_month(db)
    total, rows = _drilled(db, OCTOBER, Drill(Kpi.SERVICE_LEVEL, None))
    ids = month.ids
    assert total == 4
    assert [(r.id, r.counted) for r in rows] == [
        (ids["c1"], True),
        (ids["c2"], False),
        (ids["c3"], False),
        (ids["c5"], True),
    ]
    drill = Drill(Kpi.REPEAT_RATE, date(2026, 10, 1), Tier.NORMAL)
    total, rows = _drilled(db, _by(Dimension.TIER), drill)
    assert total == 1 and rows[0].id == ids["o5"] and rows[0].counted
    # an engineer's no-show rate lists the visits settled, the engineer's miss flagged
    total, rows = _drilled(db, OCTOBER, Drill(Kpi.ENGINEER_NO_SHOW, None))
    assert total == 3
    assert [(r.visit_status, r.missed_by, r.counted) for r in rows] == [
        ("done", "", False),
        ("missed", "engineer", True),
        ("missed", "customer", False),
    ]
    shown = [record_read(Source.ON_SITE, row, True) for row in rows]
    assert [r.outcome for r in shown] == ["done", "missed_by_engineer", "missed_by_customer"]
    assert all(r.at.day in (6, 7, 8) and r.order_number for r in shown)


def test_appeals_per_million_counts_the_ministrys_appeals_only(db: Session) -> None:
    month = plant_month(db)
    ids = month.ids
    o2 = db.get(WorkOrder, ids["o2"])
    _order(  # taken to a consumer body: an appeal (越级), but not the ministry's
        db,
        "o6",
        ids,
        category_id=o2.category_id,
        created_by_id=o2.created_by_id,
        channel=Channel.PHONE,
        customer_id=month.a.id,
        contact_phone="+8613800000001",
        org_unit_id=month.org.city.id,
        type=OrderType.COMPLAINT,
        status=OrderStatus.CLOSED,
        origin=OrderOrigin.CONSUMER_BODY,
        origin_ref="12315-2026-0042",
        created_at=local(20),
        resolve_due_at=local(22),
        replied_at=local(21),
    )
    figures = report(db).total.figures()
    assert figures["appeal_rate"] == pytest.approx(2 / 4, abs=1e-15)  # o2 and o6
    assert figures["appeals_per_million"] == pytest.approx(1 / 2 * 1_000_000, abs=1e-6)  # o2
    total, rows = _drilled(db, OCTOBER, Drill(Kpi.APPEALS_PER_MILLION, None))
    assert (total, [r.id for r in rows]) == (1, [ids["o2"]])


def test_the_api_labels_groups_masks_numbers_and_drills_down(client, db: Session) -> None:
    month = plant_month(db)
    headers = {
        **bearer(db, make_staff(db, month.org.hq, Role.SUPERVISOR)),
        "Accept-Language": "en",
    }
    answer = client.get(
        "/api/v1/analytics/kpis?from=2026-10-01&to=2026-10-31&grain=week&dimension=tier",
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {g["label"] for g in body["groups"]} == {"Gold", "Normal", "Unknown"}
    assert body["total"]["figures"]["offered"] == 5
    assert body["buckets"][0] == "2026-09-28" and len(body["buckets"]) == 5
    assert {k["id"]: k["unit"] for k in body["kpis"]}["service_level"] == "share"
    drill = client.get(
        "/api/v1/analytics/kpis/records?from=2026-10-01&to=2026-10-31&dimension=tier"
        "&kpi=offered&key=gold",
        headers=headers,
    )
    assert drill.status_code == 200, drill.text
    records = drill.json()["records"]
    assert [r["number"] for r in records] == ["138****0001", "138****0001"]
    unknown = client.get(
        "/api/v1/analytics/kpis/records?from=2026-10-01&to=2026-10-31&dimension=tier"
        "&kpi=ivr_containment",  # no key: the group of callers kefu did not know
        headers=headers,
    )
    assert [r["id"] for r in unknown.json()["records"]] == [month.ids["c8"]]
    # a return visit's and an engineer's visit's records name the order they belong to
    # (their own ids are the visits'): the console links to the order, not to a stranger
    for kpi, orders in (
        ("return_visit_satisfaction", {"o1", "o2"}),
        ("engineer_no_show_rate", {"o1"}),
    ):
        listed = client.get(
            f"/api/v1/analytics/kpis/records?from=2026-10-01&to=2026-10-31&kpi={kpi}",
            headers=headers,
        ).json()["records"]
        assert listed and {r["order_id"] for r in listed} == {month.ids[o] for o in orders}
        assert all(r["order_number"] for r in listed)


def test_bad_periods_are_refused_in_the_callers_language(client, db: Session) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.province, Role.SUPERVISOR))
    reversed_ = client.get("/api/v1/analytics/kpis?from=2026-10-31&to=2026-10-01", headers=headers)
    assert reversed_.status_code == 422
    assert reversed_.json()["error"] == {
        "code": "kpi_period_reversed",
        "message": "统计周期的结束日期早于开始日期。",
        "field": "to",
    }
    for far in ("from=0001-01-01&to=0001-01-02", "from=9999-12-31&to=9999-12-31"):
        # found in review: date arithmetic past the calendar's ends was a 500
        outside = client.get(f"/api/v1/analytics/kpis?{far}", headers=headers)
        assert outside.status_code == 422
        assert outside.json()["error"]["code"] == "kpi_period_out_of_range"
    too_long = client.get("/api/v1/analytics/kpis?from=2020-01-01&to=2026-10-01", headers=headers)
    assert too_long.status_code == 422 and too_long.json()["error"]["field"] == "to"
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    refused = client.get("/api/v1/analytics/kpis?from=2026-10-01&to=2026-10-02", headers=agent)
    assert refused.status_code == 403
    elsewhere = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    other = client.get(
        f"/api/v1/analytics/kpis?from=2026-10-01&to=2026-10-02&org_unit_id={org.other_city.id}",
        headers=elsewhere,
    )
    assert other.status_code == 403


def test_exports_are_audited_and_carry_no_formulas(client, db: Session) -> None:
    month = plant_month(db)
    month_unit = month.org.city
    month_unit.name = '=HYPERLINK("http://evil")'
    db.flush()
    headers = bearer(db, make_staff(db, month.org.province, Role.SUPERVISOR))
    request = {
        "first": "2026-10-01",
        "last": "2026-10-31",
        "grain": "month",
        "dimension": "org_unit",
        "reason": "月度服务质量通报",
    }
    as_csv = client.post(
        "/api/v1/analytics/kpis/export", json={**request, "format": "csv"}, headers=headers
    )
    assert as_csv.status_code == 200, as_csv.text
    text = as_csv.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text[1:])))
    assert lines[0][:3] == ["周期", "分组", "呼入人工量"]
    assert lines[1][:2] == ["2026-10-01", '\'=HYPERLINK("http://evil")']
    as_xlsx = client.post(
        "/api/v1/analytics/kpis/export", json={**request, "format": "xlsx"}, headers=headers
    )
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[1][1] == '\'=HYPERLINK("http://evil")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert cells[-1][2] == 5  # the period's total offered, a number
    audits = db.scalars(select(AuditLog).where(AuditLog.action == "kpi.export")).all()
    assert len(audits) == 2 and audits[0].reason == "月度服务质量通报"


# --- the same figures on both databases ------------------------------------------------


def plant_random(session: Session, seed: int) -> None:
    """A month of random contacts, orders and visits with microsecond times."""
    rng = random.Random(seed)
    org = make_org(session)
    customers = [
        make_customer(
            session,
            rng.choice([org.city, org.other_city]),
            f"+86139{n:08d}",
            tier=rng.choice(list(Tier)),
        )
        for n in range(30)
    ]
    queues = [
        Queue(code=f"rq{n}", name=f"队列{n}", service_level_seconds=10 * (n + 1)) for n in range(3)
    ]
    session.add_all(queues)
    session.flush()
    start = datetime(2026, 9, 30, 12, tzinfo=UTC)

    def instant() -> datetime:
        return start + timedelta(microseconds=rng.randrange(33 * 86400 * 10**6))

    def seconds(mean: float) -> timedelta:
        return timedelta(microseconds=int(rng.expovariate(1 / mean) * 10**6))

    rows = []
    for _ in range(1500):
        caller = rng.choice([*customers, None])
        offered = instant()
        row = {
            "direction": rng.choice([Direction.INBOUND] * 9 + [Direction.OUTBOUND]),
            "status": InteractionStatus.ENDED,
            "offered_at": offered,
            "customer_id": caller.id if caller else None,
            "address": f"+86139{customers.index(caller):08d}" if caller else "+8613700000000",
        }
        kind = rng.random()
        if kind < 0.4:
            row.update(
                channel=ContactChannel.IVR,
                ended_at=offered + seconds(40),
                end_reason=rng.choice(list(EndReason)),
            )
        elif kind < 0.9:
            queued = offered + seconds(30)
            row.update(
                channel=ContactChannel.VOICE, queued_at=queued, queue_id=rng.choice(queues).id
            )
            if rng.random() < 0.8:
                answered = queued + seconds(15)
                row.update(
                    answered_at=answered,
                    ended_at=answered + seconds(200),
                    end_reason=EndReason.COMPLETED,
                )
                if rng.random() < 0.5:
                    row["wrapped_up_at"] = row["ended_at"] + seconds(20)
            else:
                row.update(ended_at=queued + seconds(20), end_reason=EndReason.ABANDONED)
        else:
            row.update(channel=ContactChannel.SMS, status=InteractionStatus.OPEN)
        rows.append(row)
    session.execute(insert(Interaction), rows)
    creator = make_staff(session, org.city)
    leaf = make_categories(session).unknown_charge
    engineer = FieldEngineer(name="张志强", phone="139 2001 3301", org_unit_id=org.city.id)
    session.add(engineer)
    session.flush()
    for n in range(200):
        caller = rng.choice(customers)
        created = instant()
        due = created + seconds(3 * 86400)
        replied = created + seconds(2 * 86400) if rng.random() < 0.8 else None
        order = WorkOrder(
            number=f"WO-R{n}",
            subject="随机",
            type=rng.choice(list(OrderType)),
            status=rng.choice(list(OrderStatus)),
            channel=rng.choice(list(Channel)),
            category_id=leaf.id,
            customer_id=caller.id,
            contact_phone=f"+86139{customers.index(caller):08d}",
            org_unit_id=caller.org_unit_id,
            created_by_id=creator.id,
            is_repeat=rng.random() < 0.2,
            created_at=created,
            resolve_due_at=due,
            replied_at=replied,
        )
        session.add(order)
        session.flush()
        if rng.random() < 0.4:
            ends = instant()
            session.add(
                _visit(
                    order.id,
                    rng.choice(list(AppointmentStatus)),
                    ends,
                    rng.choice(["", "engineer", "customer"]),
                    rng.choice([engineer.id, None]),
                    # around the hour's edge too, to the microsecond
                    timedelta(microseconds=rng.randint(3_599_000_000, 3_601_000_000))
                    if rng.random() < 0.5
                    else timedelta(seconds=rng.randint(0, 86_400)),
                )
            )
        if rng.random() < 0.5:
            session.add(
                ReturnVisit(
                    order_id=order.id,
                    due_at=due,
                    done_at=instant(),
                    outcome=rng.choice([*VisitOutcome, None]),
                    visitor_id=creator.id if rng.random() < 0.7 else None,
                )
            )
    session.flush()


def test_sqlite_and_postgresql_give_identical_figures_on_identical_rows(both_databases) -> None:
    for session in both_databases.values():
        plant_random(session, seed=20261123)
    for grain in Grain:
        for dimension in Dimension:
            ask = KpiQuery(date(2026, 10, 1), date(2026, 10, 31), grain, dimension)
            found = {}
            for backend, session in both_databases.items():
                made = report(session, ask)
                named = _names(session, dimension)
                found[backend] = (
                    [(r.bucket, named(r.key), r.parts.sums) for r in made.rows],
                    [(named(r.key), r.figures()) for r in made.totals],
                    made.total.figures(),
                )
            assert found["sqlite"] == found["postgresql"], (grain, dimension)
    offered = {
        backend: _drilled(session, OCTOBER, Drill(Kpi.FCR, None), limit=500)
        for backend, session in both_databases.items()
    }
    assert offered["sqlite"][0] == offered["postgresql"][0] > 50
    assert [(r.counted, r.wait_us) for r in offered["sqlite"][1]] == [
        (r.counted, r.wait_us) for r in offered["postgresql"][1]
    ]


def _names(session: Session, dimension: Dimension):  # type: ignore[no-untyped-def]
    """Group values as both databases can agree on them: units and queues by name (their
    ids differ between the databases), enumerations as plain text."""
    table = {Dimension.ORG_UNIT: OrgUnit, Dimension.QUEUE: Queue}.get(dimension)
    names = dict(session.execute(select(table.id, table.name)).all()) if table else {}

    def named(key: object) -> object:
        if key is None:
            return None
        return names[key] if table else str(key)

    return named
