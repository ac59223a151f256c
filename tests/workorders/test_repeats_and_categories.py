"""Repeat-complaint control, the monthly repeat rate, the taxonomy and its admin API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from conftest import BACKENDS, own_database
from factories import bearer, complain, make_categories, make_org, make_staff
from kefu.core.audit import AuditLog
from kefu.core.base import utcnow
from kefu.core.clock import local_today
from kefu.core.rbac import Role
from kefu.demo.defaults import load_defaults
from kefu.workorders.enums import TRANSITIONS, Action, OrderStatus, OrderType, next_status
from kefu.workorders.models import Category, ReplyTemplate, WorkOrder
from kefu.workorders.shipped_content import complete_shipped_content
from kefu.workorders.taxonomy import DEFAULT_TREE, ensure_default_categories
from kefu.workorders.taxonomy_replies import DEFAULT_REPLIES, ENGLISH_SCRIPTS
from kefu.workorders.taxonomy_replies_en import ENGLISH_REPLIES
from kefu.workorders.templates import PLACEHOLDER, fill_template


@pytest.fixture
def desk(db: Session):
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    return org, cats, agent, supervisor


def test_the_same_number_on_the_same_problem_is_a_repeat(client, desk) -> None:
    _, cats, agent, _ = desk
    first = complain(client, agent, cats.unknown_charge.id)
    # another leaf of the same level-2 branch (费用争议), the number written differently
    second = complain(client, agent, cats.roaming_charge.id, phone="+86 138 0013 8000")
    other_problem = complain(client, agent, cats.indoor.id)
    other_number = complain(client, agent, cats.unknown_charge.id, phone="13900139000")
    question = complain(client, agent, cats.unknown_charge.id, kind="consultation")

    assert first["is_repeat"] is False
    assert second["is_repeat"] is True
    assert second["repeats"] == [first["number"]]
    assert second["priority"] == first["priority"] + 1
    assert any(e["kind"] == "repeat" for e in second["events"])
    assert other_problem["is_repeat"] is False
    assert other_number["is_repeat"] is False
    assert question["is_repeat"] is False

    third = complain(client, agent, cats.unknown_charge.id)
    assert third["repeats"] == [first["number"], second["number"]]
    queue = client.get("/api/v1/work-orders", params={"repeat": True}, headers=agent).json()
    assert {row["number"] for row in queue["items"]} == {second["number"], third["number"]}


def test_a_complaint_outside_the_window_is_not_a_repeat(client, db: Session, desk) -> None:
    _, cats, agent, _ = desk
    old = complain(client, agent, cats.unknown_charge.id)
    db.get(WorkOrder, old["id"]).created_at = utcnow() - timedelta(days=31)
    db.commit()
    assert complain(client, agent, cats.unknown_charge.id)["is_repeat"] is False


def test_the_monthly_repeat_rate_by_unit_and_by_category(client, desk) -> None:
    org, cats, agent, supervisor = desk
    chased = complain(client, agent, cats.unknown_charge.id)
    complain(client, agent, cats.roaming_charge.id)  # repeat
    complain(client, agent, cats.indoor.id)
    question = complain(client, agent, cats.indoor.id, kind="consultation")  # no complaint
    for order in (chased, chased, question):  # twice is still one complaint chased
        urged = client.post(f"/api/v1/work-orders/{order['id']}/urge", json={}, headers=agent)
        assert urged.status_code == 201
    month = local_today().strftime("%Y-%m")
    by_unit = client.get(
        "/api/v1/work-orders/repeat-rate", params={"month": month}, headers=supervisor
    ).json()
    assert (by_unit["complaints"], by_unit["repeats"], by_unit["rate"]) == (3, 1, 0.3333)
    assert (by_unit["chased"], by_unit["chase_rate"]) == (1, 0.3333)
    assert by_unit["rows"][0]["key_id"] == org.city.id
    assert by_unit["rows"][0]["key_name_en"] == org.city.name_en
    by_category = client.get(
        "/api/v1/work-orders/repeat-rate",
        params={"month": month, "by": "category"},
        headers=supervisor,
    ).json()
    rows = {
        row["key_name"]: (row["complaints"], row["repeats"], row["chased"])
        for row in by_category["rows"]
    }
    assert rows == {"费用争议": (2, 1, 1), "信号覆盖": (1, 0, 0)}
    english = {row["key_name"]: row["key_name_en"] for row in by_category["rows"]}
    assert english == {"费用争议": "Disputed charges", "信号覆盖": "Coverage"}
    for month in ("2026-13", "0001-01", "9999-12"):  # the last two were 500s
        bad = client.get(
            "/api/v1/work-orders/repeat-rate", params={"month": month}, headers=supervisor
        )
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_month"


def test_the_default_taxonomy_loads_once_in_three_levels(db: Session) -> None:
    added = ensure_default_categories(db)
    assert added == db.query(Category).count() > 50
    assert ensure_default_categories(db) == 0
    leaves = [c for c in db.query(Category) if c.level == 3]
    assert {c.code for c in leaves} >= {
        "network.coverage.indoor",
        "billing.dispute.unknown",
        "vas.sp.unconsented",
        "service.attitude.hotline",
    }
    assert all(c.path.count("/") == c.level + 1 for c in db.query(Category))
    assert len(DEFAULT_TREE) >= 8
    # Each category an order is filed under carries its script and a reply (point 2).
    replied = {t.category_id for t in db.query(ReplyTemplate)}
    assert all(c.script and c.id in replied for c in leaves), [
        c.code for c in leaves if not (c.script and c.id in replied)
    ]
    assert set(DEFAULT_REPLIES) == {c.code for c in leaves}  # no reply for a missing code
    # … and its script in English, for agents working in English.
    assert all(c.script_en for c in leaves), [c.code for c in leaves if not c.script_en]
    assert set(ENGLISH_SCRIPTS) == {c.script for c in db.query(Category) if c.script}


def test_a_center_made_earlier_gets_what_was_shipped_since_where_it_is_still_shipped(
    client, db: Session
) -> None:
    """English scripts, scripts shipped later and reply templates reach an upgraded
    center; what its admins made their own stays theirs, and a second upgrade adds nothing."""
    ensure_default_categories(db)
    by_code = {c.code: c for c in db.query(Category)}
    # How a center from before the English scripts and the later scripts and replies looks:
    for category in by_code.values():
        category.script_en = ""
    indoor, edited, own = (
        by_code[code]
        for code in ("network.coverage.indoor", "billing.dispute.unknown", "vas.sp.unconsented")
    )
    indoor.script = edited.script = ""  # shipped later
    own.script = "本中心自己的受理脚本"
    hotline = by_code["service.attitude.hotline"]
    for template in db.query(ReplyTemplate).filter(ReplyTemplate.category_id == indoor.id):
        db.delete(template)  # shipped later
    for template in db.query(ReplyTemplate).filter(ReplyTemplate.category_id == hotline.id):
        template.active = False  # retired by the center
    for template in db.query(ReplyTemplate).filter(ReplyTemplate.language == "en"):
        db.delete(template)  # shipped later
    db.commit()
    # An admin renames the leaf that has no script: it is the center's own now.
    admin = bearer(db, make_staff(db, make_org(db).province, Role.ADMIN))
    renamed = client.patch(
        f"/api/v1/order-categories/{edited.id}",
        json={"name": "不明扣费（本中心）"},
        headers=admin | {"If-Match": f'"{edited.version}"'},
    )
    assert renamed.status_code == 200, renamed.text

    given_now = complete_shipped_content(db)
    db.commit()
    db.expire_all()
    assert indoor.script and indoor.script_en == ENGLISH_SCRIPTS[indoor.script]
    assert "network.coverage.indoor" in given_now.scripts
    assert edited.script == edited.script_en == ""
    assert own.script == "本中心自己的受理脚本" and own.script_en == ""
    # The replies shipped later: in both languages where there were none; in English where
    # the shipped Chinese ones are still offered (not for the retired hotline replies).
    english = {f"{code}:en" for code in DEFAULT_REPLIES} - {f"{hotline.code}:en"}
    assert set(given_now.replies) == english | {"network.coverage.indoor:zh-CN"}
    restored = db.query(ReplyTemplate).filter(ReplyTemplate.category_id == indoor.id).all()
    assert [(t.title, t.language) for t in restored] == [
        *((title, "zh-CN") for title, _ in DEFAULT_REPLIES[indoor.code]),
        *((title, "en") for title, _ in ENGLISH_REPLIES[indoor.code]),
    ]
    held = db.query(ReplyTemplate).filter(ReplyTemplate.category_id == hotline.id).all()
    assert {t.language for t in held} == {"zh-CN"}
    assert not any(
        t.active for t in db.query(ReplyTemplate).filter(ReplyTemplate.category_id == hotline.id)
    )
    untouched = [c for c in by_code.values() if c.script and c not in (own,)]
    assert all(c.script_en == ENGLISH_SCRIPTS[c.script] for c in untouched)
    upgraded = db.query(AuditLog).filter(AuditLog.action == "category.shipped_content").one()
    assert upgraded.actor_name == "kefu db upgrade"
    assert not complete_shipped_content(db)  # the next upgrade: nothing more


@pytest.fixture(params=BACKENDS)
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with own_database(request, tmp_path, "upgrade") as engine:
        yield engine


def test_every_upgrade_gives_an_earlier_center_the_shipped_content(own_engine: Engine) -> None:
    """``kefu db upgrade`` loads the defaults after the migrations; on a center from
    before the English scripts it fills them in, once."""
    assert load_defaults(own_engine)[0].endswith("default work-order categories loaded")
    with own_engine.begin() as connection:
        connection.execute(update(Category).values(script_en=""))
        scripted = connection.scalar(select(func.count()).where(Category.script != ""))
    assert load_defaults(own_engine) == [
        f"shipped call scripts given to {scripted} categories, reply templates to 0"
    ]
    assert load_defaults(own_engine) == []


def test_the_shipped_replies_leave_only_blanks_an_agent_can_fill() -> None:
    # {order_number}, {customer_name} and {due} come from the order; the rest are facts the
    # agent writes in. A misspelt name would stay blank for ever, and block the reply.
    agents_blanks = {
        "address", "amount", "channel", "date", "email", "gift", "item", "line", "month",
        "place", "rate", "reason", "result", "speed", "store", "terms", "time",
        "refund",  # the order's own, once a refund is approved: until then a blank
    }  # fmt: skip
    order = WorkOrder(number="WO20261122-000001", contact_name="张先生")
    order.resolve_due_at = utcnow()
    for code, replies in DEFAULT_REPLIES.items():
        for title, body in replies:
            left = set(PLACEHOLDER.findall(fill_template(body, order=order)))
            assert left <= agents_blanks, (code, title, left - agents_blanks)
            assert "{" not in PLACEHOLDER.sub("", body), (code, title)  # no stray brace
    # The English replies say the same: every code, every reply, the same blanks.
    assert list(ENGLISH_REPLIES) == list(DEFAULT_REPLIES)
    for code, replies in ENGLISH_REPLIES.items():
        assert len(replies) == len(DEFAULT_REPLIES[code]), code
        for (title, body), (_, chinese) in zip(replies, DEFAULT_REPLIES[code], strict=True):
            assert set(PLACEHOLDER.findall(body)) == set(PLACEHOLDER.findall(chinese)), title
            assert "{" not in PLACEHOLDER.sub("", body), (code, title)
            filled = fill_template(body, order=order, language="en")
            assert not re.search(r"[\u4e00-\u9fff]", filled.replace("张先生", "")), filled


def test_admins_edit_the_taxonomy(client, db: Session, desk) -> None:
    org, cats, agent, _ = desk
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    complain(client, agent, cats.unknown_charge.id)  # the tree is read and kept
    created = client.post(
        "/api/v1/order-categories",
        json={"code": "billing.dispute.data", "name": "流量费争议", "parent_id": cats.dispute.id},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    node = created.json()
    assert node["level"] == 3
    # The new leaf takes orders at once: the kept tree was emptied by the change.
    filed = complain(client, agent, node["id"], phone="13900139000")
    assert filed["category"]["path_names"] == ["计费账务", "费用争议", "流量费争议"]
    too_deep = client.post(
        "/api/v1/order-categories",
        json={"code": "billing.dispute.data.x", "name": "更细", "parent_id": node["id"]},
        headers=admin,
    )
    assert too_deep.status_code == 422
    url = f"/api/v1/order-categories/{node['id']}"
    renamed = client.patch(
        url,
        json={"script": "请客户说明流量使用时间"},
        headers=admin | {"If-Match": f'"{node["version"]}"'},
    )
    assert renamed.json()["script"] == "请客户说明流量使用时间"
    stale = client.patch(
        url, json={"name": "x"}, headers=admin | {"If-Match": f'"{node["version"]}"'}
    )
    assert stale.status_code == 409
    template = client.post(
        f"{url}/templates",
        json={"title": "退还流量费", "body": "尊敬的{customer_name}：已退还{amount}元。"},
        headers=admin,
    )
    assert template.status_code == 201
    assert client.post("/api/v1/order-categories", json={}, headers=agent).status_code == 403
    tree = client.get("/api/v1/order-categories", headers=agent).json()
    billing = next(n for n in tree if n["id"] == cats.billing.id)
    leaf = next(c for c in billing["children"][0]["children"] if c["id"] == node["id"])
    assert leaf["templates"][0]["title"] == "退还流量费"


@given(
    order_type=st.sampled_from(list(OrderType)),
    actions=st.lists(st.sampled_from(list(Action)), max_size=30),
)
def test_no_path_through_the_lifecycle_breaks_its_rules(order_type, actions) -> None:
    """Whatever people click: cancelled is final, and a complaint closes only by a visit
    (or together with its incident, when the incident is resolved)."""
    status = OrderStatus.NEW
    for action in actions:
        target = next_status(action, status, order_type)
        if target is None:
            assert (action, status) not in TRANSITIONS or (
                status == OrderStatus.REPLIED and action is Action.CLOSE
            )
            continue
        assert status != OrderStatus.CANCELLED
        if target == OrderStatus.CLOSED and order_type == OrderType.COMPLAINT:
            assert action in (Action.VISIT, Action.INCIDENT_CLOSE)
        status = target
    open_states = set(OrderStatus) - {OrderStatus.CANCELLED}
    for state in open_states:  # nothing gets stuck: every open state has a way on
        assert any(next_status(a, state, order_type) for a in Action)
