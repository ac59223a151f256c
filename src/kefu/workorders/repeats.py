"""The measure the center lives by: repeat complaints ÷ complaints of the month; beside it
the chase rate (催办率): complaints the customer chased at least once ÷ complaints; and
the appeal rate (越级投诉率): complaints taken to the regulator, a consumer body or the
press ÷ complaints.

Counting happens in the database (one grouped query over the month's complaints, using
the type + created_at index); rolling categories up to the reporting level happens here,
over the few hundred categories.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Literal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kefu.core.clock import month_bounds_utc
from kefu.errors import Unprocessable
from kefu.org.models import OrgUnit
from kefu.workorders.category_tree import category_tree
from kefu.workorders.enums import OUTSIDE_ORIGINS, OrderStatus, OrderType
from kefu.workorders.models import WorkOrder
from kefu.workorders.schemas import RepeatRate, RepeatRateRow

Grouping = Literal["org_unit", "category"]
# A month a center can have orders in: beyond these years, its bounds overflowed (a 500).
MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> int:
    """A YYYY-MM month as a yyyymm key (422 otherwise)."""
    match = MONTH.match(text)
    if not match:
        raise Unprocessable("invalid_month", field="month")
    return int(match.group(1)) * 100 + int(match.group(2))


# Complaints, repeats, chased complaints and appeals (越级) of one group.
Counts = tuple[int, int, int, int]


def _counts(
    session: Session, key: int, timezone: str, scope_path: str | None, by: Grouping
) -> dict[int, Counts]:
    start, end = month_bounds_utc(key, timezone)
    group = WorkOrder.org_unit_id if by == "org_unit" else WorkOrder.category_id
    query = (
        select(
            group,
            func.count(),
            func.sum(case((WorkOrder.is_repeat, 1), else_=0)),
            func.sum(case((WorkOrder.urge_count > 0, 1), else_=0)),
            func.sum(case((WorkOrder.origin.in_(OUTSIDE_ORIGINS), 1), else_=0)),
        )
        .where(
            WorkOrder.type == OrderType.COMPLAINT,
            WorkOrder.created_at >= start,
            WorkOrder.created_at < end,
            WorkOrder.status != OrderStatus.CANCELLED,
        )
        .group_by(group)
    )
    if scope_path is not None:
        query = query.join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id).where(
            OrgUnit.path.startswith(scope_path)
        )
    return {
        int(k): (int(n), int(r or 0), int(c or 0), int(a or 0))
        for k, n, r, c, a in session.execute(query)
    }


def _roll_up(session: Session, counts: dict[int, Counts], level: int) -> dict[int, Counts]:
    tree = category_tree(session)
    totals: dict[int, Counts] = defaultdict(lambda: (0, 0, 0, 0))
    for category_id, (n, r, c, a) in counts.items():
        node = tree.get(category_id)
        assert node is not None  # foreign key
        ancestor = tree.ancestor(node, level).id
        before = totals[ancestor]
        totals[ancestor] = (before[0] + n, before[1] + r, before[2] + c, before[3] + a)
    return totals


def _names(session: Session, by: Grouping, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each group's name and English name."""
    if by == "category":
        tree = category_tree(session)
        return {i: (node.name, node.name_en) for i in ids if (node := tree.get(i)) is not None}
    if not ids:
        return {}
    units = session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))
    return {u.id: (u.name, u.name_en) for u in units}


def monthly_rate(
    session: Session,
    *,
    month: str,
    by: Grouping,
    category_level: int,
    scope_path: str | None,
    timezone: str,
) -> RepeatRate:
    """The month's repeat-complaint rate overall and per org unit or category branch."""
    key = parse_month(month)
    counts = _counts(session, key, timezone, scope_path, by)
    grouped = _roll_up(session, counts, category_level) if by == "category" else counts
    names = _names(session, by, set(grouped))
    rows = []
    for k, (n, r, c, a) in sorted(grouped.items(), key=lambda item: -item[1][1]):
        name, name_en = names.get(k, (str(k), ""))
        rows.append(
            RepeatRateRow(
                key_id=k,
                key_name=name,
                key_name_en=name_en,
                complaints=n,
                repeats=r,
                rate=_rate(r, n),
                chased=c,
                chase_rate=_rate(c, n),
                appeals=a,
                appeal_rate=_rate(a, n),
            )
        )
    complaints = sum(row.complaints for row in rows)
    repeats = sum(row.repeats for row in rows)
    chased = sum(row.chased for row in rows)
    appeals = sum(row.appeals for row in rows)
    return RepeatRate(
        month=month,
        by=by,
        complaints=complaints,
        repeats=repeats,
        rate=_rate(repeats, complaints),
        chased=chased,
        chase_rate=_rate(chased, complaints),
        appeals=appeals,
        appeal_rate=_rate(appeals, complaints),
        rows=rows,
    )


def _rate(repeats: int, complaints: int) -> float:
    return round(repeats / complaints, 4) if complaints else 0.0
