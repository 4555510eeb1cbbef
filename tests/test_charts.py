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

from briefing.charts import DERIVED_MARK, KEY_DERIVED, KEY_GOAL, KEY_STATED, PALETTE, render_chart
from briefing.chartsvg import page_svg
from briefing.data import load_briefing
from briefing.downloads import chart_path
from briefing.entries import ChartKind
from briefing.formatting import format_quantity
from tests.conftest import DATA_FILE, ROOT, allowed_numbers, line_of, load_data_variant, run_build

SVG = "{http://www.w3.org/2000/svg}"
BAR_PATH = re.compile(r"M\s+([-\d.]+)\s+([-\d.]+)\s+L\s+([-\d.]+)\s+([-\d.]+)")


@pytest.fixture(scope="module")
def data():
    loaded = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())
    assert list(loaded.problems) == []
    return loaded


@pytest.fixture(scope="module")
def drawn(data) -> dict:
    """Each real chart drawn once for the module's checks (drawing is the slow part: matplotlib)."""
    return {chart_id: render_chart(data, chart_id) for chart_id in data.charts}


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
    """The lengths of the bars drawn in the plot, top to bottom."""
    bars = {}
    for group in svg.select("g[id]"):
        match = re.fullmatch(r"chart-.+-bar-(\d+)", group["id"])
        if match:
            x0, _, x1, _ = (float(number) for number in BAR_PATH.match(group.select_one("path")["d"]).groups())
            bars[int(match.group(1))] = x1 - x0
    return [bars[row] for row in sorted(bars)]


# -- the data ---------------------------------------------------------------
def test_real_charts_have_at_least_three_and_only_known_figures(data) -> None:
    assert len(data.charts) >= 3
    known = set(data.figures) | set(data.derived)
    for chart in data.charts.values():
        assert set(chart.series) <= known


def test_each_chart_shows_exactly_its_series_values(data, drawn) -> None:
    for chart_id, chart in data.charts.items():
        rendered = drawn[chart_id]
        assert [point.figure_id for point in rendered.points] == chart.series
        assert [point.value for point in rendered.points] == [data.value_of(figure_id) for figure_id in chart.series]
        rows = list(csv.DictReader(io.StringIO(rendered.csv.decode("utf-8"))))
        assert [row["figure_id"] for row in rows] == chart.series
        for row in rows:
            assert float(row["value"]) == data.value_of(row["figure_id"])
            assert row["derived"] == ("true" if row["figure_id"] in data.derived else "false")


def test_two_renders_are_byte_identical(data, drawn) -> None:
    again = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())
    for chart_id in data.charts:
        first, second = drawn[chart_id], render_chart(again, chart_id)
        assert first.inline_svgs == second.inline_svgs
        assert first.svg == second.svg
        assert first.png == second.png
        assert first.csv == second.csv


def test_standalone_files_carry_title_and_no_timestamp(data, drawn) -> None:
    for chart_id, chart in data.charts.items():
        rendered = drawn[chart_id]
        root = etree.fromstring(rendered.svg)
        assert root.find(f"{SVG}title").text == chart.title
        assert root.find(f"{SVG}desc").text
        assert b"<dc:date>" not in rendered.svg
        assert rendered.png.startswith(b"\x89PNG\r\n\x1a\n")
        assert b"tIME" not in rendered.png and b"Software" not in rendered.png


def test_page_svg_is_scalable_accessible_and_self_contained(data, drawn) -> None:
    for chart_id, chart in data.charts.items():
        rendered = drawn[chart_id]
        assert set(rendered.inline_svgs) == {"narrow", "wide"}
        for layout, inline_svg in rendered.inline_svgs.items():
            check_page_svg(inline_svg, f"chart-{chart_id}-{layout}-", chart.title, rendered.points)


def check_page_svg(inline_svg: str, prefix: str, title: str, points) -> None:
    """One drawing for a page: scalable, labelled, ids prefixed, self-contained, one line, text as <text>."""
    root = etree.fromstring(inline_svg)
    assert root.get("width") is None and root.get("height") is None, "no fixed size: CSS sets the width"
    assert root.get("viewBox")
    assert root.get("role") == "img"
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    for labelled_by in root.get("aria-labelledby").split():
        assert labelled_by in ids
    assert root.find(f"{SVG}title").text == title
    assert all(identifier.startswith(prefix) for identifier in ids)
    for element in root.iter():
        for value in element.attrib.values():
            for reference in re.findall(r"url\(#([^)]+)\)", value):
                assert reference in ids
    assert root.find(f".//{SVG}script") is None and root.find(f".//{SVG}style") is None
    assert [element.tag for element in root.iter() if element.get("style") is not None] == [], (
        "no style=\"\": the CSP has no 'unsafe-inline'"
    )
    assert "\n" not in inline_svg, "one line: a blank line would end Markdown's HTML block"
    texts = ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]
    for point in points:
        assert point.value_text in texts, "text must stay <text> (svg.fonttype: none)"


def test_derived_values_are_marked_in_label_and_drawing(data, drawn) -> None:
    has_derived = False
    for chart_id, chart in data.charts.items():
        rendered = drawn[chart_id]
        for layout, inline_svg in rendered.inline_svgs.items():
            root = etree.fromstring(inline_svg)
            texts = ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]
            for point in rendered.points:
                derived = point.figure_id in data.derived
                has_derived |= derived
                assert any(text.startswith(point.label) and text.endswith(DERIVED_MARK) for text in texts) == derived, (
                    point.figure_id
                )
            if chart.kind is ChartKind.bar and any(point.derived for point in rendered.points):
                assert f"url(#chart-{chart_id}-{layout}-h" in inline_svg, "derived bars are hatched"
    assert has_derived


def test_every_palette_class_has_a_colour_rule_for_both_schemes(data, drawn) -> None:
    css = (ROOT / "docs" / "assets" / "briefing.css").read_text(encoding="utf-8")
    used: set[str] = set()
    for chart_id in data.charts:
        for inline_svg in drawn[chart_id].inline_svgs.values():
            used |= set(re.findall(rf"chart-(?:{'|'.join(PALETTE.values())})-(?:fill|stroke)", inline_svg))
    assert used
    slate = re.search(r'\[data-md-color-scheme="slate"\] \.md-typeset \.chart \{([^}]*)\}', css)
    assert slate, "the dark scheme sets the chart colours"
    for name in used:
        role = name.split("-")[1]
        assert re.search(rf"\.{name}\s*\{{[^}}]*var\(--chart-{role}\)", css), name
        assert f"--chart-{role}:" in slate.group(1), role


def test_page_svg_prefixes_ids_of_any_svg() -> None:
    sample = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" height="10pt" viewBox="0 0 10 10">'
        b'<defs><style>*{stroke:red}</style><clipPath id="p1"><rect width="1" height="1"/></clipPath></defs>'
        b'<g id="g1"><path clip-path="url(#p1)" style="fill: #3949ab"/><use xlink:href="#g1"/></g></svg>'
    )
    root = etree.fromstring(page_svg(sample, "chart-x-", "T", "D"))
    path = root.find(f".//{SVG}path")
    assert path.get("clip-path") == "url(#chart-x-p1)"
    assert path.get("class") == "chart-stated-fill"
    assert path.get("fill") == "#3949ab" and path.get("style") is None
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
        for figure_id, text in zip(chart.series, expected, strict=True):
            qualifier = data.quantity(figure_id).qualifier
            if qualifier:  # once, in front: "nearly US$33.7bn", never "nearly nearly US$33.7bn"
                assert text.startswith(qualifier + " ") and not text.startswith(f"{qualifier} {qualifier}"), text
        if chart.kind is ChartKind.bar:
            lengths = bar_lengths(svg)
            values = [data.value_of(figure_id) for figure_id in chart.series]
            assert len(lengths) == len(values)
            for length, value in zip(lengths, values, strict=True):
                assert length / lengths[-1] == pytest.approx(value / values[-1], rel=1e-4)
        table_rows = figure.select("details.chart__data tbody tr")
        assert [row["data-figure"] for row in table_rows] == chart.series
        badges = [(badge.get_text() if (badge := row.select_one("th .fig__badge")) else "") for row in table_rows]
        expected_badges = [
            "derived" if figure_id in data.derived else "goal" if data.figures[figure_id].goal else ""
            for figure_id in chart.series
        ]
        assert badges == expected_badges
        for row, figure_id in zip(table_rows, chart.series, strict=True):
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
        source_ids = {
            source_id for figure_id in data.charts[chart_id].series for source_id in data.sources_of(figure_id)
        }
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
@pytest.mark.slow  # a subprocess build; the same kind of mistake is in test_bad_input's fast cases
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
        (
            "    series: [trade.turnover_2O22, trade.target_2024]\n",
            "chart 'trade-turnover-vs-goal' uses unknown figure 'trade.turnover_2O22'",
            "did you mean 'trade.turnover_2022'",
        ),
        (
            "    series: [trade.turnover_2022, trade.growth_jan_feb_2023]\n",
            "chart 'trade-turnover-vs-goal' mixes units",
            "one unit, scale and currency",
        ),
        ("    series: [trade.turnover_2022, energy.power_of_siberia_volume_2022]\n", "mixes units", "like with like"),
    ],
)
def test_bad_chart_series_is_reported_at_its_line(tmp_path: Path, new_series: str, expected: str, hint: str) -> None:
    assert SERIES in REAL
    text = REAL.replace(SERIES, new_series, 1)
    loaded = load_data_variant(tmp_path, text)
    messages = [str(problem) for problem in loaded.problems]
    line = line_of(text, new_series.strip())
    assert any(
        message.startswith(f"data/briefing.yml:{line}:") and expected in message and hint in message
        for message in messages
    ), messages
    assert "trade-turnover-vs-goal" not in loaded.charts


def test_ranks_drawn_as_bars_are_refused(tmp_path: Path) -> None:
    text = REAL.replace("    kind: dot\n", "    kind: bar\n", 1)
    messages = [str(problem) for problem in load_data_variant(tmp_path, text).problems]
    assert any("draws rank figures as bars" in message and "kind: dot" in message for message in messages), messages


def test_chart_labels_must_match_series(tmp_path: Path) -> None:
    text = REAL.replace("    labels: [Oil, LNG]\n", "    labels: [Oil]\n", 1)
    messages = [str(problem) for problem in load_data_variant(tmp_path, text).problems]
    assert any(
        f"data/briefing.yml:{line_of(text, '  supplier-ranks:')}:" in message and "one label per series" in message
        for message in messages
    ), messages


def test_amounts_drawn_as_dots_are_refused(tmp_path: Path) -> None:
    text = REAL.replace("    kind: bar\n", "    kind: dot\n", 1)
    messages = [str(problem) for problem in load_data_variant(tmp_path, text).problems]
    assert any("is a dot chart of currency figures" in message and "kind: bar" in message for message in messages), (
        messages
    )


def test_negative_bars_are_refused(tmp_path: Path) -> None:
    text = REAL.replace(
        "formula: trade.target_2024 - trade.turnover_2022", "formula: trade.turnover_2022 - trade.target_2024", 1
    )
    assert "\ncharts:\n" in text
    text = text.replace(
        "\ncharts:\n",
        "\ncharts:\n  gap:\n    title: Gap\n    caption: The gap.\n    series: [trade.target_gap_2022]\n\n",
        1,
    )
    loaded = load_data_variant(tmp_path, text)
    messages = [str(problem) for problem in loaded.problems]
    assert any(
        f"data/briefing.yml:{line_of(text, 'series: [trade.target_gap_2022]')}:" in message
        and "negative values" in message
        for message in messages
    ), messages
    assert "gap" not in loaded.charts


# -- labels are text, failures are located problems -----------------------------
def svg_texts(inline_svg: str) -> list[str]:
    return ["".join(element.itertext()) for element in etree.fromstring(inline_svg).iter(f"{SVG}text")]


@pytest.mark.parametrize(
    "axis_label",
    ["Turnover in US$, not US$ m", r"$\undefinedcmd$ and $x^2$", "50% of $5 {braces} _under_ \\n"],
)
def test_dollar_signs_in_labels_are_drawn_as_typed(tmp_path: Path, axis_label: str) -> None:
    quoted = axis_label.replace("\\", "\\\\").replace('"', '\\"')
    text = REAL.replace("    axis_label: Trade turnover, US$ billion\n", f'    axis_label: "{quoted}"\n', 1)
    text = text.replace("    labels: [Turnover, Goal]\n", "    labels: [Turnover in US$, Goal of $200]\n", 1)
    loaded = load_data_variant(tmp_path, text)
    # The labels carry numbers on purpose, to test the drawing; real data text may not (a located problem).
    assert [problem for problem in loaded.problems if "hand-typed number" not in problem.message] == []
    rendered = render_chart(loaded, "trade-turnover-vs-goal")
    for inline_svg in rendered.inline_svgs.values():
        texts = svg_texts(inline_svg)
        assert axis_label in texts, texts
        assert "Turnover in US$, 2022" in texts and "Goal of $200, by 2024" in texts
    assert axis_label.encode("utf-8").replace(b"&", b"&amp;") in rendered.svg or axis_label.encode() in rendered.svg


def test_a_chart_that_cannot_be_drawn_is_a_located_problem(monkeypatch) -> None:
    from briefing import charts
    from briefing.problems import Problems
    from briefing.render import Renderer

    data = load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())

    def broken(*args, **kwargs):
        raise ValueError("the drawing library failed\nwith a second line")

    monkeypatch.setattr(charts, "_draw", broken)
    charts._DRAWN.clear()
    problems = Problems()
    renderer = Renderer(data, problems)
    renderer.begin_page("trade.md", "{{ chart('trade-jan-feb') }}\n")
    markup = str(renderer.chart("trade-jan-feb"))
    charts._DRAWN.clear()
    line = line_of(REAL, "  trade-jan-feb:")
    assert [str(problem) for problem in problems] == [
        f"data/briefing.yml:{line}:3: chart 'trade-jan-feb' could not be drawn: ValueError: the drawing library failed"
        " (its title, labels and axis_label are drawn as plain text; check them and the series' values)"
    ]
    assert "<svg" not in markup
    assert "trade-jan-feb" not in renderer.rendered_charts()


@pytest.mark.slow  # a subprocess build of a copy of the real site
def test_a_bad_chart_fails_the_build_with_the_other_problems(project: Path) -> None:
    """A real build: a chart whose drawing fails and a typo in a page are reported together, each at its line."""
    charts_module = project / "briefing" / "charts.py"
    source = charts_module.read_text(encoding="utf-8")
    hook = "    figure = Figure(figsize=(width_in, height))\n"
    assert hook in source
    charts_module.write_text(
        source.replace(
            hook, hook + "    if 'BREAK' in heading + axis_label:\n        raise RuntimeError('planted failure')\n", 1
        ),
        encoding="utf-8",
    )
    data_file = project / "data" / "briefing.yml"
    data_text = data_file.read_text(encoding="utf-8").replace(
        "    axis_label: Gas supplied, billion cubic metres\n", "    axis_label: BREAK\n", 1
    )
    data_file.write_text(data_text, encoding="utf-8")
    page = project / "docs" / "trade.md"
    page_text = page.read_text(encoding="utf-8").replace(
        "{{ figure('trade.turnover_2022') }}", "{{ figure('trade.turnover_2o22') }}", 1
    )
    page.write_text(page_text, encoding="utf-8")
    result = run_build(project)
    assert result.returncode != 0
    assert (
        f"data/briefing.yml:{line_of(data_text, '  pipeline-gas:')}:3: chart 'pipeline-gas' could not be drawn: RuntimeError: planted failure"
        in result.output
    )
    assert re.search(
        rf"docs/trade\.md:{line_of(page_text, 'trade.turnover_2o22')}:\d+: unknown figure", result.output
    ), result.output
    assert "Traceback" not in result.output
    assert not (result.site / "index.html").exists()


# -- what a reader sees without the page -----------------------------------------
def test_goals_are_outlined_and_derived_values_hatched_never_filled_like_measured_ones(data, drawn) -> None:
    goals = [figure_id for figure_id, figure in data.figures.items() if figure.goal]
    assert goals, "the real data has a goal"
    for chart_id, chart in data.charts.items():
        if chart.kind is not ChartKind.bar:
            continue
        rendered = drawn[chart_id]
        for inline_svg in rendered.inline_svgs.values():
            root = etree.fromstring(inline_svg)
            for row, point in enumerate(rendered.points):
                bar = root.find(
                    f".//{SVG}g[@id='chart-{chart_id}-{'narrow' if inline_svg is rendered.inline_svgs['narrow'] else 'wide'}-bar-{row}']/{SVG}path"
                )
                fill, dashes = bar.get("fill"), bar.get("stroke-dasharray")
                if point.goal:
                    assert (fill, point.figure_id in goals) == ("none", True) and dashes, "a goal is a dashed outline"
                elif point.derived:
                    assert fill.startswith("url(#") and not dashes, "a derived value is hatched"
                else:
                    assert fill == bar.get("stroke", fill) and not fill.startswith("url") and not dashes, (
                        "a measured value is filled"
                    )
            texts = svg_texts(inline_svg)
            kinds = {"goal" if point.goal else "derived" if point.derived else "stated" for point in rendered.points}
            if kinds != {"stated"}:
                for kind, key in (("stated", KEY_STATED), ("goal", KEY_GOAL), ("derived", KEY_DERIVED)):
                    assert (key in texts) == (kind in kinds), (chart_id, key)


def test_values_keep_the_qualifier_of_the_source_or_the_briefing(data, drawn) -> None:
    qualified = 0
    for chart_id in data.charts:
        rendered = drawn[chart_id]
        for point in rendered.points:
            entry = data.figures.get(point.figure_id) or data.derived[point.figure_id]
            if entry.qualifier:
                qualified += 1
                assert point.value_text.startswith(entry.qualifier + " ")
                assert point.value_text.split().count(entry.qualifier.split()[0]) == 1, point.value_text
                for inline_svg in rendered.inline_svgs.values():
                    assert point.value_text in svg_texts(inline_svg)
                assert f"{point.shown_label}: {entry.qualifier} " in rendered.description
    assert qualified >= 3, "nearly US$33.7bn, about US$26.7bn, about 10.3 bcm"


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
        linear = [value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_downloaded_charts_have_contrast_on_white_and_no_style_attributes(data, drawn) -> None:
    for chart_id in data.charts:
        root = etree.fromstring(drawn[chart_id].svg)
        colours: dict[str, set[str]] = {"text": set(), "mark": set()}
        for element in root.iter():
            assert element.get("style") is None and element.tag != f"{SVG}style", (
                "no CSS: a CSP without 'unsafe-inline' shows it as drawn"
            )
            for name in ("fill", "stroke"):
                colour = (element.get(name) or "").lower()
                if re.fullmatch(r"#[0-9a-f]{6}", colour) and colour != "#ffffff":
                    colours["text" if element.tag == f"{SVG}text" else "mark"].add(colour)
        assert colours["text"] and colours["mark"]
        for colour in colours["text"]:
            assert contrast(colour, "#ffffff") >= 4.5, (chart_id, colour)
        for colour in colours["mark"]:
            assert contrast(colour, "#ffffff") >= 3, (chart_id, colour)
