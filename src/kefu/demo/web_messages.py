"""Demo messages left on the self-service web page by subscribers of the demo agent's
branch: a complaint and a suggestion waiting in the inbox, and a question the agent has
answered (texted, and shown on the subscriber's page)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from kefu.contact import replies
from kefu.core.base import utcnow
from kefu.core.db import make_sessionmaker
from kefu.core.rbac import Role
from kefu.customers.enums import SubscriptionStatus
from kefu.customers.models import Customer, Subscription
from kefu.demo.incidents import acting_as
from kefu.org.models import Staff
from kefu.selfcare import service, signin
from kefu.selfcare.service import Topic

# after the numbers the demo's texts and mails came from (kefu.demo.messages)
FIRST_SENDER = 8
_WEB: tuple[tuple[Topic, str, str], ...] = (
    (
        Topic.COMPLAINT,
        "家里宽带每天晚上八点以后就很卡，看视频一直转圈，已经持续一周了，请安排检查。",
        "",
    ),
    (
        Topic.QUESTION,
        "请问我现在的套餐能改成 59 元的吗？这个月改还是下个月才生效？",
        "您好，可以办理。您可回复短信或致电 10086 申请变更，新套餐自次月 1 日起生效，"
        "本月仍按原套餐计费。",
    ),
    (Topic.SUGGESTION, "建议网上客服可以直接查看详细话单，省得每次打电话问。", ""),
)


def generate_web_messages(engine: Engine) -> int:
    """Leave the demo's web messages (one session each, signed out after); how many."""
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        agent = session.scalar(select(Staff).where(Staff.username == "agent"))
        if agent is None:
            return 0
        senders = session.execute(
            select(Subscription.msisdn, Subscription.customer_id)
            .join(Customer, Customer.id == Subscription.customer_id)
            .where(
                Customer.org_unit_id == agent.org_unit_id,
                Customer.language == "zh-CN",
                Subscription.status != SubscriptionStatus.CANCELLED,
            )
            .order_by(Subscription.id)
            .offset(FIRST_SENDER)
            .limit(len(_WEB))
        ).all()
        if len(senders) < len(_WEB):
            return 0
        answering = acting_as(agent, Role.AGENT)
        for (msisdn, customer_id), (topic, text, answer) in zip(senders, _WEB, strict=True):
            visit, _token = signin.open_session(session, msisdn, customer_id, "demo", utcnow())
            message = service.write_to_us(
                session, visit, topic=topic, text=text, language="zh-CN", ip="demo"
            )
            signin.sign_out(session, visit, ip="demo")
            if answer:
                replies.answer(session, message=message, text=answer, by=answering)
    return len(_WEB)
