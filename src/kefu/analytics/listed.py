"""A number as the analysis lists show it (value segments, churn warnings): who, which
tier and branch, masked unless the reader may see personal data."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from kefu.core.i18n import gettext
from kefu.core.masking import mask_name
from kefu.customers.view import show_phone


class ListedNumber(BaseModel):
    subscription_id: int
    customer_id: int
    msisdn: str  # masked without pii.view
    name: str  # masked without pii.view
    tier: str
    tier_label: str
    brand: str
    org_unit: str


def listed_fields(row: Any, language: str, masked: bool) -> dict[str, Any]:
    """The ``ListedNumber`` fields of a row that has them by name."""
    return {
        "subscription_id": row.subscription_id,
        "customer_id": row.customer_id,
        "msisdn": show_phone(row.msisdn, masked),
        "name": mask_name(row.name) if masked else row.name,
        "tier": row.tier,
        "tier_label": gettext(language, row.tier),
        "brand": row.brand,
        "org_unit": row.org_unit,
    }
