"""Headless Chromium for the browser tests: Debian's chromium, or a clear skip."""

from __future__ import annotations

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
