"""The account manager (客户经理) hears of their customer's complaints and faults from the
center, not from the customer: the seeds give the big-customer desk the follow-up of a
big customer's complaints and faults (客户关系维护). A mail in the manager's language,
queued with the change, when the order is opened, when it is answered, and when the
customer says at the return visit that the answer did not satisfy them (a big customer
displeased is a churn risk the manager should call about)."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.core.i18n import gettext
from kefu.core.masking import mask_phone
from kefu.core.rbac import Principal
from kefu.customers.managers import manager_of
from kefu.customers.models import Customer
from kefu.notify import links
from kefu.notify.tasks import console_address, notify_staff
from kefu.org.models import Staff
from kefu.workorders.category_tree import CategoryNode, category_tree
from kefu.workorders.enums import OrderType
from kefu.workorders.models import WorkOrder

# What a manager follows up: a service request or a question is the customer's business.
TOLD_OF = frozenset({OrderType.COMPLAINT, OrderType.FAULT})
HOW_TO_OPEN = {
    "en": "To open it, type its number in the console's look-up box.",
    "zh-CN": "在客服系统的查询框输入工单号即可打开。",
}


def manager_to_tell(session: Session, order: WorkOrder, by_staff_id: int | None) -> Staff | None:
    """The account manager to mail of the order: its customer's, for a complaint or a
    fault, unless they made the change themselves; one who can be written to."""
    if order.type not in TOLD_OF or order.customer_id is None:
        return None
    customer = session.get(Customer, order.customer_id)
    manager_id = manager_of(session, customer) if customer else None
    if manager_id is None or manager_id == by_staff_id:
        return None
    manager = session.get(Staff, manager_id)
    return manager if manager and manager.email and manager.active else None


# A mail's subject and lines, composed for the customer in the manager's language
# (English when true).
Compose = Callable[[Customer, bool], tuple[str, list[str]]]


def tell_account_manager(
    session: Session, order: WorkOrder, category: CategoryNode, *, by: Principal, zone: str
) -> None:
    """The order was opened: its number, category, subject, when the answer is due and
    who took it. Composed only for an order with a manager to tell: every creation
    passes here."""

    def compose(customer: Customer, english: bool) -> tuple[str, list[str]]:
        due = order.resolve_due_at.astimezone(ZoneInfo(zone)) if order.resolve_due_at else None
        phone = mask_phone(order.contact_phone)
        chain = category_tree(session).chain(category)
        kind = gettext("en" if english else "zh-CN", f"order_type.{order.type.value}")
        names = " › ".join((c.name_en or c.name) if english else c.name for c in chain)
        if english:
            return f"[Your customer] {customer.name}: a new {kind.lower()}, {order.number}", [
                f"{customer.name} ({phone}), a customer you look after, has a new {kind.lower()}.",
                f"Order: {order.number}",
                f"Category: {names}",
                f"Subject: {order.subject}",
                f"Answer due by: {due:%d %b %H:%M}" if due else "",
                f"Opened by: {by.display_name}",
            ]
        return f"【客户经理知会】您的客户{customer.name}有新{kind}：{order.number}", [
            f"您负责的客户{customer.name}（{phone}）有一张新{kind}工单。",
            f"工单号：{order.number}",
            f"分类：{names}",
            f"主题：{order.subject}",
            f"答复时限：{due:%m月%d日%H:%M}前" if due else "",
            f"受理人：{by.display_name}",
        ]

    _tell(session, order, by.staff_id, compose)


def tell_of_answer(session: Session, order: WorkOrder, *, text: str, by: Principal) -> None:
    """The order was answered: what the customer was told, and by whom."""

    def compose(customer: Customer, english: bool) -> tuple[str, list[str]]:
        if english:
            return f"[Your customer] {customer.name}: {order.number} answered", [
                f"{customer.name}'s order {order.number} ({order.subject}) was answered.",
                f"The answer: {text}",
                f"Answered by: {by.display_name}",
            ]
        return f"【客户经理知会】您的客户{customer.name}的工单已答复：{order.number}", [
            f"您负责的客户{customer.name}的工单{order.number}（{order.subject}）已答复。",
            f"答复内容：{text}",
            f"答复人：{by.display_name}",
        ]

    _tell(session, order, by.staff_id, compose)


def tell_of_dissatisfaction(
    session: Session, order: WorkOrder, *, note: str, by: Principal | None
) -> None:
    """The customer said at the return visit the answer did not satisfy them; the order
    is handled again."""

    def compose(customer: Customer, english: bool) -> tuple[str, list[str]]:
        if english:
            return f"[Your customer] {customer.name} is not satisfied: {order.number}", [
                f"At the return visit {customer.name} said the answer to {order.number} "
                f"({order.subject}) did not satisfy them. The order is being handled again.",
                f"What they said: {note}" if note else "",
            ]
        return f"【客户经理知会】您的客户{customer.name}对答复不满意：{order.number}", [
            f"您负责的客户{customer.name}在回访中表示对工单{order.number}（{order.subject}）"
            "的答复不满意，工单已重新处理。",
            f"客户意见：{note}" if note else "",
        ]

    _tell(session, order, by.staff_id if by else None, compose)


def tell_of_incident_answer(
    session: Session, orders: list[WorkOrder], *, incident: str, text: str, by: Principal
) -> None:
    """An incident's resolution answered its callers together: each manager with
    customers among them is mailed once, naming each customer's order (an outage can
    reach dozens of one manager's customers, who are not mailed one by one)."""
    told: dict[int, tuple[Staff, list[tuple[Customer, WorkOrder]]]] = {}
    for order in orders:
        manager = manager_to_tell(session, order, by.staff_id)
        customer = session.get(Customer, order.customer_id) if manager else None
        if manager is not None and customer is not None:
            told.setdefault(manager.id, (manager, []))[1].append((customer, order))
    for manager, theirs in told.values():
        language = str(manager.language)
        subject, lines = _incident_mail(incident, text, by, theirs, language == "en")
        body = [*lines, *_how_to_open(language)]
        notify_staff(session, staff_id=manager.id, subject=subject, body="\n".join(body))


def _incident_mail(
    incident: str,
    text: str,
    by: Principal,
    theirs: list[tuple[Customer, WorkOrder]],
    english: bool,
) -> tuple[str, list[str]]:
    """The subject and lines of one manager's mail of an incident's answer."""
    if english:
        return f"[Your customers] Incident {incident} resolved: {len(theirs)} answered", [
            f"Incident {incident} was resolved, and its callers answered together. "
            f"Of them, {len(theirs)} are your customers:",
            *(f"- {c.name}: {o.number} ({o.subject}){_at(o)}" for c, o in theirs),
            f"The answer: {text}",
            f"Answered by: {by.display_name}",
        ]
    return f"【客户经理知会】突发事件{incident}已处理，您的{len(theirs)}位客户已获答复", [
        f"突发事件{incident}已处理，相关来电已统一答复，其中{len(theirs)}位是您负责的客户：",
        *(f"- {c.name}：{o.number}（{o.subject}）{_at(o)}" for c, o in theirs),
        f"答复内容：{text}",
        f"答复人：{by.display_name}",
    ]


def _tell(session: Session, order: WorkOrder, by_staff_id: int | None, compose: Compose) -> None:
    """Queue the mail ``compose`` writes to the order's account manager, if one is to be
    told, with how to open the order."""
    manager = manager_to_tell(session, order, by_staff_id)
    if manager is None:
        return
    customer = session.get(Customer, order.customer_id)  # read to find the manager
    assert customer is not None  # the manager was found through it
    language = str(manager.language)
    subject, lines = compose(customer, language == "en")
    body = [line for line in lines if line] + _how_to_open(language)
    notify_staff(
        session,
        staff_id=manager.id,
        subject=subject,
        body="\n".join(body),
        link=links.order_page(order.id),
    )


def _at(order: WorkOrder) -> str:
    """The order's address in the console after its line, when the address is known."""
    address = console_address(links.order_page(order.id))
    return f" {address}" if address else ""


def _how_to_open(language: str) -> list[str]:
    """How the manager opens what the mail names: by its number in the look-up box, when
    the console's address is not known (else the mail gives the address)."""
    return [] if get_settings().console_url else [HOW_TO_OPEN.get(language, "")]
