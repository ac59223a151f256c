"""The KPI reads: every part summed in the database per local day and group, and the
records behind a part for drill-down. One condition per part serves both, so a figure and
the list behind it can never disagree.

Durations are summed as exact integer microseconds (``core.sqltime``) so SQLite and
PostgreSQL return identical sums on identical rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    case,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session, aliased

from kefu.analytics.kpis import FCR_DAYS, SERVICE_LEVEL_SECONDS, Dimension, Source
from kefu.contact.enums import ContactChannel, Direction, EndReason
from kefu.contact.models import Interaction
from kefu.core.sqltime import epoch_seconds, local_day_index, microseconds_between, shifted
from kefu.customers.models import Customer, Subscription
from kefu.org.models import OrgUnit
from kefu.routing.models import Queue
from kefu.workorders.engineer_sheets import REPORT_GRACE
from kefu.workorders.enums import (
    ANSWERED_VISITS,
    OUTSIDE_ORIGINS,
    AppointmentStatus,
    OrderOrigin,
    OrderStatus,
    OrderType,
    VisitOutcome,
)
from kefu.workorders.models import OrderAppointment, ReturnVisit, WorkOrder

MICROS = 1_000_000
Query = Select[*tuple[Any, ...]]
# The IVR ended the call without an agent and the caller did not hang up on it.
_CONTAINED = (EndReason.SELF_SERVICE, EndReason.FLOW_ENDED)


@dataclass(frozen=True)
class Window:
    """Local days ``first`` (inclusive) to ``last`` (exclusive) as UTC instants, with the
    zone's offset when it holds for the whole window (None: bucket by half hour)."""

    first: date
    last: date
    start: datetime
    end: datetime
    offset_seconds: int | None
    now: datetime


@dataclass(frozen=True)
class Part:
    """A condition on a source's rows, and what to add up for the rows that meet it
    (None: count them)."""

    condition: ColumnElement[bool]
    value: ColumnElement[int] | None = None


# --- contacts -------------------------------------------------------------------------

_later = aliased(Interaction)
_wait = microseconds_between(Interaction.queued_at, Interaction.answered_at)
_handle_end = func.coalesce(Interaction.wrapped_up_at, Interaction.ended_at)
_handle = microseconds_between(Interaction.answered_at, _handle_end)
_offered = and_(Interaction.channel == ContactChannel.VOICE, Interaction.queued_at.is_not(None))
_answered = and_(_offered, Interaction.answered_at.is_not(None))
_came_back = exists(
    select(_later.id).where(
        _later.customer_id == Interaction.customer_id,
        _later.direction == Direction.INBOUND,
        _later.offered_at > Interaction.offered_at,
        _later.offered_at <= shifted(Interaction.offered_at, FCR_DAYS * 86400),
    )
)
_resolvable = and_(_answered, Interaction.customer_id.is_not(None))
# Each queue's own goal ("answered within N seconds"), as on the live wallboard.
_threshold = func.coalesce(Queue.service_level_seconds, SERVICE_LEVEL_SECONDS) * MICROS
_abandoned = and_(
    _offered, Interaction.answered_at.is_(None), Interaction.end_reason == EndReason.ABANDONED
)
# Callers who gave up within the goal are not held against the center.
_late_abandon = and_(
    _abandoned, microseconds_between(Interaction.queued_at, Interaction.ended_at) > _threshold
)

CONTACT_PARTS: dict[str, Part] = {
    "calls": Part(Interaction.channel.in_((ContactChannel.IVR, ContactChannel.VOICE))),
    "contained": Part(
        and_(Interaction.channel == ContactChannel.IVR, Interaction.end_reason.in_(_CONTAINED))
    ),
    "offered": Part(_offered),
    "answered": Part(_answered),
    "abandoned": Part(_abandoned),
    "sl_base": Part(_answered | _late_abandon),
    "answered_in_time": Part(and_(_answered, _wait <= _threshold)),
    "wait_micros": Part(_answered, _wait),
    "handled": Part(and_(_answered, _handle_end.is_not(None))),
    "handle_micros": Part(and_(_answered, _handle_end.is_not(None)), _handle),
    "resolvable": Part(_resolvable),
    "resolved_first": Part(and_(_resolvable, ~_came_back)),
}

# --- work orders, their deadlines and return visits ------------------------------------

_counted_order = WorkOrder.status != OrderStatus.CANCELLED  # invalid orders count nowhere
_complaint = and_(_counted_order, WorkOrder.type == OrderType.COMPLAINT)
ORDER_PARTS: dict[str, Part] = {
    "complaints": Part(_complaint),
    "repeats": Part(and_(_complaint, WorkOrder.is_repeat.is_(True))),
    "appeals": Part(and_(_complaint, WorkOrder.origin.in_([o.value for o in OUTSIDE_ORIGINS]))),
    # the ministry's own count: appeals through its 12300 center only
    "regulator_appeals": Part(and_(_complaint, WorkOrder.origin == OrderOrigin.REGULATOR)),
}
_replied_in_time = and_(
    WorkOrder.replied_at.is_not(None), WorkOrder.replied_at <= WorkOrder.resolve_due_at
)


def deadline_parts(now: datetime) -> dict[str, Part]:
    """Orders whose resolution fell due: decided once replied, or once the limit passed."""
    due = and_(
        _counted_order,
        WorkOrder.resolve_due_at.is_not(None),
        (WorkOrder.replied_at.is_not(None)) | (WorkOrder.resolve_due_at < now),
    )
    return {"due": Part(due), "on_time": Part(and_(due, _replied_in_time))}


_ANSWERED = ReturnVisit.outcome.in_([o.value for o in ANSWERED_VISITS])
VISIT_PARTS: dict[str, Part] = {
    # a customer never reached said nothing: not counted among the visits made
    "visited": Part(_ANSWERED),
    "satisfied": Part(ReturnVisit.outcome == VisitOutcome.SATISFIED),
    # answered with no staff member's call: the customer gave it on the web or by text
    "self_answered": Part(and_(_ANSWERED, ReturnVisit.visitor_id.is_(None))),
}


_MISSED = OrderAppointment.status == AppointmentStatus.MISSED
# made or missed: what came of the visit is known (one still booked, moved or called off
# is not counted)
_SETTLED = OrderAppointment.status.in_(
    [AppointmentStatus.DONE.value, AppointmentStatus.MISSED.value]
)
# a roster engineer's (one named by hand cannot report by text, nor be reminded)
_ROSTER_SETTLED = and_(_SETTLED, OrderAppointment.engineer_id.is_not(None))
_REPORT_GRACE_US = int(REPORT_GRACE.total_seconds()) * 1_000_000
ON_SITE_PARTS: dict[str, Part] = {
    "settled": Part(_SETTLED),
    "engineer_missed": Part(and_(_MISSED, OrderAppointment.missed_by == "engineer")),
    "roster_settled": Part(_ROSTER_SETTLED),
    # its outcome in within the hour after the window, when the engineer is reminded
    "reported_in_time": Part(
        and_(
            _ROSTER_SETTLED,
            microseconds_between(OrderAppointment.ends_at, OrderAppointment.closed_at)
            <= _REPORT_GRACE_US,
        )
    ),
}


def parts_of(source: Source, now: datetime) -> dict[str, Part]:
    if source is Source.CONTACTS:
        return CONTACT_PARTS
    if source is Source.ORDERS:
        return ORDER_PARTS
    if source is Source.DEADLINES:
        return deadline_parts(now)
    if source is Source.ON_SITE:
        return ON_SITE_PARTS
    return VISIT_PARTS


# --- how each source is dated, grouped and scoped --------------------------------------


def _brand_of(
    customer_id: SQLColumnExpression[Any], number: SQLColumnExpression[Any]
) -> SQLColumnExpression[Any]:
    """The brand of the customer's number that made the contact (one value per row)."""
    return (
        select(func.max(Subscription.brand))
        .where(Subscription.customer_id == customer_id, Subscription.msisdn == number)
        .scalar_subquery()
    )


def _base(source: Source) -> Query:
    """The source's rows with the customer (outer) and the unit that scopes them."""
    if source is Source.CONTACTS:
        return (
            select()
            .select_from(Interaction)
            .outerjoin(Customer, Customer.id == Interaction.customer_id)
            .outerjoin(OrgUnit, OrgUnit.id == Customer.org_unit_id)
            .outerjoin(Queue, Queue.id == Interaction.queue_id)
            .where(Interaction.direction == Direction.INBOUND)
        )
    query = select()
    if source is Source.VISITS:
        query = query.select_from(ReturnVisit).join(WorkOrder, WorkOrder.id == ReturnVisit.order_id)
    elif source is Source.ON_SITE:
        query = query.select_from(OrderAppointment).join(
            WorkOrder, WorkOrder.id == OrderAppointment.order_id
        )
    else:
        query = query.select_from(WorkOrder)
    return query.outerjoin(Customer, Customer.id == WorkOrder.customer_id).join(
        OrgUnit, OrgUnit.id == WorkOrder.org_unit_id
    )


def dated_by(source: Source) -> SQLColumnExpression[Any]:
    """The instant that puts a row in a day."""
    return {
        Source.CONTACTS: Interaction.offered_at,
        Source.ORDERS: WorkOrder.created_at,
        Source.DEADLINES: WorkOrder.resolve_due_at,
        Source.VISITS: ReturnVisit.done_at,
        Source.ON_SITE: OrderAppointment.ends_at,
    }[source]


def group_key(source: Source, dimension: Dimension) -> SQLColumnExpression[Any] | None:
    """The value rows are grouped by; None when the dimension does not apply (orders have
    no queue)."""
    contacts = source is Source.CONTACTS
    if dimension is Dimension.NONE:
        return literal("")
    if dimension is Dimension.ORG_UNIT:
        return Customer.org_unit_id if contacts else WorkOrder.org_unit_id
    if dimension is Dimension.CHANNEL:
        return Interaction.channel if contacts else WorkOrder.channel
    if dimension is Dimension.QUEUE:
        return Interaction.queue_id if contacts else None
    if dimension is Dimension.TIER:
        return Customer.tier
    if contacts:
        return _brand_of(Interaction.customer_id, Interaction.address)
    return _brand_of(WorkOrder.customer_id, WorkOrder.contact_phone)


def _scoped(query: Query, scope_path: str | None) -> Query:
    """Within the caller's branch; contacts of unknown callers only for the whole center
    (the inner condition on the unit leaves them out)."""
    if scope_path is None:
        return query
    return query.where(OrgUnit.path.startswith(scope_path))


def _day(source: Source, window: Window) -> ColumnElement[int]:
    at = dated_by(source)
    if window.offset_seconds is not None:
        return local_day_index(at, window.offset_seconds)
    return epoch_seconds(at) // 1800  # a zone that changes offset: half hours, mapped later


def _keyed(query: Query, key: SQLColumnExpression[Any], value: object) -> Query:
    """Rows of one group; None is the group of rows without a value (an unknown caller)."""
    return query.where(key.is_(None) if value is None else key == value)


def _filtered(query: Query, source: Source, filters: Mapping[Dimension, object]) -> Query | None:
    """The filters applied; None when one cannot apply to the source (orders by queue)."""
    for dimension, value in filters.items():
        key = group_key(source, dimension)
        if key is None:
            return None
        query = _keyed(query, key, value)
    return query


def _in_window(query: Query, source: Source, first: datetime, end: datetime) -> Query:
    at = dated_by(source)
    return query.where(at >= first, at < end)


def part_sums(
    session: Session,
    *,
    source: Source,
    dimension: Dimension,
    window: Window,
    scope_path: str | None,
    filters: Mapping[Dimension, object],
) -> Iterator[tuple[int, object, dict[str, int]]]:
    """(day or half-hour index, group value, {part: sum}) for every day and group with rows."""
    parts = parts_of(source, window.now)
    key = group_key(source, dimension)
    if key is None:
        return
    day = _day(source, window)
    sums = [
        func.sum(case((p.condition, p.value if p.value is not None else 1), else_=0)).label(n)
        for n, p in parts.items()
    ]
    query = _base(source).add_columns(day.label("day"), key.label("key"), *sums)
    narrowed = _filtered(_in_window(query, source, window.start, window.end), source, filters)
    if narrowed is None:
        return
    for row in session.execute(_scoped(narrowed, scope_path).group_by(day, key)):
        yield int(row.day), row.key, {name: int(getattr(row, name) or 0) for name in parts}


def subscribers(
    session: Session,
    *,
    dimension: Dimension,
    on: date,
    scope_path: str | None,
    filters: Mapping[Dimension, object],
) -> dict[object, int]:
    """Numbers in service at the start of ``on``, by group (channel and queue: the total)."""
    keys = {
        Dimension.ORG_UNIT: Customer.org_unit_id,
        Dimension.TIER: Customer.tier,
        Dimension.BRAND: Subscription.brand,
    }
    key = keys.get(dimension, literal(""))
    query: Query = (
        select(key.label("key"), func.count().label("subscribers"))
        .select_from(Subscription)
        .join(Customer, Customer.id == Subscription.customer_id)
        .join(OrgUnit, OrgUnit.id == Customer.org_unit_id)
        .where(Subscription.opened_on < on)
        .where((Subscription.closed_on.is_(None)) | (Subscription.closed_on >= on))
    )
    for filtered, value in filters.items():
        if filtered in keys:
            query = _keyed(query, keys[filtered], value)
    if scope_path is not None:
        query = query.where(OrgUnit.path.startswith(scope_path))
    return {row.key: int(row.subscribers) for row in session.execute(query.group_by(key))}


# --- drill-down ------------------------------------------------------------------------


def _record_columns(source: Source) -> list[SQLColumnExpression[Any]]:
    if source is Source.CONTACTS:
        return [
            Interaction.id,
            Interaction.channel,
            Interaction.address,
            Interaction.customer_id,
            Interaction.queue_id,
            Interaction.agent_id,
            Interaction.offered_at,
            Interaction.queued_at,
            Interaction.answered_at,
            Interaction.ended_at,
            Interaction.end_reason,
            _wait.label("wait_us"),
            _handle.label("handle_us"),
        ]
    columns: list[SQLColumnExpression[Any]] = [
        WorkOrder.id.label("order_id"),
        WorkOrder.number,
        WorkOrder.type,
        WorkOrder.status,
        WorkOrder.channel,
        WorkOrder.contact_phone,
        WorkOrder.customer_id,
        WorkOrder.created_at,
        WorkOrder.is_repeat,
        WorkOrder.resolve_due_at,
        WorkOrder.replied_at,
    ]
    if source is Source.VISITS:
        columns += [ReturnVisit.id, ReturnVisit.done_at, ReturnVisit.outcome]
    elif source is Source.ON_SITE:
        columns += [
            OrderAppointment.id,
            OrderAppointment.ends_at.label("done_at"),  # the window's end dates the visit
            OrderAppointment.status.label("visit_status"),
            OrderAppointment.missed_by,
        ]
    else:
        columns += [WorkOrder.id]
    return columns


@dataclass(frozen=True)
class RecordQuery:
    source: Source
    part: str
    flag: str | None
    dimension: Dimension
    key: object
    start: datetime
    end: datetime
    now: datetime


def records(
    session: Session,
    ask: RecordQuery,
    *,
    scope_path: str | None,
    filters: Mapping[Dimension, object],
    limit: int,
    offset: int,
) -> tuple[int, list]:
    """How many rows make up the part, and one page of them (oldest first), each flagged
    whether it also counts in ``flag``."""
    parts = parts_of(ask.source, ask.now)
    flagged = parts[ask.flag].condition if ask.flag else literal(True)
    query = _base(ask.source).where(parts[ask.part].condition)
    query = _in_window(query, ask.source, ask.start, ask.end)
    key = group_key(ask.source, ask.dimension)
    if key is None:
        return 0, []
    if ask.dimension is not Dimension.NONE:
        query = _keyed(query, key, ask.key)
    narrowed = _filtered(query, ask.source, filters)
    if narrowed is None:
        return 0, []
    query = _scoped(narrowed, scope_path)
    total = session.scalar(query.add_columns(func.count())) or 0
    listed = query.add_columns(
        *_record_columns(ask.source), case((flagged, True), else_=False).label("counted")
    )
    row_id = Interaction.id if ask.source is Source.CONTACTS else WorkOrder.id
    if ask.source is Source.VISITS:
        row_id = ReturnVisit.id
    elif ask.source is Source.ON_SITE:
        row_id = OrderAppointment.id
    ordered = listed.order_by(dated_by(ask.source), row_id).limit(limit).offset(offset)
    return int(total), list(session.execute(ordered))
