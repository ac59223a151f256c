"""Surveys over HTTP: the questionnaires, and answers recorded by the channels that
collect them (return visits, SMS, IVR, the web)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select

from kefu.core.idempotency import run_once
from kefu.core.types import INT32_MAX
from kefu.core.web import DbSession, IdempotencyKey
from kefu.surveys import service
from kefu.surveys.deps import CanReadSurveys, CanRecordSurveys
from kefu.surveys.models import Questionnaire, SurveyResponse
from kefu.surveys.schemas import ItemRead, QuestionnaireRead, ResponseCreate, ResponseRead

router = APIRouter(prefix="/api/v1/surveys", tags=["surveys"])


def _questionnaire_read(session: DbSession, questionnaire: Questionnaire) -> QuestionnaireRead:
    items = [
        ItemRead.model_validate(i, from_attributes=True)
        for i in service.items_of(session, questionnaire)
    ]
    return QuestionnaireRead(
        code=questionnaire.code,
        name=questionnaire.name,
        name_en=questionnaire.name_en,
        scale_min=questionnaire.scale_min,
        scale_max=questionnaire.scale_max,
        active=questionnaire.active,
        items=items,
    )


def _response_read(response: SurveyResponse, code: str, answers: dict[str, int]) -> ResponseRead:
    return ResponseRead(
        id=response.id,
        questionnaire=code,
        channel=response.channel,
        customer_id=response.customer_id,
        work_order_id=response.work_order_id,
        interaction_id=response.interaction_id,
        answered_at=response.answered_at,
        answers=answers,
    )


@router.get("/questionnaires", response_model=list[QuestionnaireRead])
def questionnaires(principal: CanRecordSurveys, session: DbSession) -> list[QuestionnaireRead]:
    """Every questionnaire with its items."""
    found = session.scalars(select(Questionnaire).order_by(Questionnaire.code))
    return [_questionnaire_read(session, q) for q in found]


@router.post("/responses", response_model=ResponseRead, status_code=201)
def record_response(
    data: ResponseCreate,
    principal: CanRecordSurveys,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Store one person's answers."""

    def create() -> ResponseRead:
        response = service.record_response(session, data=data, by=principal)
        stored = service.answers_of(session, [response.id])[response.id]
        return _response_read(response, data.questionnaire, stored)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="survey.response",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


@router.get("/responses", response_model=list[ResponseRead])
def responses(
    principal: CanReadSurveys,
    session: DbSession,
    questionnaire: str = "ecsi-telecom",
    customer_id: Annotated[int | None, Query(ge=1, le=INT32_MAX)] = None,
    work_order_id: Annotated[int | None, Query(ge=1, le=INT32_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ResponseRead]:
    """The latest responses, for one customer or work order if asked."""
    found = service.questionnaire_by_code(session, questionnaire)
    query = select(SurveyResponse).where(SurveyResponse.questionnaire_id == found.id)
    if customer_id is not None:
        query = query.where(SurveyResponse.customer_id == customer_id)
    if work_order_id is not None:
        query = query.where(SurveyResponse.work_order_id == work_order_id)
    rows = list(session.scalars(query.order_by(SurveyResponse.answered_at.desc()).limit(limit)))
    answers = service.answers_of(session, [r.id for r in rows])
    return [_response_read(r, found.code, answers[r.id]) for r in rows]
