"""Demo SMS and e-mail taken in through the real intake rules, as the pbx account: balance
and package questions answered at once, an SMS complaint that opened its order, and
questions (one with markup in it, shown as text) waiting in the inbox of the demo agent's
branch."""

from __future__ import annotations

from sqlalchemy import Engine, select

from kefu.billing.boss import KefuBilling
from kefu.contact.enums import ContactChannel
from kefu.contact.intake import InboundMessage, IntakeSetup, receive
from kefu.contact.mail import MailFile
from kefu.core.calendar import BusinessCalendar
from kefu.core.db import make_sessionmaker
from kefu.core.rbac import Role
from kefu.customers.enums import SubscriptionStatus
from kefu.customers.models import Customer, Subscription
from kefu.demo.files import bill_screenshot
from kefu.demo.incidents import acting_as
from kefu.org.models import Staff

_SMS = (
    "YE",
    "TC",
    "KF 这个月多扣了 10 元，我没有订过什么彩铃",
    "你好，我的流量包下个月还能继续用吗？",
    "请问携号转网需要带什么证件",
)
_MAIL = (
    ("发票开具申请", "您好：\n请帮我开具 10 月份的话费发票，抬头为个人。\n谢谢！"),
    (
        "<b>宽带</b> 报装进度 <script>alert('x')</script>",
        "上周在营业厅办理的宽带，至今没有人联系安装，请尽快处理。",
    ),
    (
        "账单里有一笔不明扣费（附截图）",
        "你好，附件是我这个月账单的截图，红框里那笔 15 元的“视频会员”我从来没有订过，"
        "请核实并退费。",
    ),
)
# the files each e-mail brings, by its place in _MAIL
_MAIL_FILES = {2: (("11月账单截图.png", bill_screenshot),)}


def generate_messages(engine: Engine) -> int:
    """Take the demo messages in; returns how many."""
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        pbx = session.scalar(select(Staff).where(Staff.username == "pbx"))
        agent = session.scalar(select(Staff).where(Staff.username == "agent"))
        if pbx is None or agent is None:
            return 0
        # From the demo agent's own branch, so the agent signing in finds them waiting; from
        # numbers still in service (a cancelled one texts no one), and from customers who
        # write Chinese, as these messages are written.
        senders = session.execute(
            select(Subscription.msisdn, Customer.email)
            .join(Customer, Customer.id == Subscription.customer_id)
            .where(
                Customer.email.is_not(None),
                Customer.org_unit_id == agent.org_unit_id,
                Customer.language == "zh-CN",
                Subscription.status != SubscriptionStatus.CANCELLED,
            )
            .order_by(Subscription.id)
            .limit(len(_SMS) + len(_MAIL))
        ).all()
        if len(senders) < len(_SMS) + len(_MAIL):
            return 0
        setup = IntakeSetup(
            by=acting_as(pbx, Role.INTEGRATION),
            billing=KefuBilling(session, "Asia/Shanghai"),
            calendar=BusinessCalendar(),
        )
        for n, text in enumerate(_SMS):
            message = InboundMessage(ContactChannel.SMS, senders[n][0], text, reference=f"demo-{n}")
            receive(session, message, setup)
        for n, (subject, body) in enumerate(_MAIL):
            sender = senders[len(_SMS) + n][1] or ""
            files = tuple(MailFile(name, draw()) for name, draw in _MAIL_FILES.get(n, ()))
            message = InboundMessage(
                ContactChannel.EMAIL,
                sender,
                body,
                subject=subject,
                reference=f"<demo-{n}@mail>",
                files=files,
            )
            receive(session, message, setup)
    return len(_SMS) + len(_MAIL)
