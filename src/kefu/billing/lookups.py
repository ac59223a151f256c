"""Balance and package lookups through an operator's billing system over HTTP
(``KEFU_BILLING_LOOKUP_URL``), for the IVR's and text self-service; kefu's own data
without it.

kefu GETs ``{url}/balance?msisdn=+86…`` and ``{url}/package?msisdn=+86…`` (with
``Authorization: Bearer <token>`` when ``KEFU_BILLING_LOOKUP_TOKEN`` is set). Billing
answers 200 with ``{"balance_fen", "month_charges_fen"}`` or ``{"name", "name_en",
"monthly_fee_fen"}``, or 404 when the number is no live subscriber. The self-service web
page also asks ``{url}/bills?msisdn=+86…&months=6`` → ``{"bills": [{"month": "2026-11",
"amount_fen": 5900}, …]}``, newest first. A caller waits on
the line for the answer, so kefu waits two seconds at most; an error, a timeout or an
answer not as agreed is ``BillingUnavailable``, and the caller is told the account
cannot be looked up now — not that their number is unknown. A work order's status is
kefu's own, and is always looked up in kefu.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session

from kefu.billing.boss import (
    BILL_MONTHS,
    Balance,
    Billing,
    BillingUnavailable,
    KefuBilling,
    MonthBill,
    OrderInfo,
    PackageInfo,
)
from kefu.config import Settings

NOT_LIVE = 404
WAIT_SECONDS = 2.0  # a caller on the line waits for it


@dataclass(frozen=True)
class BillingLink:
    """Where lookups are asked: the operator's billing system, or kefu's own data."""

    url: str = ""
    token: str = ""

    @classmethod
    def of(cls, settings: Settings) -> BillingLink:
        """The link the center's settings name."""
        return cls(settings.billing_lookup_url, settings.billing_lookup_token)

    def billing(self, session: Session, timezone: str) -> Billing:
        """The billing system a step of self-service asks."""
        own = KefuBilling(session, timezone)
        return OperatorBilling(self.url.rstrip("/"), self.token, own) if self.url else own


@dataclass(frozen=True)
class OperatorBilling:
    """Balances and packages from the operator's billing system; orders from kefu."""

    url: str
    token: str
    own: KefuBilling

    def balance(self, msisdn: str) -> Balance | None:
        """Balance and this month's charges; None when billing does not know the number."""
        found = self._get("balance", msisdn)
        if found is None:
            return None
        return Balance(_fen(found, "balance_fen"), _fen(found, "month_charges_fen"))

    def package(self, msisdn: str) -> PackageInfo | None:
        """The current package; None when billing does not know the number."""
        found = self._get("package", msisdn)
        if found is None:
            return None
        name, name_en = found.get("name"), found.get("name_en") or ""
        if not isinstance(name, str) or not name.strip() or not isinstance(name_en, str):
            raise BillingUnavailable(f"no package name in the answer: {found!r:.200}")
        return PackageInfo(name.strip(), name_en.strip(), _fen(found, "monthly_fee_fen"))

    def bills(self, msisdn: str) -> list[MonthBill] | None:
        """The last bill months, newest first; None when billing does not know the number."""
        found = self._get("bills", msisdn, months=BILL_MONTHS)
        if found is None:
            return None
        months = found.get("bills")
        if not isinstance(months, list) or not all(isinstance(m, dict) for m in months):
            raise BillingUnavailable(f"no bills in the answer: {found!r:.200}")
        return [_bill(month) for month in months][:BILL_MONTHS]

    def order_status(self, *, number: str, msisdn: str) -> OrderInfo | None:
        """The caller's own work order, from kefu."""
        return self.own.order_status(number=number, msisdn=msisdn)

    def _get(self, what: str, msisdn: str, **asked: int) -> dict[str, Any] | None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = httpx.get(
                f"{self.url}/{what}",
                params={"msisdn": msisdn, **asked},
                headers=headers,
                timeout=WAIT_SECONDS,
            )
        except httpx.HTTPError as failed:
            raise BillingUnavailable(f"{what}: {failed}") from failed
        if response.status_code == NOT_LIVE:
            return None
        if response.status_code != httpx.codes.OK:
            raise BillingUnavailable(f"{what}: HTTP {response.status_code}")
        try:
            found = response.json()
        except ValueError as unreadable:
            raise BillingUnavailable(f"{what}: {response.text[:200]}") from unreadable
        if not isinstance(found, dict):
            raise BillingUnavailable(f"{what}: {response.text[:200]}")
        return found


OWN_DATA = BillingLink()  # no operator's billing system: kefu's own subscriber data


def _fen(found: dict[str, Any], key: str) -> int:
    value = found.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BillingUnavailable(f"no whole {key} in the answer: {found!r:.200}")
    return value


_BILL_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _bill(found: dict[str, Any]) -> MonthBill:
    month = found.get("month")
    if not isinstance(month, str) or not _BILL_MONTH.fullmatch(month):
        raise BillingUnavailable(f"no YYYY-MM month in the answer: {found!r:.200}")
    return MonthBill(month, _fen(found, "amount_fen"))
