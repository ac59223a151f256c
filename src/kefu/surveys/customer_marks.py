"""A customer's survey answers as the 360 view shows them: when and how they answered,
their overall satisfaction, and the service aspect they scored lowest."""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.customers.schemas import SatisfactionMark
from kefu.customers.view import SHOWN_MARKS
from kefu.surveys.models import Questionnaire, SurveyAnswer, SurveyItem, SurveyResponse

OVERALL_BLOCK = "SAT"  # its first item asks for overall satisfaction
# What the customer feels and will do, and what they expected: not aspects of the service
# a center can mend, so never named the weakest.
NOT_ASPECTS = frozenset({"SAT", "LOY", "EXPE"})


def survey_marks(session: Session, customer_id: int) -> list[SatisfactionMark]:
    """The customer's latest survey answers, newest first."""
    responses = session.execute(
        select(SurveyResponse, Questionnaire)
        .join(Questionnaire, Questionnaire.id == SurveyResponse.questionnaire_id)
        .where(SurveyResponse.customer_id == customer_id)
        .order_by(SurveyResponse.answered_at.desc(), SurveyResponse.id.desc())
        .limit(SHOWN_MARKS)
    ).all()
    if not responses:
        return []
    answers = _answers_by_block(session, [response.id for response, _ in responses])
    return [
        _mark(response, questionnaire, answers.get(response.id, {}))
        for response, questionnaire in responses
    ]


def _answers_by_block(session: Session, ids: list[int]) -> dict[int, dict[str, list[int]]]:
    """Each response's answers grouped by construct, each construct's in the order asked."""
    rows = session.execute(
        select(SurveyAnswer.response_id, SurveyItem.block, SurveyAnswer.value)
        .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
        .where(SurveyAnswer.response_id.in_(ids))
        .order_by(SurveyAnswer.response_id, SurveyItem.sort_order, SurveyItem.id)
    )
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for response_id, block, value in rows:
        found[response_id][block].append(value)
    return found


def _mark(
    response: SurveyResponse, questionnaire: Questionnaire, blocks: dict[str, list[int]]
) -> SatisfactionMark:
    overall = blocks.get(OVERALL_BLOCK, [None])[0]
    aspects = {block: fmean(values) for block, values in blocks.items() if block not in NOT_ASPECTS}
    low, high = questionnaire.scale_min, questionnaire.scale_max
    return SatisfactionMark(
        kind="survey",
        at=response.answered_at,
        dissatisfied=overall is not None and overall <= low + (high - low) / 3,
        channel=response.channel,
        score=overall,
        scale_max=high,
        weakest=min(aspects, key=lambda block: aspects[block]) if aspects else None,
    )
