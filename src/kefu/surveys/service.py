"""Recording survey answers: every answer on the questionnaire's scale, every required
item present, every link pointing at a real record."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.models import Interaction
from kefu.core import audit
from kefu.core.base import Base, utcnow
from kefu.core.rbac import Principal
from kefu.customers.models import Customer
from kefu.errors import Conflict, NotFound, Unprocessable
from kefu.surveys.models import Questionnaire, SurveyAnswer, SurveyItem, SurveyResponse
from kefu.surveys.schemas import ResponseCreate
from kefu.workorders.models import WorkOrder

_LINKS: tuple[tuple[str, type[Base]], ...] = (
    ("customer_id", Customer),
    ("work_order_id", WorkOrder),
    ("interaction_id", Interaction),
)


def questionnaire_by_code(
    session: Session, code: str, *, field: str = "questionnaire"
) -> Questionnaire:
    """An active questionnaire, or 404."""
    found = session.scalar(select(Questionnaire).where(Questionnaire.code == code))
    if found is None or not found.active:
        raise NotFound("questionnaire_not_found", field=field)
    return found


def items_of(session: Session, questionnaire: Questionnaire) -> list[SurveyItem]:
    """The questionnaire's items in the order they are asked."""
    return list(
        session.scalars(
            select(SurveyItem)
            .where(SurveyItem.questionnaire_id == questionnaire.id)
            .order_by(SurveyItem.sort_order, SurveyItem.id)
        )
    )


def _checked_answers(
    questionnaire: Questionnaire, items: list[SurveyItem], answers: dict[str, int]
) -> dict[int, int]:
    by_code = {item.code: item for item in items}
    for code, value in answers.items():
        if code not in by_code:
            raise Unprocessable("survey_item_unknown", field=f"answers.{code}", item=code)
        if not questionnaire.scale_min <= value <= questionnaire.scale_max:
            raise Unprocessable(
                "survey_answer_out_of_scale",
                field=f"answers.{code}",
                low=questionnaire.scale_min,
                high=questionnaire.scale_max,
            )
    missing = [item.code for item in items if item.required and item.code not in answers]
    if missing:
        raise Unprocessable("survey_item_missing", field=f"answers.{missing[0]}", item=missing[0])
    return {by_code[code].id: value for code, value in answers.items()}


def _check_links(session: Session, data: ResponseCreate) -> None:
    for field, model in _LINKS:
        wanted = getattr(data, field)
        if wanted is not None and session.get(model, wanted) is None:
            raise Unprocessable("survey_link_unknown", field=field)


def record_response(
    session: Session,
    *,
    data: ResponseCreate,
    by: Principal | None,
    actor_name: str | None = None,
    ip: str | None = None,
) -> SurveyResponse:
    """Store one response and its answers; ``by`` the staff member or channel recording it,
    or None when the person answered themselves (``actor_name`` and ``ip`` then say who
    for the audit log)."""
    questionnaire = questionnaire_by_code(session, data.questionnaire)
    values = _checked_answers(questionnaire, items_of(session, questionnaire), data.answers)
    _check_links(session, data)
    if data.channel_ref and session.scalar(
        select(SurveyResponse.id).where(SurveyResponse.channel_ref == data.channel_ref)
    ):
        raise Conflict("duplicate", field="channel_ref")
    response = SurveyResponse(
        questionnaire_id=questionnaire.id,
        channel=data.channel,
        channel_ref=data.channel_ref,
        customer_id=data.customer_id,
        work_order_id=data.work_order_id,
        interaction_id=data.interaction_id,
        answered_at=(data.answered_at or utcnow()).astimezone(UTC),
        recorded_by_id=by.staff_id if by else None,
    )
    session.add(response)
    session.flush()
    session.add_all(
        SurveyAnswer(response_id=response.id, item_id=i, value=v) for i, v in values.items()
    )
    session.flush()
    audit.record(
        session,
        actor=by,
        actor_name=actor_name,
        ip=ip,
        action="survey.response",
        entity_type="survey_response",
        entity_id=response.id,
        details={"questionnaire": questionnaire.code, "channel": data.channel},
    )
    return response


def answers_of(session: Session, response_ids: list[int]) -> dict[int, dict[str, int]]:
    """Each response's answers by item code, in the order asked (one query for a page)."""
    rows = session.execute(
        select(SurveyAnswer.response_id, SurveyItem.code, SurveyAnswer.value)
        .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
        .where(SurveyAnswer.response_id.in_(response_ids))
        .order_by(SurveyAnswer.response_id, SurveyItem.sort_order)
    )
    found: dict[int, dict[str, int]] = {rid: {} for rid in response_ids}
    for response_id, code, value in rows:
        found[response_id][code] = value
    return found
