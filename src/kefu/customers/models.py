"""Tables of the customer domain."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.base import Base, IdMixin, TimestampMixin, VersionedMixin, utcnow
from kefu.customers.enums import (
    Brand,
    BusinessType,
    ContractStatus,
    CustomerStatus,
    EnterpriseGrade,
    EnterpriseScale,
    Gender,
    Industry,
    PaymentChannel,
    SubscriptionStatus,
    Tier,
    TierSource,
)


class Package(IdMixin, Base):
    """Why: the caller's package (套餐) is the first thing asked about bills and data."""

    __tablename__ = "packages"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    brand: Mapped[Brand] = mapped_column(String(16))
    monthly_fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChannelAgent(IdMixin, Base):
    """Why: enterprise deals often come through an agent (代理商) who shares the service."""

    __tablename__ = "channel_agents"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))


class Enterprise(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: group (集团) customers have contracts, contacts and a named account manager."""

    __tablename__ = "enterprises"

    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    industry: Mapped[Industry] = mapped_column(String(32))
    scale: Mapped[EnterpriseScale] = mapped_column(String(16))
    grade: Mapped[EnterpriseGrade] = mapped_column(String(1))
    business_type: Mapped[BusinessType] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(300), default="")
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    sales_rep_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    channel_agent_id: Mapped[int | None] = mapped_column(ForeignKey("channel_agents.id"))
    status: Mapped[CustomerStatus] = mapped_column(String(16), default=CustomerStatus.ACTIVE)


class EnterpriseContact(IdMixin, Base):
    """Why: the key people (关键人) of a group are who the manager calls before a cut-over."""

    __tablename__ = "enterprise_contacts"

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Contract(IdMixin, Base):
    """Why: service levels and renewals of a group are set by its contracts."""

    __tablename__ = "contracts"

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    value_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[ContractStatus] = mapped_column(String(16), default=ContractStatus.ACTIVE)


class Customer(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: one person behind one or more numbers; the record is kept for good (never deleted)."""

    __tablename__ = "customers"

    name: Mapped[str] = mapped_column(String(100), index=True)
    gender: Mapped[Gender] = mapped_column(String(8), default=Gender.UNKNOWN)
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    # Which document the number is (kefu.core.idnumber.IdKind): a passport's or travel
    # permit's number does not say. Set with the number, empty without one.
    id_kind: Mapped[str | None] = mapped_column(String(24))
    # a passport's issuer, a permanent residence card holder's nationality (ISO 3166)
    id_country: Mapped[str | None] = mapped_column(String(2))
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    customer_since: Mapped[date] = mapped_column(Date)
    status: Mapped[CustomerStatus] = mapped_column(String(16), default=CustomerStatus.ACTIVE)
    tier: Mapped[Tier] = mapped_column(String(16), default=Tier.NORMAL)
    tier_source: Mapped[TierSource] = mapped_column(String(16), default=TierSource.POLICY)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    # Service flags the agent must see at once.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)  # 敏感客户: handle with care
    do_not_call: Mapped[bool] = mapped_column(Boolean, default=False)
    marketing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class Subscription(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: the number (MSISDN) is how a caller is recognized; it may be reissued later."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        # One live subscription per number; cancelled ones stay as history.
        Index(
            "uq_subscriptions_live_msisdn",
            "msisdn",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
    )

    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    brand: Mapped[Brand] = mapped_column(String(16))
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    status: Mapped[SubscriptionStatus] = mapped_column(
        String(16), default=SubscriptionStatus.ACTIVE
    )
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class MonthlySpend(Base):
    """Why: six months of spend answer most bill questions and drive the tier policy."""

    __tablename__ = "monthly_spend"

    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # yyyymm
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class Payment(Base):
    """Why: recency and frequency of payment (RFM) and a lapsing top-up habit (churn) are
    read from when and how much a number was paid; the balance after each one gives the
    balance on any past date without a balance history."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_subscription_paid", "subscription_id", "paid_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    paid_at: Mapped[datetime] = mapped_column(index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[PaymentChannel] = mapped_column(String(16))
    balance_after_fen: Mapped[int] = mapped_column(BigInteger)


class TierRule(IdMixin, Base):
    """Why: operators set their own thresholds; a tier needs both spend and tenure."""

    __tablename__ = "tier_rules"

    tier: Mapped[Tier] = mapped_column(String(16), unique=True)
    min_avg_monthly_spend_fen: Mapped[int] = mapped_column(BigInteger)
    min_tenure_months: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TierChange(IdMixin, Base):
    """Why: tier history explains why a caller was (or was not) given priority on a date."""

    __tablename__ = "tier_changes"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    from_tier: Mapped[Tier | None] = mapped_column(String(16))
    to_tier: Mapped[Tier] = mapped_column(String(16))
    source: Mapped[TierSource] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
