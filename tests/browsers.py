"""Headless Chromium for the browser tests: Debian's ``chromium`` driven by Playwright
(``playwright install`` cannot download a browser here). Without either, a browser test is
skipped, loudly, on a developer's machine, and fails when ``CI`` is set: a CI run without a
browser would otherwise pass with the browser tests never run."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def missing_browser(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless Chromium (Playwright's sync API), closed afterwards."""
    if CHROMIUM is None:
        missing_browser("Chromium is not installed: apt-get install chromium")
    try:
        from playwright import sync_api as playwright_api
    except ImportError:
        missing_browser("Playwright is not installed: pip install -e '.[test]'")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()
