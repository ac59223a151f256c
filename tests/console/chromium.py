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
