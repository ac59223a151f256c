"""The billing system (BOSS) as kefu sees it — balances, packages and order status for
self-service, and credits for the refunds staff approve — and an implementation on
kefu's own data.

An operator connects its real BOSS by writing another class with these methods; kefu's
own data stands in for it in the demo and wherever the BOSS has no API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kefu.core.clock import add_months, local_today, month_key
from kefu.customers import repository as customers
from kefu.customers.models import MonthlySpend, Package, Subscription
from kefu.workorders.models import WorkOrder


@dataclass(frozen=True)
class Balance:
    """A number's balance and this month's charges so far, in fen."""

    balance_fen: int
    month_charges_fen: int


@dataclass(frozen=True)
class PackageInfo:
    """The package a number is on."""

    name: str
    name_en: str
    monthly_fee_fen: int


@dataclass(frozen=True)
class MonthBill:
    """A finished bill month's charges, in fen (month as YYYY-MM)."""

    month: str
    amount_fen: int


BILL_MONTHS = 6  # what a customer asking about their bills is shown


@dataclass(frozen=True)
class OrderInfo:
    """A work order's number and status, as a caller may hear it."""

    number: str
    status: str


class Crediting(Protocol):
    """The billing system as a refund's credit needs it."""

    def credit(self, msisdn: str, *, amount_fen: int, reference: str) -> str | None:
        """Credit the number's account; the billing system's reference for the credit, or
        None when the number is no live subscriber. Asked again with the same
        ``reference`` (a job retried), the billing system credits once."""
        ...


class BillingUnavailable(RuntimeError):
    """The billing system did not answer a lookup in time, or not as agreed: the caller
    is told it cannot be looked up now (not that the number is unknown)."""


class Billing(Protocol):
    """What the IVR and text self-service ask of the billing system, by E.164 number;
    a lookup may raise ``BillingUnavailable``."""

    def balance(self, msisdn: str) -> Balance | None:
        """Balance and this month's charges; None when the number is no live subscriber."""
        ...

    def package(self, msisdn: str) -> PackageInfo | None:
        """The current package; None when the number is no live subscriber."""
        ...

    def bills(self, msisdn: str) -> list[MonthBill] | None:
        """The last ``BILL_MONTHS`` finished bill months, newest first (a month without a
        bill left out); None when the number is no live subscriber."""
        ...

    def order_status(self, *, number: str, msisdn: str) -> OrderInfo | None:
        """The status of the caller's own work order (another number's order is None)."""
        ...


class KefuBilling:
    """Billing answers from kefu's subscriber, spend and work-order tables."""

    def __init__(self, session: Session, timezone: str) -> None:
        self.session = session
        self.timezone = timezone

    def balance(self, msisdn: str) -> Balance | None:
        """Balance and this month's charges; None when the number is no live subscriber."""
        subscription = customers.live_subscription(self.session, msisdn)
        if subscription is None:
            return None
        charges = self.session.scalar(
            select(MonthlySpend.amount_fen).where(
                MonthlySpend.subscription_id == subscription.id,
                MonthlySpend.month == month_key(local_today(self.timezone)),
            )
        )
        return Balance(subscription.balance_fen, charges or 0)

    def package(self, msisdn: str) -> PackageInfo | None:
        """The current package; None when the number is no live subscriber."""
        subscription = customers.live_subscription(self.session, msisdn)
        if subscription is None:
            return None
        package = self.session.get(Package, subscription.package_id)
        assert package is not None
        return PackageInfo(package.name, package.name_en, package.monthly_fee_fen)

    def bills(self, msisdn: str) -> list[MonthBill] | None:
        """The last finished bill months' charges, newest first."""
        subscription = customers.live_subscription(self.session, msisdn)
        if subscription is None:
            return None
        this_month = month_key(local_today(self.timezone))
        rows = self.session.execute(
            select(MonthlySpend.month, MonthlySpend.amount_fen)
            .where(
                MonthlySpend.subscription_id == subscription.id,
                MonthlySpend.month.between(add_months(this_month, -BILL_MONTHS), this_month - 1),
            )
            .order_by(MonthlySpend.month.desc())
        )
        return [MonthBill(f"{month // 100}-{month % 100:02d}", amount) for month, amount in rows]

    def order_status(self, *, number: str, msisdn: str) -> OrderInfo | None:
        """The status of the caller's own work order (another number's order is None)."""
        order = self.session.scalar(
            select(WorkOrder).where(WorkOrder.number == number, WorkOrder.contact_phone == msisdn)
        )
        return OrderInfo(order.number, str(order.status)) if order else None

    def credit(self, msisdn: str, *, amount_fen: int, reference: str) -> str | None:
        """Add to the number's balance. Once per reference: the job that asks marks its
        refund credited in the same transaction, so a retry finds it done."""
        subscription = customers.live_subscription(self.session, msisdn)
        if subscription is None:
            return None
        # added in the database, not read and written back: two credits at once both count
        self.session.execute(
            update(Subscription)
            .where(Subscription.id == subscription.id)
            .values(balance_fen=Subscription.balance_fen + amount_fen)
            .execution_options(synchronize_session=False)
        )
        self.session.expire(subscription, ["balance_fen"])
        return f"KEFU-{reference}"
