"""Charts: values only from the data file, drawn deterministically, accessible, and placed by id.

Expected values are always computed from the loaded data model, never copied
from the chart code: a chart that drew a number the data does not hold, or
dropped one it does, fails here.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from briefing.charts import DERIVED_MARK, PALETTE, page_svg, render_chart
from briefing.data import load_briefing
from briefing.downloads import chart_path
from briefing.formatting import format_quantity
from briefing.model import ChartKind
from tests.conftest import DATA_FILE, ROOT, allowed_numbers, line_of, load_data_variant, run_build

SVG = "{http://www.w3.org/2000/svg}"
BAR_PATH = re.compile(r"M\s+([-\d.]+)\s+([-\d.]+)\s+L\s+([-\d.]+)\s+([-\d.]+)")


@pytest.fixture(scope="module")
def data():
    loaded = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())
    assert list(loaded.problems) == []
    return loaded


def chart_pages(site: Path) -> dict[str, tuple[Path, BeautifulSoup]]:
    """Each chart id placed in the built site, with the page it is on."""
    found: dict[str, tuple[Path, BeautifulSoup]] = {}
    for page in sorted(site.rglob("index.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for figure in soup.select("figure.chart"):
            chart_id = figure["id"].removeprefix("chart-")
            assert chart_id not in found, f"chart {chart_id} placed twice"
            found[chart_id] = (page, soup)
    return found


def figure_of(soup: BeautifulSoup, chart_id: str):
    return soup.select_one(f"figure#chart-{chart_id}")


def value_texts(svg) -> dict[int, str]:
    """The value drawn beside each bar or dot, by row."""
    texts = {}
    for group in svg.select("g[id]"):
        match = re.fullmatch(r"chart-.+-value-(\d+)", group["id"])
        if match:
            texts[int(match.group(1))] = group.get_text()
    return texts


def bar_lengths(svg) -> list[float]:
    """The lengths of the bars drawn in the plot, top to bottom (patches outside <defs>)."""
    bars = []
    for path in svg.select("g[id*='-patch_'] > path"):
        classes = path.get("class", [])
        if not {"chart-stated-fill", "chart-stated-stroke"} & set(classes) or path.find_parent("defs"):
            continue
        x0, y0, x1, _ = (float(number) for number in BAR_PATH.match(path["d"]).groups())
        bars.append((y0, x1 - x0))
    return [length for _, length in sorted(bars)]


# -- the data ---------------------------------------------------------------
def test_real_charts_have_at_least_three_and_only_known_figures(data) -> None:
    assert len(data.charts) >= 3
    known = set(data.figures) | set(data.derived)
    for chart in data.charts.values():
        assert set(chart.series) <= known


def test_each_chart_shows_exactly_its_series_values(data) -> None:
    for chart_id, chart in data.charts.items():
        rendered = render_chart(data, chart_id)
        assert [point.figure_id for point in rendered.points] == chart.series
        assert [point.value for point in rendered.points] == [data.value_of(figure_id) for figure_id in chart.series]
        rows = list(csv.DictReader(io.StringIO(rendered.csv.decode("utf-8"))))
        assert [row["figure_id"] for row in rows] == chart.series
        for row in rows:
            assert float(row["value"]) == data.value_of(row["figure_id"])
            assert row["derived"] == ("true" if row["figure_id"] in data.derived else "false")


def test_two_renders_are_byte_identical(data) -> None:
    again = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())
    for chart_id in data.charts:
        first, second = render_chart(data, chart_id), render_chart(again, chart_id)
        assert first.inline_svg == second.inline_svg
        assert first.svg == second.svg
        assert first.png == second.png
        assert first.csv == second.csv


def test_standalone_files_carry_title_and_no_timestamp(data) -> None:
    for chart_id, chart in data.charts.items():
        rendered = render_chart(data, chart_id)
        root = etree.fromstring(rendered.svg)
        assert root.find(f"{SVG}title").text == chart.title
        assert root.find(f"{SVG}desc").text
        assert b"<dc:date>" not in rendered.svg
        assert rendered.png.startswith(b"\x89PNG\r\n\x1a\n")
        assert b"tIME" not in rendered.png and b"Software" not in rendered.png


def test_page_svg_is_scalable_accessible_and_self_contained(data) -> None:
    for chart_id, chart in data.charts.items():
        rendered = render_chart(data, chart_id)
        root = etree.fromstring(rendered.inline_svg)
        assert root.get("width") is None and root.get("height") is None, "no fixed size: CSS sets the width"
        assert root.get("viewBox")
        assert root.get("role") == "img"
        ids = {element.get("id") for element in root.iter() if element.get("id")}
        for labelled_by in root.get("aria-labelledby").split():
            assert labelled_by in ids
        assert root.find(f"{SVG}title").text == chart.title
        assert all(identifier.startswith(f"chart-{chart_id}-") for identifier in ids)
        for element in root.iter():
            for value in element.attrib.values():
                for reference in re.findall(r"url\(#([^)]+)\)", value):
                    assert reference in ids
        assert root.find(f".//{SVG}script") is None and root.find(f".//{SVG}style") is None
        assert "\n" not in rendered.inline_svg, "one line: a blank line would end Markdown's HTML block"
        texts = ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]
        for point in rendered.points:
            assert point.short_text in texts, "text must stay <text> (svg.fonttype: none)"


def test_derived_values_are_marked_in_label_and_drawing(data) -> None:
    has_derived = False
    for chart_id, chart in data.charts.items():
        rendered = render_chart(data, chart_id)
        root = etree.fromstring(rendered.inline_svg)
        texts = ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]
        for point in rendered.points:
            derived = point.figure_id in data.derived
            has_derived |= derived
            assert any(text.startswith(point.label) and text.endswith(DERIVED_MARK) for text in texts) == derived, point.figure_id
        if chart.kind is ChartKind.bar and any(point.derived for point in rendered.points):
            assert "url(#chart-" + chart_id + "-h" in rendered.inline_svg, "derived bars are hatched"
    assert has_derived


def test_every_palette_class_has_a_colour_rule_for_both_schemes(data) -> None:
    css = (ROOT / "docs" / "assets" / "briefing.css").read_text(encoding="utf-8")
    used: set[str] = set()
    for chart_id in data.charts:
        used |= set(re.findall(r"chart-(?:%s)-(?:fill|stroke)" % "|".join(PALETTE.values()), render_chart(data, chart_id).inline_svg))
    assert used
    for name in used:
        assert re.search(rf"\.{name}\s*\{{[^}}]*!important", css), name
    assert '[data-md-color-scheme="slate"]' in css


def test_page_svg_prefixes_ids_of_any_svg() -> None:
    sample = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" height="10pt" viewBox="0 0 10 10">'
        b'<defs><style>*{stroke:red}</style><clipPath id="p1"><rect width="1" height="1"/></clipPath></defs>'
        b'<g id="g1"><path clip-path="url(#p1)" style="fill: #3949ab"/><use xlink:href="#g1"/></g></svg>'
    )
    root = etree.fromstring(page_svg(sample, "x", "T", "D"))
    path = root.find(f".//{SVG}path")
    assert path.get("clip-path") == "url(#chart-x-p1)"
    assert path.get("class") == "chart-stated-fill"
    assert root.find(f".//{SVG}use").get("{http://www.w3.org/1999/xlink}href") == "#chart-x-g1"
    assert root.find(f".//{SVG}style") is None


# -- the built site -----------------------------------------------------------
def test_every_chart_is_on_a_page_with_the_data_values(built_site: Path, data) -> None:
    placed = chart_pages(built_site)
    assert set(placed) == set(data.charts)
    locale = data.meta.locale
    for chart_id, chart in data.charts.items():
        _, soup = placed[chart_id]
        figure = figure_of(soup, chart_id)
        svg = figure.select_one("svg.chart__svg")
        expected = [format_quantity(data.quantity(figure_id), "short", locale) for figure_id in chart.series]
        drawn = value_texts(svg)
        assert [drawn[row] for row in range(len(chart.series))] == expected
        if chart.kind is ChartKind.bar:
            lengths = bar_lengths(svg)
            values = [data.value_of(figure_id) for figure_id in chart.series]
            assert len(lengths) == len(values)
            for length, value in zip(lengths, values):
                assert length / lengths[-1] == pytest.approx(value / values[-1], rel=1e-4)
        table_rows = figure.select("details.chart__data tbody tr")
        assert [row["data-figure"] for row in table_rows] == chart.series
        for row, figure_id in zip(table_rows, chart.series):
            assert row.select_one("td.num").get_text() == format_quantity(data.quantity(figure_id), "long", locale)


def test_chart_csv_in_site_matches_data(built_site: Path, data) -> None:
    for chart_id, chart in data.charts.items():
        rows = list(csv.DictReader(io.StringIO((built_site / chart_path(chart_id, "csv")).read_text(encoding="utf-8"))))
        assert [row["figure_id"] for row in rows] == chart.series
        for row in rows:
            quantity = data.quantity(row["figure_id"])
            assert float(row["value"]) == quantity.value
            assert row["unit"] == quantity.unit.value
            assert row["scale"] == (quantity.scale.value if quantity.scale else "")
            assert row["currency"] == (quantity.currency or "")


def test_chart_caption_names_source_and_period_and_links_downloads(built_site: Path, data) -> None:
    for chart_id, (page, soup) in chart_pages(built_site).items():
        figure = figure_of(soup, chart_id)
        caption = figure.select_one("figcaption")
        assert caption is figure.find(recursive=False), "figcaption comes first"
        assert data.charts[chart_id].title in caption.get_text()
        source_ids = {source_id for figure_id in data.charts[chart_id].series for source_id in data.sources_of(figure_id)}
        for source_id in source_ids:
            assert data.sources[source_id].short in caption.select_one(".chart__source").get_text()
        for figure_id in data.charts[chart_id].series:
            entry = data.figures.get(figure_id) or data.derived[figure_id]
            assert entry.period in caption.get_text()
        links = {link.get_text(): link["href"] for link in figure.select(".chart__downloads a")}
        assert len(links) == 3
        for href in links.values():
            target = (page.parent / href).resolve()
            assert target.is_file(), href
            assert target.name.startswith(chart_id + ".")


def test_chart_svg_ids_are_unique_on_each_page(built_site: Path) -> None:
    pages = {page for page, _ in chart_pages(built_site).values()}
    for page in pages:
        ids = re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8"))
        duplicates = {identifier for identifier in ids if ids.count(identifier) > 1}
        assert not duplicates, (page, sorted(duplicates)[:5])


# -- mistakes -----------------------------------------------------------------
def test_unknown_chart_id_in_page_fails_with_line_and_suggestion(project: Path) -> None:
    page = project / "docs" / "trade.md"
    text = page.read_text(encoding="utf-8")
    assert "{{ chart('trade-jan-feb') }}" in text
    text = text.replace("{{ chart('trade-jan-feb') }}", "{{ chart('trade-jan-fbe') }}", 1)
    page.write_text(text, encoding="utf-8")
    result = run_build(project)
    assert result.returncode != 0
    line = line_of(text, "trade-jan-fbe")
    assert re.search(
        rf"docs/trade\.md:{line}:\d+: unknown chart 'trade-jan-fbe' in chart\(\) \(did you mean 'trade-jan-feb'",
        result.output,
    ), result.output
    assert not (result.site / "index.html").exists()


REAL = DATA_FILE.read_text(encoding="utf-8")
SERIES = "    series: [trade.turnover_2022, trade.target_2024]\n"


@pytest.mark.parametrize(
    ("new_series", "expected", "hint"),
    [
        ("    series: [trade.turnover_2O22, trade.target_2024]\n", "chart 'trade-turnover-vs-goal' uses unknown figure 'trade.turnover_2O22'", "did you mean 'trade.turnover_2022'"),
        ("    series: [trade.turnover_2022, trade.growth_jan_feb_2023]\n", "chart 'trade-turnover-vs-goal' mixes units", "one unit, scale and currency"),
        ("    series: [trade.turnover_2022, energy.power_of_siberia_volume_2022]\n", "mixes units", "like with like"),
    ],
)
def test_bad_chart_series_is_reported_at_its_line(tmp_path: Path, new_series: str, expected: str, hint: str) -> None:
    assert SERIES in REAL
    text = REAL.replace(SERIES, new_series, 1)
    loaded = load_data_variant(tmp_path, text)
    messages = [str(problem) for problem in loaded.problems]
    line = line_of(text, new_series.strip())
    assert any(message.startswith(f"data/briefing.yml:{line}:") and expected in message and hint in message for message in messages), messages
    assert "trade-turnover-vs-goal" not in loaded.charts


def test_ranks_drawn_as_bars_are_refused(tmp_path: Path) -> None:
    text = REAL.replace("    kind: dot\n", "    kind: bar\n", 1)
    messages = [str(problem) for problem in load_data_variant(tmp_path, text).problems]
    assert any("draws rank figures as bars" in message and "kind: dot" in message for message in messages), messages


def test_chart_labels_must_match_series(tmp_path: Path) -> None:
    text = REAL.replace("    labels: [Oil, LNG]\n", "    labels: [Oil]\n", 1)
    messages = [str(problem) for problem in load_data_variant(tmp_path, text).problems]
    assert any(f"data/briefing.yml:{line_of(text, '  supplier-ranks:')}:" in message and "one label per series" in message for message in messages), messages


def test_amounts_drawn_as_dots_are_refused(tmp_path: Path) -> None:
    text = REAL.replace("    kind: bar\n", "    kind: dot\n", 1)
    messages = [str(problem) for problem in load_data_variant(tmp_path, text).problems]
    assert any("is a dot chart of currency figures" in message and "kind: bar" in message for message in messages), messages


def test_negative_bars_are_refused(tmp_path: Path) -> None:
    text = REAL.replace("formula: trade.target_2024 - trade.turnover_2022", "formula: trade.turnover_2022 - trade.target_2024", 1)
    assert "\ncharts:\n" in text
    text = text.replace("\ncharts:\n", "\ncharts:\n  gap:\n    title: Gap\n    caption: The gap.\n    series: [trade.target_gap_2022]\n\n", 1)
    loaded = load_data_variant(tmp_path, text)
    messages = [str(problem) for problem in loaded.problems]
    assert any(f"data/briefing.yml:{line_of(text, 'series: [trade.target_gap_2022]')}:" in message and "negative values" in message for message in messages), messages
    assert "gap" not in loaded.charts
