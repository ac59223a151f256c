"""Small typed factories: each makes one valid row with sensible defaults."""

from __future__ import annotations

import itertools
import json
import struct
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kefu.config import get_settings
from kefu.core import outbox
from kefu.core.calendar import BusinessCalendar
from kefu.core.clock import local_today
from kefu.core.idnumber import check_digit, id_kind
from kefu.core.rbac import Role
from kefu.core.security import hash_password
from kefu.customers.enums import (
    Brand,
    BusinessType,
    EnterpriseGrade,
    EnterpriseScale,
    Industry,
    Tier,
)
from kefu.customers.models import Customer, Enterprise, MonthlySpend, Package, Subscription
from kefu.ivr.flows import ensure_default_flow
from kefu.knowledge import segment
from kefu.knowledge.enums import ArticleKind, ArticleStatus
from kefu.knowledge.models import Article
from kefu.org import auth
from kefu.org.deps import principal_for
from kefu.org.enums import OrgLevel
from kefu.org.models import OrgUnit, Staff, Team
from kefu.routing import acd
from kefu.routing.defaults import ensure_default_queues
from kefu.routing.enums import AgentState
from kefu.workorders import service
from kefu.workorders.enums import OrderType
from kefu.workorders.models import Category, WorkOrder
from kefu.workorders.schemas import OrderCreate
from kefu.workorders.taxonomy import ensure_default_categories

_counter = itertools.count(1)
PASSWORD = "correct horse 9"
_HASH = hash_password(PASSWORD)


@dataclass
class Org:
    """A small tree: HQ, one province, two city branches."""

    hq: OrgUnit
    province: OrgUnit
    city: OrgUnit
    other_city: OrgUnit


def make_unit(session: Session, name: str, level: OrgLevel, parent: OrgUnit | None) -> OrgUnit:
    """One org unit with its path."""
    unit = OrgUnit(
        code=f"U{next(_counter)}",
        name=name,
        name_en=name,
        level=level,
        parent_id=parent.id if parent else None,
    )
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.flush()
    return unit


def make_org(session: Session) -> Org:
    """HQ → 广东 → 广州, 深圳."""
    hq = make_unit(session, "总部", OrgLevel.HQ, None)
    province = make_unit(session, "广东", OrgLevel.PROVINCE, hq)
    return Org(
        hq,
        province,
        make_unit(session, "广州", OrgLevel.CITY, province),
        make_unit(session, "深圳", OrgLevel.CITY, province),
    )


def make_staff(session: Session, unit: OrgUnit, role: Role = Role.AGENT, **values: object) -> Staff:
    """A staff member with the shared test password."""
    n = next(_counter)
    staff = Staff(
        username=str(values.pop("username", f"user{n}")),
        display_name=str(values.pop("display_name", f"员工{n}")),
        role=role,
        org_unit_id=unit.id,
        password_hash=_HASH,
        **values,
    )
    session.add(staff)
    session.flush()
    return staff


def make_ready_agent(
    session: Session, unit: OrgUnit, role: Role = Role.AGENT, **values: object
) -> Staff:
    """A staff member signed in to the ACD and ready for calls (no skills: the queues
    that need none)."""
    staff = make_staff(session, unit, role, **values)
    acd.set_state(session, staff_id=staff.id, state=AgentState.READY)
    return staff


def bearer(session: Session, staff: Staff) -> dict[str, str]:
    """Authorization headers with a fresh API token for the staff member."""
    _, secret = auth.create_token(session, staff_id=staff.id, name="test", by=None)
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


def ensure_hotline(session: Session) -> None:
    """What a call needs before anyone answers it: the default categories, queues and
    IVR flow."""
    ensure_default_categories(session)
    ensure_default_queues(session)
    ensure_default_flow(session)


def make_package(session: Session, brand: Brand = Brand.GOTONE) -> Package:
    """A tariff package of a brand."""
    n = next(_counter)
    package = Package(
        code=f"P{n}", name=f"套餐{n}", name_en=f"Plan {n}", brand=brand, monthly_fee_fen=12800
    )
    session.add(package)
    session.flush()
    return package


def valid_id_number(birth: str = "19900307", sequence: int = 123) -> str:
    """An ID card number with a correct check digit (Guangzhou region code)."""
    first17 = f"440104{birth}{sequence:03d}"
    return first17 + check_digit(first17)


def make_customer(
    session: Session,
    unit: OrgUnit,
    msisdn: str = "+8613800138000",
    *,
    tier: Tier = Tier.NORMAL,
    enterprise: Enterprise | None = None,
    **values: object,
) -> Customer:
    """A subscriber with one live number on a new package."""
    id_number = values.pop("id_number", valid_id_number())
    kind = values.pop("id_kind", id_kind(str(id_number)).value if id_number else None)
    customer = Customer(
        name=str(values.pop("name", "张伟")),
        org_unit_id=unit.id,
        id_number=id_number,
        id_kind=kind,
        customer_since=date(2015, 5, 1),
        tier=tier,
        address="广州市天河区体育西路 100 号",
        email=values.pop("email", "zhang.wei@example.cn"),
        enterprise_id=enterprise.id if enterprise else None,
        **values,
    )
    session.add(customer)
    session.flush()
    package = make_package(session)
    session.add(
        Subscription(
            msisdn=msisdn,
            customer_id=customer.id,
            brand=package.brand,
            package_id=package.id,
            opened_on=date(2015, 5, 1),
            balance_fen=5230,
        )
    )
    session.flush()
    return customer


def add_spend(session: Session, subscription_id: int, months: list[int], amount: int) -> None:
    """Monthly spend rows for the given yyyymm months."""
    for month in months:
        session.add(MonthlySpend(subscription_id=subscription_id, month=month, amount_fen=amount))
    session.flush()


@dataclass
class Categories:
    """billing › dispute › {unknown, roaming}, network › coverage › indoor."""

    billing: Category
    dispute: Category
    unknown_charge: Category
    roaming_charge: Category
    indoor: Category


def make_category(
    session: Session, name: str, parent: Category | None = None, **values: object
) -> Category:
    """One category with its path and level."""
    category = Category(
        code=str(values.pop("code", f"c{next(_counter)}")),
        name=name,
        name_en=str(values.pop("name_en", name)),
        parent_id=parent.id if parent else None,
        level=parent.level + 1 if parent else 1,
        **values,
    )
    session.add(category)
    session.flush()
    category.path = f"{parent.path if parent else '/'}{category.id}/"
    session.flush()
    return category


def make_categories(session: Session) -> Categories:
    """A small taxonomy: two leaves sharing a level-2 branch, one elsewhere."""
    billing = make_category(session, "计费账务", name_en="Billing")
    dispute = make_category(session, "费用争议", billing, name_en="Disputed charges")
    network = make_category(session, "网络质量", name_en="Network quality")
    coverage = make_category(session, "信号覆盖", network, name_en="Coverage")
    return Categories(
        billing=billing,
        dispute=dispute,
        unknown_charge=make_category(
            session, "不明扣费", dispute, name_en="Unknown deduction", script="请客户说明扣费项目"
        ),
        roaming_charge=make_category(session, "漫游费用", dispute, name_en="Roaming charges"),
        indoor=make_category(session, "室内无信号", coverage, name_en="No indoor signal"),
    )


def make_group(session: Session, unit_id: int, name: str, **values: object) -> Enterprise:
    """An enterprise customer (集团客户) of a branch: a large grade-A government group
    with group voice, unless ``values`` say otherwise."""
    group = Enterprise(
        name=name,
        industry=values.pop("industry", Industry.GOVERNMENT),
        scale=values.pop("scale", EnterpriseScale.LARGE),
        grade=values.pop("grade", EnterpriseGrade.A),
        business_type=values.pop("business_type", BusinessType.GROUP_VOICE),
        org_unit_id=unit_id,
        **values,
    )
    session.add(group)
    session.flush()
    return group


def make_team(session: Session, unit: OrgUnit, name: str = "投诉处理班") -> Team:
    """A team in a unit."""
    team = Team(name=name, org_unit_id=unit.id)
    session.add(team)
    session.flush()
    return team


def make_article(session: Session, title: str, body: str, **values: object) -> Article:
    """A published article, indexed for search as the service would."""
    article = Article(
        kind=values.pop("kind", ArticleKind.ARTICLE),
        status=values.pop("status", ArticleStatus.PUBLISHED),
        title=title,
        body=body,
        tags=str(values.pop("tags", "")),
        **values,
    )
    article.search_tokens = segment.index_tokens(article.title, article.tags, article.body)
    session.add(article)
    session.flush()
    return article


def complain(
    client: Any,
    headers: dict[str, str],
    category_id: int,
    phone: str = "13800138000",
    *,
    subject: str = "扣费问题",
    kind: str = "complaint",
) -> dict[str, Any]:
    """Open an order through the API (a complaint unless ``kind`` says otherwise); 201."""
    body = {"type": kind, "category_id": category_id, "contact_phone": phone, "subject": subject}
    answer = client.post("/api/v1/work-orders", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def open_complaint(session: Session, staff: Staff, category_id: int, phone: str) -> WorkOrder:
    """Open a complaint through the creation service, as every way in does."""
    data = OrderCreate(
        type=OrderType.COMPLAINT, category_id=category_id, contact_phone=phone, subject="扣费问题"
    )
    by = principal_for(session, staff.id)
    return service.create_order(session, data=data, by=by, calendar=BusinessCalendar()).order


def run_jobs_texting_to(
    factory: sessionmaker[Session], sms_file: Path, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, Any]]:
    """Run the outbox's due jobs until none is left (a job may queue another: a credit
    its text), texts going to the file gateway ``sms_file``; the texts in the file."""
    monkeypatch.setenv("KEFU_SMS_GATEWAY", f"file:{sms_file}")
    get_settings.cache_clear()
    try:
        while outbox.run_due(factory).done:
            pass
    finally:
        get_settings.cache_clear()
    if not sms_file.exists():
        return []
    return [json.loads(line) for line in sms_file.read_text(encoding="utf-8").splitlines()]


def month_back(months: int = 1) -> str:
    """The bill month (YYYY-MM) this many months before the center's current one."""
    day = local_today().replace(day=1)
    for _ in range(months):
        day = (day - timedelta(days=1)).replace(day=1)
    return f"{day:%Y-%m}"


def ask_refund(client: Any, headers: dict[str, str], order_id: int, **body: object) -> Any:
    """Ask money back on an order through the API; 201. A refund of 30 yuan charged last
    month unless ``body`` says otherwise; a compensation names no charge (a None in
    ``body`` leaves a field out)."""
    asked: dict[str, object] = {"kind": "refund", "reason": "核实为系统误扣彩铃费"}
    if body.get("kind", "refund") != "compensation":
        asked |= {"charge_fen": 3000, "bill_month": month_back()}
    asked |= body
    sent = {name: value for name, value in asked.items() if value is not None}
    answer = client.post(f"/api/v1/work-orders/{order_id}/refunds", json=sent, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def self_sign_in(client: Any, number: str = "13800138000") -> dict[str, str]:
    """Sign a subscriber in on the web (the demo answer carries the texted code); the
    headers a change needs."""
    asked = client.post("/api/v1/self/code", json={"msisdn": number})
    assert asked.status_code == 202, asked.text
    signed = client.post(
        "/api/v1/self/session", json={"msisdn": number, "code": asked.json()["demo_code"]}
    )
    assert signed.status_code == 200, signed.text
    return {"X-CSRF-Token": signed.json()["csrf_token"]}


def book_visit(client: Any, headers: dict[str, str], order_id: int, *, text: bool = False) -> Any:
    """Book an engineer for tomorrow 14:00–18:00 on the order (texted to the customer when
    ``text``); the answer, checked booked."""
    visit = {
        "visit_on": (local_today() + timedelta(days=1)).isoformat(),
        "from_time": "14:00",
        "to_time": "18:00",
        "address": "广州市天河区体育西路 101 号",
        "engineer": "张工",
        "text_customer": text,
    }
    url = f"/api/v1/work-orders/{order_id}/appointments"
    booked = client.post(url, json=visit, headers=headers)
    assert booked.status_code == 201, booked.text
    return booked


def add_engineer(
    client: Any,
    headers: dict[str, str],
    unit_id: int,
    name: str,
    phone: str = "139 2001 3301",
    **more: object,
) -> dict[str, Any]:
    """A field engineer put on the unit's roster through the API (201 checked)."""
    body = {"name": name, "phone": phone, "org_unit_id": unit_id} | more
    made = client.post("/api/v1/engineers", json=body, headers=headers)
    assert made.status_code == 201, made.text
    result: dict[str, Any] = made.json()
    return result


def roster_visit(
    client: Any,
    headers: dict[str, str],
    category_id: int,
    engineer_id: int,
    day: str,
    hours: tuple[str, str],
    **more: object,
) -> dict[str, Any]:
    """A complaint from 13800138001 with the roster engineer booked for the day's hours
    (201 checked): the order, with its ``visit``."""
    order = complain(client, headers, category_id, "13800138001")
    body = {
        "visit_on": day,
        "from_time": hours[0],
        "to_time": hours[1],
        "address": "广州市天河区体育西路 101 号",
        "engineer_id": engineer_id,
    } | more
    made = client.post(
        f"/api/v1/work-orders/{order['id']}/appointments", json=body, headers=headers
    )
    assert made.status_code == 201, made.text
    return order | {"visit": made.json()}


def order_step(
    client: Any, headers: dict[str, str], order: dict[str, Any], action: str, body: dict
) -> dict[str, Any]:
    """One lifecycle step on the order as the caller read it (its version for If-Match);
    200 checked; the order as it is then."""
    moved = client.post(
        f"/api/v1/work-orders/{order['id']}/{action}",
        json=body,
        headers=headers | {"If-Match": f'"{order["version"]}"'},
    )
    assert moved.status_code == 200, (action, moved.text)
    result: dict[str, Any] = moved.json()
    return result


def supervise(
    client: Any,
    headers: dict[str, str],
    order: dict[str, Any],
    note: str,
    answer_by: datetime | None = None,
) -> dict[str, Any]:
    """A supervisor presses the order's holder (督办), asking the answer by a time when
    given; 201 checked; the order as it is then."""
    body: dict[str, Any] = {"note": note}
    if answer_by is not None:
        body["answer_by"] = answer_by.isoformat()
    pressed = client.post(
        f"/api/v1/work-orders/{order['id']}/supervise", json=body, headers=headers
    )
    assert pressed.status_code == 201, pressed.text
    result: dict[str, Any] = pressed.json()
    return result


def answer_and_close(client: Any, headers: dict[str, str], order: dict[str, Any]) -> dict[str, Any]:
    """Accept, answer and close the order as ``headers``' holder: a complaint then waits
    for its return visit. The order as it is then."""
    for action, body in (
        ("accept", {}),
        ("reply", {"reply": "经核实为误扣，已退费 10 元。"}),
        ("close", {"note": "已答复客户"}),
    ):
        order = order_step(client, headers, order, action, body)
    return order


def text_in(
    client: Any, gateway: dict[str, str], text: str, message_id: str, sender: str = "13800138000"
) -> dict[str, Any]:
    """A text from ``sender`` to the hotline as the SMS gateway hands it in; the answer
    (201 checked)."""
    body = {"from": sender, "to": "10086", "text": text, "message_id": message_id}
    answer = client.post("/api/v1/sms/inbound", json=body, headers=gateway)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def texts_sent(session: Session) -> list[dict[str, Any]]:
    """Every text queued to customers so far (to, text ...), oldest first."""
    session.expire_all()
    jobs = session.scalars(
        select(outbox.Job).where(outbox.Job.kind == "notify.sms").order_by(outbox.Job.id)
    )
    return [json.loads(job.payload) for job in jobs]


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG image (black pixels): its chunks hold NUL bytes, as binaries do."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


# A notice for 2027 in the official style, made up for the tests (the real one is for the
# center to paste once it is out).
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""
