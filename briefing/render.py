"""The functions pages call (figure, derived, cite, ...), rendering markup from Jinja templates.

One :class:`Renderer` serves one build: the site glue tells it which page is
being rendered (:meth:`Renderer.begin_page`), pages call its macros, and it
records which entries each page uses and every unknown id, located at the
line of the page source where it is written. Markup comes only from the
templates in ``briefing/templates`` (autoescaped, ``StrictUndefined``).
"""

from __future__ import annotations

import dataclasses
import functools
import html
import inspect
import posixpath
import re
import secrets
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup

from briefing import views
from briefing.addresses import is_public_address
from briefing.buildcache import BuildCache
from briefing.charts import DERIVED_MARK, ChartError, RenderedChart, render_chart
from briefing.downloads import (
    CHART_FORMATS,
    CITE_BIB,
    CITE_JSON,
    CITE_TXT,
    FIGURES_CSV,
    FIGURES_JSON,
    PDF_PATH,
    chart_path,
    cite_text,
)
from briefing.editions import SITE_EDITIONS_DIR, Edition, change_wording
from briefing.entries import BriefingData
from briefing.formatting import STYLES, Quantity, format_day, format_quantity
from briefing.navigation import page_url
from briefing.problems import Problems, did_you_mean
from briefing.templatecache import cache_loaded_templates

# A macro's markup waits in a stash while Markdown runs; the page carries a token instead.
# The token holds a random nonce drawn per build, so text in a page or in the data file
# cannot forge one (it would have to guess 64 random bits).
TOKEN_PREFIX = "BRIEFINGMACRO"  # noqa: S105 - a placeholder prefix, not a secret
# The macros' argument types, as written in their annotations.
ARGUMENT_TYPES: dict[str, type] = {"str": str, "bool": bool}
TIP_START = '<small class="fig__tip'
TIP_END = "</small>"
# Tags a figure's visible part may have for it to be deferred: Material's search indexes their text only.
SEARCH_TRANSPARENT_TAG = re.compile(r"</?(?:span|a|button)(?:\s[^<>]*)?>")

# A macro call naming an id, e.g. figure('trade.turnover_2022'), and the kind of entry each macro uses.
MACRO_CALL = re.compile(r"""\b(?P<macro>[a-z_]+)\(\s*(["'])(?P<id>[^"']+)\2""")
MACRO_KINDS: dict[str, str] = {
    "figure": "figures",
    "derived": "derived",
    "period": "periods",
    "event_date": "events",
    "person": "people",
    "cite": "sources",
    "chart": "charts",
}

# Where generated pages live, as source paths relative to docs/.
PAGE_PATHS: dict[str, str] = {
    "figures": "key-figures.md",
    "sources": "sources.md",
    "timeline": "timeline.md",
    "people": "people.md",
    "glossary": "glossary.md",
    "changes": "changes.md",
}


def template_environment() -> Environment:
    """The Jinja environment for all markup the engine emits."""
    environment = Environment(
        loader=PackageLoader("briefing", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    return environment


def search_text(markup: str) -> str | None:
    """What Material's search indexes of a figure's markup: its text without the tip; None if unsure.

    The tip is ``data-search-exclude``; the rest must be only ``span``, ``a`` and ``button`` elements,
    whose text search keeps and whose tags it drops. Anything else: None (not deferred).
    """
    start, end = markup.find(TIP_START), markup.rfind(TIP_END)
    if start < 0 or end < start:
        return None
    outside = markup[:start] + markup[end + len(TIP_END) :]
    # Like Material's parser, a run of text between tags that is only white space (&nbsp; too) is one space.
    runs = SEARCH_TRANSPARENT_TAG.split(outside)
    text = "".join(" " if run and html.unescape(run).isspace() else run for run in runs)
    return None if "<" in text or ">" in text else text


@functools.lru_cache(maxsize=16384)  # every figure on every page links to Key figures: the same few pairs
def relative_href(from_url: str, to_url: str, anchor: str = "") -> str:
    """A link from the page at ``from_url`` to ``to_url`` (both site-relative)."""
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    target = to_url or "./"
    relative = posixpath.relpath("/" + target, "/" + (base or ""))
    if target.endswith("/") and not relative.endswith("/"):
        relative += "/"
    if relative == "./":
        relative = ""
    return relative + (f"#{anchor}" if anchor else "") or "./"


@dataclass(frozen=True)
class PageCard:
    """A page of the navigation as Home's cards show it."""

    src_path: str
    section: str
    title: str
    summary: str


@dataclass
class PageState:
    """What the renderer knows about the page being rendered."""

    src_path: str = ""
    display_path: str = ""
    url: str = ""
    source_text: str = ""
    cursors: dict[str, int] = field(default_factory=dict)
    tip_count: int = 0
    stash: list[Markup] = field(default_factory=list)
    line_offset: int = 0  # lines of the source file (front matter) before the template's first line
    failed: bool = False  # rendering stopped with a reported error: its macros' output is not expected back
    figures: dict[int, tuple[str, str, str, str]] = field(default_factory=dict)  # deferred figures by number: their key


class Renderer:
    """The macros of one build, with the usage and problems they record."""

    def __init__(
        self,
        data: BriefingData,
        problems: Problems,
        docs_prefix: str = "docs",
        use_directory_urls: bool = True,
        cache: BuildCache | None = None,
    ) -> None:
        self.data = data
        self.cache = cache
        self.problems = problems
        self.docs_prefix = docs_prefix
        self.use_directory_urls = use_directory_urls
        self.templates = template_environment()
        if cache is not None:
            cache_loaded_templates(self.templates, cache)
        self.page = PageState()
        self.used: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.locale = data.meta.locale if data.meta else "en_GB"
        self._charts: dict[str, RenderedChart] = {}
        self._failed_charts: set[str] = set()
        self._texts: dict[tuple[str, str], str] = {}
        # Per figure, style and links: the markup (its tip's id a slot) and what search indexes of it.
        # By (figure, style, link, source link): the markup, its search text and the key itself, the one
        # copy every page's deferred figures point to (500 pages x 20 figures made 20,000 equal strings).
        self._figure_markups: dict[tuple[str, str, str, str], tuple[Markup, str | None, tuple[str, str, str, str]]] = {}
        self.nav_pages: list[PageCard] = []
        self.editions: list[Edition] = []  # the frozen editions, oldest first (set by the site glue)
        self.entry_changes: dict[str, tuple[Any, str, str]] = {}  # figure id -> (date, kind, what readers saw before)
        nonce = secrets.token_hex(8)
        self.token_prefix = f"{TOKEN_PREFIX}{nonce}N"
        self.token_pattern = re.compile(r"(?P<open><p>)?" + self.token_prefix + r"(?P<index>\d+)X(?P<close></p>)?")
        self.tip_id_slot = f"briefing-tip-{nonce}-slot"
        # With ``defer_figures``, a page's HTML has only the text of each figure, between two comments,
        # and insert_figures puts the markup in (see there); the marker cannot be guessed by page text.
        self.defer_figures = False
        marker = f"briefing-figure-{secrets.token_hex(8)}"
        self._figure_open = f"<!--{marker}-"
        self._figure_close = f"<!--{marker}-->"
        self._deferred_pattern = re.compile(
            re.escape(self._figure_open) + r"(\d+)-->(.*?)" + re.escape(self._figure_close), re.S
        )

    # -- page bookkeeping ------------------------------------------------
    def begin_page(self, src_path: str, source_text: str, url: str | None = None) -> None:
        """Start rendering the page at ``src_path`` (relative to docs/), whose raw text is given."""
        self.page = PageState(
            src_path=src_path,
            display_path=posixpath.join(self.docs_prefix, src_path),
            url=page_url(src_path, self.use_directory_urls) if url is None else url,
            source_text=source_text,
        )

    def locate(self, needle: str) -> tuple[int | None, int | None]:
        """Line and column of the next quoted occurrence of ``needle`` in the page source."""
        pattern = re.compile(r"""(["'])""" + re.escape(needle) + r"\1")
        start = self.page.cursors.get(needle, 0)
        match = pattern.search(self.page.source_text, start) or pattern.search(self.page.source_text)
        if match is None:
            return None, None
        self.page.cursors[needle] = match.end()
        before = self.page.source_text[: match.start()]
        line = before.count("\n") + 1
        column = match.start() - (before.rfind("\n") + 1) + 1
        return line, column

    def _unknown(self, kind: str, entry_id: str, known: Mapping[str, object], macro: str) -> Markup:
        line, column = self.locate(entry_id)
        if entry_id not in self.data.invalid_ids and self.data.readable:
            hint = did_you_mean(entry_id, known) or f"add it to {self.data.path} or fix the name"
            self.problems.add(
                self.page.display_path or "(page)", line, column, f"unknown {kind} {entry_id!r} in {macro}()", hint
            )
        return self._render("error.html", kind=kind, entry_id=entry_id)

    def _bad_style(self, style: str, macro: str) -> Markup | None:
        if style in STYLES:
            return None
        line, column = self.locate(style)
        self.problems.add(
            self.page.display_path or "(page)",
            line,
            column,
            f"unknown style {style!r} in {macro}()",
            "use one of " + ", ".join(STYLES),
        )
        return self._render("error.html", kind="style", entry_id=style)

    def _render(self, template: str, **context: Any) -> Markup:
        text = self.templates.get_template(template).render(**context).strip()
        return Markup(text)  # noqa: S704 - markup from our autoescaped templates

    def _inline(self, template: str, **context: Any) -> Markup:
        """Markup for use inside a sentence: one line, template lines joined without spaces."""
        # Only line breaks go: a space a template writes on purpose ({{ " " }}) stays.
        lines = self.templates.get_template(template).render(**context).splitlines()
        return Markup("".join(lines).strip())  # noqa: S704 - markup from our autoescaped templates

    def href(self, page: str, anchor: str = "") -> str:
        """Link from the current page to a generated page ('figures', 'sources', ...)."""
        return relative_href(self.page.url, page_url(PAGE_PATHS[page], self.use_directory_urls), anchor)

    def site_href(self, path: str) -> str:
        """Link from the current page to a file of the built site, e.g. ``downloads/figures.csv``."""
        return relative_href(self.page.url, path)

    def _use(self, kind: str, entry_id: str) -> None:
        self.used[kind][entry_id].add(self.page.src_path)

    def mark_mentioned(self, source_text: str) -> None:
        """Count every id a page's macros name as used, for a page that failed to render.

        Its template error is the one message: the entries it would have shown are
        not also reported as unused.
        """
        for match in MACRO_CALL.finditer(source_text):
            kind = MACRO_KINDS.get(match.group("macro"))
            entry_id = match.group("id")
            if kind is not None:
                self.used[kind][entry_id].add(self.page.src_path)
            if kind == "charts" and entry_id in self.data.charts:
                for figure_id in self.data.charts[entry_id].series:
                    for source_id in self.data.sources_of(figure_id) if figure_id in self.data.all_figure_ids() else ():
                        self.used["sources"][source_id].add(self.page.src_path)

    # -- figures ---------------------------------------------------------
    def quantity(self, figure_id: str) -> Quantity:
        """The formatter's view of a figure or derived figure."""
        return self.data.quantity(figure_id)

    def text(self, figure_id: str, style: str = "long") -> str:
        """A figure's or derived figure's value as plain text (formatted once per build)."""
        key = (figure_id, style)
        if key not in self._texts:
            self._texts[key] = format_quantity(self.quantity(figure_id), style, self.locale)  # type: ignore[arg-type]
        return self._texts[key]

    def formula_text(self, derived_id: str) -> str:
        """A derived figure's formula in words."""
        labels = {figure_id: self.data.label_of(figure_id) for figure_id in self.data.all_figure_ids()}
        return self.data.formulas[derived_id].readable(labels)

    def _figure_markup(self, figure_id: str, style: str) -> Markup:
        self.page.tip_count += 1
        href = self.href("figures", figure_id)
        is_derived = figure_id in self.data.derived
        entry = self.data.derived[figure_id] if is_derived else self.data.figures[figure_id]
        source = None if is_derived else self.data.sources[entry.source]  # type: ignore[union-attr]
        source_href = self.source_href(entry.source) if source is not None else ""  # type: ignore[union-attr]
        key = (figure_id, style, href, source_href)
        if key not in self._figure_markups:
            # Rendered once per figure, style and links; only the popover's id differs per use.
            change = self.entry_changes.get(figure_id)
            markup = self._inline(
                "figure.html",
                change={
                    "date": change[0],
                    "date_text": format_day(change[0], "day", self.locale),
                    "kind": change[1],
                    "wording": change_wording(change[2], self.text(figure_id, "long")),
                }
                if change
                else None,
                figure_id=figure_id,
                entry=entry,
                text=self.text(figure_id, style),
                derived=is_derived,
                formula=self.formula_text(figure_id) if is_derived else "",
                source=source,
                source_href=source_href,
                href=href,
                tip_id=self.tip_id_slot,
            )
            self._figure_markups[key] = (markup, search_text(markup), key)
        markup, text, key = self._figure_markups[key]
        number = self.page.tip_count
        if not self.defer_figures or text is None:
            return Markup(markup.replace(self.tip_id_slot, f"fig-tip-{number}"))  # noqa: S704 - markup from our autoescaped templates
        self.page.figures[number] = key
        # ``text`` is the template's own output with its tags removed: escaped already.
        return Markup(f"{self._figure_open}{number}-->{text}{self._figure_close}")  # noqa: S704

    def source_href(self, source_id: str) -> str:
        """Where a reader goes for a source: its https address, else its entry on the Sources page."""
        url = self.data.sources[source_id].url
        if url and url.startswith("https://"):
            return url
        return self.href("sources", f"source-{source_id}")

    def figure(self, figure_id: str, style: str = "long") -> Markup:
        """A figure stated by a source, e.g. ``{{ figure('trade.turnover_2022') }}``.

        A year (unit ``year``) says when, not how much: it reads as plain text, like a date
        (README, "Which numbers are figures"), and its source stays on Key figures.
        """
        if (error := self._bad_style(style, "figure")) is not None:
            return error
        if figure_id in self.data.derived:
            line, column = self.locate(figure_id)
            self.problems.add(
                self.page.display_path,
                line,
                column,
                f"{figure_id!r} is a derived figure",
                f"write {{{{ derived('{figure_id}') }}}} so readers see it is computed",
            )
            return self._render("error.html", kind="figure", entry_id=figure_id)
        if figure_id not in self.data.figures:
            return self._unknown("figure", figure_id, {**self.data.figures, **self.data.derived}, "figure")
        self._use("figures", figure_id)
        if self.data.figures[figure_id].unit == "year":
            return self._inline("figure_date.html", figure_id=figure_id, text=self.text(figure_id, style))
        return self._figure_markup(figure_id, style)

    def derived(self, derived_id: str, style: str = "long") -> Markup:
        """A figure the briefing computes, marked as derived with its formula."""
        if (error := self._bad_style(style, "derived")) is not None:
            return error
        if derived_id not in self.data.derived:
            return self._unknown("derived figure", derived_id, self.data.derived, "derived")
        self._use("derived", derived_id)
        return self._figure_markup(derived_id, style)

    def period(self, figure_id: str) -> Markup:
        """The period a figure covers, as text that counts as coming from the data."""
        entry = self.data.figures.get(figure_id) or self.data.derived.get(figure_id)
        if entry is None:
            return self._unknown("figure", figure_id, {**self.data.figures, **self.data.derived}, "period")
        return self._inline("data_text.html", text=entry.period)

    # -- sources, events, people ----------------------------------------
    def cite(self, source_id: str) -> Markup:
        """A short citation linking to the source's entry on the Sources page."""
        if source_id not in self.data.sources:
            return self._unknown("source", source_id, self.data.sources, "cite")
        self._use("sources", source_id)
        return self._inline(
            "cite.html",
            source_id=source_id,
            source=self.data.sources[source_id],
            href=self.href("sources", f"source-{source_id}"),
        )

    def event_date(self, event_id: str) -> Markup:
        """The date of an event, as a ``<time>`` element."""
        if event_id not in self.data.events:
            return self._unknown("event", event_id, self.data.events, "event_date")
        self._use("events", event_id)
        event = self.data.events[event_id]
        return self._inline(
            "date.html",
            iso=views.iso_date(event.date, event.precision),
            text=format_day(event.date, event.precision, self.locale),
        )

    def person(self, person_id: str) -> Markup:
        """A person's name, linking to their entry on the People page."""
        if person_id not in self.data.people:
            return self._unknown("person", person_id, self.data.people, "person")
        self._use("people", person_id)
        return self._inline("person.html", person=self.data.people[person_id], href=self.href("people", person_id))

    def meta(self, name: str) -> Markup:
        """A field of the briefing's meta block (version, as_of, updated, ...), formatted."""
        if self.data.meta is None:
            return self._render("error.html", kind="meta", entry_id=name)
        fields = {meta_field.name: meta_field for meta_field in dataclasses.fields(self.data.meta)}
        if name not in fields:
            return self._unknown("meta field", name, fields, "meta")
        value = getattr(self.data.meta, name)
        if hasattr(value, "year"):
            return self._inline(
                "date.html", iso=views.iso_date(value, "day"), text=format_day(value, "day", self.locale)
            )
        return self._inline("data_text.html", text=str(value))

    # -- charts and downloads -------------------------------------------
    def rendered_chart(self, chart_id: str) -> RenderedChart | None:
        """A chart, drawn the first time it is asked for and kept for the rest of the build.

        A chart that cannot be drawn is a problem at its entry in the data file, reported
        with the build's other problems; it gives None.
        """
        if chart_id not in self._charts and chart_id not in self._failed_charts:
            try:
                self._charts[chart_id] = render_chart(self.data, chart_id, self.cache)
            except ChartError as error:
                self._failed_charts.add(chart_id)
                line, column = self.data.where("charts", chart_id)
                self.problems.add(
                    self.data.path,
                    line,
                    column,
                    f"chart {chart_id!r} could not be drawn: {error}",
                    "its title, labels and axis_label are drawn as plain text; check them and the series' values",
                )
        return self._charts.get(chart_id)

    def rendered_charts(self) -> dict[str, RenderedChart]:
        """Every chart of the data file that could be drawn, each drawn once per build."""
        drawn = {chart_id: self.rendered_chart(chart_id) for chart_id in self.data.charts}
        return {chart_id: chart for chart_id, chart in drawn.items() if chart is not None}

    def chart(self, chart_id: str) -> Markup:
        """A chart of figures from the data file, e.g. ``{{ chart('trade-turnover-vs-goal') }}``."""
        if chart_id not in self.data.charts:
            return self._unknown("chart", chart_id, self.data.charts, "chart")
        self._use("charts", chart_id)
        rendered = self.rendered_chart(chart_id)
        if rendered is None:
            return self._render("error.html", kind="chart", entry_id=chart_id)
        for source_id in rendered.sources:
            self._use("sources", source_id)
        hrefs = {file_format: self.site_href(chart_path(chart_id, file_format)) for file_format in CHART_FORMATS}
        return self._render(
            "chart.html",
            chart=views.chart_view(self.data, self, rendered),
            # drawn by matplotlib and rewritten with lxml; its text comes from the data file, escaped by lxml
            svgs={layout: Markup(svg) for layout, svg in rendered.inline_svgs.items()},  # noqa: S704 - markup from our autoescaped templates
            hrefs=hrefs,
            derived_mark=DERIVED_MARK,
        )

    def downloads(self, charts: bool = True) -> Markup:
        """Links to the PDF, figures, charts and citation files; ``charts=False`` gives one short line instead."""
        links = {
            "pdf": self.site_href(PDF_PATH),
            "figures_csv": self.site_href(FIGURES_CSV),
            "figures_json": self.site_href(FIGURES_JSON),
            "cite_txt": self.site_href(CITE_TXT),
            "cite_bib": self.site_href(CITE_BIB),
            "cite_json": self.site_href(CITE_JSON),
            "charts": {
                chart_id: {
                    file_format: self.site_href(chart_path(chart_id, file_format)) for file_format in CHART_FORMATS
                }
                for chart_id in self.data.charts
            },
        }
        return self._render(
            "downloads.html",
            links=links,
            charts=self.data.charts if charts else {},
            more=self.href("figures", "downloads") if not charts else "",
        )

    # -- the page head -----------------------------------------------------
    def page_head(self, summary: str, canonical_url: str) -> Markup:
        """Standfirst, byline, dates and the PDF and Cite buttons of the current page."""
        meta = self.data.meta
        if meta is None:
            return Markup("")

        def day(value: Any) -> dict[str, str] | None:
            return None if value is None else {"iso": value.isoformat(), "text": format_day(value, "day", self.locale)}

        return self._render(
            "page_head.html",
            summary=summary,
            meta=meta,
            published=day(meta.published),
            updated=day(meta.updated),
            as_of=day(meta.as_of),
            citation=cite_text(self.data).decode("utf-8").strip(),
            canonical_url=canonical_url
            if canonical_url.startswith("https://") and is_public_address(canonical_url)
            else "",
            pdf_href=self.site_href(PDF_PATH),
            cite_txt=self.site_href(CITE_TXT),
            cite_bib=self.site_href(CITE_BIB),
            cite_json=self.site_href(CITE_JSON),
        )

    # -- generated sections ---------------------------------------------
    def key_figures_table(self) -> Markup:
        """Every figure and derived figure, with value, period, source and quote or formula."""
        return self._render("key_figures.html", key_figures=views.key_figures(self.data, self))

    def timeline(self) -> Markup:
        """Every event, in date order."""
        return self._render("timeline.html", events=views.timeline(self.data, self))

    def people_list(self) -> Markup:
        """Every person and organisation."""
        return self._render(
            "people.html", people=views.people(self.data, self), organisations=views.organisations(self.data, self)
        )

    def glossary_list(self) -> Markup:
        """Every abbreviation and its expansion."""
        return self._render("glossary.html", glossary=self.data.glossary)

    def sources_list(self) -> Markup:
        """Full citation of every source."""
        return self._render("sources.html", sources=self.data.sources)

    def changes_list(self) -> Markup:
        """Every logged change, newest first, by edition, with the PDFs of earlier editions."""
        pages = {
            card.src_path: views.PageLink(
                href=relative_href(self.page.url, page_url(card.src_path, self.use_directory_urls)), title=card.title
            )
            for card in self.nav_pages
        }
        return self._render(
            "changes.html",
            editions=views.changes_by_edition(self.data, self.locale, pages),
            earlier=views.earlier_editions(
                self.data,
                self.editions,
                self.locale,
                lambda version: self.site_href(f"{SITE_EDITIONS_DIR}/briefing-{version}.pdf"),
            ),
        )

    def change_note(self, src_path: str) -> Markup | None:
        """The dated note a page shows for the logged changes that touch it, newest first; None if none."""
        changes = views.page_changes(self.data, src_path, self.locale)
        if not changes:
            return None
        # Home is the first view: its note is the one line, the list is on the Changes page.
        return self._render(
            "change_note.html",
            changes=changes,
            compact=src_path == "index.md",
            href=relative_href(self.page.url, page_url(PAGE_PATHS["changes"], self.use_directory_urls)),
        )

    def page_cards(self) -> Markup:
        """Cards linking to every page of the navigation but this one, with each page's summary."""
        cards = [card for card in self.nav_pages if card.src_path != self.page.src_path]
        links = {
            card.src_path: relative_href(self.page.url, page_url(card.src_path, self.use_directory_urls))
            for card in cards
        }
        sections: dict[str, list[PageCard]] = {}
        for card in cards:
            sections.setdefault(card.section, []).append(card)
        return self._render("page_cards.html", sections=list(sections.items()), links=links)

    def macros(self) -> dict[str, Callable[..., Any]]:
        """The functions pages may call, by name."""
        macros: dict[str, Callable[..., Any]] = {
            "figure": self.figure,
            "derived": self.derived,
            "period": self.period,
            "cite": self.cite,
            "event_date": self.event_date,
            "person": self.person,
            "meta": self.meta,
            "key_figures_table": self.key_figures_table,
            "timeline": self.timeline,
            "people_list": self.people_list,
            "glossary_list": self.glossary_list,
            "sources_list": self.sources_list,
            "chart": self.chart,
            "downloads": self.downloads,
            "page_cards": self.page_cards,
            "changes_list": self.changes_list,
        }
        return {name: self._stashing(function) for name, function in macros.items()}

    # -- placeholders ------------------------------------------------------
    # Macros hand Markdown a short token instead of their markup, and the markup is
    # put back into the page's HTML after Markdown has run (see expand). Markdown
    # then never re-parses the figures' inline HTML or the charts' SVG: that was the
    # largest cost of a build, and it keeps the markup exactly as the template wrote it.

    def _stashing(self, function: Callable[..., Markup]) -> Callable[..., str]:
        signature = inspect.signature(function)
        name = function.__name__
        usage = (
            name
            + "("
            + ", ".join(
                parameter.name + ("" if parameter.default is inspect.Parameter.empty else f"={parameter.default!r}")
                for parameter in signature.parameters.values()
            )
            + ")"
        )

        def macro(*args: Any, **kwargs: Any) -> str:
            problem = _argument_problem(signature, args, kwargs)
            if problem is None:
                markup = function(*args, **kwargs)
            else:
                line = template_line_of_caller()
                self.problems.add(
                    self.page.display_path or "(page)",
                    None if line is None else line + self.page.line_offset,
                    None,
                    f"{name}(): {problem}",
                    f"write it as {{{{ {usage} }}}}",
                )
                markup = self._render("error.html", kind="macro call", entry_id=name + "()")
            self.page.stash.append(markup)
            return f"{self.token_prefix}{len(self.page.stash) - 1}X"

        macro.__name__ = function.__name__
        macro.__doc__ = function.__doc__
        return macro

    def expand(self, html: str) -> str:
        """The page's HTML with every macro token replaced by its markup; a token not put back is a problem."""
        stash = self.page.stash
        if not stash:
            return html
        put_back: set[int] = set()

        def swap(match: re.Match[str]) -> str:
            index = int(match.group("index"))
            if index >= len(stash):
                return ""  # cannot happen without the build's nonce; never index outside the stash
            put_back.add(index)
            markup = stash[index]
            if match.group("open") and match.group("close"):
                return str(markup)  # a block macro alone in its paragraph
            return (match.group("open") or "") + str(markup) + (match.group("close") or "")

        expanded = self.token_pattern.sub(swap, html)
        if len(put_back) != len(stash) and not self.page.failed:
            self.problems.add(
                self.page.display_path or "(page)",
                None,
                None,
                f"{len(stash) - len(put_back)} macro output(s) did not reach the page",
                "a macro inside a link target, an HTML comment or an attribute is lost: put it in the text",
            )
        return expanded

    # -- deferred figures --------------------------------------------------
    # A figure's markup (value link, tip with label, period, source and quote) is most of a page's
    # HTML, and Material's search parses every page in pure Python to index text it mostly drops.
    # With ``defer_figures`` the page's HTML holds just the text search would index, between two
    # comments; insert_figures puts the markup into the finished page (MkDocs' on_post_page), so
    # the file written is the same as without deferral, and so is the search index.

    def deferred_view(self, html: str) -> str:
        """``html`` with each deferred figure as an empty ``span.fig``: what the page checks read."""
        return self._deferred_pattern.sub('<span class="fig"></span>', html)

    def insert_figures(self, html: str, figures: Mapping[int, tuple[str, str, str, str]]) -> str:
        """``html`` with each deferred figure of a page (:attr:`PageState.figures`) in place."""
        if not figures:
            return html

        def swap(match: re.Match[str]) -> str:
            number = int(match.group(1))
            key = figures.get(number)
            if key is None:
                return match.group(0)
            return str(self._figure_markups[key][0]).replace(self.tip_id_slot, f"fig-tip-{number}")

        return self._deferred_pattern.sub(swap, html)


def template_line_of_caller() -> int | None:
    """The line of the page template whose code is calling a macro, from the call stack."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if isinstance(template, Template):
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


def _argument_problem(signature: inspect.Signature, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """Why a macro cannot be called with these arguments, or None."""
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as error:
        return str(error)
    for name, value in bound.arguments.items():
        expected = ARGUMENT_TYPES.get(str(signature.parameters[name].annotation))
        if expected is not None and (not isinstance(value, expected) or (expected is str and isinstance(value, bool))):
            kind = "text in quotes" if expected is str else "True or False"
            return f"'{name}' must be {kind}, got {value!r}"
    return None
