"""Charts drawn at build time from the data file: inline SVG for pages, and SVG, PNG and CSV downloads.

A chart is declared under ``charts:`` in ``data/briefing.yml`` and lists the
figures and derived figures it shows; nothing else reaches it, so a chart
cannot show a number the data file does not hold. :func:`render_chart` draws
it with matplotlib into static SVG with real ``<text>`` elements (no
client-side script), twice:

- for the page: no fixed size (the viewBox scales to any width), ids
  prefixed with the chart id so several charts can share a page, and a class
  on every element drawn in one of the palette's colours, so that the site's
  CSS can recolour text and bars for the light and the dark scheme;
- for download: a standalone image with a visible title and source line,
  in the light palette on white, as SVG and PNG.

The output is deterministic: a fixed ``svg.hashsalt`` per chart, no dates or
software versions in the files, the font bundled with matplotlib. This
module imports nothing from MkDocs.
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from briefing.buildcache import CODE_DIGEST, BuildCache, digest, installed_versions
from briefing.data import BriefingData
from briefing.formatting import Quantity, format_quantity, number, unit_label
from briefing.model import Chart, ChartKind, Unit

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn, not when this module is
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

# The light palette, used as drawn in downloads. On pages each colour is also a
# role: the element gets a class "chart-<role>-<fill|stroke>" and the site's CSS
# gives the role its colour in the current scheme. Colours must stay distinct.
INK = "#1f2330"  # labels, values, baseline
MUTED = "#5f6473"  # tick labels, axis label
GRID = "#c8cbd3"  # grid and guide lines
STATED = "#3949ab"  # a figure stated by a source; outline and hatching of derived values
DERIVED_FACE = "#c5cae9"  # face of a derived value, under the hatching
PALETTE: dict[str, str] = {INK: "ink", MUTED: "muted", GRID: "grid", STATED: "stated", DERIVED_FACE: "derived"}
DERIVED_HATCH = "///"
DERIVED_MARK = "(derived)"

FONT_SIZE = 12.0
WIDTH_IN = 4.2  # 302 pt: on a 390 px phone, text of 12 units shows at about 14 px
ROW_IN = 0.66
AXIS_IN = 0.62
TOP_IN = 0.04
SIDE_IN = 0.08
FRAME_IN = 0.12  # space above the title and below the source line of a standalone image
TITLE_LINE_IN = 0.26
FOOTER_LINE_IN = 0.17
VALUE_GAP_PT = 5
PNG_DPI = 200
CSV_COLUMNS = (
    "chart", "figure_id", "series_label", "figure_label", "value", "unit", "scale", "currency",
    "period", "derived", "text", "sources",
)


@dataclass(frozen=True)
class ChartPoint:
    """One bar or dot: a figure's value and how the chart labels it."""

    figure_id: str
    label: str
    figure_label: str
    value: float
    quantity: Quantity
    short_text: str
    long_text: str
    period: str
    derived: bool
    sources: tuple[str, ...]

    @property
    def shown_label(self) -> str:
        """The label drawn on the chart, marking derived values."""
        return f"{self.label} {DERIVED_MARK}" if self.derived else self.label


@dataclass(frozen=True)
class RenderedChart:
    """A chart drawn once per build, in every form pages and downloads need."""

    chart_id: str
    chart: Chart
    points: tuple[ChartPoint, ...]
    axis_label: str
    periods: str
    sources: tuple[str, ...]
    description: str
    inline_svg: str
    svg: bytes
    png: bytes
    csv: bytes
    seconds: float
    drawn: bool = True  # False when it came from the build cache or an earlier build of this process

    @property
    def has_derived(self) -> bool:
        """Whether any value of the chart is derived."""
        return any(point.derived for point in self.points)


def plain_number(value: float) -> str:
    """A value as data files write it: 185, 33.7, 26.746031746031747 (round-trips through float())."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def join_words(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def chart_points(data: BriefingData, chart_id: str) -> tuple[ChartPoint, ...]:
    """The values a chart shows, read from the data, in the order of its series."""
    chart = data.charts[chart_id]
    locale = data.meta.locale if data.meta else "en_GB"
    points = []
    for index, figure_id in enumerate(chart.series):
        entry = data.figures.get(figure_id) or data.derived[figure_id]
        quantity = data.quantity(figure_id)
        points.append(
            ChartPoint(
                figure_id=figure_id,
                label=f"{chart.labels[index]}, {entry.period}" if chart.labels else entry.period,
                figure_label=entry.label,
                value=quantity.value,
                quantity=quantity,
                short_text=format_quantity(quantity, "short", locale),
                long_text=format_quantity(quantity, "long", locale),
                period=entry.period,
                derived=figure_id in data.derived,
                sources=tuple(data.sources_of(figure_id)),
            )
        )
    return tuple(points)


def chart_csv(chart_id: str, points: Iterable[ChartPoint]) -> bytes:
    """A chart's values as CSV: fixed columns, '\\n' line endings, UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for point in points:
        quantity = point.quantity
        writer.writerow([
            chart_id, point.figure_id, point.label, point.figure_label, plain_number(point.value),
            quantity.unit.value, quantity.scale.value if quantity.scale else "", quantity.currency or "",
            point.period, "true" if point.derived else "false", point.long_text, " ".join(point.sources),
        ])
    return buffer.getvalue().encode("utf-8")


def _describe(chart: Chart, points: Iterable[ChartPoint], axis_label: str) -> str:
    shape = "Bar chart" if chart.kind is ChartKind.bar else "Dot chart"
    values = "; ".join(f"{point.shown_label}: {point.long_text}" for point in points)
    return f"{shape}, {axis_label}. {values}."


# -- drawing -----------------------------------------------------------------
def _rc(chart_id: str) -> dict[str, object]:
    return {
        "svg.hashsalt": f"briefing-chart-{chart_id}",  # fixed ids: same input, same bytes
        "svg.fonttype": "none",  # text stays <text>, styled by the page
        "font.family": "DejaVu Sans",  # bundled with matplotlib: same PNG on every machine
        "font.size": FONT_SIZE,
        "axes.unicode_minus": False,
        "hatch.linewidth": 1.0,
    }


def _tick_text(ticks: Iterable[float], locale: str) -> list[str]:
    values = list(ticks)
    decimals = 0 if all(float(value).is_integer() for value in values) else 1
    return [number(value, decimals, locale) for value in values]


def _text_width_in(text: str, bold: bool = False) -> float:
    """How wide ``text`` is drawn in the chart font, in inches."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    font = FontProperties(size=FONT_SIZE, weight="bold" if bold else "normal")
    return TextPath((0, 0), text, prop=font).get_extents().width / 72


def _draw_bars(ax: Axes, points: tuple[ChartPoint, ...], locale: str, axes_width_in: float) -> None:
    from matplotlib.ticker import FixedLocator, MaxNLocator

    top = max(point.value for point in points)
    # Room right of each bar for its value: value / limit * width + gap + text width <= width.
    limit = max(
        point.value * axes_width_in / max(axes_width_in - VALUE_GAP_PT / 72 - _text_width_in(point.short_text, bold=True), axes_width_in / 4)
        for point in points
    )
    ax.set_xlim(0, max(limit, top * 1.05) if top > 0 else 1)
    for row, point in enumerate(points):
        # The label sits above its bar, from the left edge, so long labels fit a phone.
        ax.text(0, row - 0.27, point.shown_label, transform=ax.get_yaxis_transform(), ha="left", va="bottom", color=INK)
        if point.derived:
            ax.barh(row, point.value, height=0.4, color=DERIVED_FACE, edgecolor=STATED, hatch=DERIVED_HATCH, hatchcolor=STATED, linewidth=1.0)
        else:
            ax.barh(row, point.value, height=0.4, color=STATED, linewidth=0)
        value = ax.annotate(point.short_text, xy=(point.value, row), xytext=(VALUE_GAP_PT, 0), textcoords="offset points", ha="left", va="center", color=INK, fontweight="bold")
        value.set_gid(f"value-{row}")
    ticks = [tick for tick in MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(0, top) if 0 <= tick <= ax.get_xlim()[1]]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_xticklabels(_tick_text(ticks, locale))
    ax.spines["bottom"].set_visible(True)
    ax.spines["bottom"].set_color(GRID)
    ax.tick_params(axis="x", length=4, color=GRID)


def _draw_dots(ax: Axes, points: tuple[ChartPoint, ...], locale: str) -> None:
    last = max(5, int(max(point.value for point in points)) + 1)
    ranks = list(range(1, last + 1))
    ax.set_xlim(0.6, last + 0.4)
    for row, point in enumerate(points):
        ax.plot([1, last], [row, row], color=GRID, linewidth=1.0, zorder=1)
        face = DERIVED_FACE if point.derived else STATED
        ax.plot([point.value], [row], marker="o", markersize=11, markerfacecolor=face, markeredgecolor=STATED, markeredgewidth=1.5, linestyle="none", zorder=3)
        # Above the dot, clear of the guide line.
        value = ax.annotate(point.short_text, xy=(point.value, row), xytext=(0, 9), textcoords="offset points", ha="center", va="bottom", color=INK, fontweight="bold")
        value.set_gid(f"value-{row}")
    ax.set_yticks(range(len(points)), [point.shown_label for point in points], color=INK)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.set_xticks(ranks, [format_quantity(Quantity(value=rank, unit=Unit.rank), "short", locale) for rank in ranks])


def _draw(chart: Chart, points: tuple[ChartPoint, ...], axis_label: str, locale: str, heading: str = "", footer: str = "") -> Figure:
    """The chart as a matplotlib figure; with ``heading``/``footer`` for a standalone image."""
    from matplotlib.figure import Figure

    title_lines = textwrap.wrap(heading, 36) if heading else []
    footer_lines = textwrap.wrap(footer, 54) if footer else []
    top = TOP_IN + (1.5 * FRAME_IN + TITLE_LINE_IN * len(title_lines) if title_lines else 0)
    bottom = AXIS_IN + (FOOTER_LINE_IN * len(footer_lines) + FRAME_IN if footer_lines else 0)
    left = SIDE_IN
    if chart.kind is ChartKind.dot:  # row labels on the left of the rank axis
        left += max(_text_width_in(point.shown_label) for point in points) + 0.15
        plot_height = ROW_IN * len(points)
    else:
        plot_height = ROW_IN * len(points) + 0.25
    height = top + plot_height + bottom
    figure = Figure(figsize=(WIDTH_IN, height))
    axes_width = WIDTH_IN - left - 1.5 * SIDE_IN
    ax = figure.add_axes((left / WIDTH_IN, bottom / height, axes_width / WIDTH_IN, plot_height / height))
    if chart.kind is ChartKind.dot:
        ax.set_ylim(len(points) - 0.5, -0.65)
    else:
        ax.set_ylim(len(points) - 0.55, -0.62)
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_facecolor("none")
    ax.tick_params(axis="x", length=0, labelcolor=MUTED, pad=4)
    ax.set_xlabel(axis_label, color=MUTED, labelpad=6)
    if chart.kind is ChartKind.bar:
        _draw_bars(ax, points, locale, axes_width)
    else:
        _draw_dots(ax, points, locale)
    for line, text in enumerate(title_lines):
        figure.text(SIDE_IN / WIDTH_IN, 1 - (FRAME_IN + TITLE_LINE_IN * line) / height, text, ha="left", va="top", color=INK, fontweight="bold", fontsize=FONT_SIZE + 1)
    for line, text in enumerate(footer_lines):
        figure.text(SIDE_IN / WIDTH_IN, (FRAME_IN + FOOTER_LINE_IN * (len(footer_lines) - 1 - line)) / height, text, ha="left", va="bottom", color=MUTED, fontsize=FONT_SIZE - 2.5)
    return figure


def _save(figure: Figure, file_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=file_format, **options)
    return buffer.getvalue()


# -- SVG for pages and for download --------------------------------------------
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
# For pages: no whitespace between elements, so the SVG is one line (a blank line would end Markdown's HTML block).
_PAGE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def _svg(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def _add_title_and_desc(root: etree._Element, title: str, description: str, prefix: str = "") -> None:
    for existing in root.findall(_svg("title")):
        root.remove(existing)
    title_element = etree.Element(_svg("title"))
    title_element.text = title
    desc_element = etree.Element(_svg("desc"))
    desc_element.text = description
    if prefix:
        title_element.set("id", f"{prefix}title")
        desc_element.set("id", f"{prefix}desc")
    root.insert(0, desc_element)
    root.insert(0, title_element)


def _declarations(style: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in style.split(";") if ":" in part)
    return {name.strip(): value.strip() for name, value in pairs}


def _roles(element: etree._Element) -> list[str]:
    """The palette classes of an element, from the colours of its fill and stroke."""
    colours = _declarations(element.get("style", ""))
    for name in ("fill", "stroke"):
        if element.get(name):
            colours[name] = element.get(name, "")
    return [f"chart-{PALETTE[colour.lower()]}-{name}" for name, colour in sorted(colours.items()) if name in ("fill", "stroke") and colour.lower() in PALETTE]


def page_svg(svg_bytes: bytes, chart_id: str, title: str, description: str) -> str:
    """The ``<svg>`` element for a page: sized by CSS, ids unique on the page, colours as classes."""
    root = etree.fromstring(svg_bytes, _PAGE_PARSER)
    prefix = f"chart-{chart_id}-"
    for element in list(root.iter(_svg("metadata"), _svg("style"))):
        element.getparent().remove(element)  # the style's "*" rule would reach the whole page
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    for element in root.iter(etree.Element):
        if element.get("id"):
            element.set("id", prefix + element.get("id", ""))
        for name, value in element.attrib.items():
            if "url(#" in value:
                element.set(name, _URL_REF.sub(lambda match: f"url(#{prefix}{match.group(1)})", value))
            elif name in (XLINK_HREF, "href") and value.startswith("#"):
                element.set(name, "#" + prefix + value[1:])
        roles = _roles(element)
        if roles:
            element.set("class", " ".join(roles))
    for defs in root.findall(_svg("defs")):
        if len(defs) == 0:
            root.remove(defs)
    _add_title_and_desc(root, title, description, prefix)
    root.set("id", f"{prefix}svg")
    root.set("class", "chart__svg")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}title {prefix}desc")
    root.set("focusable", "false")
    return etree.tostring(root, encoding="unicode")


def standalone_svg(svg_bytes: bytes, title: str, description: str) -> bytes:
    """The downloadable SVG file: matplotlib's output with a title and description."""
    root = etree.fromstring(svg_bytes, _PARSER)
    _add_title_and_desc(root, title, description)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8") + b"\n"


# Drawn charts by everything that goes into them: (inline SVG, SVG file, PNG file).
_DRAWN: dict[str, tuple[str, bytes, bytes]] = {}
_DRAWN_LIMIT = 64
CACHE_KIND = "charts"


def _draw_all(chart_id: str, chart: Chart, points: tuple[ChartPoint, ...], axis_label: str, locale: str,
              description: str, footer: str) -> tuple[str, bytes, bytes]:
    """The chart drawn with matplotlib: inline SVG for the page, SVG and PNG files for download."""
    import matplotlib

    with matplotlib.rc_context(_rc(chart_id)):
        page_figure = _draw(chart, points, axis_label, locale)
        inline = page_svg(_save(page_figure, "svg", metadata={"Date": None, "Creator": None}, transparent=True), chart_id, chart.title, description)
        file_figure = _draw(chart, points, axis_label, locale, heading=chart.title, footer=footer)
        svg = standalone_svg(
            _save(file_figure, "svg", metadata={"Date": None, "Creator": None, "Title": chart.title, "Description": description}, facecolor="white"),
            chart.title,
            description,
        )
        png = _save(file_figure, "png", dpi=PNG_DPI, metadata={"Software": None}, facecolor="white")
    return inline, svg, png


def render_chart(data: BriefingData, chart_id: str, cache: BuildCache | None = None) -> RenderedChart:
    """Draw the chart ``chart_id`` of ``data`` in every form; call once per build and keep the result.

    ``make serve`` rebuilds in the same process, so a chart whose inputs did not change
    is not drawn again; with a build cache, nor is it in the next build (nor is matplotlib imported).
    """
    started = time.perf_counter()
    chart = data.charts[chart_id]
    locale = data.meta.locale if data.meta else "en_GB"
    points = chart_points(data, chart_id)
    axis_label = chart.axis_label or unit_label(points[0].quantity, locale)
    periods = join_words(_unique(point.period for point in points))
    sources = _unique(source_id for point in points for source_id in point.sources)
    description = _describe(chart, points, axis_label)
    source_text = join_words(data.sources[source_id].short for source_id in sources)
    footer = f"Source: {source_text}. Period: {periods}."
    if any(point.derived for point in points):
        footer += f" Marked {DERIVED_MARK}: computed by this briefing from the source's figures."
    if data.meta is not None:
        footer += f" {data.meta.publisher}, {data.meta.licence}."
    key = repr((chart_id, chart, points, axis_label, description, footer, locale))  # repr: every field, no serializer
    drawn = key not in _DRAWN
    if drawn:
        cache_key = digest(CODE_DIGEST, installed_versions(), key)
        stored = cache.get(CACHE_KIND, cache_key) if cache is not None else None
        if stored is not None:
            drawn = False
            _DRAWN[key] = (stored["inline"].decode("utf-8"), stored["svg"], stored["png"])
        else:
            inline, svg, png = _draw_all(chart_id, chart, points, axis_label, locale, description, footer)
            if cache is not None:
                cache.put(CACHE_KIND, cache_key, {"inline": inline.encode("utf-8"), "svg": svg, "png": png})
            if len(_DRAWN) >= _DRAWN_LIMIT:
                _DRAWN.clear()
            _DRAWN[key] = (inline, svg, png)
    inline, svg, png = _DRAWN[key]
    return RenderedChart(
        chart_id=chart_id,
        chart=chart,
        points=points,
        axis_label=axis_label,
        periods=periods,
        sources=sources,
        description=description,
        inline_svg=inline,
        svg=svg,
        png=png,
        csv=chart_csv(chart_id, points),
        seconds=time.perf_counter() - started,
        drawn=drawn,
    )
