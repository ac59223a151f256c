"""Where the engineer goes when the booking names no address: where the order's last
visit went (booking again after a missed or moved visit), else the customer's address on
file (装机地址 for most broadband customers).

Why: agents mostly cannot read a customer's full address (it is masked like other
personal data), yet they book visits to it; typing it again from the customer's words
is slow and invites mistakes. The form says which address a blank field uses, masked as
the agent sees it, for them to confirm with the customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.customers.models import Customer
from kefu.workorders.models import OrderAppointment, WorkOrder


class AddressFrom(StrEnum):
    LAST_VISIT = "last_visit"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class KnownAddress:
    address: str
    source: AddressFrom


def known_address(session: Session, order: WorkOrder) -> KnownAddress | None:
    """The address a booking without one goes to; None when the order has neither."""
    last = session.scalar(
        select(OrderAppointment.address)
        .where(OrderAppointment.order_id == order.id, OrderAppointment.address != "")
        .order_by(OrderAppointment.id.desc())
        .limit(1)
    )
    if last:
        return KnownAddress(last, AddressFrom.LAST_VISIT)
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    if customer is not None and customer.address.strip():
        return KnownAddress(customer.address.strip(), AddressFrom.CUSTOMER)
    return None
