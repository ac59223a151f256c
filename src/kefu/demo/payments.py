"""Demo payments: each number's bills paid or balance topped up, month by month.

Post-paid numbers (全球通) pay last month's bill early in the month, by bank withholding
or the app. Pre-paid numbers run a balance down through the month and top it up with a
fixed amount whenever it runs low, as people do. Some pre-paid users lapse: they stop
topping up for their last months and their use falls, which is the commonest road out
of a network and one of the signals the churn model must find.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kefu.core.clock import add_months
from kefu.customers.enums import Brand, PaymentChannel

ZONE = ZoneInfo("Asia/Shanghai")
TOP_UPS = (3000, 5000, 5000, 10000, 10000, 20000)  # fen: the usual card and app amounts
LOW_BALANCE = 1000  # a pre-paid user tops up when the balance falls under 10 yuan
CHUNKS = 3  # a month is spent in thirds, so top-ups fall early, mid or late
LAPSE_SHARE = 0.08  # pre-paid numbers that stop topping up in their last months


@dataclass(frozen=True)
class Habit:
    """How one number pays: fixed for its life, so its rhythm is learnable."""

    postpaid: bool
    top_up: int
    channel: PaymentChannel
    lapsed_months: int  # 0, or the last 1 to 3 months without a payment


def habit(rng: random.Random, brand: Brand) -> Habit:
    """Draw a number's payment habit."""
    if brand is Brand.GOTONE:
        channel = PaymentChannel.BANK if rng.random() < 0.7 else PaymentChannel.APP
        return Habit(postpaid=True, top_up=0, channel=channel, lapsed_months=0)
    channel = rng.choices(
        [PaymentChannel.APP, PaymentChannel.CARD, PaymentChannel.HALL, PaymentChannel.AUTO],
        weights=[55, 20, 15, 10],
    )[0]
    lapsed = rng.randint(1, 3) if rng.random() < LAPSE_SHARE else 0
    return Habit(postpaid=False, top_up=rng.choice(TOP_UPS), channel=channel, lapsed_months=lapsed)


def payments(
    rng: random.Random,
    subscription_id: int,
    pay: Habit,
    bills: list[tuple[int, int]],
    today: date,
    closed: date | None = None,
) -> tuple[list[tuple[int, datetime, int, str, int]], int]:
    """Payment rows ``(subscription_id, paid_at, amount_fen, channel, balance_after_fen)`` for
    monthly bills ``(yyyymm, fen)`` oldest first, and the balance left today; a number
    cancelled on ``closed`` pays nothing after that day."""
    rows: list[tuple[int, datetime, int, str, int]] = []
    balance = rng.randint(500, 6000)
    paying_until = len(bills) - pay.lapsed_months
    for index, (month, amount) in enumerate(bills):
        paying = index < paying_until
        if pay.postpaid:
            _postpaid_month(rng, rows, (subscription_id, pay, month, amount, balance), today)
            continue
        for chunk in range(CHUNKS):
            balance -= amount // CHUNKS
            while paying and balance < LOW_BALANCE:
                balance += pay.top_up
                moment = _moment(rng, month, chunk, today)
                rows.append((subscription_id, moment, pay.top_up, pay.channel.value, balance))
    if closed is not None:
        end = datetime.combine(closed + timedelta(days=1), time(0), ZONE)
        return [row for row in rows if row[1] < end], balance
    if bills and not pay.postpaid:
        balance = _this_month(rng, rows, subscription_id, pay, bills[-1][1], today, balance)
    return rows, balance


def _this_month(
    rng: random.Random,
    rows: list[tuple[int, datetime, int, str, int]],
    subscription_id: int,
    pay: Habit,
    amount: int,
    today: date,
    balance: int,
) -> int:
    # The month so far is spent and topped up like the others, or recency would read as
    # a lapse for everyone late in a month.
    month = today.year * 100 + today.month
    for chunk in range(CHUNKS):
        if chunk * 10 + 1 > today.day:
            break
        balance -= amount // CHUNKS
        while not pay.lapsed_months and balance < LOW_BALANCE:
            balance += pay.top_up
            moment = _moment(rng, month, chunk, today)
            rows.append((subscription_id, moment, pay.top_up, pay.channel.value, balance))
    return balance


def _postpaid_month(
    rng: random.Random,
    rows: list[tuple[int, datetime, int, str, int]],
    bill: tuple[int, Habit, int, int, int],
    today: date,
) -> None:
    # A month's bill is paid in the first third of the next; the deposit stays as it was.
    subscription_id, pay, month, amount, balance = bill
    moment = _moment(rng, add_months(month, 1), 0, None)
    if moment.astimezone(ZONE).date() <= today:
        rows.append((subscription_id, moment, amount, pay.channel.value, balance))


def _moment(rng: random.Random, month: int, chunk: int, today: date | None) -> datetime:
    year, number = divmod(month, 100)
    day = min(28, chunk * 10 + rng.randint(1, 10))
    local = datetime.combine(
        date(year, number, day), time(rng.randint(8, 22), rng.randint(0, 59)), ZONE
    )
    if today is not None and local.date() > today:
        local = datetime.combine(today, time(8), ZONE)
    return local.astimezone(UTC)
