"""The analysis's reads: aggregated in the database, returned as plain figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from kefu.analytics.forecast import SLOT, Slot, slots
from kefu.contact.enums import ContactChannel
from kefu.contact.models import Interaction
from kefu.core.clock import day_start_utc
from kefu.core.sqltime import interval_index, seconds_between
from kefu.surveys.enums import SurveyChannel
from kefu.surveys.models import SurveyAnswer, SurveyItem, SurveyResponse

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


def survey_answers(
    session: Session,
    *,
    questionnaire_id: int,
    items: Sequence[str],
    since: datetime | None = None,
    until: datetime | None = None,
    channel: SurveyChannel | None = None,
) -> tuple[dict[str, list[float]], int]:
    """Answers to ``items`` of responses that answered them all, and how many did not."""
    query = (
        select(SurveyAnswer.response_id, SurveyItem.code, SurveyAnswer.value)
        .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.questionnaire_id == questionnaire_id, SurveyItem.code.in_(items))
        .order_by(SurveyAnswer.response_id)
    )
    if since is not None:
        query = query.where(SurveyResponse.answered_at >= since)
    if until is not None:
        query = query.where(SurveyResponse.answered_at < until)
    if channel is not None:
        query = query.where(SurveyResponse.channel == channel)
    by_response: dict[int, dict[str, float]] = {}
    for response_id, code, value in session.execute(query):
        by_response.setdefault(response_id, {})[code] = float(value)
    complete = [answers for answers in by_response.values() if len(answers) == len(items)]
    data = {code: [answers[code] for answers in complete] for code in items}
    return data, len(by_response) - len(complete)
