"""Enumerations of the customer domain."""

from __future__ import annotations

from enum import StrEnum


class Brand(StrEnum):
    """Why: the three mobile brands get different service standards and menus."""

    GOTONE = "gotone"  # 全球通: post-paid, business and high-value
    MZONE = "mzone"  # 动感地带: youth, data-centric
    EASYOWN = "easyown"  # 神州行: mass market, mostly prepaid


class Tier(StrEnum):
    """Why: queue priority, time limits and return-visit deadlines depend on the tier."""

    NORMAL = "normal"  # 普通
    SILVER = "silver"  # 银卡
    GOLD = "gold"  # 金卡
    DIAMOND = "diamond"  # 钻石卡
    SUPREME = "supreme"  # 至尊卡


TIER_RANK: dict[Tier, int] = {tier: rank for rank, tier in enumerate(Tier)}


class TierSource(StrEnum):
    """Why: a manual override must survive the next policy run until it is cleared."""

    POLICY = "policy"
    MANUAL = "manual"


class CustomerStatus(StrEnum):
    """Why: customers are never deleted; they are frozen or cancelled."""

    ACTIVE = "active"
    FROZEN = "frozen"
    CANCELLED = "cancelled"


CUSTOMER_TRANSITIONS: dict[CustomerStatus, frozenset[CustomerStatus]] = {
    CustomerStatus.ACTIVE: frozenset({CustomerStatus.FROZEN, CustomerStatus.CANCELLED}),
    CustomerStatus.FROZEN: frozenset({CustomerStatus.ACTIVE, CustomerStatus.CANCELLED}),
    CustomerStatus.CANCELLED: frozenset(),
}


class SubscriptionStatus(StrEnum):
    """Why: a suspended number (停机) still calls the hotline; a cancelled one may be reissued."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


SUBSCRIPTION_TRANSITIONS: dict[SubscriptionStatus, frozenset[SubscriptionStatus]] = {
    SubscriptionStatus.ACTIVE: frozenset(
        {SubscriptionStatus.SUSPENDED, SubscriptionStatus.CANCELLED}
    ),
    SubscriptionStatus.SUSPENDED: frozenset(
        {SubscriptionStatus.ACTIVE, SubscriptionStatus.CANCELLED}
    ),
    SubscriptionStatus.CANCELLED: frozenset(),
}


class PaymentChannel(StrEnum):
    """Why: where a number was paid for or topped up; a lapsed app top-up is a churn sign."""

    APP = "app"  # the operator's app, WeChat or Alipay
    HALL = "hall"  # a business hall (营业厅)
    BANK = "bank"  # bank withholding (银行代扣), the postpaid way
    CARD = "card"  # a prepaid recharge card (充值卡)
    AUTO = "auto"  # automatic top-up when the balance runs low


class Gender(StrEnum):
    """Why: read from the ID number; used in salutations (先生/女士)."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Industry(StrEnum):
    """Why: enterprise customers are served by industry desks."""

    GOVERNMENT = "government"
    FINANCE = "finance"
    EDUCATION = "education"
    HEALTHCARE = "healthcare"
    MANUFACTURING = "manufacturing"
    RETAIL = "retail"
    TRANSPORT = "transport"
    ENERGY = "energy"
    INTERNET = "internet"
    OTHER = "other"


class EnterpriseScale(StrEnum):
    """Why: service standards differ by enterprise size."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"


class EnterpriseGrade(StrEnum):
    """Why: operators class groups A–D by value; A groups get named managers and priority."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class BusinessType(StrEnum):
    """Why: the main product line decides which back office handles the group's faults."""

    GROUP_VOICE = "group_voice"  # 集团V网
    DEDICATED_LINE = "dedicated_line"  # 专线
    INDUSTRY_SMS = "industry_sms"  # 行业短信
    IOT = "iot"  # 物联网
    CLOUD = "cloud"  # 云 / IDC
    SOLUTION = "solution"  # 行业应用


class ContractStatus(StrEnum):
    """Why: renewals and expiries drive account managers' care calls."""

    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"
