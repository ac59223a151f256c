"""Twelve months of demo work orders: a plausible type and category mix, the daily rhythm
with holidays, repeat complaints, and each order's steps, due times and return visit.

Orders are drawn day by day; older ones are finished, the last days' are still open in
every state, so the queues of the demo center look like a working Monday.
"""

from __future__ import annotations

import json
import random
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Table, or_, select

from kefu.core.calendar import BusinessCalendar
from kefu.customers.enums import Gender, Tier
from kefu.customers.models import Customer, Subscription
from kefu.demo.bulk import BulkWriter
from kefu.demo.chases import ANSWERED_STEPS, chase_steps, chase_times
from kefu.demo.complaint_text import AMOUNTS, as_written, complaint_text
from kefu.demo.consents import CONSENT_COLUMNS, consent, consent_step
from kefu.demo.order_steps import (
    DISSATISFIED_NOTE,
    FIRST_ROUND,
    path_of,
    return_visit_rows,
    status_of,
    step_times,
    was_reopened,
)
from kefu.demo.passed_on import passed_on
from kefu.demo.refunds import COLUMNS as REFUND_COLUMNS
from kefu.demo.refunds import Handled, RefundDesk, refund_steps
from kefu.demo.reply_text import order_answer, reply_step
from kefu.demo.site_visits import COLUMNS as SITE_COLUMNS
from kefu.demo.site_visits import VisitDesk, site_visit_steps
from kefu.org.models import Staff
from kefu.workorders.enums import MAX_PRIORITY, OrderOrigin, OrderStatus, OrderType, Triage
from kefu.workorders.limits import SHIPPED, due_times
from kefu.workorders.models import (
    Category,
    Consent,
    DailyCounter,
    OrderAppointment,
    OrderEvent,
    OrderLink,
    OrderRefund,
    ReturnVisit,
    WorkOrder,
)
from kefu.workorders.take_next import TAKEN
from kefu.workorders.templates import salutation

ZONE = ZoneInfo("Asia/Shanghai")
CONTACT_SHARE = 0.04  # orders per subscriber per month
TYPE_MIX = (
    (OrderType.CONSULTATION, 0.45),
    (OrderType.SERVICE_REQUEST, 0.22),
    (OrderType.COMPLAINT, 0.20),
    (OrderType.FAULT, 0.11),
    (OrderType.SUGGESTION, 0.02),
)
# Complaints lean to billing, SP subscriptions and the network, as in every center.
TOPIC_WEIGHT = {
    "billing": 6,
    "vas": 4,
    "network": 5,
    "service": 2,
    "marketing": 2,
    "number": 1,
    "broadband": 3,
    "terminal": 1,
    "enterprise": 1,
}
_C, _F, _Q, _R, _S = (
    OrderType.COMPLAINT,
    OrderType.FAULT,
    OrderType.CONSULTATION,
    OrderType.SERVICE_REQUEST,
    OrderType.SUGGESTION,
)
# The types an order of each kind of problem comes as (the longest matching code prefix
# decides): nobody asks for an unwanted subscription as a service, and suspending a lost
# phone's number is a request, not a complaint. Problems not named here take any type.
TYPES_FOR: dict[str, tuple[OrderType, ...]] = {
    "network": (_C, _F, _Q),
    "network.calls": (_C, _F),
    "billing": (_C, _Q),
    "billing.payment.invoice": (_R, _Q),
    "billing.arrears": (_C, _F),
    "vas.sp.unconsented": (_C,),
    "vas.sp.unsubscribe": (_R, _C),
    "vas.content": (_C, _Q, _S),
    "service": (_C, _S),
    "marketing": (_C, _Q, _S),
    "marketing.harassment": (_C, _R),
    "number": (_R, _Q),
    "number.transfer": (_R, _Q, _C),
    "number.realname": (_R,),
    "broadband": (_F, _C),
    "broadband.install": (_C, _Q),
    "terminal": (_C, _F),
    "enterprise": (_F, _C),
}
REPEAT_SHARE = 0.12
# How orders come in: most by telephone, some online, by SMS (their messages are in the
# inbox, ``order_messages``) and a few by e-mail.
CHANNELS = ("phone", "web", "sms", "email")
CHANNEL_WEIGHTS = (62, 20, 14, 4)
HOURS = (8, 9, 9, 10, 10, 10, 11, 11, 14, 14, 15, 15, 16, 16, 17, 19, 20, 21)

ORDER_COLUMNS = (
    "id",
    "number",
    "type",
    "status",
    "channel",
    "category_id",
    "customer_id",
    "contact_phone",
    "contact_name",
    "subject",
    "description",
    "triage",
    "triage_reason",
    "priority",
    "is_repeat",
    "org_unit_id",
    "team_id",
    "assignee_id",
    "created_by_id",
    "reply",
    "response_due_at",
    "resolve_due_at",
    "warn_at",
    "replied_at",
    "closed_at",
    "handling_round",
    "round_started_at",
    "urge_count",
    "last_urged_at",
    "origin",
    "origin_ref",
    "origin_due_at",
    "created_at",
    "updated_at",
    "version",
)
EVENT_COLUMNS = (
    "order_id",
    "kind",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "occurred_at",
    "reason",
    "details",
)
VISIT_COLUMNS = (
    "order_id",
    "due_at",
    "done_at",
    "outcome",
    "note",
    "visitor_id",
    "created_at",
    "updated_at",
    "version",
    "attempts",
)
ACTION_FOR = {
    "accepted": "accept",
    "dispatched": "dispatch",
    "in_progress": "start",
    "replied": "reply",
    "return_visit": "close",
    "closed": "close",
    "cancelled": "cancel",
}


@dataclass
class _Rows:
    orders: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    visits: list[tuple[Any, ...]] = field(default_factory=list)
    consents: list[tuple[Any, ...]] = field(default_factory=list)


class _Caller(NamedTuple):
    """A customer calling (or writing) about a problem, on a number in service."""

    id: int
    msisdn: str
    org_unit_id: int
    tier: str
    name: str
    email: str | None
    language: str
    gender: str


class _Complaint(NamedTuple):
    """A complaint of the last 30 days, as a later one may repeat it."""

    created: datetime
    phone: str
    customer_id: int | None
    category_id: int
    unit_id: int
    order_id: int
    number: str
    name: str  # the caller's, their tier and the language they are answered in
    tier: str
    language: str
    gender: str


@dataclass
class _World:
    rng: random.Random
    calendar: BusinessCalendar
    leaves: list[Category]
    by_type: dict[OrderType, tuple[list[Category], list[int]]]  # the problems each type has
    handlers: dict[int, list[tuple[int, int | None]]]  # unit → (staff, team)
    creators: list[int]
    customers: int
    now: datetime
    chases: random.Random  # its own stream: the orders stay as the same seed made them
    origins: random.Random  # its own stream too
    refunds: RefundDesk  # and the refunds theirs
    site_visits: VisitDesk  # and the engineers' visits theirs
    recent: deque[_Complaint] = field(default_factory=deque)


def generate_orders(
    engine: Engine, *, seed: int, subscribers: int, months: int, today: date
) -> int:
    """Write the demo orders; returns how many."""
    world = _world(engine, seed, subscribers)
    writer = BulkWriter(engine)
    per_day = max(1.0, subscribers * CONTACT_SHARE * 12 / 365)
    next_id, written = 1, 0
    day = today - timedelta(days=months * 30)
    counters: dict[date, int] = {}
    while day <= today:
        rows = _Rows()
        count = _volume(world, day, per_day)
        people = _callers(engine, world, count, day)
        for caller in people:
            next_id = _one(world, rows, next_id, day, today, caller, counters)
        writer.write_rows(_table(WorkOrder), ORDER_COLUMNS, rows.orders)
        writer.write_rows(_table(OrderEvent), EVENT_COLUMNS, rows.events)
        writer.write_rows(_table(OrderLink), ("order_id", "linked_id", "kind"), rows.links)
        writer.write_rows(_table(ReturnVisit), VISIT_COLUMNS, rows.visits)
        writer.write_rows(_table(Consent), CONSENT_COLUMNS, rows.consents)
        writer.write_rows(_table(OrderRefund), REFUND_COLUMNS, world.refunds.taken())
        writer.write_rows(_table(OrderAppointment), SITE_COLUMNS, world.site_visits.taken_rows())
        written += len(rows.orders)
        day += timedelta(days=1)
    writer.write_rows(_table(DailyCounter), ("day", "last"), list(counters.items()))
    writer.finish(("work_orders", "wo_events", "wo_return_visits", "wo_refunds", "wo_appointments"))
    return written


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _world(engine: Engine, seed: int, subscribers: int) -> _World:
    with engine.begin() as connection:
        categories = list(connection.execute(select(Category)))
        staff = list(
            connection.execute(select(Staff.id, Staff.org_unit_id, Staff.team_id, Staff.role))
        )
        site_visits = VisitDesk.of(seed, connection)
    parents = {c.parent_id for c in categories}
    leaves = [c for c in categories if c.id not in parents and c.level == 3]
    handlers: dict[int, list[tuple[int, int | None]]] = {}
    for person in staff:
        if person.role in ("back_office", "team_lead", "agent"):
            handlers.setdefault(person.org_unit_id, []).append((person.id, person.team_id))
    return _World(
        rng=random.Random(seed + 3),
        chases=random.Random(seed + 61),
        origins=random.Random(seed + 67),
        refunds=RefundDesk.of(seed, staff),
        site_visits=site_visits,
        calendar=BusinessCalendar(),
        leaves=leaves,  # type: ignore[arg-type]
        by_type={kind: _problems_of(kind, leaves) for kind, _ in TYPE_MIX},  # type: ignore[arg-type]
        handlers=handlers,
        creators=[p.id for p in staff if p.role == "agent"] or [staff[0].id],
        customers=subscribers,
        # to the hour, so two runs of the same seed within an hour write the same orders
        now=datetime.now(ZONE).replace(minute=0, second=0, microsecond=0),
    )


def types_for(code: str) -> tuple[OrderType, ...]:
    """The types an order of the category ``code`` plausibly comes as."""
    parts = code.split(".")
    for size in range(len(parts), 0, -1):
        found = TYPES_FOR.get(".".join(parts[:size]))
        if found:
            return found
    return tuple(OrderType)


def _problems_of(kind: OrderType, leaves: list[Category]) -> tuple[list[Category], list[int]]:
    """The categories an order of ``kind`` is filed under, weighted by how often each branch
    is called about; a center whose tree fits no rule falls back to every leaf."""
    fitting = [c for c in leaves if kind in types_for(c.code)] or leaves
    return fitting, [TOPIC_WEIGHT.get(c.code.split(".")[0], 1) for c in fitting]


def _volume(world: _World, day: date, per_day: float) -> int:
    factor = 1.0 if world.calendar.is_workday(day) else 0.55
    if world.calendar.is_workday(day) and not world.calendar.is_workday(day - timedelta(days=1)):
        factor = 1.35  # the first day back after a holiday is the busiest
    return max(0, round(world.rng.gauss(per_day * factor, per_day * 0.12)))


def _callers(engine: Engine, world: _World, count: int, day: date) -> list[_Caller]:
    """The day's callers, each on a number in service that day (a closed number calls no
    more); a customer with none that day does not call."""
    ids = [world.rng.randint(1, world.customers) for _ in range(count)]
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                Customer.id,
                Subscription.msisdn,
                Customer.org_unit_id,
                Customer.tier,
                Customer.name,
                Customer.email,
                Customer.language,
                Customer.gender,
            )
            .join(Subscription, Subscription.customer_id == Customer.id)
            .where(
                Customer.id.in_(set(ids)),
                Subscription.opened_on <= day,
                or_(Subscription.closed_on.is_(None), Subscription.closed_on > day),
            )
            .order_by(Subscription.id)
        )
        found = {row.id: _Caller(*row) for row in rows}
    return [found[i] for i in ids if i in found]


def _one(
    world: _World,
    rows: _Rows,
    order_id: int,
    day: date,
    today: date,
    caller: _Caller,
    counters: dict[date, int],
) -> int:
    rng = world.rng
    customer_id: int | None = caller.id
    _, phone, unit_id, tier, name, email, language, gender = caller
    created = datetime.combine(day, time(rng.choice(HOURS), rng.randint(0, 59)), ZONE)
    if created > world.now:  # today's orders are the ones that came in so far
        created = world.now - timedelta(minutes=rng.randint(1, 120))
    kind = rng.choices([t for t, _ in TYPE_MIX], [w for _, w in TYPE_MIX])[0]
    leaves, weights = world.by_type[kind]
    category = rng.choices(leaves, weights)[0]
    repeats = _repeat_of(world, created) if kind is OrderType.COMPLAINT else []
    if repeats:  # the earlier caller again, on the same number
        first = repeats[0]
        phone, customer_id, unit_id = first.phone, first.customer_id, first.unit_id
        name, tier, language, gender = first.name, first.tier, first.language, first.gender
        category = next(c for c in world.leaves if c.id == repeats[0].category_id)
    status = status_of(rng, kind, (today - day).days)
    amount = rng.choice(AMOUNTS)  # the sum the caller names and the answer speaks of
    subject, description = complaint_text(rng, category.code, kind.value, amount=amount)
    local_day = created.date()
    counters[local_day] = counters.get(local_day, 0) + 1
    handler, team = rng.choice(world.handlers.get(unit_id) or [(world.creators[0], None)])
    reopened = was_reopened(rng, kind, status, (today - day).days)
    path = path_of(kind, status, reopened)
    times = step_times(rng, created, len(path), world.now, kind)
    # The round's clock starts at the reopening (the step after the first visit).
    round_start = times[len(FIRST_ROUND)] if reopened else None
    passed = passed_on(world.origins, kind, bool(repeats), created)
    due = due_times(
        created_at=round_start or created,
        order_type=kind,
        triage=Triage.KEY if passed else None,  # as the API triages a passed-on order
        tier=Tier(tier),
        calendar=world.calendar,
        levels=SHIPPED,  # a new center's: the demo sets none of its own
        deadline=passed.due_at if passed else None,
    )
    finished = times[-1] if status in (OrderStatus.CLOSED, OrderStatus.CANCELLED) else None
    # The round's answer: a reopened order waits for a new one.
    answered = [t for step, t in zip(path, times, strict=True) if step == "replied"]
    replied = answered[-1] if answered and path[-1] != "in_progress" else None
    ends = [t for step, t in zip(path, times, strict=True) if step in ANSWERED_STEPS]
    chased = chase_times(world.chases, kind, created, ends[0] if ends else world.now)
    number = f"WO{local_day:%Y%m%d}-{counters[local_day]:06d}"
    channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
    if channel == "email" and (repeats or not email):  # wrote from their own address
        channel = "web"
    if language == "en" and channel in ("sms", "email"):
        channel = "phone"  # the demo writes customers' messages in Chinese: they called
    description = as_written(description, channel)
    replied_at = answered[-1] if answered else None
    addressed = salutation(name, Gender(gender), english=language == "en")
    answer = order_answer(rng, category.code, number, addressed, replied_at, due, amount, language)
    opener = rng.choice(world.creators)  # the agent who took the call (首问)
    rows.orders.append(
        (
            order_id,
            number,
            kind,
            status,
            channel,
            category.id,
            customer_id,
            phone,
            name,
            subject or category.name,
            description,
            Triage.KEY.value if passed else None,
            "",
            min(MAX_PRIORITY, (2 if passed else 1) + (1 if repeats else 0) + len(chased)),
            bool(repeats),
            unit_id,
            team,
            _assignee(order_id, status, handler),
            opener,
            answer,
            _utc(due.response),
            _utc(due.resolution),
            _utc(due.warn),
            _utc(replied),
            _utc(finished),
            2 if reopened else 1,
            _utc(round_start),
            len(chased),
            _utc(chased[-1] if chased else None),
            passed.origin.value if passed else OrderOrigin.CUSTOMER.value,
            passed.reference if passed else "",
            _utc(passed.due_at if passed else None),
            _utc(created),
            _utc(max([created, *times, *chased])),
            1 + len(times) + len(chased),
        )
    )
    first_step = len(rows.events)
    confirmed = _consent(world, rows, kind, category, (order_id, phone, handler), path, times)
    created_step = passed.created_details() if passed else "{}"
    steps = (path, times, handler, reply_step(answer, channel), confirmed)
    _events(rows, order_id, created, created_step, *steps, opener=opener)
    if repeats:  # as the creation writes it: links, and a step of the system's
        rows.links.extend((order_id, earlier.order_id, "repeat") for earlier in repeats)
        details = {"repeats": [earlier.number for earlier in repeats], "window_days": 30}
        step = json.dumps(details, ensure_ascii=False)
        rows.events.append((order_id, "repeat", "", "", "", None, _utc(created), "", step))
    handled = Handled(order_id, kind, category.code, phone, unit_id, handler, created, amount)
    given = refund_steps(world.refunds, handled, path, times, answer, world.now)
    given += site_visit_steps(world.site_visits, handled, path, times)
    if chased or given:  # each on the timeline where it came, among the handler's steps
        rows.events.extend(chase_steps(world.chases, order_id, chased, world.creators) + given)
        rows.events[first_step:] = sorted(rows.events[first_step:], key=lambda e: e[6])
    if kind is OrderType.COMPLAINT:
        rows.visits.extend(return_visit_rows(rng, order_id, path, times, handler))
        world.recent.append(
            _Complaint(
                created,
                phone,
                customer_id,
                category.id,
                unit_id,
                order_id,
                number,
                name,
                tier,
                language,
                gender,
            )
        )
    return order_id + 1


def _repeat_of(world: _World, created: datetime) -> list[_Complaint]:
    while world.recent and created - world.recent[0].created > timedelta(days=30):
        world.recent.popleft()
    if not world.recent or world.rng.random() > REPEAT_SHARE:
        return []
    first = world.rng.choice(world.recent)
    return [
        r for r in world.recent if r.phone == first.phone and r.category_id == first.category_id
    ]


def _consent(
    world: _World,
    rows: _Rows,
    kind: OrderType,
    category: Category,
    who: tuple[int, str, int],
    path: list[str],
    times: list[datetime],
) -> tuple[Any, ...] | None:
    """A service change carried out had the customer's confirmation before its answer:
    the consent's row is kept, and its timeline step returned to go before the reply."""
    if kind is not OrderType.SERVICE_REQUEST or not category.changes_service:
        return None
    if "replied" not in path:
        return None
    order_id, phone, agent = who
    index = path.index("replied")
    between = (times[index - 1] if index else times[index], times[index])
    row, details, at = consent(
        world.rng, order_id=order_id, phone=phone, between=between, agent=agent
    )
    rows.consents.append(row)
    return consent_step(order_id, agent, details, at)


def _events(
    rows: _Rows,
    order_id: int,
    created: datetime,
    created_details: str,
    path: list[str],
    times: list[datetime],
    actor: int,
    reply_details: str,
    confirmed: tuple[Any, ...] | None,
    *,
    opener: int,
) -> None:
    """The order's steps: opened by the agent who took it, then handled by ``actor``."""
    opened = (order_id, "created", "", "", "new", opener, _utc(created), "", created_details)
    rows.events.append(opened)
    before = "new"
    for step, moment in zip(path, times, strict=True):
        action, reason, details = ACTION_FOR[step], "", "{}"
        if step == "replied":
            details = reply_details
            if confirmed is not None:  # the customer's confirmation comes first
                rows.events.append(confirmed)
                confirmed = None
        if step == "cancelled":
            reason = "重复报障，核实为无效单"
        elif before == "dispatched" and step == "in_progress" and order_id % 3:
            reason = TAKEN  # two in three taken as the next of the queue, the rest picked
        elif before == "return_visit" and step == "in_progress":  # the customer said no
            action, reason = "reopen", DISSATISFIED_NOTE
            details = '{"outcome": "dissatisfied", "round": 2}'
        elif before == "return_visit":
            action = "visit"
        rows.events.append(
            (order_id, "transition", action, before, step, actor, _utc(moment), reason, details)
        )
        before = step


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment else None


def _assignee(order_id: int, status: OrderStatus, handler: int) -> int | None:
    """Who holds the order: nobody while new; every other dispatched order sent to the
    team and waiting to be taken (取下一单), by turns rather than by the random stream, so
    the rest of the demo stays as it was."""
    if status == OrderStatus.NEW or (status == OrderStatus.DISPATCHED and order_id % 2 == 0):
        return None
    return handler
