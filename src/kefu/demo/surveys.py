"""Demo survey answers: drawn from the telecom satisfaction model with one planted weak
driver (the hotline), so the driver analysis on the demo has a known right answer."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from kefu.analytics import ecsi
from kefu.core.base import utcnow
from kefu.core.db import make_sessionmaker
from kefu.customers.models import Customer
from kefu.surveys.defaults import ecsi_questionnaire
from kefu.surveys.enums import SurveyChannel
from kefu.surveys.models import SurveyAnswer, SurveyItem, SurveyResponse
from kefu.workorders.enums import OrderType
from kefu.workorders.models import WorkOrder

PLANTED_WEAK = "HOTLINE"
_CHANNELS = (
    (SurveyChannel.SMS, 0.5),
    (SurveyChannel.IVR, 0.25),
    (SurveyChannel.VOICE, 0.15),  # return visits after complaints
    (SurveyChannel.WEB, 0.1),
)


def generate_surveys(engine: Engine, *, seed: int, count: int) -> int:
    """Store ``count`` answered questionnaires; returns how many."""
    with make_sessionmaker(engine)() as session, session.begin():
        return store_planted_responses(session, seed=seed, count=count)


def store_planted_responses(
    session: Session, *, seed: int, count: int, weak: str = PLANTED_WEAK
) -> int:
    """``count`` responses from the model with ``weak`` planted, tied to customers and
    (for return visits) complaints of this database; 0 when it has no customers."""
    customers = list(session.scalars(select(Customer.id).order_by(Customer.id)))
    if not customers:
        return 0
    questionnaire = ecsi_questionnaire(session)
    items = {
        i.code: i.id
        for i in session.scalars(
            select(SurveyItem).where(SurveyItem.questionnaire_id == questionnaire.id)
        )
    }
    complaints = session.execute(
        select(WorkOrder.id, WorkOrder.customer_id)
        .where(WorkOrder.type == OrderType.COMPLAINT)
        .order_by(WorkOrder.id)
        .limit(count)
    ).all()
    rng = random.Random(seed)
    now = utcnow()
    rows = []
    for n in range(count):
        channel = rng.choices([c for c, _ in _CHANNELS], [w for _, w in _CHANNELS])[0]
        visit = complaints and channel is SurveyChannel.VOICE
        order = complaints[n % len(complaints)] if visit else None
        rows.append(
            {
                "questionnaire_id": questionnaire.id,
                "channel": channel,
                "customer_id": (order.customer_id if order else None) or rng.choice(customers),
                "work_order_id": order.id if order else None,
                "answered_at": now - timedelta(minutes=rng.randint(10, 90 * 24 * 60)),
                "created_at": now,
            }
        )
    ids = session.scalars(
        insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True), rows
    ).all()
    answers = ecsi.responses(count, seed=seed, truth=ecsi.planted(weak))
    session.execute(
        insert(SurveyAnswer),
        [
            {"response_id": rid, "item_id": items[code], "value": values[n]}
            for code, values in answers.items()
            for n, rid in enumerate(ids)
        ],
    )
    return count
