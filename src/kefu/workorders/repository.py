"""Every query of the work-order domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import ColumnElement, Select, Table, bindparam, func, insert, select
from sqlalchemy.orm import Session, make_transient_to_detached

from kefu.core.pagination import PageParams
from kefu.customers.managers import managed_customers
from kefu.org.models import OrgUnit, Staff, Team
from kefu.org.repository import KnownUnit, known_unit
from kefu.workorders.enums import (
    AWAITING_DISPATCH_STATUSES,
    OPEN_STATUSES,
    OUTSIDE_ORIGINS,
    AppointmentStatus,
    AssistStatus,
    EventKind,
    OrderOrigin,
    OrderStatus,
    OrderType,
    RefundStatus,
)
from kefu.workorders.models import (
    Category,
    Consent,
    OrderAppointment,
    OrderAssist,
    OrderEvent,
    OrderLink,
    OrderRefund,
    ReplyTemplate,
    ReturnVisit,
    WorkOrder,
)

# Teams by id, or a query of their ids (every team of a supervisor's scope).
# Which open asks (协办) a viewer follows: a condition on wo_assists (assists.followed)
FollowedAsks = ColumnElement[bool]


def category(session: Session, category_id: int) -> Category | None:
    """One category by id."""
    return session.get(Category, category_id)


def categories(session: Session) -> list[Category]:
    """Every category in tree order."""
    order = (Category.level, Category.sort_order, Category.id)
    return list(session.scalars(select(Category).order_by(*order)))


def siblings(session: Session, parent_id: int | None) -> list[Category]:
    """A parent's categories (or the top level's) in the order agents see them."""
    under = Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id
    query = select(Category).where(under).order_by(Category.sort_order, Category.id)
    return list(session.scalars(query))


def last_sort_order(session: Session, parent_id: int | None) -> int:
    """The highest place among a parent's categories (or the top level's); -1 for none."""
    under = Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id
    last = session.scalar(select(func.max(Category.sort_order)).where(under))
    return -1 if last is None else int(last)


def template(session: Session, template_id: int) -> ReplyTemplate | None:
    """One reply template by id."""
    return session.get(ReplyTemplate, template_id)


def category_by_code(session: Session, code: str) -> Category | None:
    """One category by its code."""
    return session.scalar(select(Category).where(Category.code == code))


def templates(
    session: Session, category_ids: list[int] | None = None, *, include_inactive: bool = False
) -> list[ReplyTemplate]:
    """Reply templates in use (or all), optionally of some categories."""
    query = select(ReplyTemplate).order_by(ReplyTemplate.id)
    if not include_inactive:
        query = query.where(ReplyTemplate.active)
    if category_ids is not None:
        query = query.where(ReplyTemplate.category_id.in_(category_ids))
    return list(session.scalars(query))


# The statements a new order and its page run are built once: putting a select together
# costs about as much as running it on SQLite (a third of a millisecond for the repeat
# check), and the values go in as parameters.
# What makes an earlier order one a complaint repeats: the creation's check and the
# intake form's outlook ask the same.
_REPEATED = (
    WorkOrder.contact_phone == bindparam("phone"),
    WorkOrder.type == OrderType.COMPLAINT,
    WorkOrder.created_at >= bindparam("since"),
    WorkOrder.status != OrderStatus.CANCELLED,
    Category.path.startswith(bindparam("prefix")),
)
_EARLIER_COMPLAINTS = (
    select(WorkOrder.id, WorkOrder.number, WorkOrder.assignee_id)
    .join(Category, Category.id == WorkOrder.category_id)
    .where(*_REPEATED)
    .order_by(WorkOrder.created_at)
)
_EARLIER_COMPLAINTS_SHOWN = (
    select(
        WorkOrder.id,
        WorkOrder.number,
        WorkOrder.status,
        WorkOrder.subject,
        WorkOrder.created_at,
        OrgUnit.path,
        WorkOrder.created_by_id,
        WorkOrder.assignee_id,
        WorkOrder.customer_id,
        OrgUnit.name,
        OrgUnit.name_en,
    )
    .join(Category, Category.id == WorkOrder.category_id)
    .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
    .where(*_REPEATED)
    .order_by(WorkOrder.created_at, WorkOrder.id)
)


class EarlierComplaint(NamedTuple):
    """What a repeat needs of the complaints it repeats."""

    id: int
    number: str
    assignee_id: int | None


def earlier_complaints(
    session: Session, *, phone: str, category_prefix: str, since: datetime
) -> list[EarlierComplaint]:
    """Complaints from the number in the category branch since a moment (repeat control)."""
    values = {"phone": phone, "since": since, "prefix": category_prefix}
    rows = session.connection().execute(_EARLIER_COMPLAINTS, values)
    return [EarlierComplaint(*row) for row in rows]


class ShownComplaint(NamedTuple):
    """An earlier complaint as the intake form shows it, with who may see it (its
    branch's path, its creator and its owner), whose it is and who holds it."""

    id: int
    number: str
    status: OrderStatus
    subject: str
    created_at: datetime
    unit_path: str
    created_by_id: int | None
    assignee_id: int | None
    customer_id: int | None
    unit_name: str
    unit_name_en: str


def earlier_complaints_shown(
    session: Session, *, phone: str, category_prefix: str, since: datetime
) -> list[ShownComplaint]:
    """``earlier_complaints``, with what the intake form shows of each."""
    values = {"phone": phone, "since": since, "prefix": category_prefix}
    rows = session.execute(_EARLIER_COMPLAINTS_SHOWN, values)
    return [ShownComplaint(*row) for row in rows]


# A new order, its timeline and its links are written with plain INSERTs on the session's
# connection: the ORM's flush cost more than all of a new order's statements together.
_ORDERS = cast(Table, WorkOrder.__table__)
_INSERT_ORDER = insert(_ORDERS).returning(_ORDERS.c.id)
_INSERT_EVENT = insert(cast(Table, OrderEvent.__table__))
_INSERT_LINK = insert(cast(Table, OrderLink.__table__))


def insert_order(session: Session, order: WorkOrder) -> None:
    """Write a new order and keep it in the session as a loaded object, without a flush.

    Every column the caller left unset takes its scalar default (or NULL), on the row
    and on the object alike, so reading any attribute later needs no query. A column
    whose default is computed (the times) must be given.
    """
    state = order.__dict__
    for column in _ORDERS.columns:
        if column.key != "id" and column.key not in state:
            default = column.default
            if default is not None and not default.is_scalar:
                raise ValueError(f"a new order's {column.key} must be given")
            setattr(order, column.key, default.arg if default is not None else None)  # type: ignore[attr-defined]
    values = {c.key: state[c.key] for c in _ORDERS.columns if c.key != "id"}
    order.id = session.connection().execute(_INSERT_ORDER, values).scalar_one()
    make_transient_to_detached(order)
    session.add(order)


def insert_event(
    session: Session, *, order_id: int, actor_id: int | None, step: TimelineStep
) -> None:
    """Append one step to an order's timeline (the step names its actor; the row keeps
    the actor's id)."""
    values = {f: getattr(step, f) for f in TimelineStep._fields if f != "actor"}
    session.connection().execute(
        _INSERT_EVENT, values | {"order_id": order_id, "actor_id": actor_id}
    )


def insert_links(session: Session, order_id: int, linked_ids: list[int]) -> None:
    """Link a repeat complaint to the earlier orders it repeats."""
    rows = [{"order_id": order_id, "linked_id": i, "kind": "repeat"} for i in linked_ids]
    session.connection().execute(_INSERT_LINK, rows)


_OPEN_ORDERS_OF = (
    select(WorkOrder, OrgUnit)
    .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
    .where(
        WorkOrder.customer_id == bindparam("customer_id"),
        WorkOrder.status.in_([s.value for s in OPEN_STATUSES]),
    )
    .order_by(WorkOrder.id.desc())
    .limit(20)
)


def open_orders_of(session: Session, customer_id: int) -> list[tuple[WorkOrder, OrgUnit]]:
    """A customer's open orders, newest first (at most 20: the 360 view shows the latest),
    each with the unit that holds it (who may reach it follows its path)."""
    rows = session.execute(_OPEN_ORDERS_OF, {"customer_id": customer_id})
    return [(order, unit) for order, unit in rows]


_LINKED_NUMBERS = (
    select(WorkOrder.number)
    .join(OrderLink, OrderLink.linked_id == WorkOrder.id)
    .where(OrderLink.order_id == bindparam("order_id"))
    .order_by(WorkOrder.id)
)


def took_outside_since(session: Session, customer_id: int, since: datetime) -> bool:
    """Whether the customer took a complaint outside (越级) since then."""
    found = select(WorkOrder.id).where(
        WorkOrder.customer_id == customer_id,
        WorkOrder.origin.in_([o.value for o in OUTSIDE_ORIGINS]),
        WorkOrder.created_at >= since,
        WorkOrder.status != OrderStatus.CANCELLED,
    )
    return session.scalar(found.limit(1)) is not None


def order_by_number(session: Session, number: str) -> WorkOrder | None:
    """The order with this number (as stored)."""
    return session.scalar(select(WorkOrder).where(WorkOrder.number == number))


def linked_numbers(session: Session, order_id: int) -> list[str]:
    """Numbers of the orders an order repeats."""
    return list(session.scalars(_LINKED_NUMBERS, {"order_id": order_id}))


_EVENTS = (
    select(
        OrderEvent.kind,
        OrderEvent.action,
        OrderEvent.from_status,
        OrderEvent.to_status,
        Staff.display_name.label("actor"),
        OrderEvent.occurred_at,
        OrderEvent.reason,
        OrderEvent.details,
    )
    .outerjoin(Staff, Staff.id == OrderEvent.actor_id)
    .where(OrderEvent.order_id == bindparam("order_id"))
    # by time: a step may be written after a later one (the demo's asks of the network
    # centre, made once the orders are); the same moment keeps the order written
    .order_by(OrderEvent.occurred_at, OrderEvent.id)
)


class TimelineStep(NamedTuple):
    """One step of an order's timeline as shown: a row of ``events``, or a step just
    written (``service.record_event``)."""

    kind: str
    action: str
    from_status: str
    to_status: str
    actor: str | None  # the person's name; none for the system
    occurred_at: datetime
    reason: str
    details: str  # JSON


def events(session: Session, order_id: int) -> list[TimelineStep]:
    """An order's timeline with each actor's name, oldest first (rows, not objects: a
    timeline is only ever shown)."""
    rows = session.connection().execute(_EVENTS, {"order_id": order_id})
    return [TimelineStep(*row) for row in rows]


_VISITS = (
    select(ReturnVisit)
    .where(ReturnVisit.order_id == bindparam("order_id"))
    .order_by(ReturnVisit.id)
)


def visits(session: Session, order_id: int) -> list[ReturnVisit]:
    """An order's return visits, oldest first."""
    return list(session.scalars(_VISITS, {"order_id": order_id}))


def open_visit(session: Session, order_id: int) -> ReturnVisit | None:
    """The return visit still to be made for an order."""
    query = select(ReturnVisit).where(
        ReturnVisit.order_id == order_id, ReturnVisit.done_at.is_(None)
    )
    return session.scalar(query)


def last_visit(session: Session, order_id: int) -> ReturnVisit | None:
    """The order's latest return visit that was made."""
    query = (
        select(ReturnVisit)
        .where(ReturnVisit.order_id == order_id, ReturnVisit.done_at.is_not(None))
        .order_by(ReturnVisit.done_at.desc())
        .limit(1)
    )
    return session.scalar(query)


def names(session: Session, order: WorkOrder) -> tuple[KnownUnit, Team | None, Staff | None]:
    """The order's unit, team and assignee."""
    unit = known_unit(session, order.org_unit_id)
    assert unit is not None  # foreign key
    team = session.get(Team, order.team_id) if order.team_id else None
    assignee = session.get(Staff, order.assignee_id) if order.assignee_id else None
    return unit, team, assignee


def teams_by_id(session: Session, team_ids: set[int]) -> dict[int, Team]:
    """These teams, by id (a queue page names the team holding each order)."""
    if not team_ids:
        return {}
    return {t.id: t for t in session.scalars(select(Team).where(Team.id.in_(team_ids)))}


def order_list_query(
    *,
    scope_path: str | None,
    viewer_id: int,
    status: list[OrderStatus] | None,
    assignee_id: int | None,
    team_id: int | None,
    repeat_only: bool,
    opened_by: int | None = None,
    managed_by: int | None = None,
    incident_id: int | None = None,
    visits_due: bool = False,
    category_path: str | None = None,
    to_dispatch: bool = False,
    origins: Sequence[OrderOrigin] | None = None,
    on_site: bool = False,
    refund_awaiting: bool = False,
    asks: FollowedAsks | None = None,
    supervised: bool = False,
) -> Select[WorkOrder, OrgUnit, Category, str | None]:
    """The orders a viewer may see, filtered; most urgent and newest first, or with
    ``visits_due`` the orders awaiting their return visit, the visit due soonest first,
    or with ``to_dispatch`` those waiting to be sent, most urgent and longest waiting
    first. ``category_path``: a category and everything under it. ``origins``: only those
    passed on by these (the regulator, a consumer body …). ``on_site``: those with an
    engineer's visit booked, the soonest window first. ``refund_awaiting``: those with a
    refund waiting for its approval, the longest waiting first. ``opened_by``: those the
    staff member opened (首问负责: who took the customer's request follows it through).
    ``managed_by``: those of the customers an account manager looks after.
    ``asks``: those with an open ask (协办) of these, the soonest due first.
    ``supervised``: those a supervisor pressed for (督办), the answer owed soonest first,
    then the latest pressed."""
    query = (
        select(WorkOrder, OrgUnit, Category, Staff.display_name)
        .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
        .join(Category, Category.id == WorkOrder.category_id)
        .outerjoin(Staff, Staff.id == WorkOrder.assignee_id)
    )
    if scope_path is not None:
        query = query.where(
            OrgUnit.path.startswith(scope_path)
            | (WorkOrder.created_by_id == viewer_id)
            | (WorkOrder.assignee_id == viewer_id)
        )
    if status:
        query = query.where(WorkOrder.status.in_(status))
    if assignee_id is not None:
        query = query.where(WorkOrder.assignee_id == assignee_id)
    if team_id is not None:
        query = query.where(WorkOrder.team_id == team_id)
    if opened_by is not None:
        query = query.where(WorkOrder.id.in_(_opened_by(opened_by)))
    if managed_by is not None:
        query = query.where(WorkOrder.customer_id.in_(managed_customers(managed_by)))
    if repeat_only:
        query = query.where(WorkOrder.is_repeat)
    if incident_id is not None:
        query = query.where(WorkOrder.incident_id == incident_id)
    if origins:
        query = query.where(WorkOrder.origin.in_([o.value for o in origins]))
    if category_path is not None:
        query = query.where(Category.path.startswith(category_path))
    if visits_due:
        waiting = (ReturnVisit.order_id == WorkOrder.id) & ReturnVisit.done_at.is_(None)
        query = query.join(ReturnVisit, waiting).where(WorkOrder.status == OrderStatus.RETURN_VISIT)
        return query.order_by(ReturnVisit.due_at, WorkOrder.id)
    if on_site:
        booked = (OrderAppointment.order_id == WorkOrder.id) & (
            OrderAppointment.status == AppointmentStatus.SCHEDULED
        )
        query = query.join(OrderAppointment, booked)
        return query.order_by(OrderAppointment.starts_at, WorkOrder.id)
    if refund_awaiting:
        asked = (
            select(OrderRefund.order_id, func.min(OrderRefund.requested_at).label("asked_at"))
            .where(OrderRefund.status == RefundStatus.REQUESTED)
            .group_by(OrderRefund.order_id)
            .subquery()
        )
        query = query.join(asked, asked.c.order_id == WorkOrder.id)
        return query.order_by(asked.c.asked_at, WorkOrder.id)
    if asks is not None:
        wanted = (
            select(OrderAssist.order_id, func.min(OrderAssist.due_at).label("due_at"))
            .where(OrderAssist.status == AssistStatus.OPEN, asks)
            .group_by(OrderAssist.order_id)
            .subquery()
        )
        query = query.join(wanted, wanted.c.order_id == WorkOrder.id)
        return query.order_by(wanted.c.due_at, WorkOrder.id)
    if supervised:
        owed = WorkOrder.supervise_answer_by
        query = query.where(WorkOrder.last_supervised_at.is_not(None))
        return query.order_by(
            owed.is_(None), owed, WorkOrder.last_supervised_at.desc(), WorkOrder.id
        )
    if to_dispatch:
        awaiting = [s.value for s in AWAITING_DISPATCH_STATUSES]
        query = query.where(WorkOrder.status.in_(awaiting))
        return query.order_by(WorkOrder.priority.desc(), WorkOrder.id)
    return query.order_by(WorkOrder.priority.desc(), WorkOrder.id.desc())


def _opened_by(staff_id: int) -> Select[int]:
    """The orders a staff member opened, found through their steps (the index by actor
    and time) rather than an index of creators that every new order would have to fill."""
    return select(OrderEvent.order_id).where(
        OrderEvent.actor_id == staff_id, OrderEvent.kind == EventKind.CREATED
    )


def visit_dues(session: Session, order_ids: list[int]) -> dict[int, tuple[datetime, datetime]]:
    """When each of these orders' waiting return visit was scheduled and is due (orders
    without one left out)."""
    if not order_ids:
        return {}
    rows = session.execute(
        select(ReturnVisit.order_id, ReturnVisit.created_at, ReturnVisit.due_at).where(
            ReturnVisit.order_id.in_(order_ids), ReturnVisit.done_at.is_(None)
        )
    )
    return {order_id: (scheduled, due) for order_id, scheduled, due in rows}


def page(
    session: Session, query: Select[WorkOrder, OrgUnit, Category, str | None], params: PageParams
) -> tuple[list[tuple[WorkOrder, OrgUnit, Category, str | None]], int]:
    """One page of a list query and its total."""
    total = count(session, query)
    rows = session.execute(query.offset(params.offset).limit(params.size))
    return [(r[0], r[1], r[2], r[3]) for r in rows], total


def count(session: Session, query: Select[WorkOrder, OrgUnit, Category, str | None]) -> int:
    """How many orders a list query finds."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def latest_consent(session: Session, order_id: int) -> Consent | None:
    """The order's confirmation if given, else its newest pending code."""
    query = (
        select(Consent)
        .where(Consent.order_id == order_id)
        .order_by(Consent.confirmed_at.is_(None), Consent.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def incident_news(session: Session, incident_id: int) -> tuple[str, datetime] | None:
    """The last progress text sent to every caller of the incident (进展通报), with when:
    an agent taking another caller's order tells them the same. Read on the incident's
    orders' timelines (its steps carry the incident's number; the same word sent late to
    a caller who joined after is not a new one)."""
    row = session.execute(
        select(OrderEvent.reason, OrderEvent.occurred_at)
        .join(WorkOrder, WorkOrder.id == OrderEvent.order_id)
        .where(
            WorkOrder.incident_id == incident_id,
            OrderEvent.kind == EventKind.PROGRESS,
            OrderEvent.details.contains('"incident"'),
            ~OrderEvent.details.contains('"late"'),
        )
        .order_by(OrderEvent.id.desc())
        .limit(1)
    ).first()
    return (row.reason, row.occurred_at) if row else None
