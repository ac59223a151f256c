"""Account managers (客户经理) and the customers they look after: a customer's manager is
their own, or else their group's (集团客户), as the notices to big customers count them."""

from __future__ import annotations

from sqlalchemy import Select, exists, select, union_all
from sqlalchemy.orm import Session

from kefu.customers.models import Customer, Enterprise


def manager_of(session: Session, customer: Customer) -> int | None:
    """The staff member who looks after the customer, if any (a primary-key read of the
    group only for a member without a manager of their own)."""
    if customer.account_manager_id is not None:
        return customer.account_manager_id
    if customer.enterprise_id is None:
        return None
    enterprise = session.get(Enterprise, customer.enterprise_id)
    return enterprise.account_manager_id if enterprise else None


def managed_customers(staff_id: int) -> Select[tuple[int]]:
    """The ids of the customers a staff member looks after, for an ``IN``: their own
    customers, and the members of their groups who have no manager of their own (each
    half through its index on the manager)."""
    own = select(Customer.id).where(Customer.account_manager_id == staff_id)
    groups = select(Enterprise.id).where(Enterprise.account_manager_id == staff_id)
    members = select(Customer.id).where(
        Customer.enterprise_id.in_(groups), Customer.account_manager_id.is_(None)
    )
    return select(union_all(own, members).subquery().c.id)


def manages_any(session: Session, staff_id: int) -> bool:
    """Whether the staff member looks after any customer or group."""
    own = exists().where(Customer.account_manager_id == staff_id)
    groups = exists().where(Enterprise.account_manager_id == staff_id)
    return bool(session.scalar(select(own | groups)))
