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
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefing.buildcache import CODE_DIGEST, BuildCache, digest, installed_versions
from briefing.entries import BriefingData, Chart, ChartKind, Unit
from briefing.formatting import Quantity, format_quantity, number, unit_label

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn, not when this module is
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

# The light palette, used as drawn in downloads. On pages each colour is also a
# role: the element gets a class "chart-<role>-<fill|stroke>" and the site's CSS
# gives the role its colour in the current scheme. Colours must stay distinct, and
# each has at least 3:1 contrast on white (tests/test_charts.py measures it).
INK = "#1f2330"  # labels, values
MUTED = "#5f6473"  # tick labels, axis label, key
GRID = "#858a97"  # baseline, ticks and guide lines
STATED = "#3949ab"  # every mark: filled for a value a source states, outlined for goals and derived values
PALETTE: dict[str, str] = {INK: "ink", MUTED: "muted", GRID: "grid", STATED: "stated"}
DERIVED_HATCH = "//"  # sparse, thick lines: thin ones lose contrast to anti-aliasing on dark backgrounds
DERIVED_MARK = "(derived)"
GOAL_MARK = "(goal)"
GOAL_DASHES = (0, (4, 2.5))
KEY_STATED = "Measured, stated by the source"
KEY_DERIVED = "Derived: computed by this briefing"
KEY_GOAL = "Goal, not a measured value"

FONT_SIZE = 12.0
# Two drawings of every chart for pages, one per column width, so that text stays close to
# the body size: 12 units show at about 14 px on a 390 px phone (narrow) and 16 px in
# the 690 px column of a wide screen (wide). CSS shows the one that fits (briefing.css).
LAYOUT_WIDTHS_IN: dict[str, float] = {"narrow": 4.2, "wide": 7.2}
DOWNLOAD_LAYOUT = "wide"
ROW_IN = 0.66
TICKS_IN = 0.34  # under the plot: tick marks and their labels
AXIS_LINE_IN = 0.22
KEY_LINE_IN = 0.26
TOP_IN = 0.04
SIDE_IN = 0.08
FRAME_IN = 0.12  # space above the title and below the source line of a standalone image
TITLE_LINE_IN = 0.26
FOOTER_LINE_IN = 0.17
VALUE_GAP_PT = 5
PNG_DPI = 200
CSV_COLUMNS = (
    "chart",
    "figure_id",
    "series_label",
    "figure_label",
    "value",
    "unit",
    "scale",
    "currency",
    "period",
    "derived",
    "goal",
    "text",
    "sources",
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
    goal: bool
    sources: tuple[str, ...]

    @property
    def value_text(self) -> str:
        """The value drawn beside the mark: short, with the qualifier the source or the briefing gives it.

        :func:`~briefing.formatting.format_quantity` already puts the qualifier in
        front ("nearly US$33.7bn"); adding it here again drew "nearly nearly".
        """
        return self.short_text

    @property
    def shown_label(self) -> str:
        """The label drawn on the chart, marking derived values and goals."""
        if self.derived:
            return f"{self.label} {DERIVED_MARK}"
        if self.goal and "goal" not in self.label.lower():
            return f"{self.label} {GOAL_MARK}"
        return self.label


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
    inline_svgs: dict[str, str]  # by layout: "narrow", "wide"
    svg: bytes
    png: bytes
    csv: bytes
    seconds: float
    drawn: bool = True  # False when it came from the build cache or an earlier build of this process

    @property
    def has_derived(self) -> bool:
        """Whether any value of the chart is derived."""
        return any(point.derived for point in self.points)


class ChartError(Exception):
    """A chart that could not be drawn; the renderer reports it at the chart's line of the data file."""


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
                goal=figure_id in data.figures and data.figures[figure_id].goal,
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
        writer.writerow(
            [
                chart_id,
                point.figure_id,
                point.label,
                point.figure_label,
                plain_number(point.value),
                quantity.unit.value,
                quantity.scale.value if quantity.scale else "",
                quantity.currency or "",
                point.period,
                "true" if point.derived else "false",
                "true" if point.goal else "false",
                point.long_text,
                " ".join(point.sources),
            ]
        )
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
        "hatch.linewidth": 1.6,
        "text.parse_math": False,  # labels are text: "US$ 5 and US$ 6" is drawn as typed, never as mathtext
        "text.usetex": False,
    }


def _tick_text(ticks: Iterable[float], locale: str) -> list[str]:
    values = list(ticks)
    decimals = 0 if all(float(value).is_integer() for value in values) else 1
    return [number(value, decimals, locale) for value in values]


def _text_width_in(text: str, bold: bool = False, size: float = FONT_SIZE) -> float:
    """How wide ``text`` is drawn in the chart font, in inches."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    font = FontProperties(size=size, weight="bold" if bold else "normal")
    return TextPath((0, 0), text, prop=font).get_extents().width / 72


def _wrap(text: str, width_in: float, bold: bool = False, size: float = FONT_SIZE) -> list[str]:
    """``text`` in lines no wider than ``width_in`` (a longer single word gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width_in(f"{lines[-1]} {word}", bold, size) <= width_in:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _mark_style(point: ChartPoint) -> dict[str, object]:
    """How a bar or the key draws a value: filled if stated, hatched if derived, dashed outline if a goal."""
    if point.derived:
        return {"facecolor": "none", "edgecolor": STATED, "hatch": DERIVED_HATCH, "linewidth": 1.0}
    if point.goal:
        return {"facecolor": "none", "edgecolor": STATED, "linestyle": GOAL_DASHES, "linewidth": 1.5}
    return {"facecolor": STATED, "edgecolor": STATED, "linewidth": 0}


def _key_entries(points: tuple[ChartPoint, ...]) -> list[tuple[str, ChartPoint]]:
    """The key under the chart: one entry per kind of mark drawn, when it draws more than plain values."""
    kinds: dict[str, ChartPoint] = {}
    for point in points:
        kinds.setdefault(KEY_DERIVED if point.derived else KEY_GOAL if point.goal else KEY_STATED, point)
    if set(kinds) == {KEY_STATED}:
        return []
    return [(text, kinds[text]) for text in (KEY_STATED, KEY_GOAL, KEY_DERIVED) if text in kinds]


KEY_SWATCH_IN = 0.3
KEY_GAP_IN = 0.25


def _key_rows(entries: list[tuple[str, ChartPoint]], width_in: float) -> list[list[tuple[str, ChartPoint]]]:
    """Key entries in rows that fit ``width_in``."""
    rows: list[list[tuple[str, ChartPoint]]] = []
    used = width_in
    for entry in entries:
        needed = KEY_SWATCH_IN + 0.08 + _text_width_in(entry[0], size=FONT_SIZE - 1)
        if rows and used + KEY_GAP_IN + needed <= width_in:
            rows[-1].append(entry)
            used += KEY_GAP_IN + needed
        else:
            rows.append([entry])
            used = needed
    return rows


def _draw_key(
    figure: Figure,
    rows: list[list[tuple[str, ChartPoint]]],
    left_in: float,
    top_in: float,
    width_in: float,
    height_in: float,
) -> None:
    from matplotlib.patches import Rectangle

    for row_index, row in enumerate(rows):
        y = height_in - top_in - KEY_LINE_IN * row_index
        x = left_in
        for text, point in row:
            style = _mark_style(point)
            swatch = Rectangle(
                (x / width_in, (y - 0.17) / height_in),
                KEY_SWATCH_IN / width_in,
                0.14 / height_in,
                transform=figure.transFigure,
                **style,  # type: ignore[arg-type]
            )
            figure.add_artist(swatch)
            label = figure.text(
                (x + KEY_SWATCH_IN + 0.08) / width_in,
                (y - 0.1) / height_in,
                text,
                ha="left",
                va="center",
                color=MUTED,
                fontsize=FONT_SIZE - 1,
            )
            label.set_gid(f"key-{len(figure.texts)}")
            x += KEY_SWATCH_IN + 0.08 + _text_width_in(text, size=FONT_SIZE - 1) + KEY_GAP_IN


def _draw_bars(ax: Axes, points: tuple[ChartPoint, ...], locale: str, axes_width_in: float) -> None:
    from matplotlib.ticker import FixedLocator, MaxNLocator

    top = max(point.value for point in points)
    # Room right of each bar for its value: value / limit * width + gap + text width <= width.
    limit = max(
        point.value
        * axes_width_in
        / max(axes_width_in - VALUE_GAP_PT / 72 - _text_width_in(point.value_text, bold=True), axes_width_in / 4)
        for point in points
    )
    ax.set_xlim(0, max(limit, top * 1.05) if top > 0 else 1)
    for row, point in enumerate(points):
        # The label sits above its bar, from the left edge, so long labels fit a phone.
        ax.text(0, row - 0.27, point.shown_label, transform=ax.get_yaxis_transform(), ha="left", va="bottom", color=INK)
        bars = ax.barh(row, point.value, height=0.4, **_mark_style(point))  # type: ignore[arg-type]
        bars.patches[0].set_gid(f"bar-{row}")
        value = ax.annotate(
            point.value_text,
            xy=(point.value, row),
            xytext=(VALUE_GAP_PT, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            color=INK,
            fontweight="bold",
        )
        value.set_gid(f"value-{row}")
    ticks = [
        tick
        for tick in MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(0, top)
        if 0 <= tick <= ax.get_xlim()[1]
    ]
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
        # Small ticks at every rank on the guide, so a reader can count the places.
        ax.plot(
            ranks,
            [row] * len(ranks),
            marker="|",
            markersize=7,
            color=GRID,
            markeredgewidth=1.0,
            linestyle="none",
            zorder=2,
        )
        filled = not (point.derived or point.goal)
        ax.plot(
            [point.value],
            [row],
            marker="o",
            markersize=11,
            markerfacecolor=STATED if filled else "none",
            markeredgecolor=STATED,
            markeredgewidth=1.5,
            linestyle="none",
            zorder=3,
        )
        # Above the dot, clear of the guide line.
        value = ax.annotate(
            point.value_text,
            xy=(point.value, row),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            va="bottom",
            color=INK,
            fontweight="bold",
        )
        value.set_gid(f"value-{row}")
    ax.set_yticks(range(len(points)), [point.shown_label for point in points], color=INK)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.set_xticks(ranks, [format_quantity(Quantity(value=rank, unit=Unit.rank), "short", locale) for rank in ranks])


def _draw(
    chart: Chart,
    points: tuple[ChartPoint, ...],
    axis_label: str,
    locale: str,
    width_in: float,
    heading: str = "",
    footer: str = "",
) -> Figure:
    """The chart as a matplotlib figure ``width_in`` wide; with ``heading``/``footer`` for a standalone image."""
    from matplotlib.figure import Figure

    inner_width = width_in - 2 * SIDE_IN
    title_lines = _wrap(heading, inner_width, bold=True, size=FONT_SIZE + 1) if heading else []
    footer_lines = _wrap(footer, inner_width, size=FONT_SIZE - 2.5) if footer else []
    key_rows = _key_rows(_key_entries(points), inner_width)
    axis_lines = _wrap(axis_label, inner_width)
    axis_height = TICKS_IN + AXIS_LINE_IN * len(axis_lines) + 0.06
    top = TOP_IN + (1.5 * FRAME_IN + TITLE_LINE_IN * len(title_lines) if title_lines else 0)
    key_height = KEY_LINE_IN * len(key_rows) + (0.08 if key_rows else 0)
    bottom = axis_height + key_height + (FOOTER_LINE_IN * len(footer_lines) + FRAME_IN if footer_lines else 0)
    left = SIDE_IN
    if chart.kind is ChartKind.dot:  # row labels on the left of the rank axis
        left += max(_text_width_in(point.shown_label) for point in points) + 0.15
        plot_height = ROW_IN * len(points)
    else:
        plot_height = ROW_IN * len(points) + 0.25
    height = top + plot_height + bottom
    figure = Figure(figsize=(width_in, height))
    axes_width = width_in - left - 1.5 * SIDE_IN
    ax = figure.add_axes((left / width_in, bottom / height, axes_width / width_in, plot_height / height))
    if chart.kind is ChartKind.dot:
        ax.set_ylim(len(points) - 0.5, -0.65)
    else:
        ax.set_ylim(len(points) - 0.55, -0.62)
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_facecolor("none")
    ax.tick_params(axis="x", length=0, labelcolor=MUTED, pad=4)
    if chart.kind is ChartKind.bar:
        _draw_bars(ax, points, locale, axes_width)
    else:
        _draw_dots(ax, points, locale)
    # The axis label under the ticks, from the left edge and wrapped, so that it fits any width.
    for line, text in enumerate(axis_lines):
        figure.text(
            SIDE_IN / width_in,
            (bottom - TICKS_IN - AXIS_LINE_IN * line) / height,
            text,
            ha="left",
            va="top",
            color=MUTED,
        )
    if key_rows:
        _draw_key(figure, key_rows, SIDE_IN, height - bottom + axis_height + 0.04, width_in, height)
    for line, text in enumerate(title_lines):
        figure.text(
            SIDE_IN / width_in,
            1 - (FRAME_IN + TITLE_LINE_IN * line) / height,
            text,
            ha="left",
            va="top",
            color=INK,
            fontweight="bold",
            fontsize=FONT_SIZE + 1,
        )
    for line, text in enumerate(footer_lines):
        figure.text(
            SIDE_IN / width_in,
            (FRAME_IN + FOOTER_LINE_IN * (len(footer_lines) - 1 - line)) / height,
            text,
            ha="left",
            va="bottom",
            color=MUTED,
            fontsize=FONT_SIZE - 2.5,
        )
    return figure


def _save(figure: Figure, file_format: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=file_format, **options)
    return buffer.getvalue()


# Drawn charts by everything that goes into them: (inline SVGs by layout, SVG file, PNG file).
_DRAWN: dict[str, tuple[dict[str, str], bytes, bytes]] = {}
_DRAWN_LIMIT = 64
CACHE_KIND = "charts"
# (cache directory, key) of every chart this process knows to be in a build cache.
_STORED: set[tuple[str, str]] = set()


def _draw_all(
    chart_id: str,
    chart: Chart,
    points: tuple[ChartPoint, ...],
    axis_label: str,
    locale: str,
    description: str,
    footer: str,
) -> tuple[dict[str, str], bytes, bytes]:
    """The chart drawn with matplotlib: inline SVGs for the page by layout, SVG and PNG files for download.

    Any failure of the drawing library is raised as :class:`ChartError`.
    """
    import matplotlib

    from briefing.chartsvg import page_svg, standalone_svg

    try:
        with matplotlib.rc_context(_rc(chart_id)):
            inline = {}
            for layout, width_in in LAYOUT_WIDTHS_IN.items():
                page_figure = _draw(chart, points, axis_label, locale, width_in)
                inline[layout] = page_svg(
                    _save(page_figure, "svg", metadata={"Date": None, "Creator": None}, transparent=True),
                    f"chart-{chart_id}-{layout}-",
                    chart.title,
                    description,
                    f"chart__svg chart__svg--{layout}",
                )
            file_figure = _draw(
                chart, points, axis_label, locale, LAYOUT_WIDTHS_IN[DOWNLOAD_LAYOUT], heading=chart.title, footer=footer
            )
            svg = standalone_svg(
                _save(
                    file_figure,
                    "svg",
                    metadata={"Date": None, "Creator": None, "Title": chart.title, "Description": description},
                    facecolor="white",
                ),
                chart.title,
                description,
            )
            png = _save(file_figure, "png", dpi=PNG_DPI, metadata={"Software": None}, facecolor="white")
    except ChartError:
        raise
    except Exception as error:  # matplotlib's errors have no common base; each becomes one located problem
        raise ChartError(f"{type(error).__name__}: {error}".splitlines()[0]) from error
    return inline, svg, png


def render_chart(data: BriefingData, chart_id: str, cache: BuildCache | None = None) -> RenderedChart:
    """Draw the chart ``chart_id`` of ``data`` in every form; call once per build and keep the result.

    ``make serve`` rebuilds in the same process, so a chart whose inputs did not change
    is not drawn again; with a build cache, nor is it in the next build (nor is matplotlib
    imported). Any failure of the drawing library is raised as :class:`ChartError`, for
    the caller to report at the chart's line of the data file.
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
    cache_key = digest(CODE_DIGEST, installed_versions(), key)
    drawn = False
    if key not in _DRAWN:
        stored = cache.get(CACHE_KIND, cache_key) if cache is not None else None
        if stored is not None:
            layouts = {
                name.removeprefix("inline:"): part.decode("utf-8")
                for name, part in stored.items()
                if name.startswith("inline:")
            }
            _DRAWN[key] = (layouts, stored["svg"], stored["png"])
            _STORED.add((str(cache.root), cache_key))  # type: ignore[union-attr]
        else:
            drawn = True
            if len(_DRAWN) >= _DRAWN_LIMIT:
                _DRAWN.clear()
            _DRAWN[key] = _draw_all(chart_id, chart, points, axis_label, locale, description, footer)
    inline, svg, png = _DRAWN[key]
    if cache is not None and (str(cache.root), cache_key) not in _STORED:
        # Also a chart this process drew for another build: every cache it serves gets it once.
        if drawn or cache.get(CACHE_KIND, cache_key) is None:
            parts = {f"inline:{layout}": text.encode("utf-8") for layout, text in inline.items()}
            cache.put(CACHE_KIND, cache_key, {**parts, "svg": svg, "png": png})
        _STORED.add((str(cache.root), cache_key))
    return RenderedChart(
        chart_id=chart_id,
        chart=chart,
        points=points,
        axis_label=axis_label,
        periods=periods,
        sources=sources,
        description=description,
        inline_svgs=inline,
        svg=svg,
        png=png,
        csv=chart_csv(chart_id, points),
        seconds=time.perf_counter() - started,
        drawn=drawn,
    )
