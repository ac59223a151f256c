"""Orders passed on to the center rather than brought by the customer: a complaint the
customer took to the regulator's appeal center (工信部申诉), a consumer body (12315) or
the press — 越级投诉, what an operator is ranked on — or a case the company's leaders
handed down (领导交办).

Why these rules: the body that passed it on asks about it by its own reference, wants
the answer by its own date, and judges the operator on both; so such an order is
handled at least as key (重点), is due by that date at the latest, and carries the
reference wherever the order is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kefu.core.clock import day_end_utc, local_today
from kefu.errors import Unprocessable
from kefu.workorders.enums import (
    LOWEST_PASSED_ON_TRIAGE,
    NUMBERED_ORIGINS,
    TRIAGE_PRIORITY,
    OrderOrigin,
    Triage,
)


@dataclass(frozen=True)
class PassedOn:
    """The columns an order's origin settles."""

    origin: OrderOrigin
    origin_due_at: datetime | None
    triage: Triage | None

    def columns(self) -> dict[str, object]:
        return {"origin": self.origin, "origin_due_at": self.origin_due_at, "triage": self.triage}


def settle(
    origin: OrderOrigin,
    due_on: date | None,
    triage: Triage | None,
    *,
    zone: str,
) -> PassedOn:
    """What an order's origin makes of its triage and deadline: a passed-on order without
    a triage is key; one given below key is refused. The deadline is the end of the day
    named, in the center's time zone; a day already past is refused."""
    if origin is OrderOrigin.CUSTOMER:
        if due_on is not None:
            raise Unprocessable("origin_due_needs_origin", field="origin_due_on")
        return PassedOn(origin, None, triage)
    check_triage(origin, triage)
    if due_on is not None and due_on < local_today(zone):
        raise Unprocessable("origin_due_past", field="origin_due_on")
    due_at = day_end_utc(due_on, zone) if due_on else None
    return PassedOn(origin, due_at, triage or LOWEST_PASSED_ON_TRIAGE)


def check_reference(origin: OrderOrigin, reference: str) -> None:
    """The regulator and consumer bodies number what they pass on; the order keeps it. A
    reference on the customer's own order belongs to nobody."""
    if origin in NUMBERED_ORIGINS and not reference:
        raise Unprocessable("origin_ref_required", field="origin_ref")
    if origin is OrderOrigin.CUSTOMER and reference:
        raise Unprocessable("origin_ref_needs_origin", field="origin_ref")


def check_triage(origin: OrderOrigin, triage: Triage | None) -> None:
    """A passed-on order is never triaged below key (and so never as invalid)."""
    if origin is OrderOrigin.CUSTOMER or triage is None:
        return
    if TRIAGE_PRIORITY[triage] < TRIAGE_PRIORITY[LOWEST_PASSED_ON_TRIAGE]:
        raise Unprocessable("origin_triage_too_low", field="triage")
