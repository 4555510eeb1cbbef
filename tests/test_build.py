"""Builds of the real site and of copies with planted mistakes, read back as HTML."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markupsafe import escape

from briefing.data import load_briefing
from briefing.navigation import built_file, read_mkdocs_config
from briefing.render import Renderer
from tests.conftest import DATA_FILE, ROOT, allowed_numbers, line_of, nav_pages, run_build

NAV_PAGES = nav_pages()


def html_path(site: Path, src: str) -> Path:
    return site / built_file(src)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def real_data():
    return load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())


def test_real_site_builds_every_page(built_site: Path) -> None:
    for src in NAV_PAGES:
        assert html_path(built_site, src).is_file(), src


def test_every_page_has_title_and_description(built_site: Path) -> None:
    site_description = read_mkdocs_config(ROOT / "mkdocs.yml")["site_description"]
    for src in NAV_PAGES:
        page = soup(html_path(built_site, src))
        assert page.title and page.title.string.strip(), src
        description = page.find("meta", attrs={"name": "description"})
        assert description is not None, src
        assert description["content"] != site_description, f"{src} uses the site-wide description"
        assert 50 <= len(description["content"]) <= 200, src


def test_prose_figures_read_as_the_formatter_writes_them(built_site: Path) -> None:
    data = real_data()
    renderer = Renderer(data, data.problems)
    seen = 0
    for src in NAV_PAGES:
        for element in soup(html_path(built_site, src)).select("span.fig"):
            figure_id = element["data-figure"]
            shown = element.select_one(".fig__value").get_text()
            assert shown in {renderer.text(figure_id, style) for style in ("long", "short", "value")}, (
                src,
                figure_id,
                shown,
            )
            assert element.select_one(".fig__tip").get_text().strip(), figure_id
            seen += 1
    assert seen >= len(data.figures)


def test_years_read_as_dates_and_quantities_as_figures(built_site: Path) -> None:
    """README, "Which numbers are figures": a year is plain text; every other figure has its marker and popover."""
    data = real_data()
    years = {figure_id for figure_id, figure in data.figures.items() if figure.unit == "year"}
    assert years, "the briefing has years among its figures"
    dated, marked = set(), set()
    for src in NAV_PAGES:
        article = soup(html_path(built_site, src)).select_one("article")
        for element in article.select("span.fig-date"):
            assert element.find("button") is None and element.get_text() == Renderer(data, data.problems).text(
                element["data-figure"]
            )
            dated.add(element["data-figure"])
        marked |= {element["data-figure"] for element in article.select("span.fig")}
    assert dated == years
    assert not marked & years


def test_no_orphans_every_entry_used_in_prose(built_site: Path) -> None:
    data = real_data()
    used_figures: set[str] = set()
    linked: set[str] = set()
    times: set[str] = set()
    for src in NAV_PAGES:
        if src in {"key-figures.md", "timeline.md", "people.md", "glossary.md"}:
            continue
        page = soup(html_path(built_site, src))
        article = page.select_one("article")
        used_figures |= {element["data-figure"] for element in article.select("span.fig, span.fig-date")}
        linked |= {link["href"].split("#")[-1] for link in article.select("a[href*='#']")}
        times |= {element["datetime"] for element in article.select("time")}
    assert set(data.figures) | set(data.derived) <= used_figures
    assert set(data.people) <= linked
    assert {f"source-{source_id}" for source_id in data.sources} <= linked
    for event in data.events.values():
        assert any(stamp.startswith(event.date.isoformat()[:4]) for stamp in times)


def test_generated_pages_list_every_entry(built_site: Path) -> None:
    data = real_data()
    renderer = Renderer(data, data.problems)
    key_figures = soup(html_path(built_site, "key-figures.md"))
    rows = {row["id"]: row for row in key_figures.select("table.key-figures tbody tr")}
    assert set(rows) == set(data.figures) | set(data.derived)
    for figure_id, figure in data.figures.items():
        assert rows[figure_id].select_one(".fig-value").get_text() == renderer.text(figure_id)
        shown = html.unescape(str(escape(figure.quote)))  # as a reader reads it: the source's slips marked [sic]
        assert " ".join(shown.split()) in " ".join(rows[figure_id].get_text().split())
    for derived_id in data.derived:
        assert "derived" in rows[derived_id].get_text().lower()
        assert "Derived by this briefing" in rows[derived_id].get_text()
    timeline = soup(html_path(built_site, "timeline.md"))
    assert {item["id"] for item in timeline.select("ol.timeline li")} == set(data.events)
    people = soup(html_path(built_site, "people.md"))
    assert set(data.people) | set(data.organisations) <= {term["id"] for term in people.select("dt")}
    glossary = soup(html_path(built_site, "glossary.md"))
    assert [term.get_text() for term in glossary.select("dl.glossary dt")] == sorted(data.glossary, key=str.lower)
    sources = soup(html_path(built_site, "sources.md"))
    assert {f"source-{source_id}" for source_id in data.sources} <= {
        element.get("id") for element in sources.select("[id]")
    }


def test_glossary_abbreviations_explained_site_wide(built_site: Path) -> None:
    energy = soup(html_path(built_site, "energy.md"))
    assert any(abbr.get_text() == "LNG" and "liquefied natural gas" in abbr["title"] for abbr in energy.select("abbr"))


@pytest.mark.slow  # a subprocess build; the same kind of mistake is in test_bad_input's fast cases
def test_unknown_id_in_page_names_line_and_suggestion(project: Path) -> None:
    page = project / "docs" / "about.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace("## How to cite", "## How to cite\n\nTrade: {{ figure('trade.turnover_2O22') }}.\n", 1)
    page.write_text(text, encoding="utf-8")
    result = run_build(project)
    assert result.returncode != 0
    line = line_of(text, "trade.turnover_2O22")
    assert re.search(
        rf"docs/about\.md:{line}:\d+: unknown figure 'trade\.turnover_2O22' in figure\(\) \(did you mean 'trade\.turnover_2022'",
        result.output,
    ), result.output
    assert not (result.site / "index.html").exists()


@pytest.mark.slow  # a subprocess build; the same kind of mistake is in test_bad_input's fast cases
def test_three_planted_errors_reported_in_one_run(project: Path) -> None:
    data_file = project / "data" / "briefing.yml"
    data_text = data_file.read_text(encoding="utf-8").replace("    value: 185\n", "    value: 158\n", 1)
    data_file.write_text(data_text, encoding="utf-8")
    about = project / "docs" / "about.md"
    about_text = about.read_text(encoding="utf-8").replace(
        "## Licence", "## Licence\n\n{{ person('yuri_ushakof') }}\n", 1
    )
    about.write_text(about_text, encoding="utf-8")
    glossary = project / "docs" / "glossary.md"
    glossary_text = glossary.read_text(encoding="utf-8") + "\nTrade was worth USD 999 billion.\n"
    glossary.write_text(glossary_text, encoding="utf-8")
    result = run_build(project)
    assert result.returncode != 0
    assert (
        f"data/briefing.yml:{line_of(data_text, 'value: 158')}:5: 'trade.turnover_2022' has value 158 billion"
        in result.output
    )
    assert f"docs/about.md:{line_of(about_text, 'yuri_ushakof')}:" in result.output
    assert "did you mean 'yuri_ushakov'" in result.output
    assert f"docs/glossary.md:{line_of(glossary_text, 'USD 999')}: hand-typed number '999 billion'" in result.output


@pytest.mark.slow  # a subprocess build; the same kind of mistake is in test_bad_input's fast cases
def test_hand_typed_figure_is_caught_with_page_and_line(project: Path) -> None:
    page = project / "docs" / "timeline.md"
    text = page.read_text(encoding="utf-8").replace(
        "# Timeline\n", "# Timeline\n\nTrade reached USD 999 billion last year.\n", 1
    )
    page.write_text(text, encoding="utf-8")
    result = run_build(project)
    assert result.returncode != 0
    assert f"docs/timeline.md:{line_of(text, 'USD 999')}: hand-typed number '999 billion'" in result.output
    assert "USD 999 billion" in result.output


@pytest.mark.slow  # an in-process build of the whole real site
def test_data_is_loaded_once_per_build(tmp_path: Path, monkeypatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import briefing.cached

    calls: list[Path] = []
    original = briefing.cached.load_briefing

    def counting(path: Path, display_path: str | None = None, allowed_numbers: frozenset[str] = frozenset()):
        calls.append(path)
        return original(path, display_path, allowed_numbers)

    monkeypatch.setattr(briefing.cached, "load_briefing", counting)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "empty-cache"))
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    build(config)
    assert len(calls) == 1
    assert (tmp_path / "site" / "index.html").is_file()
    # The next build finds the checked data in the build cache: nothing changed, nothing to load.
    build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "again"), strict=True))
    assert len(calls) == 1
    assert (tmp_path / "again" / "index.html").read_bytes() == (tmp_path / "site" / "index.html").read_bytes()


def test_figure_tip_reads_as_sentences(built_site: Path) -> None:
    tip = soup(html_path(built_site, "trade.md")).select_one("span.fig .fig__tip")
    text = tip.get_text()
    assert re.search(r"\)\. Source: .+: \S", text), text


def test_no_word_is_doubled_in_what_readers_read(built_site: Path) -> None:
    """A word printed twice in a row ("nearly nearly US$33.7bn" once was, on a chart) is a slip.

    Every run of text in every page's article, chart labels included; the source's
    own words (quotes) are left out, since a slip of the source is shown as written.
    """
    doubled = re.compile(r"\b([^\W\d_]{2,})\s+\1\b", re.IGNORECASE)
    found = []
    for page in sorted(built_site.rglob("index.html")):
        article = soup(page).select_one("article")
        if article is None:
            continue
        for quoted in article.select("q, blockquote, .quote"):
            quoted.decompose()
        for text in article.stripped_strings:  # one run of text at a time: a button "Cite" then "Cite this…" is no slip
            unquoted = re.sub(r'"[^"]*"|“[^”]*”', " ", text)  # the source's words cited in the briefing's own text
            found += [f"{page.relative_to(built_site)}: {match.group(0)!r}" for match in doubled.finditer(unquoted)]
    assert found == []
