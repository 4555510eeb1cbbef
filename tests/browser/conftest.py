"""Browser fixtures: the built site served on 127.0.0.1 and the system's Chromium driven by Playwright.

Playwright's own browser download does not work here, so the browser is the
one found on PATH (``chromium``, ``chromium-browser``, ``google-chrome``) or
named by ``CHROMIUM``. Without one the browser tests are skipped locally and
fail under ``CI=true``, so CI can never pass without running them.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tools.chromium import find_chromium

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging every request."""

    def log_message(self, format: str, *args: object) -> None:
        return


def require_tool(path: str | None, message: str) -> str:
    """``path``, or a skip (locally) or failure (under CI=true) saying what is missing."""
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return require_tool(
        find_chromium(), "no Chromium found: install it (apt-get install chromium) or set CHROMIUM=/path/to/chrome"
    )


@pytest.fixture(scope="session")
def site_url(published_site: Path) -> Iterator[str]:
    """The published site served over HTTP on 127.0.0.1."""
    handler = functools.partial(QuietHandler, directory=str(published_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    yield page
    page.close()
