"""Open pages in a real headless Chromium (Playwright), offline, and record what they do.

Used by the demo's screenshots (:func:`write_screenshots`), the browser tests
(``tests/browser.py``) and the explorer benchmark. Playwright (extra ``dev``) drives the
system's Chromium (Debian: ``apt-get install chromium``; ``.ci/run`` installs it) through
``executable_path``: ``playwright install`` would download a browser build from outside
the package registries.

Every request the page makes goes through :meth:`OfflinePage.route`: ``file:`` URLs (the
page itself) and ``data:`` URLs load; anything else is recorded in ``outside`` and
aborted, so a test can assert that nothing leaves the file. Console errors and uncaught
page errors are recorded in ``errors``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

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

    def text(self) -> str:
        """All the text shown, including inside the open shadow roots Bokeh draws in."""
        return str(self.page.evaluate(_TEXT_JS))

    def bokeh_data(self, name: str) -> dict[str, list[Any]]:
        """The columns of the Bokeh ColumnDataSource called ``name``, as lists."""
        return dict(self.page.evaluate(_DATA_JS, name))


_TEXT_JS = """() => {
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
    if (node.nodeName === "SCRIPT" || node.nodeName === "STYLE") return;
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(document.body);
  return parts.join(" ");
}"""

_DATA_JS = """(name) => {
  const source = Bokeh.documents[0].get_model_by_name(name);
  const out = {};
  for (const [key, value] of Object.entries(source.data)) {
    out[key] = Array.from(value, (v) => (typeof v === "number" && !Number.isFinite(v)) ? null : v);
  }
  return out;
}"""


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


def write_screenshots(pages: dict[str, str | os.PathLike[str]],
                      folder: str | os.PathLike[str], *, width: int = 1440,
                      height: int = 950, chromium: Any = None) -> dict[str, Path]:
    """Screenshot each page (name → HTML file) offline into ``folder/<name>.png``.

    Each page is opened from its file with every outside request blocked, so the
    pictures show what a reader without a network sees; a whole page is taken, however
    long. Without Playwright or Chromium nothing is written and the reason is logged
    (the pages themselves do not need them).

    Parameters
    ----------
    pages : dict
        Name → HTML file.
    folder : path-like
        Where the PNG files go (created if needed).
    width, height : int
        The browser window in pixels.
    chromium : playwright Browser, optional
        A browser already running (Playwright allows one per thread); default: start
        Debian's Chromium for these screenshots.

    Returns
    -------
    dict
        Name → PNG written.
    """
    if chromium is None:
        why = chromium_missing()
        if why is not None:
            log.warning("no screenshots: %s", why)
            return {}
        with browser() as b:
            return write_screenshots(pages, folder, width=width, height=height, chromium=b)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, path in pages.items():
        with offline_page(chromium, width=width, height=height) as p:
            p.open(path)
            if p.page.evaluate("() => window.Bokeh !== undefined"):
                p.wait_bokeh()
            png = out / f"{name}.png"
            p.page.screenshot(path=str(png), full_page=True)
            if p.outside or p.errors:
                log.warning("%s: %d outside requests, %d console errors", name,
                            len(p.outside), len(p.errors))
            written[name] = png
    return written
