"""A month's supervisions (督办) and whether each was answered by the time the supervisor
asked: how management's pressure is heeded, branch by branch (督办及时率).

Read off the timeline: each press is a step with the time asked, and an answer is the
step that took the order to replied, or closed it with its incident. A press counts for
the month it was made in; its outcome is the first answer after it. A press on a
duplicate merged away is answered when the order kept is (its steps copied there,
``merged_from``, are not counted again); one on an order cancelled otherwise, unanswered,
has no outcome.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core.clock import month_bounds_utc
from kefu.org.models import OrgUnit
from kefu.workorders.enums import Action, EventKind, OrderStatus
from kefu.workorders.models import OrderEvent, WorkOrder
from kefu.workorders.progress_schemas import (
    SupervisionCounts,
    SupervisionMonth,
    SupervisionUnitRow,
)
from kefu.workorders.repeats import parse_month


class _Press(NamedTuple):
    order_id: int
    unit_id: int  # the org unit holding the order: the branch pressed
    answered_on: int  # the order whose answer counts: itself, or the one it was merged into
    at: datetime
    answer_by: datetime | None
    cancelled: bool


def month_figures(
    session: Session, *, month: str, scope_path: str | None, timezone: str, now: datetime
) -> SupervisionMonth:
    """The month's (YYYY-MM, the center's) presses and their outcomes; 422 for a month
    not so written."""
    start, end = month_bounds_utc(parse_month(month), timezone)
    presses = _presses(session, start, end, scope_path)
    answers = _answers(session, {press.answered_on for press in presses})
    pairs = [(press, _outcome(press, answers.get(press.answered_on, []), now)) for press in presses]
    by_unit: dict[int, list[tuple[_Press, str]]] = defaultdict(list)
    for pair in pairs:
        by_unit[pair[0].unit_id].append(pair)
    names = _unit_names(session, set(by_unit))
    rows = [
        SupervisionUnitRow(
            unit_id=unit_id,
            unit_name=names.get(unit_id, ("", ""))[0],
            unit_name_en=names.get(unit_id, ("", ""))[1],
            **_counts(unit_pairs).model_dump(),
        )
        for unit_id, unit_pairs in by_unit.items()
    ]
    # the units that heed supervision least first: lowest rate, then most overdue
    rows.sort(
        key=lambda row: (
            row.in_time_rate is None,
            row.in_time_rate or 0,
            -row.overdue,
            -row.supervisions,
        )
    )
    return SupervisionMonth(month=month, rows=rows, **_counts(pairs).model_dump())


def _counts(pairs: list[tuple[_Press, str]]) -> SupervisionCounts:
    """The presses' and their outcomes' figures."""
    presses = [press for press, _ in pairs]
    tally: dict[str, int] = defaultdict(int)
    for _, outcome in pairs:
        tally[outcome] += 1
    due = tally["in_time"] + tally["late"] + tally["overdue"]
    return SupervisionCounts(
        supervisions=len(presses),
        orders=len({press.order_id for press in presses}),
        asked_by_time=sum(1 for press in presses if press.answer_by is not None),
        answered_in_time=tally["in_time"],
        answered_late=tally["late"],
        overdue=tally["overdue"],
        waiting=tally["waiting"],
        in_time_rate=round(tally["in_time"] / due, 4) if due else None,
    )


def _outcome(press: _Press, answered: list[datetime], now: datetime) -> str:
    """no_time (none asked), in_time, late, overdue, waiting, or dropped (cancelled
    unanswered)."""
    answer_by = press.answer_by
    if answer_by is None:
        return "no_time"
    after = bisect_right(answered, press.at)
    if after < len(answered):
        return "in_time" if answered[after] <= answer_by else "late"
    if press.cancelled:
        return "dropped"
    return "overdue" if now > answer_by else "waiting"


def _presses(
    session: Session, start: datetime, end: datetime, scope_path: str | None
) -> list[_Press]:
    query = (
        select(
            OrderEvent.order_id,
            OrderEvent.occurred_at,
            OrderEvent.details,
            WorkOrder.status,
            WorkOrder.org_unit_id,
        )
        .join(WorkOrder, WorkOrder.id == OrderEvent.order_id)
        .where(
            OrderEvent.kind == EventKind.SUPERVISE,
            OrderEvent.occurred_at >= start,
            OrderEvent.occurred_at < end,
        )
    )
    if scope_path is not None:
        query = query.join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id).where(
            OrgUnit.path.startswith(scope_path)
        )
    rows = session.execute(query).all()
    kept = _merged_into(session, {row.order_id for row in rows if row.status == "cancelled"})
    presses = []
    for order_id, at, details, status, unit_id in rows:
        asked = json.loads(details or "{}")
        if "merged_from" in asked:
            continue  # a copy of the duplicate's step, counted on the duplicate
        wanted = asked.get("answer_by")
        presses.append(
            _Press(
                order_id=order_id,
                unit_id=unit_id,
                answered_on=kept.get(order_id, order_id),
                at=at,
                answer_by=datetime.fromisoformat(wanted) if wanted else None,
                cancelled=status == OrderStatus.CANCELLED and order_id not in kept,
            )
        )
    return presses


def _merged_into(session: Session, cancelled: set[int]) -> dict[int, int]:
    """Of these cancelled orders, the duplicates merged away: the order each was merged
    into (named on the step that cancelled it)."""
    if not cancelled:
        return {}
    steps = session.execute(
        select(OrderEvent.order_id, OrderEvent.details).where(
            OrderEvent.order_id.in_(cancelled), OrderEvent.to_status == OrderStatus.CANCELLED
        )
    )
    found = {
        order_id: json.loads(details or "{}").get("merged_into_id") for order_id, details in steps
    }
    return {order_id: kept for order_id, kept in found.items() if kept}


def _answers(session: Session, order_ids: set[int]) -> dict[int, list[datetime]]:
    """When each of these orders was answered, in order (every round of handling)."""
    if not order_ids:
        return {}
    answered = (OrderEvent.to_status == OrderStatus.REPLIED) | (
        OrderEvent.action == Action.INCIDENT_CLOSE
    )
    rows = session.execute(
        select(OrderEvent.order_id, OrderEvent.occurred_at)
        .where(OrderEvent.order_id.in_(order_ids), answered)
        .order_by(OrderEvent.occurred_at)
    )
    found: dict[int, list[datetime]] = defaultdict(list)
    for order_id, at in rows:
        found[order_id].append(at)
    return found


def _unit_names(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    units = session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))
    return {unit.id: (unit.name, unit.name_en) for unit in units}
