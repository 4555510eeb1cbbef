"""Hosting: the generated nginx server block, run by Debian's nginx over the published site, in Chromium.

The site is served exactly as ``publish`` left it (no chmod), by nginx workers
running as ``nobody`` when the tests run as root, so a file only its owner can
read answers 403 here as it would on a real host. Every page must work with the
security headers on: no CSP violation (the policy has no 'unsafe-inline' for
styles), no console error, and the headers and content types present.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page

from briefing.hosting import HEADERS_FILE, find_nginx, serve_with_nginx
from tests.browser.conftest import require_tool
from tests.conftest import nav_pages, page_path
from tests.support.searching import search_site

pytestmark = pytest.mark.browser

VIOLATIONS_SCRIPT = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
    "e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber + ' ' + (e.sample || '')));"
)


@pytest.fixture(scope="module")
def nginx_url(published_site: Path, tmp_path_factory: pytest.TempPathFactory):
    nginx = require_tool(find_nginx(), "nginx not found: apt-get install nginx-light")
    process, url = serve_with_nginx(published_site, tmp_path_factory.mktemp("nginx"), nginx, unprivileged=True)
    yield url
    process.terminate()
    process.wait(timeout=10)


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, lower-cased headers and body of a GET, error statuses included."""
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers))
    except urllib.error.HTTPError as error:
        response = error
    return response.status, {name.lower(): value for name, value in response.headers.items()}, response.read()


def test_every_page_and_download_is_served_as_built(nginx_url: str, published_site: Path) -> None:
    """200 for every page and every downloadable file, read by an unprivileged nginx with no chmod by the test."""
    paths = [page_path(src) for src in nav_pages()]
    paths += [
        path.relative_to(published_site).as_posix()
        for path in sorted((published_site / "downloads").rglob("*"))
        if path.is_file()
    ]
    paths += ["404.html", "sitemap.xml", "search/search_index.json", "assets/briefing.min.css"]
    statuses = {path: fetch(nginx_url + path)[0] for path in paths}
    assert {path: status for path, status in statuses.items() if status != 200} == {}
    assert len(statuses) > 25


def test_headers_are_served(nginx_url: str, published_site: Path) -> None:
    status, headers, _ = fetch(nginx_url)
    assert status == 200
    for name in (
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "permissions-policy",
        "strict-transport-security",
    ):
        assert name in headers, name
    policy = dict(directive.strip().split(" ", 1) for directive in headers["content-security-policy"].split(";"))
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"], "styles: the site's files and hashed <style> elements only"
    assert headers["content-security-policy"] in (published_site / HEADERS_FILE).read_text(encoding="utf-8")
    assert headers["server"] == "nginx", "server_tokens off: no version"
    assert headers["strict-transport-security"] == "max-age=31536000", "no includeSubDomains unless configured"
    assert fetch(nginx_url, **{"Accept-Encoding": "gzip"})[1].get("content-encoding") == "gzip"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("downloads/figures.csv", "text/csv; charset=utf-8"),
        ("downloads/charts/trade-jan-feb.csv", "text/csv; charset=utf-8"),
        ("downloads/figures.json", "application/json; charset=utf-8"),
        ("downloads/cite.json", "application/json; charset=utf-8"),
        ("downloads/cite.bib", "text/x-bibtex; charset=utf-8"),
        ("downloads/cite.txt", "text/plain; charset=utf-8"),
        ("downloads/charts/trade-jan-feb.svg", "image/svg+xml; charset=utf-8"),
        ("downloads/briefing.pdf", "application/pdf"),
    ],
)
def test_downloads_have_their_content_type(nginx_url: str, published_site: Path, path: str, content_type: str) -> None:
    status, headers, _ = fetch(nginx_url + path)
    assert (status, headers["content-type"]) == (200, content_type)
    if "charset" in content_type:  # the same type for hosts that read _headers
        assert f"/{path}\n  Content-Type: {content_type}" in (published_site / HEADERS_FILE).read_text(
            encoding="utf-8"
        ) or path.endswith((".txt", ".svg"))


def test_hosting_files_are_not_served(nginx_url: str) -> None:
    assert fetch(nginx_url + "_hosting/nginx.conf")[0] == 404
    assert fetch(nginx_url + "_headers")[0] == 404


@pytest.mark.parametrize("missing", ["no-such-page/", "trade/typo", "a/b/c/d.html"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_not_found_page_is_styled_from_a_domain_root(browser, nginx_url: str, missing: str, scheme: str) -> None:
    """The 404 page needs no other file, so it is styled at any depth and any mount, and links to the canonical site."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    context.add_init_script(VIOLATIONS_SCRIPT)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(nginx_url + missing, wait_until="networkidle")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    styles = page.evaluate(
        """() => ({
            sheets: [...document.styleSheets].map(sheet => sheet.cssRules.length),
            h1: getComputedStyle(document.querySelector('h1')).fontSize,
            main: getComputedStyle(document.querySelector('main')).maxWidth,
            background: getComputedStyle(document.body).backgroundColor,
            header: getComputedStyle(document.querySelector('header')).backgroundColor,
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            links: [...document.querySelectorAll('a')].map(link => link.href),
            violations: window.__violations,
        })"""
    )
    context.close()
    assert styles["sheets"] and styles["sheets"][0] > 10, "its stylesheet is in the page"
    assert styles["h1"] == "32px" and styles["main"] == "640px"
    assert styles["background"] == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(30, 32, 41)")
    assert styles["header"] != "rgba(0, 0, 0, 0)"
    assert styles["overflow"] <= 0
    assert styles["violations"] == []
    assert requests == [nginx_url + missing], "no stylesheet, script, font or image to find"
    assert len(styles["links"]) > 10 and all(link.startswith("https://") for link in styles["links"])


def record_console_error(console: list[str], page: Page, message: ConsoleMessage) -> None:
    """Keep a console error with the page it came from and the resource it names."""
    if message.type == "error":
        console.append(f"{page.url}: {message.text} {message.location}")


def test_every_page_works_without_csp_violation(browser, nginx_url: str) -> None:
    """Every page, at a phone and a desktop width, with the interactions that restyle it; then a chart file opened alone."""
    console: list[str] = []
    for viewport in ({"width": 390, "height": 844}, {"width": 1280, "height": 900}):
        context = browser.new_context(viewport=viewport)
        context.add_init_script(VIOLATIONS_SCRIPT)
        page = context.new_page()
        page.on("console", partial(record_console_error, console, page))
        for src in nav_pages():
            page.goto(nginx_url + page_path(src), wait_until="networkidle")
            search_site(page, "gas")
            page.keyboard.press("Escape")
            for summary in page.locator("article details > summary").all()[:2]:
                summary.click()
            page.mouse.wheel(0, 1500)
            page.locator("form[data-md-component='palette'] label:visible").first.click()
            page.wait_for_timeout(150)
            violations = page.evaluate("window.__violations")
            assert violations == [], f"{src} at {viewport['width']} px: {violations}"
            assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") in {"default", "slate"}
        page.goto(nginx_url + "downloads/charts/trade-jan-feb.svg", wait_until="networkidle")
        assert page.evaluate("window.__violations") == [], "the chart file draws its colours without CSS"
        # Control: an injected inline script and a style attribute are refused and reported, so the listener works.
        page.goto(nginx_url, wait_until="networkidle")
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.appendChild(s);"
            " const d = document.createElement('div'); d.innerHTML = '<p style=\"color: red\">x</p>'; document.body.appendChild(d); }"
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.__ran") is None
        reported = page.evaluate("window.__violations")
        assert any(violation.startswith("script-src") for violation in reported), reported
        assert any(violation.startswith("style-src") for violation in reported), reported
        context.close()
    # A chart file opened alone is an SVG document, which cannot name an icon: Chromium then asks the
    # server root for /favicon.ico by itself. That request is the browser's, not the site's.
    unexpected = [
        message
        for message in console
        if "Content Security Policy" not in message and not re.search(r"\.svg: .*'url': '[^']*/favicon\.ico'", message)
    ]
    assert unexpected == []


def test_nginx_block_says_what_it_sets(published_site: Path) -> None:
    block = (published_site / "_hosting" / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(r"^\s*server_tokens off;$", block, re.M)
    assert "includeSubDomains" not in block
