"""Rows of the demo's subscribers: a customer, their numbers, monthly spend and tier.

The generator draws each customer and writes them in batches; these build the rows.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from faker import Faker
from stdnum.cn import ric

from kefu.core.base import utcnow
from kefu.core.clock import add_months, day_start_utc, month_key
from kefu.core.idnumber import check_digit
from kefu.customers.enums import (
    TIER_RANK,
    Brand,
    Gender,
    SubscriptionStatus,
    Tier,
    TierSource,
)
from kefu.customers.models import Package
from kefu.demo import reference as ref
from kefu.demo.identities import Identities
from kefu.org.models import OrgUnit

TIER_REVIEWS = 6  # monthly tier reviews of the last half year, this month's included
TIER_REVIEW_REASON = "月度等级评定"
SPEND_DRIFT = 0.05  # sd of a number's monthly spend trend (log scale): some rise, some fall
MSISDN_STRIDE = 7919  # prime, so i -> i*stride mod 10^8 never repeats a number


@dataclass
class Context:
    rng: random.Random
    fake: Faker
    today: date
    cities: list[OrgUnit]
    packages: dict[Brand, list[Package]]
    managers: dict[int, list[int]]  # by branch
    enterprise_ids: list[int]
    rules: list[tuple[Tier, int, int]]
    names: list[str]
    streets: list[str]
    brand_counters: dict[Brand, int]
    identities: Identities


def brand(rng: random.Random) -> Brand:
    return rng.choices([b for b, _ in ref.BRAND_SHARE], weights=[w for _, w in ref.BRAND_SHARE])[0]


def msisdn(ctx: Context, brand: Brand) -> str:
    index = ctx.brand_counters[brand]
    ctx.brand_counters[brand] = index + 1
    prefixes = ref.PREFIXES[brand]
    prefix, step = prefixes[index % len(prefixes)], index // len(prefixes)
    return f"+86{prefix}{(step * MSISDN_STRIDE + 1_234_567) % 10**8:08d}"


def spend(
    ctx: Context, brand: Brand, since: date, months: int, lapsed_months: int
) -> Iterator[tuple[int, int]]:
    """Monthly bills oldest first: a level, a drift up or down, noise, and little use in
    the months a lapsing pre-paid user stopped topping up."""
    median, sigma = ref.SPEND[brand]
    base = median * math.exp(sigma * ctx.rng.gauss(0, 1))
    drift = ctx.rng.gauss(0, SPEND_DRIFT)
    last = add_months(month_key(ctx.today), -1)
    for step in reversed(range(months)):
        month = add_months(last, -step)
        if month >= month_key(since):
            level = base * math.exp(-drift * step) * (0.3 if step < lapsed_months else 1.0)
            yield month, int(level * math.exp(0.18 * ctx.rng.gauss(0, 1)))


def tier(ctx: Context, totals: dict[int, int], since: date) -> Tier:
    average = sum(totals.values()) / len(totals) if totals else 0
    tenure = (ctx.today.year - since.year) * 12 + ctx.today.month - since.month
    return _tier_for(ctx, average, tenure)


def _tier_for(ctx: Context, average: float, tenure: int) -> Tier:
    for tier, min_spend, min_tenure in ctx.rules:
        if average >= min_spend and tenure >= min_tenure:
            return Tier(tier)
    return Tier.NORMAL


def tier_changes(
    ctx: Context, customer_id: int, totals: dict[int, int], since: date, closed: date | None
) -> tuple[Tier, list[tuple[Any, ...]]]:
    """The tier now and the policy's changes at the monthly reviews of the last half year
    (this month's included), in TIER_CHANGE_COLUMNS order. Each review applies the live
    policy's rule on the first of the month: the year's spend before it (months with data)
    and the tenure then. A falling spender slides down a tier; a rising one climbs."""
    this_month = month_key(ctx.today)
    reviews = [add_months(this_month, -back) for back in range(TIER_REVIEWS - 1, 0, -1)]
    states: list[tuple[int, Tier]] = []
    for review in reviews:
        day = date(review // 100, review % 100, 1)
        if day <= since or (closed is not None and day > closed):
            continue
        window = [v for m, v in totals.items() if add_months(review, -12) <= m < review]
        average = sum(window) / len(window) if window else 0
        tenure = (day.year - since.year) * 12 + day.month - since.month
        states.append((review, _tier_for(ctx, average, tenure)))
    now = tier(ctx, totals, since)
    if closed is None or closed >= ctx.today.replace(day=1):
        states.append((this_month, now))
    rows = [
        (customer_id, before, after, TierSource.POLICY, TIER_REVIEW_REASON, _review_at(month))
        for (_, before), (month, after) in pairwise(states)
        if before != after
    ]
    return now, rows


def _review_at(month: int) -> datetime:
    """Reviews run at two in the morning, local time, on the first of the month."""
    return day_start_utc(date(month // 100, month % 100, 1)) + timedelta(hours=2)


def fitting_package(packages: list[Package], bills: list[int]) -> Package:
    """The dearest of the brand's packages that the number's usual bill covers (the plan's
    fee is part of every bill), else the cheapest: a 588-yuan plan on 40-yuan bills was
    a demo no operator would believe."""
    by_fee = sorted(packages, key=lambda p: p.monthly_fee_fen)
    usual = sorted(bills)[len(bills) // 2] if bills else by_fee[0].monthly_fee_fen
    return next((p for p in reversed(by_fee) if p.monthly_fee_fen <= usual), by_fee[0])


def subscription_row(
    ctx: Context,
    sid: int,
    cid: int,
    number: tuple[str, Brand, date, date | None, int],
    bills: list[int],
) -> tuple[Any, ...]:
    msisdn, brand, since, closed, balance = number
    rng, now = ctx.rng, utcnow()
    package = fitting_package(ctx.packages[brand], bills)
    # A pre-paid number whose balance ran out is suspended (停机); a post-paid one rarely.
    owes = balance < -500 if brand is not Brand.GOTONE else rng.random() < 0.01
    status = (
        SubscriptionStatus.CANCELLED
        if closed is not None
        else (SubscriptionStatus.SUSPENDED if owes else SubscriptionStatus.ACTIVE)
    )
    return (
        sid,
        msisdn,
        cid,
        brand.value,
        package.id,
        status.value,
        since,
        closed,
        balance,
        now,
        now,
        1,
    )


def local_manager(rng: random.Random, managers: dict[int, list[int]], unit_id: int) -> int | None:
    """One of the branch's account managers, or none where it has none. Drawn over all
    the managers, as the demo drew before managers kept to their branch, so every draw
    after it, and the rest of the demo, stays as it was."""
    everyone = sum(len(ids) for ids in managers.values())
    if not everyone:
        return None
    drawn = rng.randrange(everyone)
    local = managers.get(unit_id)
    return local[drawn % len(local)] if local else None


def customer_row(
    ctx: Context, cid: int, city: OrgUnit, since: date, status: str, tier: Tier
) -> tuple[Any, ...]:
    rng, now = ctx.rng, utcnow()
    birth = date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
    gender = Gender.MALE if rng.random() < 0.5 else Gender.FEMALE
    sequence = rng.randrange(50) * 2 + (1 if gender == Gender.MALE else 0)
    resident = resident_id(city.region_code, birth, rng.randrange(10) * 100 + sequence)
    enterprise = (
        rng.choice(ctx.enterprise_ids) if ctx.enterprise_ids and rng.random() < 0.08 else None
    )
    looked_after = ctx.managers and TIER_RANK[tier] >= 2 and rng.random() < 0.6
    manager = local_manager(rng, ctx.managers, city.id) if looked_after else None
    city_name = city.name.removesuffix("分公司")
    district = rng.choice(ref.DISTRICTS.get(city.code, [""]))
    address = f"广东省{city_name}市{district}{rng.choice(ctx.streets)}"
    identity = ctx.identities.draw(resident, birth, int(resident[14:17]), rng.choice(ctx.names))
    return (
        cid,
        identity.name,
        gender.value,
        identity.id_number,
        identity.id_kind.value,
        identity.id_country,
        birth,
        address,
        None if rng.random() < 0.6 else f"user{cid}@example.cn",
        identity.language,
        city.id,
        since,
        status,
        tier.value,
        TierSource.POLICY.value,
        enterprise,
        manager,
        rng.random() < 0.01,
        rng.random() < 0.03,
        rng.random() < 0.4,
        "",
        now,
        now,
        1,
    )


def resident_id(region: str, birth: date, sequence: int) -> str:
    # A city code younger than the person is not valid on their card; use the capital's.
    for code in (region, "440100"):
        first17 = f"{code}{birth:%Y%m%d}{sequence:03d}"
        number = first17 + check_digit(first17)
        if ric.is_valid(number):
            return number
    return number
