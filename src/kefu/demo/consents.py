"""The demo's consent records: every service request that was carried out had the
customer's confirmation first (五不准), by a code sent by SMS or on a recorded call, kept as
the console keeps it (a consent row, and a step on the order's timeline)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from kefu.workorders.enums import ConsentMethod

VERBAL_SHARE = 0.4  # the rest confirmed with the code texted to them
CONSENT_COLUMNS = (
    "order_id",
    "method",
    "phone",
    "code_digest",
    "expires_at",
    "attempts",
    "call_reference",
    "note",
    "confirmed_at",
    "recorded_by_id",
    "created_at",
    "updated_at",
    "version",
)
CONFIRMED_NOTE = "客户已确认 / confirmed"  # the reason the console's consent step carries


def consent(
    rng: random.Random,
    *,
    order_id: int,
    phone: str,
    between: tuple[datetime, datetime],
    agent: int,
) -> tuple[tuple[Any, ...], dict[str, str], datetime]:
    """A confirmation given between the two moments: its row, the timeline step's details
    and when it was given."""
    start, end = between
    confirmed = start + (end - start) * rng.uniform(0.2, 0.8)
    if rng.random() < VERBAL_SHARE:
        reference = f"REC{confirmed.astimezone(UTC):%Y%m%d%H%M%S}{rng.randint(100, 999)}"
        row = _verbal(order_id, phone, confirmed, agent, reference)
        return row, {"method": ConsentMethod.VERBAL.value, "call_reference": reference}, confirmed
    sent = confirmed - timedelta(seconds=rng.randint(30, 200))
    row = _coded(order_id, phone, confirmed, agent, sent)
    return row, {"method": ConsentMethod.SMS_CODE.value, "call_reference": ""}, confirmed


def _verbal(
    order_id: int, phone: str, confirmed: datetime, agent: int, reference: str
) -> tuple[Any, ...]:
    at = confirmed.astimezone(UTC)
    note = "客户在录音中确认办理"
    return (order_id, "verbal", phone, None, None, 0, reference, note, at, agent, at, at, 1)


def _coded(
    order_id: int, phone: str, confirmed: datetime, agent: int, sent: datetime
) -> tuple[Any, ...]:
    at, made = confirmed.astimezone(UTC), sent.astimezone(UTC)
    digest = f"{order_id:064x}"  # stands for the code's HMAC: the demo had no code to hash
    expires = made + timedelta(minutes=5)
    return (order_id, "sms_code", phone, digest, expires, 1, "", "", at, agent, made, at, 2)


def consent_step(order_id: int, agent: int, details: dict[str, str], at: datetime) -> tuple:
    """The timeline step the console writes when the customer confirms."""
    step = json.dumps(details, ensure_ascii=False)
    return (order_id, "note", "", "", "", agent, at.astimezone(UTC), CONFIRMED_NOTE, step)
