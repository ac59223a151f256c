"""Nobody grants more than they see: staff administration stays inside the admin's scope."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from factories import bearer, make_org, make_staff
from kefu.core.rbac import Role


def _new(unit_id: int, role: str = "agent", **extra: object) -> dict:
    return {
        "username": "chen.jing",
        "display_name": "陈静",
        "role": role,
        "org_unit_id": unit_id,
        "password": "long enough pw",
        "skills": [],
    } | extra


@pytest.mark.parametrize(
    ("place", "extra", "status", "code"),
    [
        ("city", {}, 201, None),
        ("hq", {}, 403, "org_unit_out_of_scope"),
        ("city", {"scope_org_unit_id": "hq"}, 403, "org_unit_out_of_scope"),
        ("city", {"role": "auditor"}, 403, "grant_beyond_scope"),
    ],
)
def test_a_province_admin_places_staff_only_inside_the_province(
    client, db: Session, place, extra, status, code
) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.province, Role.ADMIN))
    units = {"city": org.city.id, "hq": org.hq.id}
    body = _new(units[place], **{k: units.get(v, v) for k, v in extra.items()})
    answer = client.post("/api/v1/staff", json=body, headers=headers)
    assert answer.status_code == status, answer.text
    if code:
        assert answer.json()["error"]["code"] == code


def test_an_admin_at_headquarters_may_grant_an_auditor(client, db: Session) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.hq, Role.ADMIN))
    answer = client.post("/api/v1/staff", json=_new(org.hq.id, "auditor"), headers=headers)
    assert answer.status_code == 201, answer.text


def test_a_city_admin_cannot_read_or_change_staff_of_another_city(client, db: Session) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.city, Role.ADMIN))
    stranger = make_staff(db, org.other_city)
    db.commit()
    url = f"/api/v1/staff/{stranger.id}"
    assert client.get(url, headers=headers).json()["error"]["code"] == "staff_out_of_scope"
    moved = client.patch(
        url, json={"org_unit_id": org.city.id}, headers=headers | {"If-Match": '"1"'}
    )
    assert moved.status_code == 403
    password = client.put(f"{url}/password", json={"password": "another long pw"}, headers=headers)
    assert password.status_code == 403
