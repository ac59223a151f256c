"""Satisfaction drivers from the stored survey answers: the telecom model estimated on
the responses of a period, bootstrap intervals, and the weakest drivers named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kefu.analytics import drivers, ecsi, pls, repository
from kefu.errors import Unprocessable
from kefu.surveys.enums import SurveyChannel
from kefu.surveys.service import items_of, questionnaire_by_code

MIN_RESPONSES = 100  # fewer, and the intervals say nothing


@dataclass(frozen=True)
class DriversReport:
    """What the analysis found on ``responses`` complete responses."""

    target: str
    responses: int
    incomplete: int
    result: pls.PlsResult
    intervals: drivers.Bootstrap
    map: list[drivers.Driver]


def satisfaction_drivers(
    session: Session,
    *,
    questionnaire: str,
    target: str,
    since: datetime | None,
    until: datetime | None,
    channel: SurveyChannel | None,
    resamples: int,
    seed: int = 0,
) -> DriversReport:
    """Estimate the telecom model on the period's answers and map ``target``'s drivers."""
    model = ecsi.telecom_model()
    if target not in model.names:
        raise Unprocessable("drivers_target_unknown", field="target", target=target)
    found = questionnaire_by_code(session, questionnaire)
    asked = {item.code for item in items_of(session, found)}
    if not set(model.item_names) <= asked:
        raise Unprocessable("drivers_questionnaire_unfit", field="questionnaire")
    data, incomplete = repository.survey_answers(
        session,
        questionnaire_id=found.id,
        items=model.item_names,
        since=since,
        until=until,
        channel=channel,
    )
    count = len(data[model.item_names[0]])
    if count < MIN_RESPONSES:
        raise Unprocessable(
            "drivers_too_few_responses", field="since", found=count, needed=MIN_RESPONSES
        )
    try:
        result = pls.estimate(model, data)
        intervals = drivers.bootstrap(model, data, resamples=resamples, seed=seed)
    except pls.ModelError as problem:
        raise Unprocessable("drivers_not_estimable", field="since") from problem
    scale = (float(found.scale_min), float(found.scale_max))
    ipma = drivers.importance_performance(result, data, target=target, scale=scale)
    return DriversReport(target, count, incomplete, result, intervals, ipma)
