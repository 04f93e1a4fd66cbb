"""Open pages in a real headless Chromium (Playwright), offline, and record what they do.

Used by the browser tests (``tests/test_explorer.py``, ``tests/test_explore.py``,
``tests/test_report_browser.py``), the explorer benchmark and the demo's screenshots.
Chromium is Debian's (``apt-get install chromium``, done by ``.ci/run``): Playwright is
pointed at it with ``executable_path``, as ``playwright install`` downloads browsers from
outside the package registries.

Every request the page makes goes through :meth:`OfflinePage.route`: ``file:`` URLs (the
page itself) and ``data:`` URLs load; anything else is recorded in ``outside`` and
aborted, so a test can assert that nothing leaves the file. Console errors and uncaught
page errors are recorded in ``errors``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where Debian's package puts the browser (override with GEOACCESS_CHROMIUM).
CHROMIUM = os.environ.get("GEOACCESS_CHROMIUM", "/usr/bin/chromium")

#: Flags for running as root in a container without a GPU or network services.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return (f"Chromium not found at {CHROMIUM} (install Debian's package: "
                "apt-get install chromium; .ci/run does)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@dataclass
class OfflinePage:
    """A Playwright page with every outside request blocked and recorded."""

    page: Any
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str | os.PathLike[str], *, ready: str | None = None,
             timeout_ms: float = 60_000) -> None:
        """Open a local file; with ``ready``, wait until that JS expression is true."""
        self.page.goto(Path(path).resolve().as_uri(), wait_until="load", timeout=timeout_ms)
        if ready:
            self.page.wait_for_function(ready, timeout=timeout_ms)

    def wait_bokeh(self, timeout_ms: float = 60_000) -> None:
        """Wait until Bokeh has rendered the page and reports its document idle."""
        self.page.wait_for_function(
            "() => window.Bokeh !== undefined && Bokeh.documents.length > 0 && "
            "Bokeh.documents.every((d) => d.is_idle)", timeout=timeout_ms)


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's) driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@contextlib.contextmanager
def offline_page(b: Any, *, width: int = 1440, height: int = 950) -> Iterator[OfflinePage]:
    """A new page of browser ``b`` whose outside requests are blocked and recorded."""
    context = b.new_context(viewport={"width": width, "height": height},
                            service_workers="block")
    page = context.new_page()
    out = OfflinePage(page)
    page.route("**/*", out.route)
    page.on("console", lambda m: out.errors.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: out.errors.append(f"page error: {e}"))
    try:
        yield out
    finally:
        context.close()
