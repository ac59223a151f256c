"""Where in the console a mail to staff points: the page's path, to which
``notify_staff`` puts the center's address (KEFU_CONSOLE_URL) in front.

Why paths here and not in the console package: the domain packages that write the mails
sit below the console and must not import it; a test holds every path here to a page the
console serves.
"""

from __future__ import annotations

QUEUES = "/orders"
CALENDAR = "/orders/calendar"
ENGINEERS = "/engineers"
NOTICES = "/notices"
EARLY_WARNINGS = "/analysis/kpis"


def order_page(order_id: int) -> str:
    """An order's page (its timeline, its steps, its refunds and asks)."""
    return f"/orders/{order_id}"


def incident_page(incident_id: int) -> str:
    """An incident's page (its orders, its reply, its compensation)."""
    return f"/incidents/{incident_id}"
