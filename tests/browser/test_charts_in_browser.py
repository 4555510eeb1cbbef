"""Charts and search as a reader meets them, in Chromium: full column width, readable text, contrast, numbers found.

Contrast is computed from the colours Chromium resolves for every element of the
chart drawing shown (text, bars, outlines, hatching, ticks, guides), against the
background the chart sits on, in the light and the dark scheme: text needs
4.5:1, every other mark 3:1 (WCAG 1.4.3 and 1.4.11).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.support.searching import search_site

pytestmark = pytest.mark.browser

CHART_PAGES = ["trade/", "energy/"]
WIDTHS = [390, 1280]

DRAWING_SCRIPT = """() => [...document.querySelectorAll('figure.chart')].map(figure => {
    const svg = [...figure.querySelectorAll('svg.chart__svg')].find(svg => getComputedStyle(svg).display !== 'none');
    const paragraph = document.querySelector('article.md-content__inner > p');
    let backdrop = figure, background = 'rgba(0, 0, 0, 0)';
    while (backdrop && (background = getComputedStyle(backdrop).backgroundColor) === 'rgba(0, 0, 0, 0)') backdrop = backdrop.parentElement;
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll('*')]
        .filter(element => !element.closest('clipPath, title, desc') && !['g', 'defs', 'clipPath', 'pattern', 'title', 'desc'].includes(element.tagName))
        .map(element => {
            const style = getComputedStyle(element);
            // A shape defined in <defs> for <use> takes the paint it does not set from each <use>, checked there.
            const defined = element.closest('defs') && !element.closest('pattern');
            return {tag: element.tagName, text: element.textContent,
                    fill: defined && !element.hasAttribute('fill') ? 'none' : style.fill,
                    stroke: defined && !element.hasAttribute('stroke') ? 'none' : style.stroke,
                    opacity: [style.opacity, style.fillOpacity, style.strokeOpacity].map(Number)};
        });
    return {id: figure.id, layout: svg.classList.contains('chart__svg--wide') ? 'wide' : 'narrow', shown: figure.querySelectorAll('svg.chart__svg').length,
            width: box.width, right: box.right, column: paragraph.getBoundingClientRect().width, viewBoxWidth: svg.viewBox.baseVal.width,
            background, marks};
})"""


def rgb(colour: str) -> tuple[float, float, float, float]:
    match = re.fullmatch(r"rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)", colour)
    assert match, colour
    red, green, blue, alpha = match.groups()
    return float(red), float(green), float(blue), float(alpha) if alpha is not None else 1.0


def over(colour: str, background: str) -> tuple[float, float, float]:
    red, green, blue, alpha = rgb(colour)
    base = rgb(background)
    return tuple(
        alpha * channel + (1 - alpha) * under for channel, under in zip((red, green, blue), base[:3], strict=True)
    )  # type: ignore[return-value]


def luminance(channels: tuple[float, float, float]) -> float:
    linear = [
        value / 255 / 12.92 if value / 255 <= 0.04045 else ((value / 255 + 0.055) / 1.055) ** 2.4 for value in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(colour: str, background: str) -> float:
    lighter, darker = sorted(
        (luminance(over(colour, background)), luminance(over(background, "rgb(255, 255, 255)"))), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def drawings(browser, site_url: str, width: int, scheme: str) -> list[dict]:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    found = []
    for path in CHART_PAGES:
        page.goto(site_url + path, wait_until="networkidle")
        assert page.get_attribute("body", "data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
        found += page.evaluate(DRAWING_SCRIPT)
    context.close()
    assert len(found) >= 4
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_charts_fill_the_column_with_text_near_body_size(browser, site_url: str, width: int) -> None:
    for drawing in drawings(browser, site_url, width, "light"):
        assert drawing["shown"] == 2, "a narrow and a wide drawing"
        assert drawing["layout"] == ("narrow" if width < 600 else "wide"), drawing["id"]
        assert abs(drawing["width"] - drawing["column"]) <= 1, (
            f"{drawing['id']}: {drawing['width']:.0f} px of a {drawing['column']:.0f} px column"
        )
        assert drawing["right"] <= width
        text_px = 12 * drawing["width"] / drawing["viewBoxWidth"]
        assert 13 <= text_px <= 18, f"{drawing['id']} at {width} px: chart text at {text_px:.1f} px"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_mark_has_contrast_in_both_schemes(browser, site_url: str, width: int, scheme: str) -> None:
    failures = []
    checked = 0
    for drawing in drawings(browser, site_url, width, scheme):
        for mark in drawing["marks"]:
            assert mark["opacity"] == [1, 1, 1], mark
            for paint in (mark["fill"], mark["stroke"]):
                if paint == "none" or paint.startswith("url("):
                    continue  # a hatch pattern's lines are marks of their own, checked as such
                needed = 4.5 if mark["tag"] == "text" else 3.0
                ratio = contrast(paint, drawing["background"])
                checked += 1
                if ratio < needed:
                    failures.append(
                        f"{drawing['id']} {mark['tag']} {mark['text'][:20]!r} {paint} on {drawing['background']}: {ratio:.2f}:1"
                    )
    assert checked > 100
    assert failures == []


@pytest.mark.parametrize(
    ("query", "page_path"),
    [("185", "/trade/"), ("15.5", "/energy/"), ("26%", "/trade/"), ("33.7", "/trade/"), ("US$185", "/trade/")],
)
def test_search_box_finds_numbers(page, site_url: str, query: str, page_path: str) -> None:
    page.goto(site_url + "visit/", wait_until="networkidle")
    first = search_site(page, query)
    first.wait_for(state="visible")
    assert urlparse(first.get_attribute("href")).path.endswith(page_path), page.locator(
        ".md-search-result"
    ).inner_text()


def test_search_results_show_no_chart_text(page, site_url: str) -> None:
    page.goto(site_url, wait_until="networkidle")
    search_site(page, "Power of Siberia").wait_for(state="visible")
    page.locator(".md-search-result__more summary").evaluate_all(
        "summaries => summaries.forEach(summary => summary.click())"
    )
    results = page.locator(".md-search-result").inner_text()
    assert "Power of Siberia" in results
    for internal in ("051015", "bcm", "Gas supplied, billion cubic metres", "Bar chart", "Derived: computed"):
        assert internal not in results, internal
