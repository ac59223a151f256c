"""Keeping the taxonomy: reply templates reworded and retired with If-Match, and a
retired branch taking no new orders by any way in."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_customer, make_org, make_staff
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.customers.enums import Gender
from kefu.workorders.category_tree import category_tree
from kefu.workorders.models import ReplyTemplate


@pytest.fixture
def desk(db: Session):
    org = make_org(db)
    cats = make_categories(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    db.commit()
    return cats, admin, agent


def _template(client, admin: dict[str, str], category_id: int) -> dict:
    made = client.post(
        f"/api/v1/order-categories/{category_id}/templates",
        json={"title": "退还扣费", "body": "尊敬的{customer_name}：已退还{amount}元。"},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    body: dict = made.json()
    assert body["active"] is True and body["version"] == 1
    return body


def _leaf(tree: list[dict], category_id: int) -> dict | None:
    for node in tree:
        if node["id"] == category_id:
            return node
        found = _leaf(node["children"], category_id)
        if found is not None:
            return found
    return None


def test_a_template_is_reworded_with_if_match(client, db: Session, desk) -> None:
    cats, admin, _ = desk
    template = _template(client, admin, cats.unknown_charge.id)
    url = f"/api/v1/order-templates/{template['id']}"
    change = {"title": "退还不明扣费", "body": "尊敬的{customer_name}：已核实并退还{amount}元。"}

    assert client.patch(url, json=change, headers=admin).status_code == 428
    edited = client.patch(url, json=change, headers=admin | {"If-Match": '"1"'})
    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] == '"2"'
    assert edited.json() | change == edited.json() and edited.json()["version"] == 2
    stale = client.patch(url, json={"title": "x"}, headers=admin | {"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert db.get(ReplyTemplate, template["id"]).title == "退还不明扣费"  # type: ignore[union-attr]
    logged = db.scalars(select(AuditLog.details).where(AuditLog.action == "template.update")).one()
    assert json.loads(logged)["title"] == ["退还扣费", "退还不明扣费"]


def test_a_retired_template_is_kept_but_no_longer_offered(client, desk) -> None:
    cats, admin, agent = desk
    template = _template(client, admin, cats.unknown_charge.id)
    url = f"/api/v1/order-templates/{template['id']}"
    retired = client.patch(url, json={"active": False}, headers=admin | {"If-Match": '"1"'})
    assert retired.status_code == 200 and retired.json()["active"] is False

    offered = _leaf(
        client.get("/api/v1/order-categories", headers=agent).json(), cats.unknown_charge.id
    )
    assert offered is not None and offered["templates"] == []
    everything = client.get(
        "/api/v1/order-categories", params={"include_inactive": True}, headers=admin
    ).json()
    kept = _leaf(everything, cats.unknown_charge.id)
    assert kept is not None and [t["active"] for t in kept["templates"]] == [False]

    back = client.patch(url, json={"active": True}, headers=admin | {"If-Match": '"2"'})
    assert back.json()["active"] is True and back.json()["version"] == 3


def test_template_edits_are_refused_clearly(client, desk) -> None:
    cats, admin, agent = desk
    template = _template(client, admin, cats.unknown_charge.id)
    url = f"/api/v1/order-templates/{template['id']}"
    version = {"If-Match": '"1"'}
    assert client.patch(url, json={"title": "x"}, headers=agent | version).status_code == 403
    missing = client.patch("/api/v1/order-templates/999999", json={}, headers=admin | version)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "template_not_found"
    english = admin | version | {"Accept-Language": "en"}
    empty = client.patch(url, json={"body": "  "}, headers=english)
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "body", empty.text
    unknown = client.patch(url, json={"subject": "x"}, headers=english)
    assert unknown.status_code == 422
    huge = client.patch("/api/v1/order-templates/1" + "0" * 30, json={}, headers=admin | version)
    assert huge.status_code == 422


def test_a_retired_branch_takes_no_new_orders(client, db: Session, desk) -> None:
    cats, admin, agent = desk
    complain(client, agent, cats.unknown_charge.id)  # the tree is read and kept
    top = f"/api/v1/order-categories/{cats.billing.id}"
    version = {"If-Match": f'"{cats.billing.version}"'}
    retired = client.patch(top, json={"active": False}, headers=admin | version)
    assert retired.status_code == 200, retired.text

    body = {
        "type": "complaint",
        "category_id": cats.unknown_charge.id,
        "contact_phone": "13800138000",
    }
    refused = client.post("/api/v1/work-orders", json=body | {"subject": "扣费"}, headers=agent)
    assert refused.status_code == 404
    assert refused.json()["error"] | {"field": "category_id"} == refused.json()["error"]
    outlook = client.post("/api/v1/work-orders/intake-check", json=body, headers=agent)
    assert outlook.status_code == 404
    tree = category_tree(db)
    leaf = tree.get(cats.unknown_charge.id)
    assert leaf is not None and leaf.active and not tree.in_use(leaf)
    assert tree.leaf_in_use(leaf.code) is None
    assert tree.leaf_in_use(cats.indoor.code) is not None  # another branch is untouched

    back = {"If-Match": f'"{retired.json()["version"]}"'}
    assert client.patch(top, json={"active": True}, headers=admin | back).status_code == 200
    complain(client, agent, cats.unknown_charge.id)


def test_a_category_above_the_leaves_takes_no_orders_by_code(db: Session, desk) -> None:
    cats, _, _ = desk
    tree = category_tree(db)
    assert tree.leaf_in_use(cats.dispute.code) is None  # it has leaves under it
    assert tree.leaf_in_use("no.such.code") is None
    assert tree.leaf_in_use(cats.roaming_charge.code) == tree.get(cats.roaming_charge.id)


def test_a_category_keeps_its_script_in_english(client, desk) -> None:
    cats, admin, agent = desk
    made = client.post(
        "/api/v1/order-categories",
        json={
            "code": "billing.dispute.data",
            "name": "流量费争议",
            "parent_id": cats.dispute.id,
            "script": "请客户说明流量使用时间",
            "script_en": "Ask when the data was used.",
        },
        headers=admin,
    )
    assert made.status_code == 201, made.text
    assert made.json()["script_en"] == "Ask when the data was used."
    url = f"/api/v1/order-categories/{made.json()['id']}"
    change = {"script_en": "Ask when and where the data was used."}
    version = {"If-Match": f'"{made.json()["version"]}"'}
    edited = client.patch(url, json=change, headers=admin | version)
    assert edited.status_code == 200, edited.text
    assert edited.json()["script_en"] == change["script_en"]
    assert edited.json()["script"] == "请客户说明流量使用时间"  # the Chinese one stays
    shown = _leaf(client.get("/api/v1/order-categories", headers=agent).json(), made.json()["id"])
    assert shown is not None and shown["script_en"] == change["script_en"]


def test_a_category_moves_among_its_siblings(client, db: Session, desk) -> None:
    cats, admin, agent = desk
    url = f"/api/v1/order-categories/{cats.roaming_charge.id}/move"

    def leaves_of_dispute() -> list[int]:
        tree = client.get("/api/v1/order-categories", headers=agent).json()
        dispute = _leaf(tree, cats.dispute.id)
        assert dispute is not None
        return [c["id"] for c in dispute["children"]]

    assert leaves_of_dispute() == [cats.unknown_charge.id, cats.roaming_charge.id]
    version = {"If-Match": f'"{cats.roaming_charge.version}"'}
    assert client.post(url, json={"direction": "up"}, headers=agent | version).status_code == 403
    moved = client.post(url, json={"direction": "up"}, headers=admin | version)
    assert moved.status_code == 200, moved.text
    assert leaves_of_dispute() == [cats.roaming_charge.id, cats.unknown_charge.id]

    stale = client.post(url, json={"direction": "down"}, headers=admin | version)
    assert stale.status_code == 409
    now = {"If-Match": f'"{moved.json()["version"]}"'}
    first = client.post(
        url, json={"direction": "up"}, headers=admin | now | {"Accept-Language": "en"}
    )
    assert first.status_code == 422 and first.json()["error"]["code"] == "category_first"
    assert first.json()["error"]["message"] == "It is already the first of its level."
    sideways = client.post(url, json={"direction": "left"}, headers=admin | now)
    assert sideways.status_code == 422 and sideways.json()["error"]["field"] == "direction"
    logged = db.scalars(select(AuditLog.details).where(AuditLog.action == "category.move")).one()
    assert json.loads(logged) == {"place": [2, 1], "of": 2}


def test_a_category_and_a_template_are_created_once_per_key(client, db: Session, desk) -> None:
    cats, admin, _ = desk
    body = {"code": "billing.dispute.sms", "name": "短信费争议", "parent_id": cats.dispute.id}
    keyed = admin | {"Idempotency-Key": "cat-1"}
    first = client.post("/api/v1/order-categories", json=body, headers=keyed)
    again = client.post("/api/v1/order-categories", json=body, headers=keyed)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    other = client.post("/api/v1/order-categories", json=body | {"name": "别的"}, headers=keyed)
    assert other.status_code == 422  # the same key with another body
    url = f"/api/v1/order-categories/{first.json()['id']}/templates"
    reply = {"title": "退还短信费", "body": "已退还{amount}元。"}
    keyed = admin | {"Idempotency-Key": "tpl-1"}
    made = client.post(url, json=reply, headers=keyed)
    assert client.post(url, json=reply, headers=keyed).json() == made.json()
    elsewhere = f"/api/v1/order-categories/{cats.roaming_charge.id}/templates"
    assert client.post(elsewhere, json=reply, headers=keyed).status_code == 201  # its own key
    titles = db.scalars(select(ReplyTemplate.title).where(ReplyTemplate.title == "退还短信费"))
    assert len(list(titles)) == 2  # one per category, not one per request


def test_a_code_longer_than_its_column_is_422(client, desk) -> None:
    # Found by the API's fuzz test: 65 characters reached PostgreSQL's varchar(64), a 500.
    _, admin, _ = desk
    body = {"code": "a" * 65, "name": "过长编码"}
    answer = client.post("/api/v1/order-categories", json=body, headers=admin)
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "code"


def test_an_english_speaker_is_offered_the_english_replies_first(client, db: Session) -> None:
    """Templates say whom they answer; an order's reply form offers its customer's
    language first, filled in that language, and the other after."""
    org = make_org(db)
    cats = make_categories(db)
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    expat = make_customer(
        db, org.city, "+8613900139000", name="John Smith", language="en", gender=Gender.MALE
    )
    local = make_customer(db, org.city, "+8613700137000", name="王芳", gender=Gender.FEMALE)
    db.commit()
    url = f"/api/v1/order-categories/{cats.unknown_charge.id}/templates"
    chinese = {"title": "退还扣费", "body": "尊敬的{customer_name}：已退还{amount}元，{due}到账。"}
    english = {
        "title": "Refunded",
        "body": "Dear {customer_name}, {amount} yuan is refunded by {due}.",
        "language": "en",
    }
    assert client.post(url, json=chinese, headers=admin).json()["language"] == "zh-CN"
    made = client.post(url, json=english, headers=admin)
    assert made.status_code == 201 and made.json()["language"] == "en"
    other = client.post(url, json=english | {"language": "fr"}, headers=admin)
    assert other.status_code == 422 and other.json()["error"]["field"] == "language"

    def reply_options(customer_id: int, phone: str, name: str) -> str:
        body = {
            "type": "complaint",
            "category_id": cats.unknown_charge.id,
            "customer_id": customer_id,
            "contact_phone": phone,
            "contact_name": name,
            "subject": "charge",
        }
        order = client.post("/api/v1/work-orders", json=body, headers=agent).json()
        client.post(
            f"/api/v1/work-orders/{order['id']}/accept",
            json={},
            headers=agent | {"If-Match": f'"{order["version"]}"'},
        )
        page = client.get(f"/orders/{order['id']}", headers=agent).text
        return page.split('class="template-pick"', 1)[1].split("</select>", 1)[0]

    for_expat = reply_options(expat.id, "13900139000", expat.name)
    assert for_expat.index('label="英文答复"') < for_expat.index('label="中文答复"')
    in_english = for_expat.split('label="英文答复"', 1)[1].split("</optgroup>", 1)[0]
    # addressed by surname and honorific, as on the masked page, never by the full name
    assert "Dear Mr Smith, {amount} yuan is refunded by " in in_english
    assert "{due}" not in in_english and "月" not in in_english  # the due date in English
    for_local = reply_options(local.id, "13700137000", local.name)
    assert for_local.index('label="中文答复"') < for_local.index('label="英文答复"')
    assert "尊敬的王女士：已退还{amount}元" in for_local and "王芳" not in for_local
