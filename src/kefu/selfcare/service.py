"""What a signed-in subscriber sees and does on the web: their balance and package from the
billing system, their work orders and where each stands, and messages they write to the
center, which wait in the agents' inbox like a text and are answered by SMS and here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.billing.boss import Balance, Billing, BillingUnavailable, MonthBill, PackageInfo
from kefu.contact.enums import ContactChannel, Direction, InteractionStatus
from kefu.contact.models import Interaction
from kefu.contact.order_status import order_facts, orders_of
from kefu.contact.service import open_interaction
from kefu.core.base import utcnow
from kefu.core.masking import mask_name
from kefu.core.textsafe import storable
from kefu.customers.models import Customer
from kefu.errors import TooManyRequests, Unprocessable
from kefu.selfcare.files import file_names
from kefu.selfcare.models import SelfCareSession
from kefu.selfcare.order_actions import (
    awaits_rating,
    can_chase,
    chased_lately,
)
from kefu.selfcare.signin import audit_subscriber
from kefu.workorders import appointments
from kefu.workorders.enums import BEING_HANDLED, OrderStatus, OrderType
from kefu.workorders.models import Category, OrderAppointment, WorkOrder
from kefu.workorders.progress import Told, latest_told
from kefu.workorders.refunds import money_back
from kefu.workorders.visit_moves import MoveAsked, moves_asked

SHOWN_ORDERS = 20
ORDERS_SINCE = timedelta(days=365)
SHOWN_MESSAGES = 10
MESSAGE_LIMIT = 2000  # characters
MESSAGES_PER_DAY = 10
_ANSWERED = frozenset({OrderStatus.REPLIED, OrderStatus.RETURN_VISIT, OrderStatus.CLOSED})


class Topic(StrEnum):
    """What a message is about, as the subscriber picks it (the agent decides the order)."""

    QUESTION = "question"
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"


TOPIC_SUBJECTS = {
    Topic.QUESTION: "网上咨询 / question",
    Topic.COMPLAINT: "网上投诉 / complaint",
    Topic.SUGGESTION: "网上建议 / suggestion",
}

TOPIC_OF = {subject: topic for topic, subject in TOPIC_SUBJECTS.items()}


@dataclass(frozen=True)
class OrderShown:
    """One of the subscriber's orders as they see it."""

    number: str
    type: OrderType
    category: str
    category_en: str
    subject: str
    status: OrderStatus
    opened_at: datetime
    facts: str  # when it is answered, the engineer's visit, the money given back
    answer: str  # the center's answer, once given
    can_chase: bool  # open, and not chased in the last day
    awaits_rating: bool  # answered, waiting for its return visit: they may answer it here
    chased_at: datetime | None  # when they last chased it, within the last day
    visit_booked: bool  # an engineer's visit is booked: the customer may ask to move it
    # the window of the visit the engineer found them out for lately, as they read it
    # (none booked since): they may book it again
    visit_missed: str
    move_asked: MoveAsked | None  # the move they asked since it was booked (or missed)
    # while it is being handled, the last progress text they were sent (进度告知): a
    # customer who lost the text reads it here
    progress: Told | None = None


@dataclass(frozen=True)
class Reply:
    text: str
    sent_at: datetime


@dataclass(frozen=True)
class MessageShown:
    """A message the subscriber wrote here, and the center's replies to it."""

    id: int
    topic: Topic | None  # None for a subject no topic of this page's gives
    subject: str
    body: str
    sent_at: datetime
    replies: list[Reply]
    files: list[str]  # the names of the files added to it


@dataclass(frozen=True)
class Overview:
    """The subscriber's page."""

    msisdn: str
    name: str  # masked: whoever holds the phone need not read the full name
    balance: Balance | None
    package: PackageInfo | None
    bills: list[MonthBill]  # the last finished bill months, newest first
    billing_down: bool
    orders: list[OrderShown]
    messages: list[MessageShown]


def overview(
    session: Session, me: SelfCareSession, *, billing: Billing, zone: str, english: bool
) -> Overview:
    """Everything the page shows, for the signed-in number only."""
    account = _from_billing(billing, me.msisdn)
    customer = session.get(Customer, me.customer_id)
    return Overview(
        msisdn=me.msisdn,
        name=mask_name(customer.name) if customer else "",
        balance=account.balance,
        package=account.package,
        bills=account.bills,
        billing_down=account.down,
        orders=orders_shown(session, me, zone=zone, english=english),
        messages=messages_shown(session, me.msisdn),
    )


@dataclass(frozen=True)
class Account:
    """What the billing system says of the number, or that it cannot be asked now."""

    balance: Balance | None = None
    package: PackageInfo | None = None
    bills: list[MonthBill] = field(default_factory=list)
    down: bool = False


def _from_billing(billing: Billing, msisdn: str) -> Account:
    """The balance, package and bills, or that billing cannot be asked now (no figure is
    ever made up)."""
    try:
        bills = billing.bills(msisdn) or []
        return Account(billing.balance(msisdn), billing.package(msisdn), bills)
    except BillingUnavailable:
        return Account(down=True)


def orders_shown(
    session: Session, me: SelfCareSession, *, zone: str, english: bool
) -> list[OrderShown]:
    """The number's and its customer's orders of the last year, newest first."""
    query = (
        orders_of(me.msisdn, me.customer_id)
        .where(WorkOrder.created_at >= utcnow() - ORDERS_SINCE)
        .order_by(WorkOrder.id.desc())
        .limit(SHOWN_ORDERS)
    )
    found = list(session.scalars(query))
    ids = [order.id for order in found]
    visits = appointments.booked_on(session, ids)
    booked = {visit.order_id: visit for visit in visits}
    missed = appointments.rebookable(session, ids)
    moves = moves_asked(session, visits + list(missed.values()))
    money = money_back(session, ids)
    told = latest_told(session, [order.id for order in found if order.status in BEING_HANDLED])
    categories = _categories(session, {order.category_id for order in found})
    now = utcnow()
    return [
        OrderShown(
            number=order.number,
            type=order.type,
            category=categories[order.category_id].name,
            category_en=categories[order.category_id].name_en,
            subject=order.subject,
            status=order.status,
            opened_at=order.created_at,
            facts=order_facts(order, zone, english, booked.get(order.id), money.get(order.id)),
            answer=order.reply if order.status in _ANSWERED else "",
            can_chase=can_chase(order, now),
            awaits_rating=awaits_rating(order),
            chased_at=order.last_urged_at if chased_lately(order, now) else None,
            visit_booked=order.id in booked,
            visit_missed=_missed_window(missed.get(order.id), zone, english),
            move_asked=moves.get(order.id),
            progress=told.get(order.id),
        )
        for order in found
    ]


def _missed_window(visit: OrderAppointment | None, zone: str, english: bool) -> str:
    if visit is None:
        return ""
    return appointments.window_text(visit.starts_at, visit.ends_at, zone, english=english)


def _categories(session: Session, ids: set[int]) -> dict[int, Category]:
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(Category).where(Category.id.in_(ids)))}


def _messages_of(msisdn: str):  # type: ignore[no-untyped-def]
    return select(Interaction).where(
        Interaction.channel == ContactChannel.WEB,
        Interaction.direction == Direction.INBOUND,
        Interaction.address == msisdn,
    )


def messages_shown(session: Session, msisdn: str) -> list[MessageShown]:
    """The number's latest web messages, newest first, each with its replies."""
    query = _messages_of(msisdn).order_by(Interaction.id.desc()).limit(SHOWN_MESSAGES)
    found = list(session.scalars(query))
    replies: dict[int, list[Reply]] = {m.id: [] for m in found}
    if found:
        answered = select(Interaction).where(Interaction.in_reply_to_id.in_(list(replies)))
        for reply in session.scalars(answered.order_by(Interaction.id)):
            replies[reply.in_reply_to_id or 0].append(Reply(reply.body, reply.offered_at))
    names = file_names(session, [m.id for m in found])
    return [
        MessageShown(
            m.id,
            TOPIC_OF.get(m.subject),
            m.subject,
            m.body,
            m.offered_at,
            replies[m.id],
            names.get(m.id, []),
        )
        for m in found
    ]


def write_to_us(
    session: Session, me: SelfCareSession, *, topic: Topic, text: str, language: str, ip: str
) -> Interaction:
    """The subscriber's message, waiting in the agents' inbox as a web contact (audited).
    At most ``MESSAGES_PER_DAY`` a day per number (429)."""
    body, _cut = storable(text.strip(), limit=MESSAGE_LIMIT)
    if not body.strip():
        raise Unprocessable("selfcare_message_empty", field="text")
    day_ago = utcnow() - timedelta(days=1)
    sent = session.scalar(
        select(func.count()).select_from(
            _messages_of(me.msisdn).where(Interaction.offered_at > day_ago).subquery()
        )
    )
    if (sent or 0) >= MESSAGES_PER_DAY:
        raise TooManyRequests("selfcare_messages_limit", field="text", limit=MESSAGES_PER_DAY)
    message = open_interaction(
        session,
        channel=ContactChannel.WEB,
        status=InteractionStatus.OPEN,
        address=me.msisdn,
        customer_id=me.customer_id,
        language="en" if language == "en" else "zh-CN",
        subject=TOPIC_SUBJECTS[topic],
        body=body,
    )
    audit_subscriber(
        session,
        me.msisdn,
        ip=ip,
        action="selfcare.message",
        entity=("interaction", message.id),
        details={"topic": str(topic), "selfcare_session_id": me.id},
    )
    return message
