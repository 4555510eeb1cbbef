"""Editions and corrections: nothing changes silently, and readers see every change.

A planted value change (a corrected capture of the source: text, seal, passage and
figure) fails the build without a change entry, naming the figure with its old and
new value; with the entry it builds, and the change shows on the Changes page, on
the figure's page, in its popover, in the PDF and in figures.json. The sitemap
dates each page by its own last change. Every page's JSON-LD parses and matches the
data file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from briefing.data import load_briefing
from briefing.editions import (
    change_wording,
    check_against_editions,
    differences,
    freeze,
    published_editions,
    sitemap_with_page_dates,
    snapshot,
)
from briefing.publish import publish
from briefing.quotes import text_sha256
from tests.conftest import DATA_FILE, ROOT, allowed_numbers, line_of, nav_pages, page_path

SOURCE = "data/sources/vovworld-2023-03-xi-state-visit-to-russia.txt"
NEXT = "9.9.9"  # a version after every frozen edition


def current_version() -> str:
    return load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers()).meta.version


def plant_corrected_capture(project: Path, log_it: bool) -> str:
    """The capture is corrected to 186 billion: source text, seal, passage and figure change together."""
    source = project / SOURCE
    old_hash = text_sha256(source.read_bytes())
    source.write_bytes(source.read_bytes().replace(b"a record 185 billion USD", b"a record 186 billion USD"))
    new_hash = text_sha256(source.read_bytes())
    data = project / "data" / "briefing.yml"
    text = data.read_text(encoding="utf-8")
    text = text.replace(old_hash, new_hash).replace("a record 185 billion USD", "a record 186 billion USD")
    text = text.replace("    value: 185\n", "    value: 186\n", 1)
    text = re.sub(r"  version: \d+\.\d+\.\d+\n", f"  version: {NEXT}\n", text, count=1)
    text = re.sub(r'  updated: "[^"]+"', '  updated: "2027-01-15"', text, count=1)
    if log_it:
        text += (
            "  capture_corrected:\n"
            f"    version: {NEXT}\n"
            '    date: "2027-01-15"\n'
            "    kind: correction\n"
            "    what: The stored capture of the source is corrected, and with it the record turnover of the year.\n"
            "    why: The capture misread the article's figure.\n"
            "    pages: [trade.md]\n"
            "    entries: [trade.turnover_2022, trade.target_share_2022, trade.target_gap_2022, trade-2022, vovworld-2023-03]\n"
        )
    data.write_text(text, encoding="utf-8")
    return text


def test_unlogged_value_change_fails_with_the_figure_and_its_old_and_new_value(project: Path) -> None:
    text = plant_corrected_capture(project, log_it=False)
    data = load_briefing(project / "data" / "briefing.yml", "data/briefing.yml", allowed_numbers())
    assert not data.problems, data.problems.report()
    check_against_editions(data, published_editions(project))
    messages = [str(problem) for problem in data.problems]
    base = published_editions(ROOT)[-1].version
    expected = (
        f"data/briefing.yml:{line_of(text, '    value: 186')}:5: 'trade.turnover_2022' changed since edition {base} (value): "
        "was 'US$185 billion', now 'US$186 billion'"
    )
    assert any(message.startswith(expected) for message in messages), messages
    assert any("'vovworld-2023-03' changed since edition" in message for message in messages), messages
    assert all("log it: add an entry under 'changes:'" in message for message in messages)


def test_a_published_edition_is_frozen(project: Path) -> None:
    """Once an edition is frozen, changing a figure under its number is refused, even with a change entry."""
    base = current_version()
    freeze(project, base, None)
    plant_corrected_capture(project, log_it=True)
    data_file = project / "data" / "briefing.yml"
    data_file.write_text(
        data_file.read_text(encoding="utf-8").replace(f"version: {NEXT}", f"version: {base}"), encoding="utf-8"
    )
    data = load_briefing(data_file, "data/briefing.yml", allowed_numbers())
    check_against_editions(data, published_editions(project))
    message = f"'trade.turnover_2022' differs from edition {base}, which is frozen: was 'US$185 billion', now 'US$186 billion'"
    assert any(message in str(problem) for problem in data.problems), data.problems.report()


@pytest.fixture(scope="module")
def corrected_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with the logged correction, published (HTML and PDF) once for the tests below."""
    from tests.conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("corrected") / "project")
    plant_corrected_capture(project, log_it=True)
    site = project / "site"
    assert publish(project, site) == 0
    return site


def text_of(site: Path, page: str) -> str:
    html = (site / page_path(page) / "index.html") if not page_path(page).endswith(".html") else site / page_path(page)
    return lxml.html.fromstring(html.read_text(encoding="utf-8")).text_content()


@pytest.mark.slow  # publishes a corrected copy of the real site, PDF included
def test_logged_change_shows_wherever_readers_look(corrected_site: Path) -> None:
    changes = text_of(corrected_site, "changes.md")
    assert f"Changes in edition {NEXT}" in changes
    assert "The stored capture of the source is corrected" in changes
    assert "15 January 2027" in changes
    trade = (corrected_site / "trade" / "index.html").read_text(encoding="utf-8")
    root = lxml.html.fromstring(trade)
    note = root.xpath('//details[contains(@class, "change-note")]')[0]
    assert " ".join(note.xpath("./summary")[0].text_content().split()).startswith(
        "Corrected on 15 January 2027 (edition 9.9.9)"
    )
    assert "Correction, 15 January 2027: The stored capture of the source is corrected" in " ".join(
        note.text_content().split()
    )
    tips = [
        tip.text_content()
        for tip in root.xpath('//span[@data-figure="trade.turnover_2022"]//small[contains(@class, "fig__tip")]')
    ]
    assert tips and all("Corrected on 15 January 2027; was US$185 billion." in tip for tip in tips), tips
    figures = json.loads((corrected_site / "downloads" / "figures.json").read_text(encoding="utf-8"))
    record = next(figure for figure in figures["figures"] if figure["id"] == "trade.turnover_2022")
    assert (record["value"], record["changed_on"], record["change_kind"], record["was"]) == (
        186,
        "2027-01-15",
        "correction",
        "US$185 billion",
    )
    assert figures["briefing"]["edition"] == {"version": NEXT, "date": "2027-01-15", "kind": "correction"}
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(corrected_site / "downloads" / "briefing.pdf").pages)
    flat = " ".join(pdf_text.split())
    assert f"Changes in edition {NEXT}" in flat
    assert "The stored capture of the source is corrected" in flat


def test_sitemap_dates_each_page_by_its_own_last_change(corrected_site: Path) -> None:
    sitemap = (corrected_site / "sitemap.xml").read_text(encoding="utf-8")
    dates = dict(re.findall(r"<loc>([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap))
    by_page = {url.split("/xi-russia-2023/", 1)[1]: date for url, date in dates.items()}
    assert by_page["trade/"] == "2027-01-15"  # the planted change
    data = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())
    first = published_editions(ROOT)[0].date.isoformat()
    for page in nav_pages():
        if page in ("trade.md", "changes.md"):
            continue
        logged = [change.date for change in data.changes.values() if page in change.pages]
        assert by_page[page_path(page)] == (max(logged).isoformat() if logged else first), page
    assert by_page["changes/"] == "2027-01-15"  # the Changes page is as new as its newest entry


def test_earlier_editions_can_be_downloaded_as_published(corrected_site: Path) -> None:
    for edition in published_editions(ROOT):
        if edition.pdf is None:
            continue
        served = corrected_site / "downloads" / "editions" / f"briefing-{edition.version}.pdf"
        assert served.read_bytes() == edition.pdf.read_bytes()
        assert f"briefing-{edition.version}.pdf" in (corrected_site / "changes" / "index.html").read_text(
            encoding="utf-8"
        )


def test_json_ld_parses_and_matches_the_data_file(built_site: Path) -> None:
    data = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())
    editions = published_editions(ROOT)
    corrections = [change for change in data.changes.values() if change.kind.value == "correction"]
    for page in nav_pages():
        html = (built_site / page_path(page) / "index.html").read_text(encoding="utf-8")
        blocks = lxml.html.fromstring(html).xpath('//script[@type="application/ld+json"]')
        assert len(blocks) == 1, page
        graph = {node["@type"]: node for node in json.loads(blocks[0].text)["@graph"]}
        report, webpage = graph["Report"], graph["WebPage"]
        assert report["version"] == data.meta.version
        assert report["datePublished"] == editions[0].date.isoformat()
        assert report["dateModified"] == data.meta.updated.isoformat()
        assert report["author"]["name"] == data.meta.author and report["publisher"]["name"] == data.meta.publisher
        assert [citation["name"] for citation in report["citation"]] == [
            source.title for source in data.sources.values()
        ]
        expected = sorted(
            {(change.version.replace(".", "-"), change.date.isoformat()) for change in corrections},
            key=lambda item: item[1],
            reverse=True,
        )
        assert [
            (item["url"].rsplit("#edition-", 1)[1], item["datePublished"]) for item in report["correction"]
        ] == expected
        assert all(item["url"].split("#")[0].endswith("/changes/") for item in report["correction"])
        assert webpage["isPartOf"]["@id"] == report["@id"]
        dt.date.fromisoformat(webpage["dateModified"])
        if page != "key-figures.md":
            assert "Dataset" not in graph, page
            continue
        dataset = graph["Dataset"]  # on the page that lists the downloads
        assert dataset["version"] == data.meta.version
        assert [item["contentUrl"].rsplit("/", 1)[1] for item in dataset["distribution"]] == [
            "figures.csv",
            "figures.json",
        ]


def test_differences_and_sitemap_rewrite_units() -> None:
    data = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())
    frozen = snapshot(data)
    changed = json.loads(json.dumps(frozen))
    changed["derived"]["trade.target_gap_2022"]["text"] = "US$16 billion"
    changed["sources"]["vovworld-2023-03"] = "0" * 64
    found = differences(frozen, changed)
    assert [(item.entry_id, item.old, item.new) for item in found] == [
        ("trade.target_gap_2022", "US$15 billion", "US$16 billion"),
        ("vovworld-2023-03", data.sources["vovworld-2023-03"].sha256, "0" * 64),
    ]
    sitemap = "<urlset><url><loc>https://x/a/</loc><lastmod>2030-01-01</lastmod></url><url><loc>https://x/b/</loc><lastmod>2030-01-01</lastmod></url></urlset>"
    redated = sitemap_with_page_dates(sitemap, {"https://x/a/": dt.date(2026, 11, 27)})
    assert "<loc>https://x/a/</loc><lastmod>2026-11-27</lastmod>" in redated
    assert "<loc>https://x/b/</loc><lastmod>2030-01-01</lastmod>" in redated


def test_real_data_matches_its_editions() -> None:
    data = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())
    check_against_editions(data, published_editions(ROOT))
    assert not data.problems, data.problems.report()


def test_every_change_note_reads_as_a_dated_sentence(built_site: Path) -> None:
    """'Corrected on 28 November 2026 (edition 1.1.0)', never 'Added to on …' (once shown for additions)."""
    heads = []
    for page in sorted(built_site.rglob("index.html")):
        root = lxml.html.fromstring(page.read_text(encoding="utf-8"))
        for note in root.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " change-note ")]'):
            summary = note.xpath("./summary") or note.xpath(".//a")
            heads.append((page.relative_to(built_site).as_posix(), " ".join(summary[0].text_content().split())))
    kinds = {change.kind.value for change in load_briefing(DATA_FILE).changes.values()}
    assert {"correction", "addition"} <= kinds, "the data file logs both kinds the test reads"
    assert heads
    pattern = re.compile(r"^(Corrected|Updated|Expanded) on \d{1,2} [A-Z][a-z]+ \d{4} \(edition \d+\.\d+\.\d+\)")
    assert [head for head in heads if not pattern.match(head[1])] == []
    assert any(head.startswith("Expanded on ") for _, head in heads), "an addition's note"


@pytest.mark.parametrize(
    ("was", "now", "wording"),
    [
        ("US$185 billion", "US$190 billion", "; was US$185 billion"),
        ("US$26.7 billion", "about US$26.7 billion", ": “about” added; the number is unchanged"),
        ("nearly US$33.7 billion", "US$33.7 billion", ": “nearly” removed; the number is unchanged"),
        ("about 40", "nearly 40", ": “nearly”, was “about”; the number is unchanged"),
        ("about 40", "about 41", "; was about 40"),
        ("US$5 billion", "more than US$5 billion", ": “more than” added; the number is unchanged"),
        ("up to 4 units", "4 units", ": “up to” removed; the number is unchanged"),
        ("10.3 billion cubic metres", "10.3 billion cubic metres", "; the number is unchanged"),
    ],
)
def test_a_change_note_says_what_changed(was: str, now: str, wording: str) -> None:
    """Seen in a popover: "Corrected …; was US$26.7 billion" beside "about US$26.7 billion" read as no change."""
    assert change_wording(was, now) == wording
