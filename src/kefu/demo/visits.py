"""The demo's on-site visits (上门处理): most open faults and complaints about home
broadband or indoor coverage have an engineer booked for the coming days, some after an
earlier visit that did not settle it (the customer out, the engineer not come, or made
without mending it); written as the booking service writes them (the visit, its
timeline steps). Only open orders get them, booked after their last step, so every
timeline stays in order. They are booked from the branches' rosters
(``kefu.demo.site_visits``), never twice for one window; when all three are taken (or the
order is the province's own), a contractor is named by hand, as a dispatcher would."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, func, insert, select

from kefu.demo.site_visits import VisitDesk
from kefu.org.models import OrgUnit
from kefu.workorders.appointments import BOOKABLE
from kefu.workorders.enums import AppointmentStatus, EventKind
from kefu.workorders.models import (
    Category,
    OrderAppointment,
    OrderEvent,
    WorkOrder,
)

ZONE = ZoneInfo("Asia/Shanghai")
ON_SITE_BRANCHES = ("broadband.", "network.coverage.")
SHARE = 0.6  # of those open orders
EARLIER_FIRST = 0.5  # of the booked: an earlier visit that did not settle it
# What came of that earlier visit: the customer out, the engineer not come, or made
# without mending it (a part to order, say).
EARLIER = (
    ("missed", "customer", "客户不在家，电话未接通"),
    ("missed", "engineer", "工程师临时被调往抢修，未能按约上门"),
    ("done", "", "更换光猫后仍断续掉线，需带新设备再次上门"),
)
WINDOWS = ((time(9), time(12)), (time(14), time(18)), (time(18), time(20)))
STREETS = ("中山路101号", "人民北路233号", "解放路18号", "建设大道66号")


def generate_visits(engine: Engine, *, seed: int, now: datetime | None = None) -> int:
    """Book the demo's visits; returns how many visits were written."""
    with engine.begin() as connection:
        return book_visits(connection, seed=seed, now=now or datetime.now(UTC))


def book_visits(connection: Connection, *, seed: int, now: datetime) -> int:
    """``generate_visits`` in the caller's transaction."""
    rng = random.Random(seed + 71)
    written = 0
    orders = connection.execute(_open_on_site_orders()).all()
    engineers = VisitDesk.of(seed, connection)  # its windows taken keep one to a door
    for order_id, handler, last, unit, unit_id, code in orders:
        order = Order(order_id, handler, _city(unit), unit_id, engineers, code)
        if rng.random() >= SHARE:
            continue
        last = _as_utc(last)
        booked_at = last + (now - last) / 2
        if rng.random() < EARLIER_FIRST:
            booked_at, earlier = _earlier_first(connection, rng, order, last, now)
            written += earlier
        if booked_at >= now:
            continue
        day = now.astimezone(ZONE).date() + timedelta(days=rng.choice((1, 1, 2, 3)))
        visit = _visit(rng, order, booked_at, _window(rng, day))
        _write(connection, visit, [_booked_step])
        written += 1
    return written


def _earlier_first(
    connection: Connection,
    rng: random.Random,
    order: Order,
    last: datetime,
    now: datetime,
) -> tuple[datetime, int]:
    """A visit booked soon after the order's last step for the next day, which did not
    settle it (missed by the customer or the engineer, or made without mending it), if
    that day has passed; when the next booking can be made, and how many visits were
    written."""
    booked_at = last + timedelta(minutes=rng.randint(5, 60))
    window = _window(rng, last.astimezone(ZONE).date() + timedelta(days=1))
    if window[1] >= now:
        return booked_at, 0
    status, missed_by, note = rng.choice(EARLIER)
    earlier = _visit(rng, order, booked_at, window) | {
        "status": AppointmentStatus(status),
        "closed_by_id": order.handler,
        "closed_at": window[1],
        "missed_by": missed_by,
        "outcome_note": note,
    }
    _write(connection, earlier, [_booked_step, _closed_step])
    return window[1] + timedelta(minutes=20), 1


@dataclass(frozen=True)
class Order:
    """An order to book on: its id, handler of record, city, branch and the roster."""

    id: int
    handler: int
    city: str
    unit_id: int
    roster: VisitDesk
    code: str  # the category's: what kind of engineer it needs


Step = Callable[[dict[str, object], int], dict[str, object]]


def _write(connection: Connection, visit: dict[str, object], steps: list[Step]) -> None:
    """The visit and its timeline steps, as the booking service writes them."""
    visit_id = connection.execute(
        insert(OrderAppointment).returning(OrderAppointment.id), visit
    ).scalar_one()
    connection.execute(insert(OrderEvent), [step(visit, visit_id) for step in steps])


def _open_on_site_orders():  # type: ignore[no-untyped-def]
    """Open orders about broadband or coverage, with who opened them (the demo's handler
    of record), their last step's time and their branch."""
    last_step = (
        select(OrderEvent.order_id, func.max(OrderEvent.occurred_at).label("last"))
        .group_by(OrderEvent.order_id)
        .subquery()
    )
    on_site = Category.code.startswith(ON_SITE_BRANCHES[0]) | Category.code.startswith(
        ON_SITE_BRANCHES[1]
    )
    return (
        select(
            WorkOrder.id,
            WorkOrder.created_by_id,
            last_step.c.last,
            OrgUnit.name,
            OrgUnit.id,
            Category.code,
        )
        .join(Category, Category.id == WorkOrder.category_id)
        .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
        .join(last_step, last_step.c.order_id == WorkOrder.id)
        .where(
            WorkOrder.status.in_([s.value for s in BOOKABLE]),
            WorkOrder.incident_id.is_(None),  # a cell site down is mended at the site
            WorkOrder.type.in_(["fault", "complaint"]),  # a question is answered by phone
            on_site,
        )
        .order_by(WorkOrder.id)
    )


def _window(rng: random.Random, day: date) -> tuple[datetime, datetime]:
    starts, ends = rng.choice(WINDOWS)
    return (
        datetime.combine(day, starts, ZONE).astimezone(UTC),
        datetime.combine(day, ends, ZONE).astimezone(UTC),
    )


def _visit(
    rng: random.Random,
    order: Order,
    booked_at: datetime,
    window: tuple[datetime, datetime],
) -> dict[str, object]:
    engineer_id, engineer, phone = order.roster.book(order.unit_id, *window, order.code)
    room = f"{rng.randint(2, 30)}0{rng.randint(1, 6)}室"
    return {
        "order_id": order.id,
        "status": AppointmentStatus.SCHEDULED,
        "starts_at": window[0],
        "ends_at": window[1],
        "address": f"广东省{order.city}市{rng.choice(STREETS)}{room}",
        "engineer_id": engineer_id,
        "engineer": engineer,
        "engineer_phone": phone,
        "note": "",
        "texted": True,
        "booked_by_id": order.handler,
        "booked_at": booked_at,
        "closed_by_id": None,
        "closed_at": None,
        "missed_by": "",
        "outcome_note": "",
    }


def _booked_step(visit: dict[str, object], visit_id: int) -> dict[str, object]:
    starts, ends = visit["starts_at"], visit["ends_at"]
    details = {
        "appointment": visit_id,
        "booked": True,
        "starts_at": starts.isoformat(),  # type: ignore[attr-defined]
        "ends_at": ends.isoformat(),  # type: ignore[attr-defined]
        "engineer": visit["engineer"],
        "moved": False,
        "texted": True,
    }
    return {
        "order_id": visit["order_id"],
        "kind": EventKind.APPOINTMENT,
        "action": "",
        "from_status": "",
        "to_status": "",
        "actor_id": visit["booked_by_id"],
        "occurred_at": visit["booked_at"],
        "reason": "",
        "details": json.dumps(details, ensure_ascii=False),
    }


def _closed_step(visit: dict[str, object], visit_id: int) -> dict[str, object]:
    details = {
        "appointment": visit_id,
        "outcome": str(visit["status"]),
        "missed_by": visit["missed_by"],
    }
    return _booked_step(visit, visit_id) | {
        "occurred_at": visit["closed_at"],
        "reason": visit["outcome_note"],
        "details": json.dumps(details, ensure_ascii=False),
    }


def _city(unit: str) -> str:
    """The city of a branch (广州分公司 → 广州); the province's own orders: its capital."""
    name = unit.removesuffix("分公司")
    return "广州" if name.endswith("省") or not name else name


def _as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive UTC times."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
