"""The demo's notices to big customers (大客户通告): a network cut-over in the demo agent's
branch in the small hours of tomorrow, sent to its enterprise and gold-and-above
customers, so their 360 pages show it; and a billing-system upgrade next week, still a
draft. Written by the notice service as the demo supervisor (the texts wait in the
outbox like any other)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kefu.core.calendar import BusinessCalendar
from kefu.core.clock import local_today
from kefu.core.db import make_sessionmaker
from kefu.core.rbac import Principal, Role
from kefu.demo.incidents import acting_as
from kefu.notices import service
from kefu.notices.enums import Audience, NoticeKind
from kefu.notices.models import Notice, NoticeRecipient
from kefu.notices.schemas import NoticeCreate
from kefu.org.models import Staff
from kefu.workorders import service as order_service
from kefu.workorders.enums import OrderType
from kefu.workorders.models import Category
from kefu.workorders.schemas import OrderCreate

ZONE = "Asia/Shanghai"


def _night(days_ahead: int, start: int, hours: int) -> tuple[datetime, datetime]:
    day = local_today(ZONE) + timedelta(days=days_ahead)
    starts = datetime.combine(day, time(start), tzinfo=ZoneInfo(ZONE))
    return starts, starts + timedelta(hours=hours)


def generate_notices(engine: Engine) -> int:
    """Write the demo's two notices and send the first; how many customers were told."""
    with make_sessionmaker(engine)() as session, session.begin():
        boss = session.scalar(select(Staff).where(Staff.username == "supervisor"))
        agent = session.scalar(select(Staff).where(Staff.username == "agent"))
        if boss is None or agent is None:
            return 0
        by = acting_as(boss, Role.SUPERVISOR)
        starts, ends = _night(1, 1, 4)
        cutover = service.create(
            session,
            data=NoticeCreate(
                kind=NoticeKind.CUTOVER,
                title="核心网设备割接",
                title_en="Core network cut-over",
                body="届时移动数据业务将中断约30分钟，语音和短信不受影响。请提前安排好业务，"
                "如有疑问请致电客户经理或10086。",
                body_en="Mobile data will stop for about 30 minutes; calls and texts are not "
                "affected. Please plan ahead; your account manager or 10086 can help.",
                org_unit_id=agent.org_unit_id,
                audience=Audience.BOTH,
                starts_at=starts,
                ends_at=ends,
            ),
            by=by,
        )
        told = service.send(session, cutover, by=by, zone=ZONE).customers
        _a_told_customer_asks(session, cutover, acting_as(agent, Role.AGENT))
        starts, ends = _night(7, 0, 6)
        service.create(
            session,
            data=NoticeCreate(
                kind=NoticeKind.UPGRADE,
                title="计费系统升级",
                title_en="Billing system upgrade",
                body="届时余额、账单查询和缴费暂停，通话和上网不受影响。",
                org_unit_id=agent.org_unit_id,
                audience=Audience.HIGH_VALUE,
                starts_at=starts,
                ends_at=ends,
            ),
            by=by,
        )
    return told


def _a_told_customer_asks(session: Session, notice: Notice, by: Principal) -> None:
    """One of the customers told calls to ask about the work: the order lists under the
    notice's orders, and shows the notice to whoever handles it."""
    first = session.execute(
        select(NoticeRecipient.customer_id, NoticeRecipient.msisdn)
        .where(NoticeRecipient.notice_id == notice.id, NoticeRecipient.msisdn != "")
        .order_by(NoticeRecipient.id)
        .limit(1)
    ).first()
    category = session.scalar(select(Category).where(Category.code == "network.data.none"))
    if first is None or category is None:
        return
    data = OrderCreate(
        type=OrderType.CONSULTATION,
        category_id=category.id,
        customer_id=first.customer_id,
        contact_phone=first.msisdn,
        subject="咨询明晨割接期间公司专线和手机能否上网",
        description="客户收到割接通告，询问割接期间备用方案，已告知语音和短信不受影响。",
        channel="phone",
    )
    order_service.create_order(session, data=data, by=by, calendar=BusinessCalendar())
