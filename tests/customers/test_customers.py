"""Customer 360 lookup, scope, masking and unmasking, records with history, tiers."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    add_spend,
    bearer,
    make_customer,
    make_org,
    make_package,
    make_staff,
    valid_id_number,
)
from kefu.core.audit import AuditLog
from kefu.core.clock import add_months, local_today, month_key
from kefu.core.idnumber import check_digit
from kefu.core.rbac import Role
from kefu.customers.models import Subscription

FORMS = [
    "13800138000",
    "+8613800138000",
    "0086 138 0013 8000",
    "+86-138-0013-8000",
    "(+86) 138 0013 8000",
    "86 13800138000",
    "138-0013-8000",
]


@pytest.fixture
def setup(db: Session):
    org = make_org(db)
    customer = make_customer(db, org.city)
    agent = make_staff(db, org.city, Role.AGENT)
    return org, customer, bearer(db, agent)


def test_every_form_of_a_number_gives_the_same_360(client, setup) -> None:
    _, customer, headers = setup
    answers = [
        client.get("/api/v1/customers/lookup", params={"phone": form}, headers=headers)
        for form in FORMS
    ]
    assert {a.status_code for a in answers} == {200}
    assert all(a.json() == answers[0].json() for a in answers)
    view = answers[0].json()
    assert view["profile"]["id"] == customer.id
    assert set(view) >= {
        "profile",
        "numbers",
        "balance_fen",
        "spend",
        "enterprise",
        "account_manager",
        "open_work_items",
        "recent_interactions",
        "flags",
    }
    assert len(view["spend"]) == 6


def test_agents_see_masked_personal_data(client, setup) -> None:
    _, _, headers = setup
    view = client.get(
        "/api/v1/customers/lookup", params={"phone": FORMS[0]}, headers=headers
    ).json()
    assert view["masked"] is True
    assert view["profile"]["name"] == "张**"
    assert view["numbers"][0]["msisdn"] == "138****8000"
    id_number = view["profile"]["id_number"]
    assert id_number[0] == "4" and set(id_number[1:-2]) == {"*"}


def test_back_office_sees_personal_data(client, db: Session, setup) -> None:
    org, _, _ = setup
    headers = bearer(db, make_staff(db, org.city, Role.BACK_OFFICE))
    view = client.get(
        "/api/v1/customers/lookup", params={"phone": FORMS[0]}, headers=headers
    ).json()
    assert view["masked"] is False and view["profile"]["name"] == "张伟"
    assert view["numbers"][0]["msisdn"] == "13800138000"


def test_invalid_and_unknown_numbers(client, setup) -> None:
    _, _, headers = setup
    bad = client.get("/api/v1/customers/lookup", params={"phone": "138-abc"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "phone"
    unknown = client.get(
        "/api/v1/customers/lookup",
        params={"phone": "139 0000 0001"},
        headers={**headers, "Accept-Language": "en"},
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "subscriber_not_found"
    assert "13900000001 is not a subscriber" in unknown.json()["error"]["message"]


def test_another_branch_is_out_of_scope(client, db: Session, setup) -> None:
    org, _, _ = setup
    headers = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    response = client.get("/api/v1/customers/lookup", params={"phone": FORMS[0]}, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "customer_out_of_scope"
    wider = bearer(
        db, make_staff(db, org.other_city, Role.AGENT, scope_org_unit_id=org.province.id)
    )
    assert (
        client.get(
            "/api/v1/customers/lookup", params={"phone": FORMS[0]}, headers=wider
        ).status_code
        == 200
    )


def test_unmask_needs_a_reason_and_is_audited(client, db: Session, setup) -> None:
    _, customer, headers = setup
    url = f"/api/v1/customers/{customer.id}/unmask"
    refused = client.post(url, json={"fields": ["name"], "reason": ""}, headers=headers)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "reason"
    shown = client.post(
        url,
        json={"fields": ["name", "phones", "id_number"], "reason": "来电人身份已核实"},
        headers=headers,
    )
    assert shown.status_code == 200
    assert shown.json()["name"] == "张伟" and shown.json()["phones"] == ["13800138000"]
    row = db.scalar(select(AuditLog).where(AuditLog.action == "customer.unmask"))
    assert row is not None and row.reason == "来电人身份已核实"
    assert row.entity_id == str(customer.id)


def test_customers_are_never_deleted(client, setup) -> None:
    _, customer, headers = setup
    response = client.delete(f"/api/v1/customers/{customer.id}", headers=headers)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "no_hard_delete"


def test_create_update_keeps_history_and_status_changes(client, db: Session) -> None:
    org = make_org(db)
    package = make_package(db)
    headers = bearer(db, make_staff(db, org.city, Role.ACCOUNT_MANAGER))
    body = {
        "name": "李娜",
        "id_number": valid_id_number("19850612", 222),
        "numbers": [
            {"msisdn": "+86 139 1234 5678", "brand": "gotone", "package_code": package.code}
        ],
    }
    created = client.post(
        "/api/v1/customers", json=body, headers={**headers, "Idempotency-Key": "k1"}
    )
    assert created.status_code == 201, created.text
    view = created.json()
    assert view["profile"]["gender"] == "female" and view["numbers"][0]["msisdn"] == "13912345678"
    url = f"/api/v1/customers/{view['profile']['id']}"
    etag = f'"{view["profile"]["version"]}"'
    changed = client.patch(
        url,
        json={"address": "广州市越秀区", "reason": "客户来电更新"},
        headers={**headers, "If-Match": etag},
    )
    assert changed.status_code == 200
    history = client.get(f"{url}/history", headers=headers).json()
    assert history[0]["changes"]["address"][1] == "广州市越秀区"
    frozen = client.post(
        f"{url}/status", json={"status": "frozen", "reason": "客户申请冻结"}, headers=headers
    )
    assert frozen.json()["profile"]["status"] == "frozen"
    cancelled = client.post(
        f"{url}/status", json={"status": "cancelled", "reason": "客户销户"}, headers=headers
    )
    assert {n["status"] for n in cancelled.json()["numbers"]} == {"cancelled"}, cancelled.text
    again = client.post(
        f"{url}/status", json={"status": "active", "reason": "恢复使用"}, headers=headers
    )
    assert again.status_code == 409
    taken = client.post("/api/v1/customers", json={**body, "name": "别人"}, headers=headers)
    assert taken.status_code == 201  # the number was freed by the cancellation


def test_a_live_number_cannot_be_opened_twice(client, db: Session, setup) -> None:
    org, _, _ = setup
    package = make_package(db)
    headers = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    body = {
        "name": "王芳",
        "numbers": [{"msisdn": "13800138000", "brand": "gotone", "package_code": package.code}],
    }
    response = client.post("/api/v1/customers", json=body, headers=headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "number_in_use"


def test_tier_follows_the_policy_until_overridden(client, db: Session, setup) -> None:
    org, customer, _ = setup
    subscription = db.scalar(select(Subscription).where(Subscription.customer_id == customer.id))
    last = add_months(month_key(local_today()), -1)
    add_spend(db, subscription.id, [add_months(last, -i) for i in range(12)], 45_000)
    headers = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    url = f"/api/v1/customers/{customer.id}/tier"
    back_to_policy = client.post(
        url, json={"tier": None, "reason": "按政策重新评估"}, headers=headers
    )
    assert back_to_policy.json()["profile"]["tier"] == "diamond"
    manual = client.post(url, json={"tier": "supreme", "reason": "重要客户特批"}, headers=headers)
    assert manual.json()["profile"]["tier"] == "supreme"
    assert manual.json()["profile"]["tier_source"] == "manual"
    history = client.get(f"/api/v1/customers/{customer.id}/tier-history", headers=headers).json()
    assert [h["to_tier"] for h in history[:2]] == ["supreme", "diamond"]
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    assert (
        client.post(url, json={"tier": "gold", "reason": "试试看"}, headers=agent).status_code
        == 403
    )


def test_search_by_name_phone_and_id(client, db: Session, setup) -> None:
    _, customer, headers = setup
    for q in ["张", "138 0013 8000", valid_id_number()]:
        page = client.get("/api/v1/customers", params={"q": q}, headers=headers).json()
        assert [item["id"] for item in page["items"]] == [customer.id], q


def _other_document(head: str, birth: str = "19800101", sequence: int = 357) -> str:
    first17 = f"{head}{birth}{sequence:03d}"
    return first17 + check_digit(first17)


def test_residents_of_hong_kong_and_foreigners_register_with_their_documents(
    client, db: Session
) -> None:
    """A Hong Kong resident living in Shenzhen holds a 港澳居民居住证 and a foreigner a
    permanent residence card: both were refused as invalid ID cards."""
    org = make_org(db)
    package = make_package(db)
    manager = bearer(db, make_staff(db, org.city, Role.ACCOUNT_MANAGER))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    permit, card = _other_document("810000"), _other_document("944840")
    for name, number, phone in [("陈大文", permit, "139 1234 0001"), ("SMITH JOHN", card, None)]:
        body = {
            "name": name,
            "id_number": number.lower(),
            "language": "en",
            "numbers": [{"msisdn": phone or "139 1234 0002", "brand": "gotone"}],
        }
        body["numbers"][0]["package_code"] = package.code
        created = client.post("/api/v1/customers", json=body, headers=manager)
        assert created.status_code == 201, created.text
        profile = created.json()["profile"]
        assert profile["id_number"] == number
    # the agent sees which document it is, not the number; a Latin name keeps its surname
    found = client.get("/api/v1/customers", params={"q": permit}, headers=agent).json()
    assert [(item["name"], item["id_kind"]) for item in found["items"]] == [
        ("陈**", "hong_kong_macao")
    ]
    page = client.get("/customers", params={"q": "陈"}, headers=agent).text
    assert '<span class="chip grey">港澳居民居住证</span>' in page
    org.city.name_en = "Guangzhou"
    db.commit()
    client.cookies.set("kefu_lang", "en")
    page = client.get("/customers", params={"q": "陈"}, headers=agent).text
    client.cookies.delete("kefu_lang")
    assert "Hong Kong/Macao residence permit" in page
    assert "<td>Guangzhou</td>" in page  # the branch in English too
    view = client.get(
        "/api/v1/customers/lookup", params={"phone": "13912340001"}, headers=agent
    ).json()
    assert view["profile"]["id_kind"] == "hong_kong_macao"
    assert view["profile"]["id_number"] == "8" + "*" * 15 + permit[-2:]
    view = client.get(
        "/api/v1/customers/lookup", params={"phone": "13912340002"}, headers=agent
    ).json()
    assert view["profile"]["id_kind"] == "foreign_permanent"
    assert view["profile"]["name"] == "SMITH **"
    # the card's 4th to 6th digits are its holder's nationality (840: the United States)
    assert view["profile"]["id_country"] == "US"
    page = client.get(f"/customers/{view['profile']['id']}", headers=agent).text
    assert "外国人永久居留身份证 · 美国" in page


def test_a_permanent_residence_card_keeps_the_nationality_its_number_gives(
    client, db: Session
) -> None:
    org = make_org(db)
    manager = bearer(db, make_staff(db, org.city, Role.ACCOUNT_MANAGER))
    card = _other_document("944276")  # a German's card, issued in Guangdong
    body = {"name": "MUELLER ANNA", "id_number": card}
    disagreeing = client.post(
        "/api/v1/customers",
        json=body | {"id_country": "AT"},
        headers={**manager, "Accept-Language": "en"},
    )
    assert disagreeing.status_code == 422
    assert disagreeing.json()["error"] == {
        "code": "id_country_mismatch",
        "field": "id_country",
        "message": "The permanent residence card's number gives the holder's nationality as DE.",
    }
    created = client.post("/api/v1/customers", json=body | {"id_country": "de"}, headers=manager)
    assert created.status_code == 201, created.text
    profile = created.json()["profile"]
    assert (profile["id_kind"], profile["id_country"]) == ("foreign_permanent", "DE")
    # She gave up the card for her passport: the passport's issuer is asked for.
    moved = client.patch(
        f"/api/v1/customers/{profile['id']}",
        json={"id_number": "C01X00T47", "id_kind": "passport", "reason": "改用护照登记"},
        headers={**manager, "If-Match": f'"{profile["version"]}"', "Accept-Language": "zh-CN"},
    )
    assert moved.status_code == 422
    assert moved.json()["error"]["code"] == "id_country_required"
    moved = client.patch(
        f"/api/v1/customers/{profile['id']}",
        json={"id_number": "C01X00T47", "id_kind": "passport", "id_country": "DE"},
        headers={**manager, "If-Match": f'"{profile["version"]}"'},
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["profile"]["id_kind"], moved.json()["profile"]["id_country"]) == (
        "passport",
        "DE",
    )


def test_a_permit_with_a_wrong_check_digit_is_refused_in_the_callers_language(
    client, db: Session
) -> None:
    org = make_org(db)
    manager = bearer(db, make_staff(db, org.city, Role.ACCOUNT_MANAGER))
    number = _other_document("820000")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    refused = client.post(
        "/api/v1/customers",
        json={"name": "何家豪", "id_number": wrong, "numbers": []},
        headers={**manager, "Accept-Language": "zh-CN"},
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "id_number_checksum" and error["field"] == "id_number"
    assert error["message"] == "证件号码校验位错误，请核对。"


def test_foreigners_register_by_passport_and_hong_kong_residents_by_home_return_permit(
    client, db: Session
) -> None:
    """Most foreigners hold no permanent residence card, and a Hong Kong resident may hold
    only a 回乡证: real-name registration takes both, and their numbers do not say which
    document they are, so the kind comes with the number."""
    org = make_org(db)
    package = make_package(db)
    manager = bearer(db, make_staff(db, org.city, Role.ACCOUNT_MANAGER))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    people = [
        ("BROWN EMMA", "e 1234567 8", "passport", "13912340011", "E12345678", " gb "),
        ("陈大文", "H12345678", "home_return", "13912340012", "H12345678", None),
        ("林志明", "53338000", "taiwan_travel", "13912340013", "53338000", None),
        # a British passport is 9 digits, and may begin as a phone number does
        ("TAYLOR JAMES", "107185703", "passport", "13912340014", "107185703", "GB"),
    ]
    for name, raw, kind, phone, number, country in people:
        body = {
            "name": name,
            "id_number": raw,
            "id_kind": kind,
            "id_country": country,
            "gender": "female",
            "numbers": [{"msisdn": phone, "brand": "gotone", "package_code": package.code}],
        }
        created = client.post("/api/v1/customers", json=body, headers=manager)
        assert created.status_code == 201, created.text
        profile = created.json()["profile"]
        assert (profile["id_number"], profile["id_kind"]) == (number, kind)
        assert profile["id_country"] == ("GB" if country else None)  # the passport's issuer
        assert profile["gender"] == "female" and profile["birth_date"] is None
    # the search box finds each by its number, the agent seeing the document, not the number
    for name, _, kind, _, number, _ in people:
        found = client.get("/api/v1/customers", params={"q": number.lower()}, headers=agent)
        assert [(i["id_kind"], i["id_number"]) for i in found.json()["items"]] == [
            (kind, number[0] + "*" * (len(number) - 3) + number[-2:])
        ], name
    page = client.get("/customers", params={"q": "E12345678"}, headers=agent).text
    assert '<span class="chip grey">护照 · 英国</span>' in page
    # a passport is kept with the country that issued it, and only a passport is
    refusals = [
        ({"id_kind": "passport", "id_number": "E7654321"}, "id_country_required"),
        (
            {"id_kind": "passport", "id_number": "E7654321", "id_country": "XX"},
            "id_country_unknown",
        ),
        (
            {"id_kind": "home_return", "id_number": "H76543210", "id_country": "GB"},
            "id_country_not_passport",
        ),
        ({"id_country": "GB"}, "id_number_needed"),
    ]
    for fields, code in refusals:
        refused = client.post("/api/v1/customers", json={"name": "X", **fields}, headers=manager)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == code, fields
    # a mistyped phone number is still called one, when no document has those digits
    for typed in ("1391234", "13912340", "0201234"):
        mistyped = client.get("/api/v1/customers", params={"q": typed}, headers=agent)
        assert mistyped.status_code == 422, typed
        assert mistyped.json()["error"]["code"] == "invalid_query"
    page = client.get("/customers", params={"q": "1391234"}, headers=agent).text
    assert "请输入手机号、证件号码或姓名进行查找。" in page
    # an identity number no one holds finds no one (it is no mistyped phone number)
    first17 = "11010119900307123"  # Beijing's: led by a 1, as a phone number is
    beijing = client.get(
        "/api/v1/customers", params={"q": first17 + check_digit(first17)}, headers=agent
    )
    assert beijing.status_code == 200 and beijing.json()["total"] == 0


def test_a_document_kind_is_corrected_against_the_number_on_record(client, db: Session) -> None:
    """An agent who took a Taiwan resident's 8-digit permit for a passport corrects the
    kind alone; a kind the number cannot be is refused; clearing the number clears both."""
    org = make_org(db)
    manager = bearer(db, make_staff(db, org.city, Role.ACCOUNT_MANAGER))
    created = client.post(
        "/api/v1/customers",
        json={"name": "林志明", "id_number": "53338000", "id_kind": "passport", "id_country": "US"},
        headers=manager,
    ).json()["profile"]
    url = f"/api/v1/customers/{created['id']}"

    def edit(body: dict, version: int):  # type: ignore[no-untyped-def]
        return client.patch(url, json=body, headers={**manager, "If-Match": f'"{version}"'})

    corrected = edit({"id_kind": "taiwan_travel", "reason": "证件类型录错"}, created["version"])
    assert corrected.status_code == 200, corrected.text
    profile = corrected.json()["profile"]
    assert (profile["id_number"], profile["id_kind"]) == ("53338000", "taiwan_travel")
    assert profile["id_country"] is None  # a travel permit carries no issuing country
    refused = edit({"id_kind": "home_return"}, profile["version"])
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "id_number_home_return",
        "field": "id_number",
        "message": "港澳居民来往内地通行证号码应为 H 或 M 加 8 位数字（含换证次数为 10 位）。",
    }
    history = client.get(f"{url}/history", headers=manager).json()
    assert history[0]["changes"]["id_kind"] == ["passport", "taiwan_travel"]
    cleared = edit({"id_number": None}, profile["version"]).json()["profile"]
    assert (cleared["id_number"], cleared["id_kind"]) == (None, None)
    needs_number = edit({"id_kind": "passport"}, cleared["version"])
    assert needs_number.json()["error"]["code"] == "id_number_needed"
    # a resident's card number with another 18-character kind is refused, in Chinese too
    mismatch = client.post(
        "/api/v1/customers",
        json={"name": "张伟", "id_number": "440104199003071239", "id_kind": "taiwan"},
        headers={**manager, "Accept-Language": "zh-CN"},
    ).json()["error"]
    assert mismatch == {
        "code": "id_kind_mismatch",
        "field": "id_kind",
        "message": "该号码与所选的证件类型不符。",
    }


def test_a_passport_holder_gives_a_new_passport_number_alone(client, db: Session) -> None:
    """A renewed passport has a new number: the kind and country on record stand."""
    org = make_org(db)
    manager = bearer(db, make_staff(db, org.city, Role.ACCOUNT_MANAGER))
    body = {"name": "BROWN EMMA", "id_number": "533380006", "id_kind": "passport"}
    created = client.post("/api/v1/customers", json=body | {"id_country": "gb"}, headers=manager)
    profile = created.json()["profile"]
    renewed = client.patch(
        f"/api/v1/customers/{profile['id']}",
        json={"id_number": "125349802", "reason": "护照换发"},
        headers={**manager, "If-Match": f'"{profile["version"]}"'},
    )
    assert renewed.status_code == 200, renewed.text
    after = renewed.json()["profile"]
    assert (after["id_number"], after["id_kind"], after["id_country"]) == (
        "125349802",
        "passport",
        "GB",
    )
