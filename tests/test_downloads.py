"""Downloads: figures as CSV and JSON, charts, and citation files, generated from the data file.

Every value is compared with the loaded data model; two builds must give the
same bytes; the citation files must parse.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from briefing import downloads
from briefing.addresses import is_public_address
from briefing.data import load_briefing
from briefing.downloads import PDF_PATH
from tests.conftest import DATA_FILE, allowed_numbers


@pytest.fixture(scope="module")
def data():
    loaded = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())
    assert list(loaded.problems) == []
    return loaded


def expected_paths(data) -> set[str]:
    paths = {downloads.FIGURES_CSV, downloads.FIGURES_JSON, downloads.CITE_TXT, downloads.CITE_BIB, downloads.CITE_JSON}
    for chart_id in data.charts:
        paths |= {downloads.chart_path(chart_id, file_format) for file_format in ("svg", "png", "csv")}
    return paths


def site_downloads(site: Path) -> dict[str, bytes]:
    root = site / downloads.DOWNLOADS_DIR
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def check_bibtex(text: str) -> dict[str, str]:
    """A small BibTeX reader: one entry, balanced braces, fields as name -> raw value."""
    depth = 0
    for character in text:
        depth += {"{": 1, "}": -1}.get(character, 0)
        assert depth >= 0, "closing brace without an opening one"
    assert depth == 0, "unbalanced braces"
    match = re.fullmatch(r"\s*@(\w+)\{([^,\s]+),\n(.*)\n\}\s*", text, re.DOTALL)
    assert match, text
    assert match.group(1).lower() in {"techreport", "misc"}
    fields = {}
    for line in match.group(3).split(",\n"):
        name, _, value = line.partition("=")
        fields[name.strip()] = value.strip()
    return fields


# -- unit: the generating functions --------------------------------------------
def test_download_files_are_deterministic_and_complete(data) -> None:
    first = downloads.download_files(data)
    again = downloads.download_files(load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers()))
    assert set(first) == expected_paths(data)
    assert first == again
    for path, content in first.items():
        if path.endswith((".csv", ".json", ".txt", ".bib")):
            assert b"\r\n" not in content, path
            assert content.endswith(b"\n"), path


def test_already_drawn_charts_are_reused(data, monkeypatch) -> None:
    drawn = downloads.rendered_charts(data)

    def refuse(*args, **kwargs):
        raise AssertionError("chart drawn twice")

    monkeypatch.setattr(downloads, "render_chart", refuse)
    files = downloads.download_files(data, drawn)
    for chart_id, chart in drawn.items():
        assert files[downloads.chart_path(chart_id, "svg")] == chart.svg


def test_bibtex_escapes_special_characters() -> None:
    assert downloads.bibtex_escape("R&D 50% {x}_y") == r"R\&D 50\% \{x\}\_y"


# -- the built site --------------------------------------------------------------
def test_site_has_every_download(built_site: Path, data) -> None:
    assert set(site_downloads(built_site)) >= expected_paths(data)


def test_figures_csv_round_trips_to_the_data(built_site: Path, data) -> None:
    text = (built_site / downloads.FIGURES_CSV).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(downloads.FIGURE_COLUMNS)
    assert [row["id"] for row in rows] == data.all_figure_ids()
    for row in rows:
        figure_id = row["id"]
        quantity = data.quantity(figure_id)
        assert float(row["value"]) == data.value_of(figure_id), figure_id
        assert row["unit"] == quantity.unit.value
        assert row["scale"] == (quantity.scale.value if quantity.scale else "")
        assert row["currency"] == (quantity.currency or "")
        assert row["label"] == data.label_of(figure_id)
        assert row["derived"] == ("true" if figure_id in data.derived else "false")
        if figure_id in data.figures:
            figure = data.figures[figure_id]
            assert row["quote"] == figure.quote
            assert row["period"] == figure.period
            assert row["source"] == figure.source
            assert data.sources[figure.source].title in row["source_citation"]
        else:
            assert row["formula"] == data.derived[figure_id].formula
            assert row["quote"] == ""


def test_figures_json_round_trips_to_the_data(built_site: Path, data) -> None:
    document = json.loads((built_site / downloads.FIGURES_JSON).read_text(encoding="utf-8"))
    assert document["briefing"]["version"] == data.meta.version
    records = document["figures"]
    assert [record["id"] for record in records] == data.all_figure_ids()
    for record in records:
        figure_id = record["id"]
        quantity = data.quantity(figure_id)
        assert record["value"] == data.value_of(figure_id), figure_id
        assert record["unit"] == quantity.unit.value
        assert record["scale"] == (quantity.scale.value if quantity.scale else None)
        assert record["currency"] == quantity.currency
        assert record["derived"] is (figure_id in data.derived)
        assert record["quote"] == (data.figures[figure_id].quote if figure_id in data.figures else None)


def test_citation_files_parse_and_agree(built_site: Path, data) -> None:
    meta = data.meta
    fields = check_bibtex((built_site / downloads.CITE_BIB).read_text(encoding="utf-8"))
    for name in ("author", "title", "institution", "year"):
        assert name in fields, name
    # The repository ships a placeholder address (example.org): it is never cited.
    assert not is_public_address(meta.site_url)
    assert "url" not in fields
    assert meta.title in fields["title"]
    assert fields["year"] == "{" + str(meta.updated.year) + "}"
    items = json.loads((built_site / downloads.CITE_JSON).read_text(encoding="utf-8"))
    assert isinstance(items, list) and len(items) == 1
    item = items[0]
    assert item["title"] == meta.title
    assert item["type"] == "report"
    assert item["issued"]["date-parts"] == [[meta.updated.year, meta.updated.month, meta.updated.day]]
    assert "URL" not in item
    text = (built_site / downloads.CITE_TXT).read_text(encoding="utf-8")
    for part in (meta.author, meta.title, meta.version, meta.publisher):
        assert part in text
    assert meta.site_url not in text and "example.org" not in text


def test_a_real_address_is_cited_in_every_citation_file(data) -> None:
    address = "https://briefing-desk.github.io/xi-russia-2023/"
    real = dataclasses.replace(data, meta=dataclasses.replace(data.meta, site_url=address))
    assert f"{address} Licence:" in downloads.cite_text(real).decode("utf-8")
    assert check_bibtex(downloads.cite_bibtex(real).decode("utf-8"))["url"] == "{" + address + "}"
    assert json.loads(downloads.cite_csl_json(real))[0]["URL"] == address


def test_the_cite_popover_never_shows_a_placeholder_address(built_site: Path) -> None:
    for page in built_site.rglob("index.html"):
        pop = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("#cite-this")
        if pop is not None:
            assert "example.org" not in pop.get_text(), page


def test_key_figures_page_links_every_download(published_site: Path, data) -> None:
    page = published_site / "key-figures" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    targets = set()
    for link in soup.select(".downloads a[href]"):
        target = (page.parent / link["href"]).resolve()
        assert target.is_file(), link["href"]
        targets.add(target.relative_to(published_site.resolve()).as_posix())
    assert targets == expected_paths(data) | {PDF_PATH}


def test_two_builds_give_identical_downloads(built_site: Path, published_site: Path, republished_site: Path) -> None:
    """Two publishes give the same download files, and a plain build the same bytes for those it writes."""
    published = site_downloads(published_site)
    assert site_downloads(republished_site) == published
    plain = site_downloads(built_site)
    assert plain and {path: published.get(path) for path in plain} == plain


def test_the_citation_names_the_edition_as_the_pages_do(built_site: Path, data) -> None:
    """Seen on the PDF's About page: "edition 1.1.0 (correction)" where every page foot says "corrected edition"."""
    assert data.meta.edition_kind == "correction"
    foot = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser").get_text()
    assert "(corrected edition)" in foot
    for name in ("cite.txt", "cite.bib"):
        text = (built_site / "downloads" / name).read_text(encoding="utf-8")
        assert "(corrected edition)" in text and "(correction)" not in text, name
