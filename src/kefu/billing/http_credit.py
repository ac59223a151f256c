"""Credits through an operator's billing system over HTTP (``KEFU_BILLING_CREDIT_URL``).

kefu POSTs ``{"msisdn", "amount_fen", "reference"}`` as JSON with the header
``Idempotency-Key: <reference>`` (and ``Authorization: Bearer <token>`` when
``KEFU_BILLING_CREDIT_TOKEN`` is set). The billing system answers 2xx with
``{"reference": "<its own>"}`` once credited (the same answer for a reference it has
credited before), or 404 when the number is no live subscriber. Anything else — an
error, a timeout, a body without a reference — raises, so the job is tried again later
with the same reference, and after its last try waits in the dead letters.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

NOT_LIVE = 404


class BillingAnswerError(RuntimeError):
    """The billing system answered, but not as agreed."""


@dataclass(frozen=True)
class HttpCredits:
    """An operator's billing system, as the refund's credit reaches it."""

    url: str
    token: str = ""
    timeout_seconds: float = 15.0

    def credit(self, msisdn: str, *, amount_fen: int, reference: str) -> str | None:
        """POST the credit; billing's reference, or None for a number not live."""
        headers = {"Idempotency-Key": reference}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = {"msisdn": msisdn, "amount_fen": amount_fen, "reference": reference}
        response = httpx.post(self.url, json=body, headers=headers, timeout=self.timeout_seconds)
        if response.status_code == NOT_LIVE:
            return None
        response.raise_for_status()
        try:
            theirs = response.json()["reference"]
        except (ValueError, KeyError, TypeError) as unreadable:
            raise BillingAnswerError(f"no reference in the answer: {response.text[:200]}") from (
                unreadable
            )
        if not isinstance(theirs, str) or not theirs.strip():
            raise BillingAnswerError(f"no reference in the answer: {response.text[:200]}")
        return theirs.strip()[:64]
