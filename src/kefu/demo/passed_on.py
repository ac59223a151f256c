"""The demo's complaints passed on to the center: a few the customer took to the
regulator's appeal center (工信部申诉), a consumer body (12315) or the press — far more
often after a first complaint the center did not settle, as at a real operator — and a
few the company's leaders handed down (领导交办). Each comes with the reference and the
day its sender set, as the back office keys it in."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from kefu.workorders.enums import OrderOrigin, OrderType

ZONE = ZoneInfo("Asia/Shanghai")
# Of first complaints; a repeat complaint is REPEAT_FACTOR times as likely to go outside.
SHARES = {
    OrderOrigin.REGULATOR: 0.008,
    OrderOrigin.CONSUMER_BODY: 0.002,
    OrderOrigin.MEDIA: 0.001,
    OrderOrigin.EXECUTIVE: 0.002,
}
REPEAT_FACTOR = 6
# Days the sender gives for the answer, counted from the day it came in.
DAYS_GIVEN = {
    OrderOrigin.REGULATOR: 5,
    OrderOrigin.CONSUMER_BODY: 7,
    OrderOrigin.MEDIA: 2,
    OrderOrigin.EXECUTIVE: 3,
}


@dataclass(frozen=True)
class PassedOnComplaint:
    """Who passed a demo complaint on, their reference, and the end of the day they set."""

    origin: OrderOrigin
    reference: str
    due_at: datetime

    def created_details(self) -> str:
        """The creation step's details, as the API writes them."""
        said = {"origin": self.origin.value, "origin_ref": self.reference}
        return json.dumps(said, ensure_ascii=False)


def passed_on(
    rng: random.Random, kind: OrderType, repeated: bool, created: datetime
) -> PassedOnComplaint | None:
    """Whether this complaint came passed on, and by whom; None for the customer's own."""
    if kind is not OrderType.COMPLAINT:
        return None
    draw = rng.random() / (REPEAT_FACTOR if repeated else 1)
    for origin, share in SHARES.items():
        if draw < share:
            day = created.astimezone(ZONE).date() + timedelta(days=DAYS_GIVEN[origin] + 1)
            return PassedOnComplaint(
                origin, _reference(rng, origin, created), datetime.combine(day, time(), ZONE)
            )
        draw -= share
    return None


def _reference(rng: random.Random, origin: OrderOrigin, created: datetime) -> str:
    if origin is OrderOrigin.REGULATOR:
        return f"12300-{created:%Y}-{rng.randint(1, 9_999_999):07d}"
    if origin is OrderOrigin.CONSUMER_BODY:
        return f"12315-{created:%Y%m%d}{rng.randint(1, 99_999):05d}"
    return ""
