"""A real headless Chromium for the site's browser tests and README screenshot: Debian's
``chromium`` driven by Playwright (no ``playwright install``: the browser is the system's, which
CI installs with apt), and the built site served by ``influence site serve``'s own server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

from ingest.site import make_server, site_url

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ChromiumMissing(RuntimeError):
    """Debian's chromium is not installed (CI installs it: .ci/run)."""


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium; raises ``ChromiumMissing`` (a failure, never a skip) without it."""
    if not CHROMIUM.exists():
        raise ChromiumMissing(
            f"{CHROMIUM} is missing: install Debian's chromium "
            "(apt-get install -y --no-install-recommends chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def served(site: Path) -> Iterator[str]:
    """The site served on 127.0.0.1 at a free port by the server of ``influence site serve``;
    yields its URL, and stops the server after."""
    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site_url(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class Problems:
    """What a page reported as wrong: console errors, uncaught exceptions, failed requests."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.errors.append(f"console: {message.text} ({message.location})")

        def page_error(error: Error) -> None:
            self.errors.append(f"pageerror: {error}")

        page.on("console", console)
        page.on("pageerror", page_error)
        page.on(
            "requestfailed", lambda request: self.errors.append(f"request failed: {request.url}")
        )
        return page
