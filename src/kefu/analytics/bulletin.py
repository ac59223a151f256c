"""The service-quality bulletin (服务质量简报) of a month: headline figures against the month
before, the complaint categories that grew, repeat-complaint hotspots, time-limit
breaches by branch, the complaints taken outside (越级) and whether each was answered by
its sender's day, the weakest satisfaction drivers and the churn watchlist — one HTML
page that prints on A4.

Every figure comes from the same services as the API (KPIs, drivers, churn list), so the
bulletin and the console never disagree.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, select_autoescape
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from kefu.analytics import churn_service, kpi_service
from kefu.analytics.bulletin_refunds import MonthRefunds, month_refunds
from kefu.analytics.kpi_views import unit_of
from kefu.analytics.kpis import Grain, Kpi
from kefu.analytics.models import ChurnWarning
from kefu.analytics.satisfaction import satisfaction_drivers
from kefu.core.base import utcnow
from kefu.core.clock import add_months, day_ending_at, month_bounds_utc
from kefu.core.i18n import gettext
from kefu.errors import KefuError
from kefu.org.models import OrgUnit
from kefu.workorders.enums import OUTSIDE_ORIGINS, OrderStatus, OrderType
from kefu.workorders.models import Breach, Category, WorkOrder

HEADLINE = (
    Kpi.OFFERED,
    Kpi.SERVICE_LEVEL,
    Kpi.ABANDON_RATE,
    Kpi.ASA,
    Kpi.IVR_CONTAINMENT,
    Kpi.FCR,
    Kpi.COMPLAINTS,
    Kpi.COMPLAINTS_PER_10K,
    Kpi.REPEAT_RATE,
    Kpi.APPEAL_RATE,
    Kpi.APPEALS_PER_MILLION,
    Kpi.TIME_LIMIT_COMPLIANCE,
    Kpi.VISIT_SATISFACTION,
    Kpi.VISIT_SELF_SHARE,  # return-visit calls the web and texts saved
    Kpi.ENGINEER_NO_SHOW,  # customers who stayed at home for nothing
    Kpi.ENGINEER_REPORT_ON_TIME,  # the partners' turnaround (合作商流转) the seeds name
)
# A rise is bad for these; for the others a fall is, except volumes that are neither.
NEUTRAL = {Kpi.OFFERED}
WORSE_WHEN_HIGHER = {
    Kpi.ABANDON_RATE,
    Kpi.ASA,
    Kpi.COMPLAINTS,
    Kpi.COMPLAINTS_PER_10K,
    Kpi.REPEAT_RATE,
    Kpi.APPEAL_RATE,
    Kpi.APPEALS_PER_MILLION,
    Kpi.ENGINEER_NO_SHOW,
}
TOP = 10
DRIVER_RESAMPLES = 200


@dataclass
class Line:
    label: str
    unit: str
    value: float | None
    previous: float | None
    worse: bool = False  # moved the wrong way
    better: bool = False  # moved the right way

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Appeal:
    """A complaint of the month taken outside, and whether it was answered by the day its
    sender set (or by its time limit when the sender set none)."""

    number: str
    unit: str
    origin: str  # who passed it on, in the bulletin's language
    reference: str
    due_day: date | None  # the day the sender set
    due: datetime | None  # what the answer is judged by: that day's end, or the time limit
    answered: str  # "in_time", "late" or "open"


@dataclass
class Bulletin:
    period: int  # yyyymm
    first: date
    last: date
    language: str
    generated_at: datetime
    headline: list[Line] = field(default_factory=list)
    categories: list[tuple[str, int, int]] = field(default_factory=list)  # path, now, before
    hotspots: list[tuple[str, str, int]] = field(default_factory=list)  # unit, category, repeats
    breaches: list[tuple[str, int]] = field(default_factory=list)  # unit, orders breached
    appeals: list[Appeal] = field(default_factory=list)  # complaints taken outside (越级)
    refunds: MonthRefunds | None = None  # money given back (退费, 赔付)
    units: dict[int, str] = field(default_factory=dict)  # branch names, in its language
    drivers: list[tuple[str, float, float, bool]] | None = None  # name, importance, perf, weak
    responses: int = 0
    churn_week: date | None = None
    churn_listed: int = 0
    churn_by_branch: list[tuple[str, int]] = field(default_factory=list)
    churn_reasons: list[tuple[str, int]] = field(default_factory=list)
    timezone: str = "Asia/Shanghai"  # the center's: times are shown in it


def month_days(period: int) -> tuple[date, date]:
    first = date(period // 100, period % 100, 1)
    following = add_months(period, 1)
    return first, date(following // 100, following % 100, 1) - timedelta(days=1)


def build(
    session: Session, period: int, *, timezone: str, language: str, scope_path: str | None = None
) -> Bulletin:
    """Gather the month's bulletin within a scope (None: the whole center)."""
    first, last = month_days(period)
    found = Bulletin(period, first, last, language, utcnow(), timezone=timezone)
    found.headline = _headline(session, period, timezone, language, scope_path)
    span = month_bounds_utc(period, timezone)
    before = month_bounds_utc(add_months(period, -1), timezone)
    found.categories = _categories(session, span, before, language, scope_path)
    found.hotspots = _hotspots(session, span, language, scope_path)
    found.breaches = _breaches(session, span, language, scope_path)
    found.appeals = _appeals(session, span, language, scope_path, timezone)
    found.refunds = month_refunds(session, span, before, language, scope_path)
    found.units = _unit_names(session, language)
    found.drivers, found.responses = _drivers(session, span, language)
    _churn(session, found, language, scope_path)
    return found


def _headline(
    session: Session, period: int, timezone: str, language: str, scope_path: str | None
) -> list[Line]:
    def figures(key: int) -> dict[str, float | None]:
        first, last = month_days(key)
        ask = kpi_service.KpiQuery(first, last, Grain.MONTH)
        report = kpi_service.kpi_report(
            session, ask, timezone=timezone, scope_path=scope_path, now=utcnow()
        )
        return report.total.figures()

    now, before = figures(period), figures(add_months(period, -1))
    lines = []
    for kpi in HEADLINE:
        line = Line(gettext(language, f"kpi.{kpi.value}"), unit_of(kpi), now[kpi], before[kpi])
        if line.change is not None and kpi not in NEUTRAL and abs(line.change) >= _visible(line):
            line.worse = line.change > 0 if kpi in WORSE_WHEN_HIGHER else line.change < 0
            line.better = not line.worse
        lines.append(line)
    return lines


def _visible(line: Line) -> float:
    """The least change the bulletin shows as other than zero (0.0 pp is no change)."""
    return 0.0005 if line.unit == "share" else 0.05


def _complaints(span: tuple[datetime, datetime], scope_path: str | None) -> Any:
    query = select(WorkOrder.category_id, func.count().label("n")).where(
        WorkOrder.type == OrderType.COMPLAINT,
        WorkOrder.status != OrderStatus.CANCELLED,
        WorkOrder.created_at >= span[0],
        WorkOrder.created_at < span[1],
    )
    if scope_path is not None:
        query = query.join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id).where(
            OrgUnit.path.startswith(scope_path)
        )
    return query.group_by(WorkOrder.category_id)


def _category_paths(session: Session, ids: set[int], language: str) -> dict[int, str]:
    rows = {c.id: c for c in session.scalars(select(Category))}
    english = language != "zh-CN"

    def name(c: Category) -> str:
        return (c.name_en or c.name) if english else c.name

    paths = {}
    for cid in ids:
        chain = [rows[int(p)] for p in rows[cid].path.strip("/").split("/") if int(p) in rows]
        paths[cid] = " › ".join(name(c) for c in chain)
    return paths


def _categories(
    session: Session,
    span: tuple[datetime, datetime],
    before: tuple[datetime, datetime],
    language: str,
    scope_path: str | None,
) -> list[tuple[str, int, int]]:
    now = dict(tuple(r) for r in session.execute(_complaints(span, scope_path)))
    then = dict(tuple(r) for r in session.execute(_complaints(before, scope_path)))
    top = sorted(now, key=lambda c: (-now[c], c))[:TOP]
    paths = _category_paths(session, set(top), language)
    return [(paths[c], now[c], then.get(c, 0)) for c in top]


def _unit_names(session: Session, language: str) -> dict[int, str]:
    english = language != "zh-CN"
    return {
        u.id: (u.name_en or u.name) if english else u.name for u in session.scalars(select(OrgUnit))
    }


def _hotspots(
    session: Session, span: tuple[datetime, datetime], language: str, scope_path: str | None
) -> list[tuple[str, str, int]]:
    query = (
        select(WorkOrder.org_unit_id, WorkOrder.category_id, func.count().label("n"))
        .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
        .where(
            WorkOrder.is_repeat,
            WorkOrder.type == OrderType.COMPLAINT,
            WorkOrder.created_at >= span[0],
            WorkOrder.created_at < span[1],
            OrgUnit.path.startswith(scope_path or "/"),
        )
        .group_by(WorkOrder.org_unit_id, WorkOrder.category_id)
        .order_by(func.count().desc(), WorkOrder.org_unit_id, WorkOrder.category_id)
        .limit(TOP)
    )
    rows = session.execute(query).all()
    units = _unit_names(session, language)
    paths = _category_paths(session, {r[1] for r in rows}, language)
    return [(units.get(r[0], "—"), paths[r[1]], r[2]) for r in rows]


def _breaches(
    session: Session, span: tuple[datetime, datetime], language: str, scope_path: str | None
) -> list[tuple[str, int]]:
    # Orders that passed a limit in the span, in any round of handling (a reopened order
    # has a clock of its own, and its first breach stays counted).
    query = (
        select(WorkOrder.org_unit_id, func.count(distinct(WorkOrder.id)))
        .join(Breach, Breach.order_id == WorkOrder.id)
        .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
        .where(
            Breach.breached_at >= span[0],
            Breach.breached_at < span[1],
            OrgUnit.path.startswith(scope_path or "/"),
        )
        .group_by(WorkOrder.org_unit_id)
        .order_by(func.count(distinct(WorkOrder.id)).desc(), WorkOrder.org_unit_id)
    )
    units = _unit_names(session, language)
    return [(units.get(unit, "—"), count) for unit, count in session.execute(query)]


def _appeals(
    session: Session,
    span: tuple[datetime, datetime],
    language: str,
    scope_path: str | None,
    timezone: str,
) -> list[Appeal]:
    """The month's complaints taken to the regulator, a consumer body or the press, oldest
    first: the operator is ranked on them, and on answering each by its sender's day."""
    query = (
        select(WorkOrder)
        .join(OrgUnit, OrgUnit.id == WorkOrder.org_unit_id)
        .where(
            WorkOrder.origin.in_([o.value for o in OUTSIDE_ORIGINS]),
            WorkOrder.type == OrderType.COMPLAINT,
            WorkOrder.status != OrderStatus.CANCELLED,
            WorkOrder.created_at >= span[0],
            WorkOrder.created_at < span[1],
            OrgUnit.path.startswith(scope_path or "/"),
        )
        .order_by(WorkOrder.created_at, WorkOrder.id)
    )
    units = _unit_names(session, language)
    return [_appeal(order, units, language, timezone) for order in session.scalars(query)]


def _appeal(order: WorkOrder, units: dict[int, str], language: str, timezone: str) -> Appeal:
    due = order.origin_due_at or order.resolve_due_at
    if order.replied_at is None:
        answered = "open"
    else:
        answered = "in_time" if due is None or order.replied_at <= due else "late"
    return Appeal(
        number=order.number,
        unit=units.get(order.org_unit_id, "—"),
        origin=gettext(language, f"origin.{order.origin}"),
        reference=order.origin_ref,
        due_day=day_ending_at(order.origin_due_at, timezone) if order.origin_due_at else None,
        due=due,
        answered=answered,
    )


def _drivers(
    session: Session, span: tuple[datetime, datetime], language: str
) -> tuple[list[tuple[str, float, float, bool]] | None, int]:
    try:
        report = satisfaction_drivers(
            session,
            questionnaire="ecsi-telecom",
            target="SAT",
            since=span[0],
            until=span[1],
            channel=None,
            resamples=DRIVER_RESAMPLES,
        )
    except KefuError:
        return None, 0  # too few answers in the month, or no questionnaire: said so
    rows = [
        (gettext(language, f"construct.{d.name}"), d.importance, d.performance, d.weak)
        for d in report.map
    ]
    return rows, report.responses


def _churn(session: Session, found: Bulletin, language: str, scope_path: str | None) -> None:
    week = churn_service.latest_week(session)
    if week is None:
        return
    query = (
        select(OrgUnit.id, ChurnWarning.reasons)
        .join(OrgUnit, OrgUnit.id == ChurnWarning.org_unit_id)
        .where(ChurnWarning.week == week, OrgUnit.path.startswith(scope_path or "/"))
    )
    rows = session.execute(query).all()
    units = _unit_names(session, language)
    found.churn_week = week
    found.churn_listed = len(rows)
    found.churn_by_branch = Counter(units.get(r[0], "—") for r in rows).most_common()
    reasons: Counter[str] = Counter()
    for _, text in rows:
        for feature, _share, direction in json.loads(text)[:1]:
            reasons[gettext(language, f"churn.reason.{feature}.{direction}")] += 1
    found.churn_reasons = reasons.most_common(5)


def render_html(bulletin: Bulletin) -> str:
    """The bulletin as one self-contained HTML page (styles inline, prints on A4)."""
    environment = Environment(autoescape=select_autoescape(default=True))
    template = resources.files("kefu.analytics").joinpath("templates/bulletin.html").read_text()
    language = bulletin.language

    def t(message: str) -> str:
        return gettext(language, message)

    zone = ZoneInfo(bulletin.timezone)

    def day(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"

    def yuan(fen: int) -> str:
        return f"¥{fen / 100:,.2f}"

    return environment.from_string(template).render(
        b=bulletin, _=t, fmt=_format, day=day, yuan=yuan
    )


def _format(value: float | None, unit: str, signed: bool = False) -> str:
    if value is None:
        return "—"
    sign = "+" if signed and value > 0 else ""
    if unit == "share":
        shown = round(value * 100, 1) + 0.0  # + 0.0: no "-0.0"
        return f"{shown:.1f}%" if not signed else f"{'+' if shown > 0 else ''}{shown:.1f} pp"
    if unit == "seconds":
        return f"{sign}{value:.1f} s"
    if unit in ("per_10k", "per_million"):
        return f"{sign}{value:.2f}"
    return f"{sign}{value:,.0f}"
