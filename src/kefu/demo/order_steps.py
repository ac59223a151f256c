"""How far each demo order got, and when its steps happened: the path of states to its
status (a complaint through its return visit, a reopened one through two rounds), the
chance an order of the last days is still open, and step times in the back office's hours
and as long as the type's work takes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kefu.workorders.enums import OrderStatus, OrderType

ZONE = ZoneInfo("Asia/Shanghai")

# Of the complaints called back, the share not satisfied: reopened for a second handling.
DISSATISFIED_SHARE = 0.07
PATHS = {
    OrderStatus.CLOSED: ["accepted", "dispatched", "in_progress", "replied", "closed"],
    OrderStatus.IN_PROGRESS: ["accepted", "dispatched", "in_progress"],
    OrderStatus.DISPATCHED: ["accepted", "dispatched"],
    OrderStatus.ACCEPTED: ["accepted"],
    OrderStatus.NEW: [],
    OrderStatus.REPLIED: ["accepted", "dispatched", "in_progress", "replied"],
    OrderStatus.RETURN_VISIT: ["accepted", "dispatched", "in_progress", "replied", "return_visit"],
    OrderStatus.CANCELLED: ["cancelled"],
}
# A complaint whose customer was not satisfied at the return visit: reopened (二次处理).
FIRST_ROUND = ["accepted", "dispatched", "in_progress", "replied", "return_visit"]
SECOND_ROUND = {
    OrderStatus.IN_PROGRESS: ["in_progress"],
    OrderStatus.CLOSED: ["in_progress", "replied", "return_visit", "closed"],
}


def path_of(kind: OrderType, status: OrderStatus, reopened: bool) -> list[str]:
    """The steps an order took to reach its status (a closed complaint went via a visit,
    a reopened one through a first round that ended with a dissatisfied visit)."""
    if reopened:
        return [*FIRST_ROUND, *SECOND_ROUND[status]]
    steps = PATHS[status]
    if kind is OrderType.COMPLAINT and status is OrderStatus.CLOSED:
        return [*steps[:-1], "return_visit", "closed"]
    return steps


def was_reopened(rng: random.Random, kind: OrderType, status: OrderStatus, age_days: int) -> bool:
    """Whether a complaint went back for a second handling: some closed ones, and some of
    those in progress for a day or more."""
    if kind is not OrderType.COMPLAINT or status not in SECOND_ROUND:
        return False
    if status is OrderStatus.IN_PROGRESS and age_days < 1:
        return False
    return rng.random() < DISSATISFIED_SHARE * (1 if status is OrderStatus.CLOSED else 2)


# Working days an order of each type takes at most (its shipped resolution limit, about):
# the older an order is against it, the likelier it is finished.
LIMIT_DAYS = {
    OrderType.CONSULTATION: 1,
    OrderType.FAULT: 1,
    OrderType.SERVICE_REQUEST: 2,
    OrderType.COMPLAINT: 3,
    OrderType.SUGGESTION: 5,
}


def status_of(rng: random.Random, kind: OrderType, age_days: int) -> OrderStatus:
    """Today's orders are still being worked; older ones are finished, all but a few that
    run late (fewer the older they are against their type's limit)."""
    if rng.random() < 0.03:
        return OrderStatus.CANCELLED
    still_open = 0.9 * 0.35 ** (age_days / LIMIT_DAYS[kind])
    if age_days > 6 or (age_days and rng.random() > still_open):
        return OrderStatus.CLOSED
    # (state, weight today, weight later): a day on, few orders are still untouched
    states = [
        (OrderStatus.NEW, 3, 1),
        (OrderStatus.ACCEPTED, 3, 1),
        (OrderStatus.DISPATCHED, 2, 2),
        (OrderStatus.IN_PROGRESS, 2, 3),
        (OrderStatus.REPLIED, 1, 3),
    ]
    if kind is OrderType.COMPLAINT:
        states.append((OrderStatus.RETURN_VISIT, 1, 3))
    weights = [later if age_days else today for _, today, later in states]
    return rng.choices([state for state, _, _ in states], weights)[0]


# Minutes between an order's steps, by type: a consultation is answered within the hour or
# two, a fault is worked at once (24 h limit), a complaint over days.
STEP_MINUTES = {
    OrderType.CONSULTATION: (2, 90),
    OrderType.FAULT: (5, 150),
    OrderType.SERVICE_REQUEST: (10, 300),
    OrderType.COMPLAINT: (10, 600),
    OrderType.SUGGESTION: (30, 900),
}

STUCK_SHARE = 0.06  # orders with one step that waits long on another department


def step_times(
    rng: random.Random, created: datetime, steps: int, now: datetime, kind: OrderType
) -> list[datetime]:
    """When each step happened: minutes to hours apart by the order's type, in the back
    office's hours (a step that would fall in the night waits for the morning), none of
    them after now."""
    shortest, longest = STEP_MINUTES[kind]
    stuck = rng.randrange(steps) if steps and rng.random() < STUCK_SHARE else -1
    times: list[datetime] = []
    moment = created
    for index in range(steps):
        gap = timedelta(minutes=rng.randint(shortest, longest))
        if index == stuck:  # waiting on another department: the order may run late
            gap *= rng.randint(6, 24)
        moment = _in_office_hours(rng, moment + gap)
        if moment > now:  # a recent order: its steps share the time it has had so far
            squeezed = created + (now - created) * (index + 1) / (steps + 1)
            moment = max(times[-1] if times else created, squeezed)
        times.append(moment)
    return times


OFFICE_HOURS = (8, 21)  # the back office works 08:00 to 21:00; the hotline takes calls always


def _in_office_hours(rng: random.Random, moment: datetime) -> datetime:
    """The moment, or the next morning's start (plus some minutes) if it falls at night."""
    opens, closes = OFFICE_HOURS
    local = moment.astimezone(ZONE)
    if opens <= local.hour < closes:
        return moment
    morning = local.date() + timedelta(days=1 if local.hour >= closes else 0)
    start = datetime.combine(morning, time(opens), ZONE)
    return start + timedelta(minutes=rng.randint(0, 90))


DISSATISFIED_NOTE = "客户仍有异议，要求重新处理"
VISIT_NOTES = {
    "satisfied": "客户表示满意",
    "neutral": "客户表示一般",
    "unreachable": "三次回访均未接通",
}


def return_visit_rows(
    rng: random.Random,
    order_id: int,
    path: list[str],
    times: list[datetime],
    visitor: int,
) -> list[tuple[Any, ...]]:
    """A return visit for each time the complaint was closed: done at the next step (the
    customer dissatisfied when that step reopened it), or still awaited."""
    rows: list[tuple[Any, ...]] = []
    for index, step in enumerate(path):
        if step != "return_visit":
            continue
        booked = times[index]
        done = times[index + 1] if index + 1 < len(path) else None
        if done is None:
            outcome, note = None, ""
        elif path[index + 1] == "in_progress":
            outcome, note = "dissatisfied", DISSATISFIED_NOTE
        else:
            outcome = rng.choices(["satisfied", "neutral", "unreachable"], [82, 13, 5])[0]
            note = VISIT_NOTES[outcome]
        rows.append(
            (
                order_id,
                _utc(booked + timedelta(hours=48)),
                _utc(done),
                outcome,
                note,
                visitor if done else None,
                _utc(booked),
                _utc(done or booked),
                1,
                3 if outcome == "unreachable" else 0,  # the calls not taken
            )
        )
    return rows


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment else None
