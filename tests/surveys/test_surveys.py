"""Survey answers stored on both databases: the shipped questionnaire, recording with
every check, idempotent retries, and responses read back by customer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factories import bearer, make_customer, make_org, make_staff
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.surveys.defaults import ECSI_ITEMS, ensure_ecsi_questionnaire
from kefu.surveys.models import SurveyAnswer

FULL = {code: 7 for code, block, *_ in ECSI_ITEMS if block != "COMP"}


@pytest.fixture
def center(db):
    org = make_org(db)
    ensure_ecsi_questionnaire(db)
    return {
        "customer": make_customer(db, org.city),
        "visitor": bearer(db, make_staff(db, org.city, Role.BACK_OFFICE)),
        "supervisor": bearer(db, make_staff(db, org.hq, Role.SUPERVISOR)),
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
    }


def _answer(client, headers, **changes):
    body = {"questionnaire": "ecsi-telecom", "channel": "voice", "answers": FULL, **changes}
    return client.post("/api/v1/surveys/responses", json=body, headers=headers)


def test_the_shipped_questionnaire_asks_every_item_on_a_1_to_10_scale(client, center) -> None:
    listed = client.get("/api/v1/surveys/questionnaires", headers=center["visitor"]).json()
    (ecsi,) = listed
    assert (ecsi["scale_min"], ecsi["scale_max"]) == (1, 10)
    assert [i["code"] for i in ecsi["items"]] == [code for code, *_ in ECSI_ITEMS]
    assert {i["block"] for i in ecsi["items"] if not i["required"]} == {"COMP"}


def test_a_return_visit_s_answers_are_stored_linked_and_audited(client, db, center) -> None:
    customer = center["customer"]
    answered = _answer(
        client,
        center["visitor"],
        customer_id=customer.id,
        answers={**FULL, "comp1": 3},
        answered_at="2026-11-20T10:00:00+08:00",
        channel_ref="visit-1",
    )
    assert answered.status_code == 201, answered.text
    body = answered.json()
    assert body["answers"]["comp1"] == 3 and body["answers"]["sat1"] == 7
    assert body["answered_at"].startswith("2026-11-20T02:00:00")
    assert db.scalar(select(func.count()).select_from(SurveyAnswer)) == len(FULL) + 1
    assert db.scalar(select(AuditLog).where(AuditLog.action == "survey.response")) is not None
    read = client.get(
        "/api/v1/surveys/responses",
        params={"customer_id": customer.id},
        headers=center["supervisor"],
    ).json()
    assert [r["id"] for r in read] == [body["id"]]


def test_a_retried_response_with_its_key_is_stored_once(client, db, center) -> None:
    headers = {**center["visitor"], "Idempotency-Key": "survey-42"}
    first, again = _answer(client, headers), _answer(client, headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert db.scalar(select(func.count()).select_from(SurveyAnswer)) == len(FULL)
    assert _answer(client, center["visitor"], channel_ref="sms-1").status_code == 201
    twice = _answer(client, center["visitor"], channel_ref="sms-1")
    assert twice.status_code == 409 and twice.json()["error"]["field"] == "channel_ref"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"answers": {**FULL, "net9": 5}}, "survey_item_unknown", "answers.net9"),
        ({"answers": {**FULL, "sat1": 11}}, "survey_answer_out_of_scale", "answers.sat1"),
        ({"answers": {**FULL, "sat1": 0}}, "survey_answer_out_of_scale", "answers.sat1"),
        (
            {"answers": {k: v for k, v in FULL.items() if k != "loy3"}},
            "survey_item_missing",
            "answers.loy3",
        ),
        ({"customer_id": 999_999}, "survey_link_unknown", "customer_id"),
        ({"work_order_id": 999_999}, "survey_link_unknown", "work_order_id"),
        ({"questionnaire": "nps"}, "questionnaire_not_found", "questionnaire"),
    ],
)
def test_bad_answers_are_refused_and_say_which(client, db, center, changes, code, field) -> None:
    refused = _answer(client, {**center["visitor"], "Accept-Language": "zh-CN"}, **changes)
    assert refused.status_code in (404, 422)
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"] and not error["message"].isascii()  # in the caller's Chinese
    assert db.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


def test_a_time_without_its_offset_is_refused_not_guessed(client, center) -> None:
    refused = _answer(client, center["visitor"], answered_at="2026-11-20T10:00:00")
    assert refused.status_code == 422


def test_agents_do_not_record_surveys(client, center) -> None:
    assert _answer(client, center["agent"]).status_code == 403
