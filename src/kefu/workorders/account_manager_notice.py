"""The account manager (客户经理) is told when their customer complains or reports a fault:
the seeds give the big-customer desk the follow-up of a big customer's complaints and
faults, and the customer's own manager hears of it from the center, not from the
customer. A mail in the manager's language, queued with the order."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kefu.core.i18n import gettext
from kefu.core.masking import mask_phone
from kefu.core.rbac import Principal
from kefu.customers.managers import manager_of
from kefu.customers.models import Customer
from kefu.notify.tasks import notify_staff
from kefu.org.models import Staff
from kefu.workorders.category_tree import CategoryNode, category_tree
from kefu.workorders.enums import OrderType
from kefu.workorders.models import WorkOrder

# What a manager follows up: a service request or a question is the customer's business.
TOLD_OF = frozenset({OrderType.COMPLAINT, OrderType.FAULT})


def tell_account_manager(
    session: Session, order: WorkOrder, category: CategoryNode, *, by: Principal, zone: str
) -> None:
    """Queue the mail to the customer's account manager, if the order is a complaint or a
    fault of a customer who has one, and the manager did not open it themselves."""
    manager = manager_to_tell(session, order, by)
    if manager is None:
        return
    customer = session.get(Customer, order.customer_id)  # read by the creation already
    assert customer is not None  # the manager was found through it
    language = str(manager.language)
    chain = category_tree(session).chain(category)
    english = language == "en"
    names = " › ".join((node.name_en or node.name) if english else node.name for node in chain)
    subject, body = _mail(order, customer, names, by=by, zone=zone, language=language)
    notify_staff(session, staff_id=manager.id, subject=subject, body=body)


def manager_to_tell(session: Session, order: WorkOrder, by: Principal) -> Staff | None:
    """The account manager to mail of the order (opened, or about to be): its customer's,
    for a complaint or a fault, unless they opened it; one who can be written to."""
    if order.type not in TOLD_OF or order.customer_id is None:
        return None
    customer = session.get(Customer, order.customer_id)
    manager_id = manager_of(session, customer) if customer else None
    if manager_id is None or manager_id == by.staff_id:
        return None
    manager = session.get(Staff, manager_id)
    return manager if manager and manager.email and manager.active else None


def _mail(
    order: WorkOrder,
    customer: Customer,
    chain: str,
    *,
    by: Principal,
    zone: str,
    language: str,
) -> tuple[str, str]:
    """The mail's subject and body; the number masked, as mail leaves the console."""
    english = language == "en"
    kind = gettext(language, f"order_type.{order.type.value}")
    due = order.resolve_due_at.astimezone(ZoneInfo(zone)) if order.resolve_due_at else None
    phone = mask_phone(order.contact_phone)
    if english:
        subject = f"[Your customer] {customer.name}: a new {kind.lower()}, {order.number}"
        lines = [
            f"{customer.name} ({phone}), a customer you look after, has a new {kind.lower()}.",
            f"Order: {order.number}",
            f"Category: {chain}",
            f"Subject: {order.subject}",
            f"Answer due by: {due:%d %b %H:%M}" if due else "",
            f"Opened by: {by.display_name}",
            "To open it, type its number in the console's look-up box.",
        ]
    else:
        subject = f"【客户经理知会】您的客户{customer.name}有新{kind}：{order.number}"
        lines = [
            f"您负责的客户{customer.name}（{phone}）有一张新{kind}工单。",
            f"工单号：{order.number}",
            f"分类：{chain}",
            f"主题：{order.subject}",
            f"答复时限：{due:%m月%d日%H:%M}前" if due else "",
            f"受理人：{by.display_name}",
            "在客服系统的查询框输入工单号即可打开。",
        ]
    return subject, "\n".join(line for line in lines if line)
