"""KPI reports as the API and the exports show them: groups labelled in the caller's
language, records with numbers masked unless the caller may see them."""

from __future__ import annotations

from typing import Any, NamedTuple, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.analytics.kpi_schemas import (
    ChannelValue,
    GroupRead,
    KpiInfo,
    KpiRecordRead,
    KpiReportRead,
    KpiRowRead,
)
from kefu.analytics.kpi_service import KpiReport, KpiRow, buckets
from kefu.analytics.kpis import DEFINITIONS, DURATION_PARTS, Dimension, Kpi, Source
from kefu.core.i18n import gettext
from kefu.core.masking import mask_email
from kefu.customers.enums import Brand, Tier
from kefu.customers.view import show_phone
from kefu.org.models import OrgUnit
from kefu.org.repository import tree_position
from kefu.routing.models import Queue

_UNITS = {Kpi.COMPLAINTS_PER_10K: "per_10k", Kpi.APPEALS_PER_MILLION: "per_million"}


def unit_of(kpi: Kpi) -> str:
    found = DEFINITIONS[kpi]
    if kpi in _UNITS:
        return _UNITS[kpi]
    if found.numerator in DURATION_PARTS:
        return "seconds"
    return "count" if found.denominator is None else "share"


def kpi_infos(language: str) -> list[KpiInfo]:
    return [
        KpiInfo(
            id=kpi,
            label=gettext(language, f"kpi.{kpi.value}"),
            unit=unit_of(kpi),
            source=DEFINITIONS[kpi].source,
        )
        for kpi in Kpi
    ]


def group_labels(
    session: Session, dimension: Dimension, keys: list[Any], language: str
) -> dict[Any, str]:
    """What each group is called: unit and queue names, channel, tier and brand labels."""
    english = language != "zh-CN"
    labels: dict[Any, str] = {None: gettext(language, "kpi.group.unknown")}
    known = [k for k in keys if k is not None]
    if dimension is Dimension.NONE:
        labels[""] = gettext(language, "kpi.group.all")
    elif dimension in (Dimension.ORG_UNIT, Dimension.QUEUE):
        table = OrgUnit if dimension is Dimension.ORG_UNIT else Queue
        rows = session.execute(
            select(table.id, table.name, table.name_en).where(table.id.in_(known))
        )
        labels.update({r.id: (r.name_en or r.name) if english else r.name for r in rows})
    elif dimension is Dimension.CHANNEL:
        for key in known:
            contact = f"contact_channel.{key}"
            shown = gettext(language, contact)
            labels[key] = shown if shown != contact else gettext(language, f"channel.{key}")
    else:
        labels.update({key: gettext(language, str(key)) for key in known})
    return labels


# What the dashboard's filters offer, by the API parameter each one sets.
_FILTERS = {
    "org_unit_id": Dimension.ORG_UNIT,
    "channel": Dimension.CHANNEL,
    "queue_id": Dimension.QUEUE,
    "tier": Dimension.TIER,
    "brand": Dimension.BRAND,
}


class FilterChoice(NamedTuple):
    """One filter of the dashboard: the API parameter it sets, the grouping it narrows
    (which also names it) and every value it can take with its label."""

    parameter: str
    dimension: Dimension
    options: list[tuple[str, str]]


def filter_options(session: Session, scope_path: str | None, language: str) -> list[FilterChoice]:
    """Every value each KPI filter can take, labelled as the groups are: the org units in
    the caller's scope (tree order), every queue, channel, tier and brand."""
    units = select(OrgUnit.id, OrgUnit.path).where(OrgUnit.active)
    if scope_path:
        units = units.where(OrgUnit.path.startswith(scope_path))
    in_tree = sorted(session.execute(units), key=lambda unit: tree_position(unit.path))
    keys: dict[Dimension, list[Any]] = {
        Dimension.ORG_UNIT: [unit.id for unit in in_tree],
        Dimension.QUEUE: list(session.scalars(select(Queue.id).order_by(Queue.id))),
        Dimension.CHANNEL: list(get_args(ChannelValue)),
        Dimension.TIER: list(Tier),
        Dimension.BRAND: list(Brand),
    }
    choices = []
    for parameter, dimension in _FILTERS.items():
        labels = group_labels(session, dimension, keys[dimension], language)
        options = [(str(key), labels[key]) for key in keys[dimension] if key in labels]
        choices.append(FilterChoice(parameter, dimension, options))
    return choices


def _row(row: KpiRow) -> KpiRowRead:
    key = row.key if row.key is None or isinstance(row.key, int | str) else str(row.key)
    return KpiRowRead(bucket=row.bucket, key=key, figures=row.figures())


def report_read(session: Session, report: KpiReport, language: str) -> KpiReportRead:
    keys = [row.key for row in report.totals]
    labels = group_labels(session, report.query.dimension, keys, language)
    return KpiReportRead(
        first=report.query.first,
        last=report.query.last,
        grain=report.query.grain,
        dimension=report.query.dimension,
        subscribers=report.subscribers,
        kpis=kpi_infos(language),
        buckets=buckets(report.query),
        groups=[
            GroupRead(key=_row(r).key, label=labels.get(r.key, str(r.key))) for r in report.totals
        ],
        rows=[_row(r) for r in report.rows],
        totals=[_row(r) for r in report.totals],
        total=_row(report.total),
    )


def _address(address: str, masked: bool) -> str:
    """A number as staff read it; an e-mail address keeps its domain when masked."""
    if address.startswith("+"):
        return show_phone(address, masked)
    return mask_email(address) if masked and "@" in address else address


def _seconds(micros: int | None) -> float | None:
    return None if micros is None else micros / 1_000_000


def record_read(source: Source, row: Any, masked: bool) -> KpiRecordRead:
    """One drill-down row; numbers are shown as on every other screen."""
    if source is Source.CONTACTS:
        return KpiRecordRead(
            id=row.id,
            counted=bool(row.counted),
            at=row.offered_at,
            channel=str(row.channel),
            number=_address(row.address, masked),
            customer_id=row.customer_id,
            queue_id=row.queue_id,
            agent_id=row.agent_id,
            end_reason=row.end_reason,
            wait_seconds=_seconds(row.wait_us),
            handle_seconds=_seconds(row.handle_us),
        )
    at = {Source.ORDERS: row.created_at, Source.DEADLINES: row.resolve_due_at}.get(source)
    return KpiRecordRead(
        id=row.id,
        counted=bool(row.counted),
        at=at if at is not None else row.done_at,
        channel=str(row.channel),
        number=show_phone(row.contact_phone, masked),
        customer_id=row.customer_id,
        order_id=row.order_id,
        order_number=row.number,
        type=str(row.type),
        status=str(row.status),
        is_repeat=row.is_repeat,
        due_at=row.resolve_due_at,
        replied_at=row.replied_at,
        outcome=_outcome(source, row),
    )


def _outcome(source: Source, row: Any) -> str | None:
    """A return visit's outcome; an engineer's visit's: made, or missed by whom."""
    if source is Source.ON_SITE:
        return f"missed_by_{row.missed_by}" if row.missed_by else str(row.visit_status)
    return getattr(row, "outcome", None)
