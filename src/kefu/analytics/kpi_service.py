"""The operational KPI report: parts summed per local day in the database, rolled up to the
asked grain and group here, figures taken last; and the records behind any figure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kefu.analytics import kpi_queries as queries
from kefu.analytics.kpis import (
    DEFINITIONS,
    Dimension,
    Grain,
    Kpi,
    Parts,
    Source,
    bucket_end,
    bucket_start,
    drill_part,
    flag_part,
)
from kefu.core.clock import day_start_utc
from kefu.errors import Unprocessable

MAX_DAYS = 400
# Days a contact center can have records on; beyond them date arithmetic would overflow.
EARLIEST, LATEST = (
    date(2000, 1, 1),
    date(2099, 12, 31),
)  # a year and its comparison month; longer asks belong in an export job
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class KpiQuery:
    """What the caller asked: local days ``first`` to ``last`` inclusive."""

    first: date
    last: date
    grain: Grain = Grain.DAY
    dimension: Dimension = Dimension.NONE
    filters: Mapping[Dimension, object] = field(default_factory=dict)


@dataclass
class KpiRow:
    bucket: date | None  # None: the whole period
    key: object  # the group's value ("" without a dimension; None: rows without one)
    parts: Parts

    def figures(self) -> dict[str, float | None]:
        return self.parts.figures()


@dataclass
class KpiReport:
    query: KpiQuery
    rows: list[KpiRow]  # by bucket, then group
    totals: list[KpiRow]  # each group over the whole period
    total: KpiRow  # the whole period, every group
    subscribers: int


def window(first: date, last: date, timezone: str, now: datetime) -> queries.Window:
    """The UTC bounds of local days ``first``..``last``; the zone's offset when constant."""
    if first < EARLIEST or last > LATEST:
        raise Unprocessable(
            "kpi_period_out_of_range",
            field="from",
            first=EARLIEST.isoformat(),
            last=LATEST.isoformat(),
        )
    if last < first:
        raise Unprocessable("kpi_period_reversed", field="to")
    if (last - first).days + 1 > MAX_DAYS:
        raise Unprocessable("kpi_period_too_long", field="to", days=MAX_DAYS)
    zone = ZoneInfo(timezone)
    offsets = {
        zone.utcoffset(datetime.combine(first + timedelta(days=n), datetime.min.time()))
        for n in range((last - first).days + 2)
    }
    offset = offsets.pop() if len(offsets) == 1 else None
    return queries.Window(
        first=first,
        last=last + timedelta(days=1),
        start=day_start_utc(first, timezone),
        end=day_start_utc(last + timedelta(days=1), timezone),
        offset_seconds=int(offset.total_seconds()) if offset is not None else None,
        now=now,
    )


def _local_day(index: int, span: queries.Window, timezone: str) -> date:
    if span.offset_seconds is not None:
        return _EPOCH + timedelta(days=index)
    instant = datetime.fromtimestamp(index * 1800, UTC)
    return instant.astimezone(ZoneInfo(timezone)).date()


def _sources(kpis: tuple[Kpi, ...]) -> list[Source]:
    return sorted({DEFINITIONS[k].source for k in kpis}, key=list(Source).index)


def kpi_report(
    session: Session,
    ask: KpiQuery,
    *,
    timezone: str,
    scope_path: str | None,
    now: datetime,
) -> KpiReport:
    """Every KPI for the period, by bucket and group, with period totals."""
    span = window(ask.first, ask.last, timezone, now)
    cells: dict[tuple[date, Any], Parts] = defaultdict(Parts)
    for source in _sources(tuple(Kpi)):
        sums = queries.part_sums(
            session,
            source=source,
            dimension=ask.dimension,
            window=span,
            scope_path=scope_path,
            filters=ask.filters,
        )
        for index, key, parts in sums:
            day = _local_day(index, span, timezone)
            cells[(bucket_start(day, ask.grain), key)].add(parts)
    in_service = queries.subscribers(
        session,
        dimension=ask.dimension,
        on=span.last,
        scope_path=scope_path,
        filters=ask.filters,
    )
    return _assemble(ask, cells, in_service)


def _with_subscribers(parts: Parts, count: int) -> Parts:
    parts.sums["subscribers"] = float(count)
    return parts


def _assemble(
    ask: KpiQuery, cells: dict[tuple[date, Any], Parts], in_service: dict[object, int]
) -> KpiReport:
    everyone = sum(in_service.values())

    def subscribers_of(key: object) -> int:
        if ask.dimension in (Dimension.NONE, Dimension.CHANNEL, Dimension.QUEUE):
            return everyone
        return in_service.get(key, 0)

    by_key: dict[Any, Parts] = defaultdict(Parts)
    total = Parts()
    rows: list[KpiRow] = []
    for (bucket, key), parts in sorted(cells.items(), key=lambda c: (c[0][0], _order(c[0][1]))):
        by_key[key].add(parts.sums)
        total.add(parts.sums)
        rows.append(KpiRow(bucket, key, _with_subscribers(parts, subscribers_of(key))))
    totals = [
        KpiRow(None, key, _with_subscribers(parts, subscribers_of(key)))
        for key, parts in sorted(by_key.items(), key=lambda item: _order(item[0]))
    ]
    whole = KpiRow(None, "", _with_subscribers(total, everyone))
    return KpiReport(ask, rows, totals, whole, everyone)


def _order(key: object) -> tuple[int, str]:
    """Groups in a stable order on both databases; the unknown group last."""
    return (1, "") if key is None else (0, f"{key:>12}" if isinstance(key, int) else str(key))


def buckets(ask: KpiQuery) -> list[date]:
    """Every bucket of the period, empty ones included (a chart's x axis)."""
    found: list[date] = []
    start = bucket_start(ask.first, ask.grain)
    while start <= ask.last:
        found.append(start)
        start = bucket_end(start, ask.grain)
    return found


@dataclass(frozen=True)
class Drill:
    kpi: Kpi
    bucket: date | None  # None: the whole period
    key: object = None


def kpi_records(
    session: Session,
    ask: KpiQuery,
    drill: Drill,
    *,
    timezone: str,
    scope_path: str | None,
    now: datetime,
    limit: int,
    offset: int,
) -> tuple[int, list]:
    """The records one figure is counted from, each flagged if it counts in the numerator."""
    span = window(ask.first, ask.last, timezone, now)
    start, end = span.start, span.end
    if drill.bucket is not None:
        first = max(drill.bucket, ask.first)
        last = min(bucket_end(drill.bucket, ask.grain), ask.last + timedelta(days=1))
        start, end = day_start_utc(first, timezone), day_start_utc(last, timezone)
    record_query = queries.RecordQuery(
        source=DEFINITIONS[drill.kpi].source,
        part=drill_part(drill.kpi),
        flag=flag_part(drill.kpi),
        dimension=ask.dimension,
        key=drill.key,
        start=start,
        end=end,
        now=now,
    )
    return queries.records(
        session,
        record_query,
        scope_path=scope_path,
        filters=ask.filters,
        limit=limit,
        offset=offset,
    )
