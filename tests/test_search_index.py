"""The search index of the real build: numbers are findable words, and nothing but reading text is indexed.

The site's search (mkdocs-material, lunr) splits words with the ``separator`` set
in ``mkdocs.yml``. These tests split the real index with that same expression, in
Python, so "searching 185 finds Trade" is checked against the bytes readers
download; the browser test in ``tests/browser/test_charts_in_browser.py`` types the
same numbers into the real search box.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from briefing.charts import KEY_DERIVED, KEY_GOAL, KEY_STATED, render_chart
from briefing.data import load_briefing
from briefing.navigation import read_mkdocs_config
from tests.conftest import DATA_FILE, ROOT, allowed_numbers

SVG = "{http://www.w3.org/2000/svg}"
KEYS = (KEY_STATED, KEY_DERIVED, KEY_GOAL)


@pytest.fixture(scope="module")
def data():
    loaded = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())
    assert list(loaded.problems) == []
    return loaded


@pytest.fixture(scope="module")
def index(built_site: Path) -> dict:
    return json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def words(text: str, separator: str) -> set[str]:
    """The words lunr indexes: split on the site's separator (a JavaScript regex that Python reads the same way), lower-cased."""
    return {word.lower() for word in re.split(separator, text) if word}


def pages_with_word(index: dict, word: str) -> set[str]:
    separator = index["config"]["separator"]
    return {
        doc["location"].split("#")[0]
        for doc in index["docs"]
        if word.lower() in words(plain(doc["title"] + " " + doc["text"]), separator)
    }


def test_index_uses_the_configured_separator(index: dict) -> None:
    configured = next(
        plugin
        for plugin in read_mkdocs_config(ROOT / "mkdocs.yml")["plugins"]
        if isinstance(plugin, dict) and "search" in plugin
    )
    assert index["config"]["separator"] == configured["search"]["separator"]


@pytest.mark.parametrize(
    ("query", "page"),
    [("185", "trade/"), ("33.7", "trade/"), ("26", "trade/"), ("15.5", "energy/"), ("1.5", "energy/")],
)
def test_numbers_are_words_of_their_page(index: dict, query: str, page: str) -> None:
    assert page in pages_with_word(index, query)


def test_searching_a_number_with_its_sign_finds_the_same_words(index: dict) -> None:
    separator = index["config"]["separator"]
    assert words("US$185 billion", separator) == {"us$", "185", "billion"}
    assert words("up 26% on", separator) == {"up", "26", "on"}
    assert words("a record 15.5 billion cubic metres.", separator) == {
        "a",
        "record",
        "15.5",
        "billion",
        "cubic",
        "metres",
    }
    assert words("January–February 2023", separator) == {"january", "february", "2023"}


def test_index_holds_no_chart_internals(index: dict, data) -> None:
    """Chart titles and captions are indexed; tick, axis, key and value text, descriptions and data tables are not."""
    text = " ".join(plain(doc["title"] + " " + doc["text"]) for doc in index["docs"])
    for chart_id, chart in data.charts.items():
        rendered = render_chart(data, chart_id)
        assert chart.title in text, "the chart's headline is searchable"
        for inline_svg in rendered.inline_svgs.values():
            root = etree.fromstring(inline_svg)
            drawn = ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]
            assert len(drawn) > 5
            values = [
                point.value_text for point in rendered.points if len(point.value_text) > 4
            ]  # not "2nd": prose says it too
            chart_only = values + [key for key in KEYS if key in drawn]
            for string in chart_only:  # bar labels ("January–February 2023") are phrases of the prose too
                assert string in drawn and string not in text, (chart_id, string)
            assert root.find(f"{SVG}desc").text not in text
            numeric = [string for string in drawn if re.fullmatch(r"[\d.,]+|\d+(st|nd|rd|th)", string)]
            run = r"\s*".join(re.escape(string) for string in numeric[:3])
            assert len(numeric) >= 3 and not re.search(run, text), (chart_id, numeric)
        assert rendered.axis_label not in text
        assert "The chart’s data as a table" not in text


def test_index_holds_no_figure_popover_internals(index: dict, data) -> None:
    """A figure's source sentence and formula live in its popover and on Key figures, never in the index."""
    text = " ".join(plain(doc["title"] + " " + doc["text"]) for doc in index["docs"])
    for figure_id, figure in data.figures.items():
        assert figure.quote not in text, figure_id
    for derived_id, derived in data.derived.items():
        assert derived.label not in text, derived_id
    assert "Derived by this briefing" not in text
