"""The satisfaction survey on the self-service page (网上满意度调查): the subscriber answers
the center's questionnaire once a quarter per number; the answers are stored as the web
channel's, linked to the customer, and audited under the masked number."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from factories import bearer, make_staff, self_sign_in
from kefu.app import create_app
from kefu.core.audit import AuditLog
from kefu.core.clock import local_today
from kefu.core.rbac import Role
from kefu.customers.models import Subscription
from kefu.org.models import OrgUnit
from kefu.selfcare.survey import next_quarter_start, quarter_of
from kefu.surveys.defaults import ECSI_ITEMS, ensure_ecsi_questionnaire
from kefu.surveys.models import SurveyResponse

ALL_REQUIRED = {code: 8 for code, block, *_ in ECSI_ITEMS if block != "COMP"}
SURVEY = "/api/v1/self/survey"


@pytest.fixture
def surveyed(db: Session, center: dict) -> dict:
    ensure_ecsi_questionnaire(db)
    db.commit()
    return center


def _answer(client: TestClient, headers: dict[str, str], answers: dict[str, int], **more: str):
    return client.post(SURVEY, json={"answers": answers}, headers={**headers, **more})


def test_quarters_start_on_the_first_of_january_april_july_and_october() -> None:
    assert quarter_of(date(2026, 12, 31)) == "2026Q4" and quarter_of(date(2027, 4, 1)) == "2027Q2"
    assert next_quarter_start(date(2026, 11, 22)) == date(2027, 1, 1)
    assert next_quarter_start(date(2027, 3, 31)) == date(2027, 4, 1)
    assert next_quarter_start(date(2027, 7, 1)) == date(2027, 10, 1)


def test_a_subscriber_answers_the_survey_once_a_quarter_as_the_web_channel(
    client, db, surveyed
) -> None:
    headers = self_sign_in(client)
    shown = client.get(SURVEY).json()
    assert [q["code"] for q in shown["questions"]] == [code for code, *_ in ECSI_ITEMS]
    assert shown["questions"][7]["text"] == "通话质量清晰稳定"
    assert shown["answered_at"] is None
    assert shown["next_from"] == next_quarter_start(local_today()).isoformat()

    answered = _answer(client, headers, {**ALL_REQUIRED, "comp1": 3})
    assert answered.status_code == 201, answered.text
    stored = db.scalars(select(SurveyResponse)).one()
    number = db.scalars(select(Subscription).where(Subscription.msisdn == "+8613800138000")).one()
    assert stored.channel == "web" and stored.recorded_by_id is None
    assert stored.customer_id == number.customer_id
    assert stored.channel_ref == f"selfcare:{number.id}:{quarter_of(local_today())}"
    row = db.scalars(select(AuditLog).where(AuditLog.action == "survey.response")).one()
    assert row.actor_name == "subscriber 138****8000" and row.actor_id is None

    assert client.get(SURVEY).json()["answered_at"] is not None
    again = _answer(client, headers, ALL_REQUIRED)
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "selfcare_survey_answered"
    assert next_quarter_start(local_today()).isoformat() in error["message"]
    page = client.get("/self").text
    assert "感谢您在" in page and 'id="self-survey-form"' not in page


def test_the_staff_read_the_web_answer_with_the_customers_others(client, db, surveyed) -> None:
    _answer(client, self_sign_in(client), ALL_REQUIRED)
    customer_id = db.scalars(select(SurveyResponse.customer_id)).one()
    unit = db.scalars(select(OrgUnit).order_by(OrgUnit.id)).first()
    reader = bearer(db, make_staff(db, unit, Role.SUPERVISOR))
    db.commit()
    listed = client.get(
        "/api/v1/surveys/responses", params={"customer_id": customer_id}, headers=reader
    )
    assert listed.status_code == 200, listed.text
    (response,) = listed.json()
    assert response["channel"] == "web" and response["answers"]["net1"] == 8


def test_a_new_quarter_takes_a_new_answer(client, db, surveyed) -> None:
    headers = self_sign_in(client)
    assert _answer(client, headers, ALL_REQUIRED).status_code == 201
    db.execute(update(SurveyResponse).values(channel_ref="selfcare:1:2020Q1"))  # long ago
    db.commit()
    assert client.get(SURVEY).json()["answered_at"] is None
    assert _answer(client, headers, ALL_REQUIRED).status_code == 201


def test_a_question_left_out_or_off_the_scale_is_named_by_its_number(client, surveyed) -> None:
    headers = self_sign_in(client)
    missing = _answer(client, headers, {k: v for k, v in ALL_REQUIRED.items() if k != "net1"})
    assert missing.status_code == 422
    assert missing.json()["error"] == {
        "code": "selfcare_survey_unanswered",
        "message": "请回答第 8 题。",
        "field": "answers.net1",
    }
    english = _answer(client, headers, {"imag1": 9}, **{"Accept-Language": "en"})
    assert english.json()["error"]["message"] == "Please answer question 2."
    off_scale = _answer(client, headers, {**ALL_REQUIRED, "sat1": 11})
    assert off_scale.status_code == 422 and off_scale.json()["error"]["field"] == "answers.sat1"
    unknown = _answer(client, headers, {**ALL_REQUIRED, "bogus": 5})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "answers.bogus"


def test_a_retried_answer_is_taken_once(client, db, surveyed) -> None:
    headers = {**self_sign_in(client), "Idempotency-Key": "survey-1"}
    first = _answer(client, headers, ALL_REQUIRED)
    second = _answer(client, headers, ALL_REQUIRED)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert len(db.scalars(select(SurveyResponse)).all()) == 1


def test_the_survey_needs_a_session_and_its_csrf_token(client, surveyed) -> None:
    assert client.get(SURVEY).status_code == 401
    self_sign_in(client)
    refused = _answer(client, {}, ALL_REQUIRED)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"


def test_english_questions_and_a_center_that_offers_no_survey(
    settings, session_factory, client, surveyed
) -> None:
    self_sign_in(client)
    shown = client.get(SURVEY, headers={"Accept-Language": "en"}).json()
    assert shown["name"] == "Customer satisfaction (telecom ECSI)"
    assert shown["questions"][0]["text"] == "The operator can be trusted"

    none = settings.model_copy(update={"selfcare_survey": ""})
    with TestClient(create_app(none, session_factory), raise_server_exceptions=False) as other:
        headers = self_sign_in(other, "13900139000")
        assert other.get(SURVEY).json()["error"]["code"] == "selfcare_survey_none"
        assert _answer(other, headers, ALL_REQUIRED).status_code == 404
        assert "self-survey-form" not in other.get("/self").text


def test_the_page_groups_the_questions_under_their_constructs(client, surveyed) -> None:
    self_sign_in(client)
    page = client.get("/self").text
    assert 'id="self-survey-form"' in page and "参与满意度调查（共 32 题，约五分钟）" in page
    assert page.index("网络质量") < page.index("通话质量清晰稳定") < page.index("资费与账单")
    assert "投诉处理" in page and "（选答）" in page
