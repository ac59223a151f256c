"""Inbound SMS and e-mail: one interaction per message, matched to a customer; a keyword
rule may answer it (balance, package) or open the right work order at once; the rest wait
in the agents' inbox. Every reply leaves through the outbox, after the commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.billing.boss import Billing, BillingUnavailable
from kefu.contact import replies
from kefu.contact.engineer_report_text import reported_by_text
from kefu.contact.enums import ContactChannel, EndReason, InteractionStatus
from kefu.contact.mail import MailFile
from kefu.contact.message_files import carry_to_order, keep_files, sort_files
from kefu.contact.models import IntakeRule, Interaction
from kefu.contact.order_status import chased_by_text, orders_told
from kefu.contact.service import by_reference, finish, link_order, open_interaction
from kefu.contact.sms_return_visits import rated_by_text
from kefu.contact.threads import continue_orders, orders_of_thread
from kefu.contact.visit_move_text import moved_by_text
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.phone import normalize_phone
from kefu.core.rbac import Principal
from kefu.core.textsafe import folded, one_line, storable
from kefu.customers import repository as customers
from kefu.customers.models import Customer
from kefu.errors import Unprocessable
from kefu.workorders import service as orders
from kefu.workorders.attachments import DEFAULT_LIMITS, AttachmentLimits
from kefu.workorders.category_tree import category_tree
from kefu.workorders.enums import Channel, OrderType
from kefu.workorders.schemas import OrderCreate
from kefu.workorders.templates import PLACEHOLDER

ANY = "*"
SUBJECT_LIMIT = 300
ADDRESS_LIMIT = 254
TEXTED_BILL_MONTHS = 3  # what a ZD text is answered with; the web page shows six
ORDER_CHANNEL = {
    ContactChannel.SMS: Channel.SMS,
    ContactChannel.EMAIL: Channel.EMAIL,
    ContactChannel.WEB: Channel.WEB,
}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboundMessage:
    """A message as a gateway or mail server handed it over (nothing trusted yet)."""

    channel: ContactChannel  # sms or email
    sender: str  # a phone number in any form, or an e-mail address
    body: str
    subject: str = ""
    reference: str = ""  # the gateway's message id or the Message-ID; "" when none
    automatic: bool = False  # an auto-reply or list mail: never answered automatically
    files: tuple[MailFile, ...] = ()  # an e-mail's attachments
    refers_to: tuple[str, ...] = ()  # the Message-IDs an e-mail answers


@dataclass(frozen=True)
class IntakeSetup:
    """Who intake acts as, the billing system, the calendar and the limits."""

    by: Principal
    billing: Billing
    calendar: BusinessCalendar
    body_limit: int = 100_000
    auto_replies_per_hour: int = 5
    # the files kept with a message, as an order takes them (kefu.config's attachment_*)
    file_limits: AttachmentLimits = DEFAULT_LIMITS


@dataclass(frozen=True)
class Received:
    """What became of a message."""

    interaction: Interaction
    rule: IntakeRule | None
    order_number: str | None
    auto_replied: bool
    repeated: bool  # the same message id came before: nothing new was done


def _sms_starts_with(text: str, keyword: str) -> bool:
    """``YE`` matches "YE", "ye 123" and "YE余额" but not "YES": a keyword is a whole word."""
    if not text.startswith(keyword):
        return False
    rest = text[len(keyword) :]
    return not rest or not (rest[0].isascii() and rest[0].isalnum())


def rule_matches(rule: IntakeRule, *, subject: str, body: str) -> bool:
    """True when the rule's keyword fits the message (see ``IntakeRule``)."""
    if rule.keyword == ANY:
        return True
    keyword = folded(rule.keyword)
    if rule.channel == ContactChannel.SMS:
        return _sms_starts_with(folded(body), keyword)
    return keyword in folded(subject)


def matching_rule(
    session: Session, channel: ContactChannel, *, subject: str, body: str
) -> IntakeRule | None:
    """The first active rule of the channel that fits, in the center's order."""
    rules = session.scalars(
        select(IntakeRule)
        .where(IntakeRule.channel == channel, IntakeRule.active)
        .order_by(IntakeRule.sort_order, IntakeRule.id)
    )
    return next((r for r in rules if rule_matches(r, subject=subject, body=body)), None)


def _sender(session: Session, message: InboundMessage) -> tuple[str, Customer | None]:
    """The sender's address as stored and the customer it belongs to, when it is clear."""
    if message.channel == ContactChannel.SMS:
        try:
            msisdn = normalize_phone(message.sender, field="from")
        except Unprocessable:  # a short code or a gateway's own sender: kept as written
            return one_line(message.sender, limit=32), None
        subscription = customers.live_subscription(session, msisdn)
        customer = session.get(Customer, subscription.customer_id) if subscription else None
        return msisdn, customer
    address = one_line(message.sender, limit=ADDRESS_LIMIT).lower()
    found = list(
        session.scalars(select(Customer).where(func.lower(Customer.email) == address).limit(2))
    )
    return address, found[0] if len(found) == 1 else None  # a shared address names nobody


def receive(session: Session, message: InboundMessage, setup: IntakeSetup) -> Received:
    """Record a message once (a repeated message id changes nothing) and apply its rule."""
    reference = f"{message.channel}:{message.reference[:180]}" if message.reference else None
    if reference and (earlier := by_reference(session, reference)) is not None:
        return Received(earlier, None, None, auto_replied=False, repeated=True)
    address, customer = _sender(session, message)
    files = sort_files(message.files, setup.file_limits)
    body = storable(message.body, limit=setup.body_limit)[0] + files.note()
    interaction = open_interaction(
        session,
        channel=message.channel,
        status=InteractionStatus.OPEN,
        address=address,
        customer_id=customer.id if customer else None,
        channel_ref=reference,
        language=customer.language if customer else "zh-CN",
        subject=one_line(message.subject, limit=SUBJECT_LIMIT),
        body=body,
    )
    keep_files(session, interaction, files.kept)
    received = _continue_thread(session, interaction, message, setup) or _apply_rule(
        session, interaction, message, setup
    )
    audit.record(
        session,
        actor=setup.by,
        action="interaction.receive",
        entity_type="interaction",
        entity_id=interaction.id,
        details={"channel": str(message.channel), "rule": interaction.intake_rule_id},
    )
    return received


def _continue_thread(
    session: Session, interaction: Interaction, message: InboundMessage, setup: IntakeSetup
) -> Received | None:
    """A mail answering one that opened orders goes onto them, with no rule applied (a
    rule would answer it again, or open a second order); None when it answers none."""
    orders = orders_of_thread(session, interaction, message.refers_to)
    if not orders:
        return None
    limits = setup.file_limits
    continue_orders(session, message=interaction, orders=orders, by=setup.by, file_limits=limits)
    return Received(interaction, None, None, auto_replied=False, repeated=False)


def _apply_rule(
    session: Session, interaction: Interaction, message: InboundMessage, setup: IntakeSetup
) -> Received:
    rule = matching_rule(
        session, message.channel, subject=interaction.subject, body=interaction.body
    )
    if rule is None:
        return Received(interaction, None, None, auto_replied=False, repeated=False)
    interaction.intake_rule_id = rule.id
    values = _lookup(session, rule, interaction, setup)
    if values is None:  # the number is no subscriber: an agent answers from the inbox
        return Received(interaction, rule, None, auto_replied=False, repeated=False)
    order_number = _open_order(session, rule, interaction, setup)
    if rule.order_type and order_number is None:  # the reply would promise an order
        return Received(interaction, rule, None, auto_replied=False, repeated=False)
    if order_number:
        values["order_number"] = order_number
    if rule.lookup or order_number:
        finish(session, interaction, EndReason.SELF_SERVICE)
    replied = _auto_reply(session, rule, interaction, message, values, setup)
    return Received(interaction, rule, order_number, auto_replied=replied, repeated=False)


def _lookup(
    session: Session, rule: IntakeRule, interaction: Interaction, setup: IntakeSetup
) -> dict[str, str] | None:
    """The values a rule's reply needs; None when the lookup has no answer (no subscriber)."""
    billing = setup.billing
    if rule.lookup == "orders":
        zone = setup.calendar.zone
        return {"orders": orders_told(session, interaction, keyword=rule.keyword, zone=zone)}
    if rule.lookup == "chase":
        return chased_by_text(session, interaction, keyword=rule.keyword, by=setup.by)
    if rule.lookup == "move_visit":
        zone = setup.calendar.zone
        return moved_by_text(session, interaction, keyword=rule.keyword, zone=zone)
    if rule.lookup == "engineer_report":
        zone = setup.calendar.zone
        return reported_by_text(session, interaction, keyword=rule.keyword, zone=zone)
    if rule.lookup == "rating":
        calendar = setup.calendar
        return rated_by_text(session, interaction, keyword=rule.keyword, calendar=calendar)
    if rule.lookup in _BILLING_LOOKUPS:
        try:
            return _billing_lookup(billing, rule.lookup, interaction)
        except BillingUnavailable as silent:  # an agent answers it from the inbox
            log.warning("billing lookup for a text failed: %s", silent)
            return None
    return {}


def _balance_values(billing: Billing, interaction: Interaction) -> dict[str, str] | None:
    balance = billing.balance(interaction.address)
    if balance is None:
        return None
    return {
        "balance": _yuan(balance.balance_fen),
        "month_charges": _yuan(balance.month_charges_fen),
    }


def _package_values(billing: Billing, interaction: Interaction) -> dict[str, str] | None:
    package = billing.package(interaction.address)
    if package is None:
        return None
    en = interaction.language == "en"
    return {
        "package": package.name_en if en and package.name_en else package.name,
        "monthly_fee": _yuan(package.monthly_fee_fen),
    }


def _bill_values(billing: Billing, interaction: Interaction) -> dict[str, str] | None:
    """The last few bill months, newest first, short enough for one text."""
    bills = billing.bills(interaction.address)
    if not bills:  # no live subscriber, or no finished month yet: an agent answers
        return None
    shown = bills[:TEXTED_BILL_MONTHS]
    if interaction.language == "en":
        lines = "; ".join(f"{b.month} CNY {_yuan(b.amount_fen)}" for b in shown)
    else:
        lines = "；".join(f"{b.month}：{_yuan(b.amount_fen)}元" for b in shown)
    return {"bills": lines}


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


_BILLING_LOOKUPS = {
    "balance": _balance_values,
    "package": _package_values,
    "bill": _bill_values,
}


def _billing_lookup(
    billing: Billing, lookup: str, interaction: Interaction
) -> dict[str, str] | None:
    """A balance, package or bills for a text's reply; None when billing does not know it."""
    return _BILLING_LOOKUPS[lookup](billing, interaction)


def _open_order(
    session: Session, rule: IntakeRule, interaction: Interaction, setup: IntakeSetup
) -> str | None:
    """The rule's work order, when it names one and the sender can be reached."""
    if not rule.order_type or not rule.category_code:
        return None
    category = category_tree(session).leaf_in_use(rule.category_code)
    phone = interaction.address if interaction.address.startswith("+") else None
    if category is None or (phone is None and interaction.customer_id is None):
        return None  # no category or nobody to call back: an agent takes it from the inbox
    text = interaction.body or interaction.subject
    data = OrderCreate(
        type=OrderType(rule.order_type),
        category_id=category.id,
        customer_id=interaction.customer_id,
        contact_phone=phone,
        subject=one_line(f"{rule.name}：{text}", limit=60) or rule.name,
        description=storable(text, limit=4000)[0],
        channel=ORDER_CHANNEL[interaction.channel],
    )
    try:
        order = orders.create_order(session, data=data, by=setup.by, calendar=setup.calendar).order
    except Unprocessable:  # e.g. the customer has no live number: the inbox keeps it
        return None
    link_order(session, interaction=interaction, order_id=order.id)
    limits = setup.file_limits
    carry_to_order(session, message=interaction, order=order, by=setup.by, limits=limits)
    return order.number


def _auto_reply(
    session: Session,
    rule: IntakeRule,
    interaction: Interaction,
    message: InboundMessage,
    values: dict[str, str],
    setup: IntakeSetup,
) -> bool:
    template = rule.reply_en if interaction.language == "en" and rule.reply_en else rule.reply
    if not template or message.automatic or not replies.reachable(interaction):
        return False
    if _recent_auto_replies(session, interaction.address) >= setup.auto_replies_per_hour:
        return False  # two auto-responders must not answer each other for ever
    text = values.get(replies.WHOLE_REPLY) or PLACEHOLDER.sub(
        lambda m: values.get(m.group(1), m.group(0)), template
    )
    replies.send(session, message=interaction, text=text, agent_id=None)
    return True


def _recent_auto_replies(session: Session, address: str) -> int:
    since = utcnow() - timedelta(hours=1)
    return (
        session.scalar(
            select(func.count())
            .select_from(Interaction)
            .where(
                Interaction.address == address,
                Interaction.in_reply_to_id.is_not(None),
                Interaction.agent_id.is_(None),
                Interaction.offered_at >= since,
            )
        )
        or 0
    )
