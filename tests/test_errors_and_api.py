"""One JSON error shape in the caller's language; no input makes a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_org, make_staff
from kefu.core.rbac import Role


def test_errors_are_json_in_the_callers_language(client) -> None:
    zh = client.get("/api/v1/auth/me", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    en = client.get("/api/v1/auth/me", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert zh.status_code == en.status_code == 401
    assert zh.json()["error"]["message"] == "请先登录。"
    assert en.json()["error"]["message"] == "Please sign in first."
    missing = client.get("/api/v1/nowhere", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "route_not_found"


def test_validation_errors_name_the_field(client, db: Session) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.province, Role.ADMIN))
    response = client.post(
        "/api/v1/staff", json={"username": "x"}, headers={**headers, "Accept-Language": "en"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] and error["message"]
    broken = client.post(
        "/api/v1/staff",
        content=b"{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422


def test_validation_messages_read_naturally_in_both_languages(client, db: Session) -> None:
    # The choices came in pydantic's English ("'a', 'b' or 'c'") inside the Chinese
    # message, and an empty subject "needs at least 1 characters".
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.city, Role.AGENT))

    def error(body: dict, language: str) -> dict:
        answer = client.post(
            "/api/v1/work-orders", json=body, headers={**headers, "Accept-Language": language}
        )
        assert answer.status_code == 422, answer.text
        return answer.json()["error"]

    odd_type = {"type": "nonsense", "category_id": 1, "subject": "x"}
    zh, en = error(odd_type, "zh-CN"), error(odd_type, "en")
    assert zh["code"] == en["code"] == "validation_choice" and zh["field"] == "type"
    assert " or " not in zh["message"] and "'fault'或'suggestion'" in zh["message"], zh
    assert "'consultation', 'service_request'" in en["message"]
    assert "'fault' or 'suggestion'" in en["message"], en
    empty = {"type": "complaint", "category_id": 1, "subject": ""}
    zh, en = error(empty, "zh-CN"), error(empty, "en")
    assert zh["code"] == en["code"] == "validation_too_short" and en["field"] == "subject"
    assert en["message"] == "“subject” must not be empty.", en
    assert zh["message"] == "“subject”不能为空。", zh
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    short = client.post(
        "/api/v1/knowledge",
        json={"title": "x", "body": "话术正文"},
        headers={**admin, "Accept-Language": "en"},
    )
    assert short.json()["error"]["message"] == "“title” needs at least 2 characters.", short.text
    # A field named like where it came from ("body" of an article or a template) is still
    # named: it was dropped with the location, and the message read "“-” needs …".
    no_body = client.post(
        "/api/v1/knowledge",
        json={"title": "话术", "body": ""},
        headers={**admin, "Accept-Language": "en"},
    )
    assert no_body.json()["error"]["field"] == "body", no_body.text
    assert no_body.json()["error"]["message"] == "“body” needs at least 2 characters."


def test_oversized_bodies_are_413(client, db: Session) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.province, Role.ADMIN))
    response = client.post(
        "/api/v1/org/teams",
        content=b"x" * 2_000_000,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_nul_bytes_are_refused(client) -> None:
    response = client.get("/api/v1/customers/lookup?phone=138%00")
    assert response.status_code == 400


def test_no_input_makes_a_server_error(client, db: Session) -> None:
    """Fuzz every operation of the OpenAPI document as an administrator."""
    org = make_org(db)
    make_customer(db, org.city)
    headers = bearer(db, make_staff(db, org.province, Role.ADMIN))
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", client.app)
    failures: list[str] = []
    statuses: set[int] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.endswith("/stream"):
            continue  # an event stream never ends on its own; tests/routing reads them

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            statuses.add(response.status_code)
            if response.status_code >= 500 or (
                response.status_code >= 400 and "error" not in response.json()
            ):
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} "
                    f"{case.body!r:.200}: {response.status_code} {response.text[:200]}"
                )

        check()
    assert not failures, "\n".join(failures[:20])
    assert {200, 201} <= statuses  # the fuzzing got past authentication and validation


def _unbounded_integers(schema: dict, components: dict, where: str, seen: frozenset[str]):
    """Every integer inside ``schema`` that carries no upper bound, by its path."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _unbounded_integers(components[name], components, where, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _unbounded_integers(part, components, where, seen)
    if schema.get("type") == "integer" and "maximum" not in schema:
        yield where
    for name, part in schema.get("properties", {}).items():
        yield from _unbounded_integers(part, components, f"{where}.{name}", seen)
    if "items" in schema:
        yield from _unbounded_integers(schema["items"], components, f"{where}[]", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        extra = schema["additionalProperties"]
        yield from _unbounded_integers(extra, components, f"{where}{{}}", seen)


def test_every_integer_the_api_accepts_is_bounded(client) -> None:
    """Found by the fuzzer on PostgreSQL: an identifier beyond 32 bits reached an integer
    column and was a 500 (SQLite took it). Every integer a caller sends must be bounded in
    the schema so validation answers 422 before the database sees it."""
    spec = client.app.openapi()
    components = spec["components"]["schemas"]
    unbounded: list[str] = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                named = f"{where} {parameter['name']}"
                unbounded += _unbounded_integers(
                    parameter["schema"], components, named, frozenset()
                )
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body = f"{where} body"
                unbounded += _unbounded_integers(content["schema"], components, body, frozenset())
    assert not unbounded, "\n".join(unbounded)


def test_an_identifier_beyond_32_bits_is_422_not_a_server_error(client, db: Session) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.province, Role.SUPERVISOR))
    listed = client.get(f"/api/v1/surveys/responses?customer_id={2**40}", headers=headers)
    assert listed.status_code == 422 and listed.json()["error"]["field"]
    body = {
        "questionnaire": "ecsi-telecom",
        "channel": "web",
        "customer_id": 2**40,
        "answers": {"SAT1": 8},
    }
    stored = client.post("/api/v1/surveys/responses", json=body, headers=headers)
    assert stored.status_code == 422 and "customer_id" in stored.json()["error"]["field"]


@pytest.mark.parametrize(
    "body", ['{"username": "\\u0000", "password": "x"}', b'{"username": "a\x00"}']
)
def test_a_nul_character_in_a_body_is_refused_not_a_server_error(client, body) -> None:
    """Found by schemathesis: PostgreSQL text cannot hold NUL, so it used to be a 500."""
    answer = client.post(
        "/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_characters"


def test_no_free_database_connection_is_429_with_retry_after(engine, settings, db) -> None:
    """Overload is not a server error: when every pooled connection stays busy past the
    pool's timeout, callers are told to retry (a PBX or gateway backs off)."""
    from fastapi.testclient import TestClient

    from kefu.app import create_app
    from kefu.core.db import make_engine, make_sessionmaker

    org = make_org(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    customer = make_customer(db, org.city)
    db.commit()
    url = engine.url.render_as_string(hide_password=False)
    tiny = make_engine(url, pool_size=1, pool_timeout=0.2)
    held = [tiny.connect(), tiny.connect()]  # the pool (1) and its overflow (1) are taken
    try:
        app = create_app(settings, make_sessionmaker(tiny))
        with TestClient(app, raise_server_exceptions=False) as client:
            answer = client.get(f"/api/v1/customers/{customer.id}", headers=agent)
        assert answer.status_code == 429 and answer.headers["Retry-After"] == "2"
        assert answer.json()["error"]["code"] == "too_many_requests"
    finally:
        for connection in held:
            connection.close()
        tiny.dispose()


def _patterns(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(_patterns(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_patterns(value) for value in node))
    return set()


def test_every_pattern_the_api_checks_is_put_in_words(client) -> None:
    """A format mismatch said only "not in the expected format"; each pattern now has its
    words in both languages, and a new pattern without them fails here."""
    from kefu.core.errors_http import PATTERN_HINTS
    from kefu.core.i18n import EN, ZH, gettext

    patterns = _patterns(client.app.openapi())
    assert patterns, "the schema lists the patterns it checks"
    assert patterns <= set(PATTERN_HINTS), patterns - set(PATTERN_HINTS)
    for hint in PATTERN_HINTS.values():
        assert gettext(EN, hint) != hint and gettext(ZH, hint) != hint, hint


def test_a_format_mismatch_says_what_is_expected(client, db: Session) -> None:
    org = make_org(db)
    headers = bearer(db, make_staff(db, org.province, Role.ADMIN))
    body = {"username": "Zhang San", "display_name": "张三", "role": "agent"}
    answers = {
        language: client.post(
            "/api/v1/staff", json=body, headers={**headers, "Accept-Language": language}
        ).json()["error"]
        for language in ("en", "zh-CN")
    }
    assert answers["en"]["code"] == answers["zh-CN"]["code"] == "validation_pattern"
    assert answers["en"]["message"] == (
        "“username” is not in the expected format: a lowercase letter, then 1 to 63 "
        "lowercase letters, digits, “_”, “.” or “-”."
    ), answers
    assert answers["zh-CN"]["message"].startswith("“username”格式不正确，应为小写字母开头")
