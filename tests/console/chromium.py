"""Headless Chromium for the browser tests: Debian's chromium, or a clear skip."""

from __future__ import annotations

import shutil

import pytest

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
    page.wait_for_url(f"**{then}")
