"""Sign-in, CSRF, throttling, tokens, staff administration with versions and idempotency."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import PASSWORD, bearer, make_org, make_staff
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role


def _login(client: TestClient, username: str, password: str = PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_login_sets_a_cookie_and_unsafe_requests_need_the_csrf_token(client, db: Session) -> None:
    org = make_org(db)
    make_staff(db, org.province, Role.ADMIN, username="boss")
    db.commit()
    response = _login(client, "boss")
    assert response.status_code == 200
    csrf = response.json()["csrf_token"]
    assert client.get("/api/v1/auth/me").json()["username"] == "boss"
    body = {"name": "夜班", "org_unit_id": org.city.id}
    refused = client.post("/api/v1/org/teams", json=body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    accepted = client.post("/api/v1/org/teams", json=body, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201


def test_wrong_password_is_401_and_is_audited(client, db: Session) -> None:
    org = make_org(db)
    make_staff(db, org.city, username="alice")
    db.commit()
    response = _login(client, "alice", "wrong password")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"
    actions = db.scalars(select(AuditLog.action).where(AuditLog.actor_name == "alice")).all()
    assert "auth.login_failed" in actions


def test_repeated_failures_are_throttled_with_retry_after(client, db: Session) -> None:
    org = make_org(db)
    make_staff(db, org.city, username="bob")
    db.commit()
    for _ in range(5):
        assert _login(client, "bob", "guess").status_code == 401
    response = _login(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "too_many_requests"


def test_a_disabled_account_cannot_sign_in(client, db: Session) -> None:
    org = make_org(db)
    make_staff(db, org.city, username="carol", active=False)
    db.commit()
    assert _login(client, "carol").json()["error"]["code"] == "account_disabled"


def test_bearer_tokens_authenticate_and_can_be_revoked(client, db: Session) -> None:
    org = make_org(db)
    staff = make_staff(db, org.city)
    headers = bearer(db, staff)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 401
    assert (
        client.get("/api/v1/auth/me", headers={"Authorization": "Bearer kefu_nope"}).status_code
        == 401
    )
    token_id = client.get("/api/v1/auth/tokens", headers=headers).json()[0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=headers).status_code == 200
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def _new_staff(org) -> dict:
    return {
        "username": "dave",
        "display_name": "王大伟",
        "role": "agent",
        "org_unit_id": org.city.id,
        "password": "long enough pw",
        "skills": [],
    }


def test_staff_creation_is_idempotent_and_audited(client, db: Session) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.province, Role.ADMIN))
    keyed = {**headers, "Idempotency-Key": "create-dave-1"}
    first = client.post("/api/v1/staff", json=_new_staff(org), headers=keyed)
    again = client.post("/api/v1/staff", json=_new_staff(org), headers=keyed)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    other = client.post(
        "/api/v1/staff", json={**_new_staff(org), "display_name": "x"}, headers=keyed
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    duplicate = client.post("/api/v1/staff", json=_new_staff(org), headers=headers)
    assert duplicate.status_code == 409
    assert db.scalar(select(AuditLog).where(AuditLog.action == "staff.create")) is not None


def test_staff_edits_need_the_current_version(client, db: Session) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.province, Role.ADMIN))
    target = make_staff(db, org.city)
    db.commit()
    url = f"/api/v1/staff/{target.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    assert client.patch(url, json={"display_name": "新名字"}, headers=headers).status_code == 428
    ok = client.patch(url, json={"display_name": "新名字"}, headers={**headers, "If-Match": etag})
    assert ok.status_code == 200 and ok.json()["display_name"] == "新名字"
    stale = client.patch(url, json={"display_name": "旧"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    assert client.delete(url, headers=headers).status_code == 405


def test_rights_are_checked_by_name(client, db: Session) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.city, Role.AGENT))
    response = client.post("/api/v1/staff", json=_new_staff(org), headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "missing_right"


def test_a_team_lead_sees_only_staff_of_their_branch(client, db: Session) -> None:
    org = make_org(db)
    lead = make_staff(db, org.city, Role.TEAM_LEAD)
    make_staff(db, org.other_city, Role.AGENT, username="elsewhere")
    headers = bearer(db, lead)
    names = [s["username"] for s in client.get("/api/v1/staff", headers=headers).json()["items"]]
    assert lead.username in names and "elsewhere" not in names
