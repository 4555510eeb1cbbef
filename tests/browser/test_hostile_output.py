"""Hostile text the build accepts (it is plain text) reaches readers as text, never as code or links.

The data file gets glossary entries, labels, notes and roles written to break
out of their place: Markdown links to ``javascript:``, ``attr_list`` event
handlers, attribute-closing quotes, forged placeholder tokens, Jinja syntax.
They are all plain text, so the build passes; then every built file is read
(HTML, downloads, PDF) and every page is opened in Chromium, served with no
Content-Security-Policy (as a host that ignores ``_headers`` would), hovering
and focusing what shows data text: nothing runs, no link is other than
https:, and the text shows as typed.
"""

from __future__ import annotations

import functools
import re
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from briefing.publish import publish
from briefing.safehtml import harmful_output
from tests.browser.conftest import QuietHandler
from tests.conftest import copy_project, nav_pages, page_path

pytestmark = pytest.mark.browser

ATTACK = "alert(document.domain)"
GLOSSARY = (
    f"United Nations [Read more](javascript:{ATTACK}) {{: onclick={ATTACK} }} "
    f'" onmouseover="{ATTACK}" BRIEFINGMACROX BRIEFINGMACRO999X *[UN]: x'
)
LABEL = f"Meetings between Putin and Xi [x](javascript:{ATTACK}) {{{{ cycler.__init__ }}}} *bold*"
ROLE = f'Aide to the Russian President " onfocus="{ATTACK}" autofocus="'
NOTE = f"javascript:{ATTACK} ' onmouseover='{ATTACK}"


def plant_hostile_text(project: Path) -> None:
    data_file = project / "data" / "briefing.yml"
    text = data_file.read_text(encoding="utf-8")
    replacements = {
        "  UN: United Nations (general knowledge, not from the source)\n": f"  UN: '{GLOSSARY.replace(chr(39), chr(39) * 2)}'\n",
        "    label: Meetings between Putin and Xi\n": f"    label: '{LABEL}'\n",
        "    role: Aide to the Russian President\n": f"    role: '{ROLE}'\n",
        "      capture shows no day of publication.\n": f"      capture shows no day of publication. {NOTE}\n",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    data_file.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    plant_hostile_text(project)
    site = project / "site"
    assert publish(project, site) == 0, "plain text, however hostile, is accepted"
    return site


def test_no_built_file_carries_a_script_link_or_outside_content(hostile_site: Path) -> None:
    html_files = sorted(hostile_site.rglob("*.html"))
    assert len(html_files) >= len(nav_pages())
    for path in html_files:
        html = path.read_text(encoding="utf-8")
        assert harmful_output(html) == [], path
        root = lxml.html.document_fromstring(html)
        for element in root.iter("a", "area"):
            assert not (element.get("href") or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), (
                path
            )
        assert not re.search(r"BRIEFINGMACRO[0-9a-f]{16}N\d+X", html), f"an unreplaced token in {path}"
    for path in hostile_site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".csv", ".txt", ".bib", ".xml", ".svg"}:
            content = path.read_text(encoding="utf-8", errors="replace")
            assert "root:x:0:0" not in content, path
            for link in re.findall(r"""(?:href|src)\s*=\s*["']?([^"' >]+)""", content):
                assert not link.lower().startswith(("javascript:", "data:")), (path, link)
            for key in re.findall(r'"(?:url|URL|site_url|licence_url)"\s*:\s*"([^"]*)"', content):
                assert key.startswith("https://"), (path, key)


def test_hostile_text_shows_as_typed(hostile_site: Path) -> None:
    diplomacy = (hostile_site / page_path("diplomacy.md") / "index.html").read_text(encoding="utf-8")
    titles = [
        element.get("title")
        for element in lxml.html.document_fromstring(diplomacy).iter("abbr")
        if element.text == "UN"
    ]
    assert titles and all(title == GLOSSARY for title in titles), titles
    people = lxml.html.document_fromstring(
        (hostile_site / page_path("people.md") / "index.html").read_text(encoding="utf-8")
    )
    assert ROLE in people.text_content()


def test_pdf_links_are_https_only(hostile_site: Path) -> None:
    reader = PdfReader(hostile_site / "downloads" / "briefing.pdf")
    addresses = []
    actions = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Dest") is not None:
                actions += 1  # an internal link by destination name
            action = annotation.get("/A")
            if action is not None:
                action = action.get_object()
                assert action.get("/S") in ("/URI", "/GoTo"), action
                actions += 1
                if action.get("/S") == "/URI":
                    addresses.append(str(action["/URI"]))
    # Control: the PDF's links are read (internal ones at least; with a placeholder site_url
    # the PDF prints no link to the site, so there may be no external address at all).
    assert actions > 0
    assert all(address.startswith("https://") for address in addresses), addresses
    text = "".join(page.extract_text() for page in reader.pages)
    assert "root:x:0:0" not in text


def test_nothing_runs_in_chromium_without_csp(hostile_site: Path, browser) -> None:
    handler = functools.partial(QuietHandler, directory=str(hostile_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    dialogs: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for src in nav_pages():
            response = page.goto(base + page_path(src), wait_until="load")
            assert response is not None and response.ok, src
            assert "content-security-policy" not in {name.lower() for name in response.headers}
            for selector in ("abbr", ".fig", "a.person", ".cite a"):
                for handle in page.query_selector_all(selector)[:6]:
                    handle.hover(force=True, timeout=2000)
                    handle.focus()
            for handle in page.query_selector_all("abbr")[:3]:
                handle.click(force=True, timeout=2000)
            page.wait_for_timeout(50)
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
        assert all(href.startswith(("http://127.0.0.1", "https://", "mailto:")) for href in hrefs), hrefs
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert dialogs == [], dialogs
