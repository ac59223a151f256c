"""The satisfaction drivers read from stored survey answers, on both databases: the
planted weak driver is named, intervals come with every figure, and a thin period or an
unknown construct is a clear error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from factories import bearer, make_customer, make_org, make_staff
from kefu.core.rbac import Role
from kefu.demo.surveys import store_planted_responses


@pytest.fixture
def analyst(db):
    org = make_org(db)
    make_customer(db, org.city)
    return bearer(db, make_staff(db, org.hq, Role.SUPERVISOR))


@pytest.mark.parametrize("weak", ["HOTLINE", "NET"])
def test_the_drivers_name_the_planted_weak_one_from_stored_answers(
    client, db, analyst, weak
) -> None:
    assert store_planted_responses(db, seed=5, count=1500, weak=weak) == 1500
    answer = client.get("/api/v1/analytics/drivers", params={"resamples": 60}, headers=analyst)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["responses"], body["incomplete"]) == (1500, 0)
    assert body["weakest"] == [weak]
    first = body["drivers"][0]
    assert first["name"] == weak and first["weak"]
    assert (
        first["importance"]["low"] <= first["importance"]["estimate"] <= first["importance"]["high"]
    )
    sat = next(c for c in body["constructs"] if c["name"] == "SAT")
    assert 0.3 < sat["r_squared"]["estimate"] < 1
    assert all(c["composite_reliability"] > 0.7 for c in body["constructs"])
    assert len(body["items"]) == 30 and body["resamples"] + body["skipped_resamples"] == 60


def test_a_period_with_too_few_answers_is_refused(client, db, analyst) -> None:
    store_planted_responses(db, seed=1, count=300)
    future = datetime(2100, 1, 1, tzinfo=UTC).isoformat()
    refused = client.get("/api/v1/analytics/drivers", params={"since": future}, headers=analyst)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "drivers_too_few_responses"
    unknown = client.get("/api/v1/analytics/drivers", params={"target": "XYZ"}, headers=analyst)
    assert unknown.json()["error"]["code"] == "drivers_target_unknown"
