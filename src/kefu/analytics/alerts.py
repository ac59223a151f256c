"""Early warning: rules over a day's figures raise alerts for supervisors.

Two kinds of rule:

- **thresholds** on the service figures of the center and of each queue (service level
  under its goal, abandonment, repeat complaints, time-limit compliance), judged only
  when the day had enough contacts or orders to mean something;
- **spikes** in complaint volume per category (level 2: billing › disputed charges …):
  the day's count against the mean of the 28 days before, flagged when a Poisson count
  with that mean would reach it less than once in a thousand days, and at least five.

An alert is kept once per rule, subject and day (a re-check never repeats it), shown in
the console until acknowledged, and mailed to supervisors through the outbox.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scipy.stats import poisson
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kefu.analytics import kpi_service
from kefu.analytics.kpis import DEFINITIONS, Dimension, Grain, Kpi, Parts
from kefu.analytics.models import Alert
from kefu.core.clock import day_start_utc
from kefu.core.i18n import gettext
from kefu.core.rbac import Role
from kefu.notify import links
from kefu.notify.tasks import notify_staff
from kefu.org.models import Staff
from kefu.routing.models import Queue
from kefu.workorders.enums import OrderStatus, OrderType
from kefu.workorders.models import Category, WorkOrder

BASELINE_DAYS = 28
SPIKE_MIN = 5
SPIKE_P = 0.001


@dataclass(frozen=True)
class Threshold:
    rule: str
    kpi: Kpi
    limit: float
    below: bool  # alert when the figure is under the limit (else over it)
    min_base: int  # the least contacts or orders the figure must rest on
    by_queue: bool = False


THRESHOLDS = (
    Threshold("service_level_low", Kpi.SERVICE_LEVEL, 0.80, True, 50, by_queue=True),
    Threshold("abandon_rate_high", Kpi.ABANDON_RATE, 0.10, False, 50, by_queue=True),
    Threshold("repeat_rate_high", Kpi.REPEAT_RATE, 0.15, False, 20),
    Threshold("time_limit_compliance_low", Kpi.TIME_LIMIT_COMPLIANCE, 0.90, True, 20),
)


@dataclass(frozen=True)
class Raised:
    rule: str
    subject: str
    value: float
    threshold: float
    detail: dict[str, object]


def check(session: Session, day: date, *, timezone: str, now: datetime) -> list[Alert]:
    """Run every rule on a local day; keep and announce the alerts not raised before."""
    found = [*_thresholds(session, day, timezone, now), *_spikes(session, day, timezone)]
    known = {
        (rule, subject)
        for rule, subject in session.execute(
            select(Alert.rule, Alert.subject).where(Alert.day == day)
        )
    }
    fresh = [r for r in found if (r.rule, r.subject) not in known]
    alerts = [
        Alert(
            rule=r.rule,
            subject=r.subject,
            day=day,
            value=r.value,
            threshold=r.threshold,
            detail=json.dumps(r.detail, ensure_ascii=False),
            raised_at=now,
        )
        for r in fresh
    ]
    session.add_all(alerts)
    session.flush()
    if alerts:
        _announce(session, day, alerts)
    return alerts


def _judged(parts: Parts, rule: Threshold) -> float | None:
    base = DEFINITIONS[rule.kpi].denominator
    if base is None or parts.sums.get(base, 0.0) < rule.min_base:
        return None
    return parts.figure(rule.kpi)


def _thresholds(session: Session, day: date, timezone: str, now: datetime) -> list[Raised]:
    raised: list[Raised] = []
    for dimension in (Dimension.NONE, Dimension.QUEUE):
        ask = kpi_service.KpiQuery(day, day, Grain.DAY, dimension)
        report = kpi_service.kpi_report(session, ask, timezone=timezone, scope_path=None, now=now)
        groups = [report.total] if dimension is Dimension.NONE else report.totals
        for row in groups:
            subject = "center" if dimension is Dimension.NONE else f"queue:{row.key}"
            if dimension is Dimension.QUEUE and row.key is None:
                continue
            for rule in THRESHOLDS:
                if dimension is Dimension.QUEUE and not rule.by_queue:
                    continue
                value = _judged(row.parts, rule)
                if value is None:
                    continue
                if (value < rule.limit) if rule.below else (value > rule.limit):
                    base = DEFINITIONS[rule.kpi].denominator or ""
                    detail: dict[str, object] = {
                        "kpi": rule.kpi.value,
                        "base": row.parts.sums.get(base, 0.0),
                    }
                    raised.append(Raised(rule.rule, subject, value, rule.limit, detail))
    return raised


def _spikes(session: Session, day: date, timezone: str) -> list[Raised]:
    start = day_start_utc(day - timedelta(days=BASELINE_DAYS), timezone)
    cut = day_start_utc(day, timezone)
    end = day_start_utc(day + timedelta(days=1), timezone)
    on_the_day = WorkOrder.created_at >= cut
    rows = session.execute(
        select(
            WorkOrder.category_id,
            func.sum(case((on_the_day, 1), else_=0)),
            func.sum(case((on_the_day, 0), else_=1)),
        )
        .where(
            WorkOrder.type == OrderType.COMPLAINT,
            WorkOrder.status != OrderStatus.CANCELLED,
            WorkOrder.created_at >= start,
            WorkOrder.created_at < end,
        )
        .group_by(WorkOrder.category_id)
    ).all()
    branch = _level_two(session)
    today: Counter[int] = Counter()
    before: Counter[int] = Counter()
    for category_id, on_day, earlier in rows:
        today[branch.get(category_id, category_id)] += int(on_day or 0)
        before[branch.get(category_id, category_id)] += int(earlier or 0)
    raised = []
    for category_id, count in today.items():
        mean = before[category_id] / BASELINE_DAYS
        chance = float(poisson.sf(count - 1, max(mean, 1 / BASELINE_DAYS)))
        if count >= SPIKE_MIN and chance < SPIKE_P:
            seen: dict[str, object] = {"baseline_per_day": round(mean, 2), "chance": chance}
            raised.append(Raised("complaint_spike", f"category:{category_id}", count, mean, seen))
    return raised


def _level_two(session: Session) -> dict[int, int]:
    """Each category's level-2 ancestor (itself at level 1 or 2)."""
    found = {}
    for category_id, path in session.execute(select(Category.id, Category.path)):
        parts = [int(p) for p in path.strip("/").split("/") if p]
        found[category_id] = parts[1] if len(parts) > 1 else category_id
    return found


def describe(session: Session, alert: Alert, language: str) -> tuple[str, str]:
    """An alert's title and subject in the caller's language."""
    title = gettext(language, f"alert_rule.{alert.rule}")
    kind, _, key = alert.subject.partition(":")
    if kind == "queue" and key.isdigit():
        queue = session.get(Queue, int(key))
        english = language != "zh-CN"
        subject = ((queue.name_en or queue.name) if english else queue.name) if queue else key
    elif kind == "category" and key.isdigit():
        category = session.get(Category, int(key))
        subject = (
            ((category.name_en or category.name) if language != "zh-CN" else category.name)
            if category
            else alert.subject
        )
    else:
        subject = gettext(language, "alert_subject.center")
    return title, subject


def _announce(session: Session, day: date, alerts: list[Alert]) -> None:
    """Mail every active supervisor (in their language) through the outbox."""
    supervisors = session.execute(
        select(Staff.id, Staff.language).where(Staff.role == Role.SUPERVISOR, Staff.active)
    ).all()
    for staff_id, language in supervisors:
        lines = []
        for alert in alerts:
            title, subject = describe(session, alert, language)
            lines.append(
                gettext(language, "alert.line").format(
                    title=title, subject=subject, value=alert.value, threshold=alert.threshold
                )
            )
        heading = gettext(language, "alert.mail.subject").format(day=day.isoformat())
        notify_staff(
            session,
            staff_id=staff_id,
            subject=heading,
            body="\n".join(lines),
            link=links.EARLY_WARNINGS,
        )
