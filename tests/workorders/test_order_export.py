"""Work-order export: its own right, a reason, the caller's scope and a period, masking
like the screen, cells that never run as formulas, and the audit row."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    bearer,
    complain,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    make_team,
)
from kefu.billing.boss import KefuBilling
from kefu.billing.credits import credit
from kefu.core.audit import AuditLog
from kefu.core.clock import local_today
from kefu.core.rbac import Right, Role
from kefu.org.deps import principal_for
from kefu.workorders import export
from kefu.workorders.models import ReturnVisit
from kefu.workorders.schemas import OrderExportRequest

REASON = "本月投诉处理情况通报"
URL = "/api/v1/work-orders/export"


@pytest.fixture
def desk(client, db: Session) -> dict:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT, display_name="陈晓"))
    elsewhere = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    first = complain(client, agent, cats.unknown_charge.id, "13800138000", subject="多扣了彩铃费")
    again = complain(client, agent, cats.unknown_charge.id, "13800138000", subject="又扣了")
    formula = complain(client, agent, cats.indoor.id, "13900139000", subject="=HYPERLINK(1)")
    complain(client, elsewhere, cats.indoor.id, "13700137000", subject="另一个城市")
    return {"org": org, "cats": cats, "agent": agent, "orders": [first, again, formula]}


def _today() -> dict[str, str]:
    day = local_today().isoformat()
    return {"created_from": day, "created_to": day}


def test_a_supervisor_exports_the_branchs_orders_masked_and_audited(
    client, db: Session, desk
) -> None:
    supervisor = make_staff(db, desk["org"].city, Role.SUPERVISOR)
    first_id = desk["orders"][0]["id"]
    chased = client.post(f"/api/v1/work-orders/{first_id}/urge", json={}, headers=desk["agent"])
    assert chased.status_code == 201
    bill = ("账单.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    attached = client.post(
        f"/api/v1/work-orders/{first_id}/attachments", files={"file": bill}, headers=desk["agent"]
    )
    assert attached.status_code == 201, attached.text
    make_customer(db, desk["org"].city)  # 13800138000 is a live subscriber: it can be credited
    _refund_credited(client, db, first_id, desk["agent"], bearer(db, supervisor))
    _ask_teams(client, db, desk, first_id)
    progress = f"/api/v1/work-orders/{first_id}/progress"
    for said in ("计费部门正在核实扣费明细。", "已核实，退费30.50元已到账。"):
        assert client.post(progress, json={"text": said}, headers=desk["agent"]).status_code == 201
    pressed = client.post(
        f"/api/v1/work-orders/{first_id}/supervise",
        json={"note": "请今天内回复客户"},
        headers=bearer(db, supervisor),
    )
    assert pressed.status_code == 201, pressed.text
    answer = client.post(URL, json={"reason": REASON, **_today()}, headers=bearer(db, supervisor))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:5] == ["工单号", "创建", "类型", "分类", "主题"]
    numbers = [row[0] for row in rows]
    assert numbers == [order["number"] for order in desk["orders"]]  # not the other city's
    first, again, formula = rows
    assert first[3] == "计费账务 › 费用争议 › 不明扣费" and first[2] == "投诉"
    assert (first[8], again[8]) == ("否", "是")  # the second is a repeat complaint
    callback = header.index("回访号码")
    assert first[callback] == "138****8000"  # masked as on screen
    assert header[callback - 1] == "受理人" and first[callback - 1] == "陈晓"  # 首问
    assert formula[4] == "'=HYPERLINK(1)"  # shown as typed, never run
    chased_at = header.index("催办次数")
    assert header[chased_at : chased_at + 2] == ["催办次数", "附件数"]
    kept = slice(chased_at, chased_at + 2)
    assert (first[kept], again[kept]) == ([1, 1], [0, 0])  # chased once, one file kept
    passed = header.index("越级/转办来源")
    assert header[passed : passed + 2] == ["越级/转办来源", "申诉编号"]
    assert first[passed : passed + 2] == [None, None]  # the customer's own: nobody passed it on
    refunded = header.index("已退费（元）")
    assert (first[refunded], again[refunded]) == (30.5, None)  # what reached the account
    asked = header.index("协办班组")
    assert (first[asked], again[asked]) == ("网络优化中心", None)  # the one taken back left out
    told = header.index("进度告知次数")
    assert header[told + 1] == "最近告知时间"
    assert (first[told], again[told], again[told + 1]) == (2, 0, None)  # none sent: empty
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", first[told + 1])
    assert (header[-1], first[-1], again[-1]) == ("督办次数", 1, 0)

    entry = db.scalars(select(AuditLog).where(AuditLog.action == "order.export")).one()
    assert (entry.actor_id, entry.reason) == (supervisor.id, REASON)
    details = json.loads(entry.details)
    assert details["rows"] == 3 and details["masked"] is True
    assert answer.headers["x-audit-seq"] == str(entry.seq)


def _ask_teams(client, db: Session, desk: dict, order_id: int) -> None:
    """The order asks the province's network centre for its part, and asks the branch's
    billing team, then takes that back."""
    centre = make_team(db, desk["org"].province, "网络优化中心")
    centre.name_en = "Network optimisation centre"
    billing = make_team(db, desk["org"].city, "计费核查班")
    db.commit()
    url = f"/api/v1/work-orders/{order_id}/assists"
    question = {"question": "请核查客户所在小区基站近期告警情况"}
    for team in (centre, billing):
        body = question | {"team_id": team.id}
        assert client.post(url, json=body, headers=desk["agent"]).status_code == 201
    taken = client.get(url, headers=desk["agent"]).json()["items"][-1]
    back = {"reason": "已由营业厅核实扣费，无需计费班协办"}
    withdrawn = client.post(f"{url}/{taken['id']}/withdraw", json=back, headers=desk["agent"])
    assert withdrawn.status_code == 200, withdrawn.text


def _refund_credited(client, db: Session, order_id: int, asker: dict, approver: dict) -> None:
    """A refund of 30.50 asked, approved and credited (the worker's job, run here)."""
    url = f"/api/v1/work-orders/{order_id}/refunds"
    body = {"kind": "compensation", "amount_fen": 3050, "reason": "致歉补偿话费"}
    refund = client.post(url, json=body, headers=asker).json()
    client.post(f"{url}/{refund['id']}/approve", json={}, headers=approver)
    assert credit(db, refund["id"], KefuBilling(db, "Asia/Shanghai")) is not None
    db.commit()


def test_csv_in_english_narrowed_to_repeats(client, db: Session, desk) -> None:
    qa = make_staff(db, desk["org"].city, Role.QA)
    _ask_teams(client, db, desk, desk["orders"][1]["id"])
    answer = client.post(
        URL,
        json={"reason": REASON, "format": "csv", "repeat_only": True, **_today()},
        headers=bearer(db, qa) | {"Accept-Language": "en"},
    )
    assert answer.status_code == 200, answer.text
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel and WPS read the Chinese
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert header[:3] == ["Order number", "Created", "Type"]
    assert [row[0] for row in rows] == [desk["orders"][1]["number"]]
    assert rows[0][2] == "Complaint"
    assert rows[0][3] == "Billing › Disputed charges › Unknown deduction"
    assert rows[0][header.index("Teams asked (协办)")] == "Network optimisation centre"


def test_refusals_say_why(client, settings, db: Session, desk) -> None:
    supervisor = bearer(db, make_staff(db, desk["org"].city, Role.SUPERVISOR))
    assert (
        client.post(URL, json={"reason": REASON, **_today()}, headers=desk["agent"]).status_code
        == 403
    )
    unreasoned = client.post(URL, json=_today(), headers=supervisor)
    assert unreasoned.status_code == 422 and unreasoned.json()["error"]["field"] == "reason"
    today = local_today()
    reversed_ = {
        "created_from": today.isoformat(),
        "created_to": (today - timedelta(1)).isoformat(),
    }
    backwards = client.post(URL, json={"reason": REASON, **reversed_}, headers=supervisor)
    assert backwards.status_code == 422
    assert backwards.json()["error"] | {"message": ""} == {
        "code": "invalid_period",
        "field": "created_to",
        "message": "",
    }
    too_long = {
        "created_from": (today - timedelta(400)).isoformat(),
        "created_to": today.isoformat(),
    }
    assert (
        client.post(URL, json={"reason": REASON, **too_long}, headers=supervisor).status_code == 422
    )
    for edge in ({"created_from": "0001-01-01"}, {"created_to": "9999-12-31"}):  # were 500s
        beyond = client.post(URL, json={"reason": REASON, **_today(), **edge}, headers=supervisor)
        assert beyond.status_code == 422
        assert beyond.json()["error"]["field"] == next(iter(edge))
    unknown = client.post(
        URL, json={"reason": REASON, "category_id": 999_999, **_today()}, headers=supervisor
    )
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (404, "category_id")
    outside = client.post(
        URL,
        json={"reason": REASON, "org_unit_id": desk["org"].other_city.id, **_today()},
        headers=supervisor,
    )
    assert outside.status_code == 403
    settings.export_max_rows = 2
    over = client.post(URL, json={"reason": REASON, **_today()}, headers=supervisor)
    assert over.status_code == 422 and over.json()["error"]["code"] == "export_too_large"
    assert db.scalar(select(AuditLog).where(AuditLog.action == "order.export")) is None


def test_a_role_holding_personal_data_rights_exports_numbers_in_clear(db: Session, desk) -> None:
    staff = make_staff(db, desk["org"].city, Role.SUPERVISOR)
    principal = principal_for(db, staff.id)
    assert principal is not None
    privileged = replace(principal, rights=principal.rights | {Right.PII_VIEW})
    made = export.export_orders(
        db,
        data=OrderExportRequest(
            reason=REASON, created_from=local_today(), created_to=local_today()
        ),
        by=privileged,
        language="zh-CN",
        timezone="Asia/Shanghai",
        max_rows=10,
    )
    callback = made.rows[0].index("回访号码")
    in_clear = ["13800138000", "13800138000", "13900139000"]
    assert [row[callback] for row in made.rows[1:]] == in_clear


def test_the_export_tells_each_complaints_last_return_visit(client, db: Session, desk) -> None:
    first, again, _formula = desk["orders"]
    now = datetime.now(UTC)
    db.add_all(
        [
            ReturnVisit(order_id=first["id"], due_at=now, done_at=now, outcome="dissatisfied"),
            ReturnVisit(
                order_id=first["id"],
                due_at=now,
                done_at=now + timedelta(hours=1),
                outcome="satisfied",  # the second round's visit: the one that counts
            ),
            ReturnVisit(
                order_id=again["id"], due_at=now, done_at=now, outcome="unreachable", attempts=3
            ),
        ]
    )
    db.flush()
    supervisor = make_staff(db, desk["org"].city, Role.SUPERVISOR)
    asked = {"reason": REASON, "format": "csv", **_today()}
    answer = client.post(URL, json=asked, headers=bearer(db, supervisor))
    assert answer.status_code == 200, answer.text
    header, *rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    visit = header.index("回访")
    assert [row[visit] for row in rows] == ["满意", "未接通", ""]
