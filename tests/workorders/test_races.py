"""Two people acting on the same thing at the same moment, with real concurrent
connections on a committed database of its own: two approvers of one refund (one
approves, the other is told it was decided; it is credited once), two agents booking the
first visit of one order (one visit is booked; the other write is refused by the
database's unique index, and told so), two supervisors compensating one incident's
callers (one round is asked; the other is told it was), two handlers taking the next
order of one queue (each gets another). On PostgreSQL both read before either writes (a
barrier); on SQLite writers take turns, and the second reads what the first wrote."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from conftest import own_database
from factories import (
    make_categories,
    make_customer,
    make_org,
    make_staff,
    make_team,
    open_complaint,
)
from kefu.config import REFUND_CEILING_FEN, REFUND_LEAD_LIMIT_FEN
from kefu.core.clock import local_today
from kefu.core.db import make_sessionmaker, unit_of_work
from kefu.core.outbox import Job
from kefu.core.rbac import Principal, Role
from kefu.errors import Conflict, NotFound
from kefu.org.deps import principal_for
from kefu.org.models import OrgUnit, Staff
from kefu.workorders import appointments, incident_compensation, lifecycle, refunds, take_next
from kefu.workorders.appointment_schemas import AppointmentCreate
from kefu.workorders.enums import AppointmentStatus, IncidentStatus, RefundKind, RefundStatus
from kefu.workorders.models import (
    FieldEngineer,
    Incident,
    OrderAppointment,
    OrderRefund,
    WorkOrder,
)
from kefu.workorders.refund_schemas import RefundCreate

ZONE = "Asia/Shanghai"
LIMITS = refunds.RefundLimits(lead_fen=REFUND_LEAD_LIMIT_FEN, ceiling_fen=REFUND_CEILING_FEN)


@pytest.fixture(params=["sqlite", "postgresql"])
def own_factory(request, tmp_path):  # type: ignore[no-untyped-def]
    with own_database(request, tmp_path, "races", pool_size=4) as engine:
        yield make_sessionmaker(engine)


def _desk(factory: sessionmaker[Session]) -> tuple[int, list[int]]:
    """An open complaint on a live number; its asker, two approvers and two agents."""
    with unit_of_work(factory, write=True) as session:
        org = make_org(session)
        cats = make_categories(session)
        make_customer(session, org.city)
        asker = make_staff(session, org.city, Role.AGENT)
        order = open_complaint(session, asker, cats.unknown_charge.id, "+8613800138000")
        people = [
            asker.id,
            make_staff(session, org.city, Role.TEAM_LEAD).id,
            make_staff(session, org.city, Role.SUPERVISOR).id,
            make_staff(session, org.city, Role.AGENT).id,
        ]
        return order.id, people


def _morning(**who: object) -> AppointmentCreate:
    """Tomorrow 09:00–12:00 at the same door, with the engineer ``who`` names."""
    return AppointmentCreate.model_validate(
        {
            "visit_on": local_today(ZONE) + timedelta(days=1),
            "from_time": time(9),
            "to_time": time(12),
            "address": "广州市天河区体育西路 101 号",
        }
        | who
    )


def _at_once(
    factory: sessionmaker[Session], people: list[int], act: Callable[[Session, Principal], None]
) -> list[Conflict | None]:
    """``act`` by each of ``people`` in its own transaction, at the same moment; what each
    raised (None: committed)."""
    postgres = factory.kw["bind"].dialect.name == "postgresql"
    barrier = threading.Barrier(len(people))

    def one(staff_id: int) -> Conflict | None:
        try:
            with unit_of_work(factory, write=True) as session:
                by = principal_for(session, staff_id)
                assert by is not None
                if postgres:  # both have read before either writes
                    barrier.wait(timeout=10)
                act(session, by)
        except Conflict as refused:
            return refused
        return None

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        return list(pool.map(one, people))


def test_two_approvers_at_once_approve_once_and_credit_once(own_factory) -> None:
    order_id, (asker, lead, supervisor, _) = _desk(own_factory)
    with unit_of_work(own_factory, write=True) as session:
        by = principal_for(session, asker)
        assert by is not None
        asked = RefundCreate(kind=RefundKind.COMPENSATION, amount_fen=2000, reason="致歉补偿话费")
        order = session.get(WorkOrder, order_id)
        assert order is not None
        refund_id = refunds.request(
            session, order=order, data=asked, by=by, limits=LIMITS, zone=ZONE
        ).id

    def approve(session: Session, by: Principal) -> None:
        order = session.get(WorkOrder, order_id)
        assert order is not None
        row = refunds.the_refund(session, order, refund_id)
        refunds.approve(
            session, order=order, refund=row, by=by, note=by.username, limits=LIMITS, zone=ZONE
        )

    outcomes = _at_once(own_factory, [lead, supervisor], approve)
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 1 and isinstance(refused[0], Conflict)
    assert refused[0].code == "refund_already_decided"
    with unit_of_work(own_factory) as session:
        refund = session.get(OrderRefund, refund_id)
        assert refund is not None and refund.status == RefundStatus.APPROVED
        winner = [lead, supervisor][outcomes.index(None)]
        assert refund.decided_by_id == winner  # the note and the approver are the winner's
        jobs = session.scalar(select(func.count()).where(Job.kind == refunds.CREDIT))
        assert jobs == 1  # credited once


def test_two_first_bookings_at_once_book_one_visit(own_factory, monkeypatch) -> None:
    order_id, (asker, _, _, agent) = _desk(own_factory)
    if own_factory.kw["bind"].dialect.name == "postgresql":
        _both_read_before_either_writes(monkeypatch)

    def book(session: Session, by: Principal) -> None:
        order = session.get(WorkOrder, order_id)
        assert order is not None
        appointments.book(
            session, order=order, data=_morning(engineer=by.username[:20]), by=by, zone=ZONE
        )

    outcomes = _at_once(own_factory, [asker, agent], book)
    with unit_of_work(own_factory) as session:
        visits = list(
            session.scalars(select(OrderAppointment).where(OrderAppointment.order_id == order_id))
        )
    booked = [v for v in visits if v.status == AppointmentStatus.SCHEDULED]
    assert len(booked) == 1  # one visit booked, whoever came second
    if own_factory.kw["bind"].dialect.name == "postgresql":
        # both read "none booked": the second insert waits on the unique index, then is
        # refused with its own clear error (the request is undone)
        refused = [o for o in outcomes if o is not None]
        assert len(refused) == 1 and isinstance(refused[0], Conflict)
        assert refused[0].code == "appointment_booked_meanwhile"
        assert len(visits) == 1
    else:
        # writers take turns: the second found the first's visit and moved it (改约)
        assert outcomes == [None, None]
        assert sorted(v.status for v in visits) == ["rescheduled", "scheduled"]


def _both_read_before_either_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each booking after it looked for the order's booked visit until the other has
    looked too. Without it a slow machine lets the first commit before the second looks,
    and the second then moves the first's visit (a fine outcome, but not the race)."""
    looked = threading.Barrier(2)
    look = appointments.booked

    def look_then_wait(session: Session, order_id: int) -> OrderAppointment | None:
        found = look(session, order_id)
        looked.wait(timeout=10)
        return found

    monkeypatch.setattr(appointments, "booked", look_then_wait)


def test_two_supervisors_compensating_at_once_ask_one_round(own_factory) -> None:
    order_id, (_, _, supervisor, _) = _desk(own_factory)
    with unit_of_work(own_factory, write=True) as session:
        order = session.get(WorkOrder, order_id)
        assert order is not None
        other = make_staff(session, session.get(OrgUnit, order.org_unit_id), Role.SUPERVISOR)
        incident = Incident(
            number="INC20261206-000001",
            status=IncidentStatus.RESOLVED,
            title="基站掉站",
            org_unit_id=order.org_unit_id,
            category_id=order.category_id,
            first_order_at=order.created_at,
        )
        session.add(incident)
        session.flush()
        order.incident_id, incident_id, second = incident.id, incident.id, other.id

    def ask(session: Session, by: Principal) -> None:
        found = session.get(Incident, incident_id)
        assert found is not None
        incident_compensation.ask(
            session, incident=found, amount_fen=1000, reason="基站中断", by=by, limits=LIMITS
        )

    outcomes = _at_once(own_factory, [supervisor, second], ask)
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 1 and isinstance(refused[0], Conflict)
    assert refused[0].code == "incident_compensation_asked"
    with unit_of_work(own_factory) as session:
        asked = session.scalar(select(func.count()).where(OrderRefund.incident_id == incident_id))
        assert asked == 1  # one caller, compensated once


def test_two_bookings_of_one_engineer_at_once_promise_one_door(own_factory) -> None:
    # Two agents book the same roster engineer for overlapping windows on two orders: the
    # engineer's row is locked while the other bookings are checked, so the second sees
    # the first's visit and is refused, naming its order.
    first_id, (asker, _, _, agent) = _desk(own_factory)
    with unit_of_work(own_factory, write=True) as session:
        first = session.get(WorkOrder, first_id)
        assert first is not None
        opener = session.get(Staff, asker)
        assert opener is not None
        second_id = open_complaint(session, opener, first.category_id, "+8613800138000").id
        engineer = FieldEngineer(name="张志强", phone="", org_unit_id=first.org_unit_id)
        session.add(engineer)
        session.flush()
        engineer_id = engineer.id
    orders = {asker: first_id, agent: second_id}

    def book(session: Session, by: Principal) -> None:
        order = session.get(WorkOrder, orders[by.staff_id])
        assert order is not None
        appointments.book(
            session, order=order, data=_morning(engineer_id=engineer_id), by=by, zone=ZONE
        )

    outcomes = _at_once(own_factory, [asker, agent], book)
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 1 and refused[0].code == "engineer_busy"
    with unit_of_work(own_factory) as session:
        booked = session.scalar(
            select(func.count()).where(
                OrderAppointment.engineer_id == engineer_id,
                OrderAppointment.status == AppointmentStatus.SCHEDULED,
            )
        )
    assert booked == 1


def test_two_handlers_taking_the_next_order_at_once_get_two(own_factory, monkeypatch) -> None:
    with unit_of_work(own_factory, write=True) as session:
        org = make_org(session)
        cats = make_categories(session)
        team = make_team(session, org.city)
        handlers = [make_staff(session, org.city, Role.BACK_OFFICE, team_id=team.id).id]
        handlers.append(make_staff(session, org.city, Role.BACK_OFFICE, team_id=team.id).id)
        asker = make_staff(session, org.city, Role.AGENT)
        for n in range(2):
            order = open_complaint(session, asker, cats.unknown_charge.id, f"+861380013800{n}")
            order.status, order.team_id = "dispatched", team.id
    if own_factory.kw["bind"].dialect.name == "postgresql":
        # each holds the order it took until the other has taken one: without SKIP LOCKED
        # the second would wait on the first's row and then find nothing
        took = threading.Barrier(2)
        start = lifecycle.simple_action

        def start_then_wait(session: Session, **step: object) -> WorkOrder:
            started = start(session, **step)  # type: ignore[arg-type]
            took.wait(timeout=10)
            return started

        monkeypatch.setattr(take_next.lifecycle, "simple_action", start_then_wait)
    taken: list[str] = []
    outcomes = _at_once(
        own_factory,
        handlers,
        lambda session, by: taken.append(take_next.take_next(session, by).number),
    )
    assert outcomes == [None, None]
    assert len(set(taken)) == 2  # never the same order twice
    with unit_of_work(own_factory, write=True) as session, pytest.raises(NotFound):
        by = principal_for(session, handlers[0])
        assert by is not None
        take_next.take_next(session, by)
