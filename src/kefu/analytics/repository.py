"""The analysis's reads: aggregated in the database, returned as plain figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from kefu.analytics.forecast import SLOT, Slot, slots
from kefu.contact.enums import ContactChannel
from kefu.contact.models import Interaction
from kefu.core.clock import day_start_utc
from kefu.core.sqltime import interval_index, seconds_between

_SLOT_SECONDS = int(SLOT.total_seconds())


def _filters(queue_id: int | None, channel: ContactChannel | None) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if queue_id is not None:
        found.append(Interaction.queue_id == queue_id)
    if channel is not None:
        found.append(Interaction.channel == channel)
    return found


def half_hour_volumes(
    session: Session,
    *,
    first_day: date,
    days: int,
    timezone: str,
    queue_id: int | None = None,
    channel: ContactChannel | None = None,
) -> list[Slot]:
    """Contacts offered in every local half hour of ``days`` days (zeros included)."""
    start = day_start_utc(first_day, timezone)
    end = day_start_utc(first_day + timedelta(days=days), timezone)
    index = interval_index(Interaction.offered_at, _SLOT_SECONDS)
    rows = session.execute(
        select(index, func.count())
        .where(Interaction.offered_at >= start, Interaction.offered_at < end)
        .where(*_filters(queue_id, channel))
        .group_by(index)
    )
    zone = ZoneInfo(timezone)
    counted = {
        datetime.fromtimestamp(int(slot) * _SLOT_SECONDS, zone).replace(tzinfo=None): calls
        for slot, calls in rows
    }
    return [Slot(local, float(counted.get(local, 0))) for local in slots(first_day, days)]


def mean_handle_seconds(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    queue_id: int | None = None,
    channel: ContactChannel | None = None,
) -> float | None:
    """Mean seconds from answer to the end of wrap-up (or of the call) of answered contacts."""
    handled = seconds_between(
        Interaction.answered_at, func.coalesce(Interaction.wrapped_up_at, Interaction.ended_at)
    )
    found = session.scalar(
        select(func.avg(handled))
        .where(Interaction.offered_at >= since, Interaction.offered_at < until)
        .where(Interaction.answered_at.is_not(None))
        .where(*_filters(queue_id, channel))
    )
    return float(found) if found is not None else None
