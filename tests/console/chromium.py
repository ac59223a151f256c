"""Headless Chromium for the browser tests: Debian's chromium, or a clear skip."""

from __future__ import annotations

import random
import shutil
from urllib.parse import urlsplit

import httpx
import pytest

from kefu.demo.reference import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
requires_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium here: install Debian's chromium (.ci/run does) to run the browser test",
    ),
]


def sign_in(page, base: str, username: str, password: str, then: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the login form and land on ``then``."""
    page.goto(f"{base}/login?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    # On the path itself: "**/customers" also matched the login page's own address
    # (/login?next=/customers), so the wait ended before the sign-in did.
    page.wait_for_url(lambda url: urlsplit(url).path == then)


def api_client(base: str, username: str) -> httpx.Client:
    """An API client holding a fresh bearer token of a demo account."""
    with httpx.Client(base_url=base) as login:
        signed = login.post(
            "/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}
        )
        assert signed.status_code == 200, signed.text
        token = login.post(
            "/api/v1/auth/tokens",
            json={"name": "browser test"},
            headers={"X-CSRF-Token": signed.json()["csrf_token"]},
        )
        assert token.status_code == 201, token.text
    secret = token.json()["token"]
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"})


def open_order(
    api: httpx.Client,
    order_type: str,
    subject: str,
    code: str | None = None,
    phone: str | None = None,
    customer_id: int | None = None,
) -> dict:
    """An order for ``phone`` (or a random mobile number), in the category ``code`` (or
    the taxonomy's first leaf), as the API returns it; of the customer, when given, on
    their own number."""
    body: dict[str, object] = {
        "type": order_type,
        "category_id": _category_id(api, code),
        "subject": subject,
    }
    if customer_id is not None:
        body["customer_id"] = customer_id
    else:
        body["contact_phone"] = phone or f"139{random.randint(0, 99_999_999):08d}"

    made = api.post("/api/v1/work-orders", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _category_id(api: httpx.Client, code: str | None) -> int:
    nodes = [*api.get("/api/v1/order-categories").json()]
    if code is None:  # depth first: the first leaf
        while nodes[0]["children"]:
            nodes = [*nodes[0]["children"], *nodes[1:]]
    else:  # breadth first, to the node with the code
        while nodes[0]["code"] != code:
            nodes = [*nodes[1:], *nodes[0]["children"]]
    return int(nodes[0]["id"])
