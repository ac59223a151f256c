"""The satisfaction survey on the self-service page (网上满意度调查): the center's
questionnaire, answered by the subscriber themselves once a quarter per number. The
answers are stored as any channel's (channel ``web``, linked to the customer), so they
feed the satisfaction drivers as they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core.clock import local_today
from kefu.core.masking import subscriber_name
from kefu.customers.repository import live_subscription
from kefu.errors import Conflict, NotFound, Unprocessable
from kefu.selfcare import signin
from kefu.selfcare.models import SelfCareSession
from kefu.surveys.enums import SurveyChannel
from kefu.surveys.models import Questionnaire, SurveyItem, SurveyResponse
from kefu.surveys.schemas import ResponseCreate
from kefu.surveys.service import items_of, record_response


@dataclass(frozen=True)
class QuestionShown:
    code: str
    block: str  # the construct it measures: the page groups the questions by it
    text: str
    required: bool


@dataclass(frozen=True)
class SurveyShown:
    """The questionnaire as the subscriber sees it, and whether they answered it lately."""

    code: str
    name: str
    scale_min: int
    scale_max: int
    questions: list[QuestionShown]
    answered_at: datetime | None  # this quarter's answer, if given
    next_from: date  # the first day a next answer is taken


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def next_quarter_start(day: date) -> date:
    first_month = (day.month - 1) // 3 * 3 + 1
    if first_month == 10:
        return date(day.year + 1, 1, 1)
    return date(day.year, first_month + 3, 1)


def _reference(session: Session, me: SelfCareSession, today: date) -> str:
    """The answer's channel reference: one per number (its subscription, as numbers are
    reissued) and quarter, so the unique reference refuses a second answer even when two
    arrive at once."""
    subscription = live_subscription(session, me.msisdn)
    if subscription is None:  # the number was given up since signing in
        raise signin.not_signed_in()
    return f"selfcare:{subscription.id}:{quarter_of(today)}"


def _active(session: Session, code: str) -> Questionnaire | None:
    found = session.scalar(select(Questionnaire).where(Questionnaire.code == code))
    return found if found is not None and found.active else None


def survey_shown(
    session: Session, me: SelfCareSession, *, code: str, zone: str, english: bool
) -> SurveyShown | None:
    """The questionnaire offered on the page; None when the center offers none."""
    questionnaire = _active(session, code) if code else None
    if questionnaire is None:
        return None
    today = local_today(zone)
    reference = _reference(session, me, today)
    answered_at = session.scalar(
        select(SurveyResponse.answered_at).where(SurveyResponse.channel_ref == reference)
    )
    return SurveyShown(
        code=questionnaire.code,
        name=questionnaire.name_en if english else questionnaire.name,
        scale_min=questionnaire.scale_min,
        scale_max=questionnaire.scale_max,
        questions=[
            QuestionShown(
                item.code, item.block, item.text_en if english else item.text, item.required
            )
            for item in items_of(session, questionnaire)
        ],
        answered_at=answered_at,
        next_from=next_quarter_start(today),
    )


def _check_all_answered(questions: list[SurveyItem], answers: dict[str, int]) -> None:
    """Name the first required question left out by its number on the page, as the
    subscriber sees it (the recording's own check names the item's code)."""
    for n, question in enumerate(questions, start=1):
        if question.required and question.code not in answers:
            raise Unprocessable("selfcare_survey_unanswered", field=f"answers.{question.code}", n=n)


def answer(
    session: Session,
    me: SelfCareSession,
    *,
    code: str,
    answers: dict[str, int],
    zone: str,
    ip: str,
) -> SurveyResponse:
    """Store the subscriber's answers (each on the scale, every required question
    answered: 422 naming the question); a second answer in a quarter is refused (409)."""
    questionnaire = _active(session, code) if code else None
    if questionnaire is None:
        raise NotFound("selfcare_survey_none")
    today = local_today(zone)
    reference = _reference(session, me, today)
    if session.scalar(select(SurveyResponse.id).where(SurveyResponse.channel_ref == reference)):
        raise Conflict(
            "selfcare_survey_answered", field="answers", day=next_quarter_start(today).isoformat()
        )
    _check_all_answered(items_of(session, questionnaire), answers)
    data = ResponseCreate(
        questionnaire=questionnaire.code,
        channel=SurveyChannel.WEB,
        channel_ref=reference,
        customer_id=me.customer_id,
        answers=answers,
    )
    return record_response(
        session, data=data, by=None, actor_name=subscriber_name(me.msisdn), ip=ip
    )
