"""Hosting: the generated nginx server block, run by Debian's nginx over the published site, in Chromium.

Every page must work with the security headers on: no CSP violation, no
console error, and the headers present on the responses.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from briefing.hosting import HEADERS_FILE, find_nginx, serve_with_nginx
from tests.browser.conftest import require_tool
from tests.conftest import nav_pages, page_path

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def nginx_url(published_site: Path, tmp_path_factory: pytest.TempPathFactory):
    nginx = require_tool(find_nginx(), "nginx not found: apt-get install nginx-light")
    process, url = serve_with_nginx(published_site, tmp_path_factory.mktemp("nginx"), nginx)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_headers_are_served(nginx_url: str, published_site: Path) -> None:
    response = urllib.request.urlopen(nginx_url)
    headers = {name.lower(): value for name, value in response.getheaders()}
    for name in ("content-security-policy", "x-content-type-options", "referrer-policy", "permissions-policy", "strict-transport-security"):
        assert name in headers, name
    assert "'unsafe-inline'" not in headers["content-security-policy"].split("script-src")[1].split(";")[0]
    assert headers["content-security-policy"] in (published_site / HEADERS_FILE).read_text(encoding="utf-8")
    assert urllib.request.urlopen(urllib.request.Request(nginx_url, headers={"Accept-Encoding": "gzip"})).headers.get("Content-Encoding") == "gzip"


def test_every_page_works_without_csp_violation(browser, nginx_url: str) -> None:
    context = browser.new_context()
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    for src in nav_pages():
        page.goto(nginx_url + page_path(src), wait_until="networkidle")
        page.locator("input.md-search__input").press_sequentially("gas", delay=10)
        page.wait_for_timeout(200)
        violations = page.evaluate("window.__violations")
        assert violations == [], f"{src}: {violations}"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") in {"default", "slate"}
    # Control: an injected inline script is refused and reported, so the listener above works.
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in violation for violation in page.evaluate("window.__violations"))
    context.close()
    assert [message for message in console if "Content Security Policy" not in message] == []
