"""Fixtures for tests that open pages in a real headless Chromium, offline.

Import them into a test module (``from browser import chromium_fixture, offline_fixture``);
their names as fixtures are ``chromium`` and ``offline``.
The browser is Debian's Chromium driven by Playwright (see
:mod:`geoaccess._explorer.browser`); the tests are skipped, saying why, only when
Chromium or Playwright is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from geoaccess._explorer.browser import OfflinePage, browser, chromium_missing, offline_page


@pytest.fixture(scope="module", name="chromium")
def chromium_fixture() -> Iterator[Any]:
    """One headless Chromium per test module (Playwright's loop ends with the module)."""
    why = chromium_missing()
    if why is not None:
        pytest.skip(why)
    with browser() as b:
        yield b


@pytest.fixture(name="offline")
def offline_fixture(chromium: Any) -> Iterator[OfflinePage]:
    """A fresh page whose outside requests are blocked and recorded, errors collected."""
    with offline_page(chromium) as page:
        yield page
