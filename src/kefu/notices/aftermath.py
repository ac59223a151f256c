"""What came after a notice (通告后的工单): the work orders its customers opened from the
time they were told until three days after the work ended. The supervisor who sent it
sees how many of the told still called about the work, and what about; the handler of
such an order sees that the customer had been told, and can answer accordingly.

Read when asked, never written on creation: order creation stays as lean as it is, and a
notice sent after an order was opened does not claim it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.orm import Session

from kefu.core.rbac import Principal
from kefu.notices.enums import NoticeStatus
from kefu.notices.models import Notice, NoticeRecipient
from kefu.org.models import OrgUnit
from kefu.workorders.models import Category, WorkOrder

AFTERMATH = timedelta(days=3)  # complaints of the work keep coming for a few days after it


def _opened_by_the_told(notice: Notice, by: Principal) -> ColumnElement[bool]:
    """Orders of the customers the notice was sent to (theirs, or opened from the number
    texted when no customer was named), opened from its sending until ``AFTERMATH`` after
    the work, in the viewer's scope."""
    sent_to = NoticeRecipient.notice_id == notice.id
    told = select(NoticeRecipient.customer_id).where(sent_to)
    texted = select(NoticeRecipient.msisdn).where(sent_to, NoticeRecipient.msisdn != "")
    window = WorkOrder.created_at.between(notice.sent_at, notice.ends_at + AFTERMATH)
    whose = WorkOrder.customer_id.in_(told) | (
        WorkOrder.customer_id.is_(None) & WorkOrder.contact_phone.in_(texted)
    )
    condition = whose & window
    scope = by.scope_filter()
    if scope is not None:
        seen = select(OrgUnit.id).where(OrgUnit.path.startswith(scope))
        condition = condition & WorkOrder.org_unit_id.in_(seen)
    return condition


def order_count(session: Session, notice: Notice, by: Principal) -> int | None:
    """How many orders the told customers opened after it; None for a notice not sent."""
    if notice.sent_at is None:
        return None
    counted = session.scalar(select(func.count()).where(_opened_by_the_told(notice, by)))
    return int(counted or 0)


def orders(
    session: Session, notice: Notice, by: Principal, *, offset: int, limit: int
) -> list[Row[*tuple[Any, ...]]]:
    """A page of those orders, the latest first, with their category (``order_count``
    says how many in all)."""
    if notice.sent_at is None:
        return []
    query = (
        select(
            WorkOrder.id,
            WorkOrder.number,
            WorkOrder.type,
            WorkOrder.status,
            WorkOrder.subject,
            WorkOrder.customer_id,
            WorkOrder.created_at,
            Category.name,
            Category.name_en,
        )
        .join(Category, Category.id == WorkOrder.category_id)
        .where(_opened_by_the_told(notice, by))
        .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
    )
    return list(session.execute(query.offset(offset).limit(limit)))


def told_before(session: Session, order: WorkOrder) -> list[Notice]:
    """The notices the order's customer (or, with none named, its number) had been sent
    when it was opened, about work under way, near or just over (not called off), soonest
    first."""
    opened_at = order.created_at
    whose = (
        NoticeRecipient.customer_id == order.customer_id
        if order.customer_id is not None
        else NoticeRecipient.msisdn == order.contact_phone
    )
    query = (
        select(Notice)
        .join(NoticeRecipient, NoticeRecipient.notice_id == Notice.id)
        .where(
            whose,
            Notice.status == NoticeStatus.SENT,
            Notice.sent_at <= opened_at,
            Notice.ends_at >= opened_at - AFTERMATH,
        )
        .order_by(Notice.starts_at)
    )
    return list(session.scalars(query))
