"""Two demo emergencies made through the real services: one resolved three weeks ago
(every caller answered, every order closed, and compensated the next day) and one
proposed minutes ago, waiting for a supervisor to confirm it. Each is six subscribers
of the branch calling over three quarters of an hour, each in their own words, as a
base station going down looks at the hotline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kefu.core.calendar import BusinessCalendar
from kefu.core.db import make_sessionmaker
from kefu.core.rbac import Principal, Role, rights_for
from kefu.customers.enums import SubscriptionStatus
from kefu.customers.models import Customer, Subscription
from kefu.demo.incident_compensation import compensate
from kefu.org.models import OrgLevel, OrgUnit, Staff
from kefu.workorders import incidents, service
from kefu.workorders.enums import Action, OrderType
from kefu.workorders.models import Category, Incident, OrderEvent, WorkOrder
from kefu.workorders.numbering import next_number
from kefu.workorders.schemas import OrderCreate

CALLERS = 6
RESOLVED_AGO = timedelta(days=21)
REPLY = "您好，您所在区域的基站故障已于今日修复，信号已恢复正常。给您带来不便，深表歉意。"
CALLS_APART = timedelta(minutes=9)
CONFIRMED_AFTER = timedelta(minutes=15)
REPAIRED_AFTER = timedelta(hours=3)
WORDS: tuple[tuple[str, str], ...] = (  # (subject, description), one per caller
    ("家里手机没信号", "客户反映从上午起家中和小区内均无信号，打不了电话。"),
    ("小区里手机显示无服务", "客户称整个小区手机都显示无服务，重启手机无效。"),
    ("室内突然没信号，电话打不进来", "客户称半小时前起室内无信号，家人联系不上。"),
    ("楼里信号全无", "客户称所在楼宇各层均无信号，邻居也一样。"),
    ("手机无法通话，上网也不行", "客户反映电话和上网都用不了，已换卡槽仍无信号。"),
    ("店里没信号，影响收款", "商户客户称店内无信号，扫码收款和电话都受影响，要求尽快处理。"),
)


def acting_as(staff: Staff, role: Role) -> Principal:
    """A principal for a demo account, acting across the whole center."""
    return Principal(
        staff_id=staff.id,
        username=staff.username,
        display_name=staff.display_name,
        role=role,
        org_unit_id=staff.org_unit_id,
        scope_path="/",
        language="zh-CN",
        via="demo",
        rights=rights_for(role),
    )


def _burst(
    session: Session, by: Principal, unit: OrgUnit, category: Category, phones: Sequence[str]
) -> Incident:
    order = None
    for phone, (subject, description) in zip(phones, WORDS[:CALLERS], strict=True):
        data = OrderCreate(
            type=OrderType.COMPLAINT,
            category_id=category.id,
            contact_phone=phone,
            subject=subject,
            description=description,
            org_unit_id=unit.id,
            channel="phone",
        )
        order = service.create_order(session, data=data, by=by, calendar=BusinessCalendar()).order
    incident = session.get(Incident, order.incident_id) if order else None
    # the fifth caller proposed it and the sixth joined, under the shipped rule (five)
    assert incident is not None
    _spread(session, incident)
    return incident


def _spread(session: Session, incident: Incident) -> None:
    """Space the callers out (made in one instant, they came in over 45 minutes): each
    earlier order, with its timeline, moves back; the incident starts with the first and
    was proposed with the fifth."""
    orders = _orders_of(session, incident)
    for place, order in enumerate(orders):
        _move(session, [order], CALLS_APART * (len(orders) - 1 - place))
    incident.first_order_at = orders[0].created_at
    proposer = next(o for o in orders if o.number == f"WO{incident.number[3:]}")
    incident.created_at = proposer.created_at
    _renumber(session, incident, orders)  # the first callers may have rung before midnight


def _orders_of(session: Session, incident: Incident) -> list[WorkOrder]:
    query = select(WorkOrder).where(WorkOrder.incident_id == incident.id).order_by(WorkOrder.id)
    return list(session.scalars(query))


def _decided_later(session: Session, incident: Incident) -> None:
    """Confirmed and resolved as a center would (made back to back, they were decided the
    minute it was proposed): the supervisor confirms a quarter of an hour after the
    proposal, the base station is back three hours after that, and every caller's answer
    and closing move with the resolution."""
    resolved = incident.created_at + CONFIRMED_AFTER + REPAIRED_AFTER
    assert incident.resolved_at is not None
    later = resolved - incident.resolved_at
    incident.confirmed_at = incident.created_at + CONFIRMED_AFTER
    incident.resolved_at = resolved
    orders = _orders_of(session, incident)
    closings = session.scalars(
        select(OrderEvent).where(
            OrderEvent.order_id.in_([o.id for o in orders]),
            OrderEvent.action == Action.INCIDENT_CLOSE,
        )
    )
    _shift(
        [*((o, ("replied_at", "closed_at")) for o in orders), *((e, AT) for e in closings)],
        later,
    )


def _shift_back(session: Session, incident: Incident, by: timedelta) -> None:
    """Move the incident, its orders and their timelines into the past (row by row: date
    arithmetic in SQL differs between the databases, and these are a dozen rows)."""
    orders = _orders_of(session, incident)
    _move(session, orders, by)
    _shift([(incident, ("created_at", "first_order_at", "confirmed_at", "resolved_at"))], -by)
    _renumber(session, incident, orders)


def _move(session: Session, orders: Sequence[WorkOrder], by: timedelta) -> None:
    """Move orders and their timelines ``by`` into the past; their time limits are
    counted again from their new start (in working time a shift is not a shift: an
    order of a Sunday morning is due at the same hour on Monday)."""
    events = session.scalars(
        select(OrderEvent).where(OrderEvent.order_id.in_([o.id for o in orders]))
    ).all()
    times = ("created_at", "replied_at", "closed_at")
    _shift([*((o, times) for o in orders), *((e, AT) for e in events)], -by)
    for order in orders:
        service.set_due_times(session, order, BusinessCalendar())


AT = ("occurred_at",)  # an event's time


def _shift(rows: Sequence[tuple[object, tuple[str, ...]]], by: timedelta) -> None:
    """Move the named times of each row by ``by`` (times not set stay unset)."""
    for row, columns in rows:
        for column in columns:
            if getattr(row, column) is not None:
                setattr(row, column, getattr(row, column) + by)


def _renumber(session: Session, incident: Incident, orders: Sequence[WorkOrder]) -> None:
    """Number the moved orders on the day they now carry (WO20261103-…, not today's date
    on orders of three weeks ago), and the incident after the order that proposed it."""
    zone = ZoneInfo(BusinessCalendar().zone)
    proposer = next(o for o in orders if o.number == f"WO{incident.number[3:]}")
    for order in sorted(orders, key=lambda o: o.id):
        day = order.created_at.astimezone(zone).date()
        if order.number[2:10] != f"{day:%Y%m%d}":
            order.number = next_number(session, day)
    incident.number = f"INC{proposer.number[2:]}"


def generate_incidents(engine: Engine) -> int:
    """Write the two demo incidents; returns how many orders they hold."""
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        city = session.scalar(
            select(OrgUnit).where(OrgUnit.level == OrgLevel.CITY).order_by(OrgUnit.id)
        )
        boss = session.scalar(select(Staff).where(Staff.username == "supervisor"))
        category = session.scalar(
            select(Category).where(Category.code == "network.coverage.indoor")
        )
        if city is None or boss is None or category is None:
            return 0
        supervisor = acting_as(boss, Role.SUPERVISOR)
        phones = _callers(session, city)
        past = _burst(session, supervisor, city, category, phones[:CALLERS])
        incidents.confirm(session, incident=past, note="基站掉站，已派抢修", by=supervisor)
        incidents.resolve(
            session, incident=past, reply=REPLY, by=supervisor, calendar=BusinessCalendar()
        )
        session.flush()
        _decided_later(session, past)
        _shift_back(session, past, RESOLVED_AGO)
        compensate(session, past, supervisor, _approver(session, city))
        _burst(session, supervisor, city, category, phones[CALLERS:])
    return 2 * CALLERS


def _callers(session: Session, unit: OrgUnit) -> list[str]:
    """Twelve mobile subscribers of the branch (the first made), who can be credited; in
    a center too small to have them, numbers of no subscriber."""
    found = list(
        session.scalars(
            select(Subscription.msisdn)
            .join(Customer, Customer.id == Subscription.customer_id)
            .where(
                Customer.org_unit_id == unit.id,
                Subscription.status == SubscriptionStatus.ACTIVE,
                Subscription.msisdn.like("+861%"),
            )
            .order_by(Subscription.id)
            .limit(2 * CALLERS)
        )
    )
    if len(found) < 2 * CALLERS:
        return [f"+861390{1000 + n:07d}" for n in range(2 * CALLERS)]
    return found


def _approver(session: Session, unit: OrgUnit) -> Principal | None:
    """A team lead of the branch (the demo's ``lead`` login first), who approves the
    callers' compensation the supervisor asked."""
    lead = session.scalar(
        select(Staff)
        .where(Staff.org_unit_id == unit.id, Staff.role == Role.TEAM_LEAD)
        .order_by(Staff.id)
    )
    return acting_as(lead, Role.TEAM_LEAD) if lead else None
