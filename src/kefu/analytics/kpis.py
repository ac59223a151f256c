"""The center's operational figures: what each one counts, and how sums become figures.

Why sums: every figure is a ratio or a mean of things the database can add up (calls
offered, answered within the threshold, seconds waited...). The database returns the sums
per local day and group; days roll up to weeks and months here by adding sums, and only
then are ratios taken — an average of daily service levels would weigh a quiet Sunday
like a Monday peak.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

# 80/20: calls answered within this many seconds of joining the queue, for contacts whose
# queue is unknown; each queue's own goal applies otherwise.
SERVICE_LEVEL_SECONDS = 20
# A contact is resolved at first contact when the customer does not come back this soon.
FCR_DAYS = 7


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"  # Monday to Sunday
    MONTH = "month"


class Dimension(StrEnum):
    """What the figures are split by; ``none`` gives the center's totals."""

    NONE = "none"
    ORG_UNIT = "org_unit"  # the customer's branch (work orders: the owning unit)
    CHANNEL = "channel"
    QUEUE = "queue"  # contacts only: work orders have no queue
    TIER = "tier"
    BRAND = "brand"  # the brand of the number that called or complained


class Source(StrEnum):
    """Which records a figure is counted from (and which a drill-down lists)."""

    CONTACTS = "contacts"
    ORDERS = "orders"
    DEADLINES = "deadlines"  # work orders by the day their resolution was due
    VISITS = "visits"  # return visits by the day they were done
    ON_SITE = "on_site"  # engineers' visits by the day their window ended


class Kpi(StrEnum):
    OFFERED = "offered"
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    ABANDON_RATE = "abandon_rate"
    SERVICE_LEVEL = "service_level"
    ASA = "asa_seconds"
    AHT = "aht_seconds"
    IVR_CONTAINMENT = "ivr_containment"
    FCR = "first_contact_resolution"
    COMPLAINTS = "complaints"
    COMPLAINTS_PER_10K = "complaints_per_10k"
    REPEAT_RATE = "repeat_complaint_rate"
    APPEAL_RATE = "appeal_rate"  # 越级投诉率: taken to the regulator, a consumer body, the press
    APPEALS_PER_MILLION = "appeals_per_million"  # 百万用户申诉率: the ministry ranks by it
    TIME_LIMIT_COMPLIANCE = "time_limit_compliance"
    VISIT_SATISFACTION = "return_visit_satisfaction"
    # 回访自助率: return visits the customers gave themselves (web, text), each a call saved
    VISIT_SELF_SHARE = "return_visit_self_share"
    # 工程师爽约率: engineers' visits the engineer did not come to, of those settled
    ENGINEER_NO_SHOW = "engineer_no_show_rate"
    # 回单及时率: roster engineers' visits whose outcome was in within an hour of the
    # window's end (reported by text, or closed at the desk), of those settled
    ENGINEER_REPORT_ON_TIME = "engineer_report_on_time"


@dataclass(frozen=True)
class Definition:
    """A figure as ``numerator / denominator`` over the parts the database sums.

    ``denominator`` None: the figure is the numerator itself (a count). ``per`` scales a
    ratio (10,000 for complaints per 10,000 subscribers, a million for appeals per million;
    1e-6 turns summed microseconds
    into mean seconds). A drill-down lists the denominator's records (or the count's own),
    each flagged whether it counts in the numerator.
    """

    source: Source
    numerator: str
    denominator: str | None = None
    per: float = 1.0


DEFINITIONS: dict[Kpi, Definition] = {
    Kpi.OFFERED: Definition(Source.CONTACTS, "offered"),
    Kpi.ANSWERED: Definition(Source.CONTACTS, "answered"),
    Kpi.ABANDONED: Definition(Source.CONTACTS, "abandoned"),
    Kpi.ABANDON_RATE: Definition(Source.CONTACTS, "abandoned", "offered"),
    Kpi.SERVICE_LEVEL: Definition(Source.CONTACTS, "answered_in_time", "sl_base"),
    Kpi.ASA: Definition(Source.CONTACTS, "wait_micros", "answered", 1e-6),
    Kpi.AHT: Definition(Source.CONTACTS, "handle_micros", "handled", 1e-6),
    Kpi.IVR_CONTAINMENT: Definition(Source.CONTACTS, "contained", "calls"),
    Kpi.FCR: Definition(Source.CONTACTS, "resolved_first", "resolvable"),
    Kpi.COMPLAINTS: Definition(Source.ORDERS, "complaints"),
    Kpi.COMPLAINTS_PER_10K: Definition(Source.ORDERS, "complaints", "subscribers", 10_000),
    Kpi.REPEAT_RATE: Definition(Source.ORDERS, "repeats", "complaints"),
    Kpi.APPEAL_RATE: Definition(Source.ORDERS, "appeals", "complaints"),
    Kpi.APPEALS_PER_MILLION: Definition(
        Source.ORDERS, "regulator_appeals", "subscribers", 1_000_000
    ),
    Kpi.TIME_LIMIT_COMPLIANCE: Definition(Source.DEADLINES, "on_time", "due"),
    Kpi.VISIT_SATISFACTION: Definition(Source.VISITS, "satisfied", "visited"),
    Kpi.VISIT_SELF_SHARE: Definition(Source.VISITS, "self_answered", "visited"),
    Kpi.ENGINEER_NO_SHOW: Definition(Source.ON_SITE, "engineer_missed", "settled"),
    Kpi.ENGINEER_REPORT_ON_TIME: Definition(Source.ON_SITE, "reported_in_time", "roster_settled"),
}

# Parts that are sums of microseconds, not counts of records (exact integers on both
# databases; drill-down does not list by them).
DURATION_PARTS = frozenset({"wait_micros", "handle_micros"})


def drill_part(kpi: Kpi) -> str:
    """The part whose records a drill-down lists: the denominator's, or the count's own."""
    found = DEFINITIONS[kpi]
    if found.denominator is None or found.denominator == "subscribers":
        return found.numerator
    return found.denominator


def flag_part(kpi: Kpi) -> str | None:
    """The part a listed record is flagged by (None: every listed record counts)."""
    found = DEFINITIONS[kpi]
    if found.numerator in DURATION_PARTS or found.numerator == drill_part(kpi):
        return None
    return found.numerator


@dataclass
class Parts:
    """Sums for one period and group; adding two gives the sums of both."""

    sums: dict[str, float] = field(default_factory=dict)

    def add(self, more: Mapping[str, float]) -> None:
        for name, value in more.items():
            self.sums[name] = self.sums.get(name, 0.0) + float(value or 0)

    def figure(self, kpi: Kpi) -> float | None:
        """The figure, or None when it has no denominator in this group (no calls, ...)."""
        found = DEFINITIONS[kpi]
        numerator = self.sums.get(found.numerator, 0.0)
        if found.denominator is None:
            return numerator
        denominator = self.sums.get(found.denominator, 0.0)
        if denominator <= 0:
            return None
        return numerator / denominator * found.per

    def figures(self, kpis: Iterable[Kpi] = tuple(Kpi)) -> dict[str, float | None]:
        return {kpi.value: self.figure(kpi) for kpi in kpis}


def bucket_start(day: date, grain: Grain) -> date:
    """The first day of the day's week (Monday) or month."""
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    return day


def bucket_end(start: date, grain: Grain) -> date:
    """The day after the bucket that begins on ``start``."""
    if grain is Grain.WEEK:
        return start + timedelta(days=7)
    if grain is Grain.MONTH:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)
