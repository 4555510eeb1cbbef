"""The PDF of the whole briefing, made from the built site with WeasyPrint.

The PDF is a view of the same build, never a second rendering of the data:
each page of the site's nav is read from its built HTML (the
``<article class="md-content__inner">`` MkDocs wrote), cleaned of what only
makes sense on screen, re-anchored so that its ids stay unique in one
document, and placed as a chapter in ``print/briefing.html.j2``. The cover
reads the data file's ``meta`` block. ``print/print.css`` lays it out; the
type is the bundled family the site uses (``assets/fonts/fonts.css``).

Nothing is fetched from the network. WeasyPrint gets a URL fetcher that
serves only files inside the built site; a page that needs anything else
(``https:``, ``data:``, a file outside the site) stops the build with a
message naming the page and the URL. So does a link to an anchor that the
PDF does not contain, and a font that is not one of the bundled ones.

``python -m briefing.publish`` runs :func:`write_site_pdf` as a post-build
step; ``python -m briefing.pdf --site site`` regenerates the PDF of an
already built site. The creation date is ``SOURCE_DATE_EPOCH``, so two
builds of the same sources give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import mimetypes
import os
import posixpath
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit
from urllib.request import url2pathname

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from lxml import html as lxml_html

from briefing import pdf_markup
from briefing.downloads import PDF_PATH
from briefing.navigation import built_file, nav_entries, read_mkdocs_config

PRINT_DIR = Path(__file__).resolve().parent / "print"
TEMPLATE = "briefing.html.j2"
STYLESHEET = PRINT_DIR / "print.css"
FONTS_CSS = "assets/fonts/fonts.css"
# Every font in the PDF must be one of these bundled families (names as WeasyPrint writes them).
BUNDLED_FONT_PREFIXES = ("Briefing-Sans", "Briefing-Mono")
GENERATOR = "MkDocs and WeasyPrint (briefing.pdf)"
# PDF/UA-1 (ISO 14289-1): tagged PDF 1.7 whose XMP metadata declares the conformance.
PDF_VARIANT = "pdf/ua-1"
# Tables with at most this many body rows are never split across pages.
SHORT_TABLE_ROWS = 12
# Links that never print a page reference: what they point to is evident or listed elsewhere.
NO_PAGE_REFERENCE_CLASSES = ("fig__value", "fig__noteref", "cite", "person")

# What the site shows only on screen: (tag, class) pairs, "" meaning any tag or no class needed.
SCREEN_ONLY: tuple[tuple[str, str], ...] = (
    ("a", "headerlink"),           # the pilcrow permalinks
    ("a", "md-content__button"),   # edit and view-source buttons
    ("", "page-head__byline"),     # per-page byline and dates: the cover says them once
    ("", "page-head__actions"),    # the PDF and Cite buttons, and the citation popover
    ("", "fig__links"),            # a figure popover's links; the footnote names the source
    ("", "md-source-file"),        # git revision dates
    ("", "md-feedback"),
    ("", "screen-only"),           # wording for a screen ("point at a figure"); .print-only says it for paper
    ("", "fig__links"),            # a figure popover's links to its source and Key figures entry
    ("", "chart__downloads"),      # a chart's files and its data table: the chart is what is read in print,
    ("", "chart__data"),           # and Key figures lists every value with its source
    ("nav", "md-tags"),
    ("form", ""),
    ("button", ""),
    ("input", ""),
    ("script", ""),
    ("noscript", ""),
    ("template", ""),
)
# Attributes that load a resource: the build fails if one points outside the site.
RESOURCE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "link": ("href",),
    "image": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
}
# Attributes holding space-separated id references.
ID_REFERENCE_ATTRIBUTES = (
    "aria-describedby", "aria-labelledby", "aria-controls", "aria-owns", "aria-details",
    "aria-errormessage", "aria-flowto", "aria-activedescendant", "for", "headers", "form", "list", "itemref",
)
URL_REFERENCE = re.compile(r"""url\(\s*(['"]?)#([^'")\s]+)\1\s*\)""")
# Inline SVG (the charts) names its own fonts; in the PDF its text is set in the bundled family.
PRINT_FONTS = {"sans": "Briefing Sans", "mono": "Briefing Mono"}
FONT_FAMILY_DECLARATION = re.compile(r"font-family\s*:\s*([^;\"}]+)")
# WeasyPrint reads an SVG element's style attribute as CSS for the HTML box too and warns that
# SVG properties are unknown there; its SVG renderer does use them. Such warnings are dropped.
SVG_PROPERTY_WARNING = re.compile(
    r"^Ignored `(?:fill|stroke|text-anchor|dominant-baseline|alignment-baseline|baseline-shift|clip-path|"
    r"clip-rule|mask|marker|paint-order|stop-color|stop-opacity|vector-effect|shape-rendering|"
    r"text-rendering|color-interpolation|flood-color|flood-opacity|lighting-color)[a-z-]*:.*unknown property")


class PdfError(Exception):
    """The PDF cannot be made; the message says why and where."""


# ---------------------------------------------------------------------------
# What goes into the PDF


@dataclass(frozen=True)
class NavPage:
    """One page of the nav: its Markdown source and the top-level section it sits in."""

    src: str
    part: str | None


@dataclass(frozen=True)
class Cover:
    """What the cover and the PDF's metadata say, all plain text."""

    title: str
    subtitle: str
    as_of: str
    version: str
    updated: str
    publisher: str
    author: str
    licence: str
    description: str
    site_url: str

    @property
    def site_address(self) -> str:
        """The site's address if it is a real one, else "": a placeholder is never printed."""
        return self.site_url if pdf_markup.is_public_address(self.site_url) else ""


@dataclass
class Chapter:
    """A page of the site as a chapter of the PDF."""

    src: str
    part: str | None
    url: str
    anchor: str
    title: str = ""
    body: str = ""
    part_start: bool = False


@dataclass
class Part:
    """A top-level section of the nav, as listed in the contents."""

    title: str | None
    chapters: list[Chapter] = field(default_factory=list)


@dataclass
class PdfReport:
    """What one rendering produced."""

    path: Path
    pages: int
    size: int
    warnings: list[str]


# ---------------------------------------------------------------------------
# Reading the project


def read_config(project_dir: Path) -> dict[str, Any]:
    """The project's ``mkdocs.yml`` as plain data (tags read as None)."""
    path = project_dir / "mkdocs.yml"
    try:
        return read_mkdocs_config(path)
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise PdfError(f"PDF: cannot read {path}: {error}") from error


def nav_pages(config: dict[str, Any]) -> list[NavPage]:
    """The pages of ``nav:`` in order, each with its top-level section; links out are skipped."""
    if not config.get("nav"):
        raise PdfError("PDF: mkdocs.yml has no nav: the PDF takes its chapters and their order from it")
    return [NavPage(entry.src, entry.section) for entry in nav_entries(config["nav"])]


def built_page(src: str, use_directory_urls: bool = True) -> str:
    """Where MkDocs writes the page for ``src``, relative to the site: ``x.md`` -> ``x/index.html``."""
    return built_file(src, use_directory_urls)


def load_cover(project_dir: Path, config: dict[str, Any]) -> Cover:
    """The cover's text, from the data file's ``meta`` block and ``site_description``."""
    from briefing.data import load_briefing
    from briefing.formatting import format_day

    from briefing.project import Project

    project = Project.from_mapping(config, project_dir)
    if project.problems:
        raise PdfError("PDF: " + "\n".join(str(problem) for problem in project.problems))
    data = load_briefing(project.data_file, project.data_display_path)
    if data.meta is None:
        raise PdfError(f"PDF: {project.data_display_path} has no valid meta block:\n{data.problems.report()}")
    meta = data.meta
    return Cover(
        title=meta.title,
        subtitle=meta.subtitle,
        as_of=format_day(meta.as_of, "day", meta.locale),
        version=meta.version,
        updated=format_day(meta.updated, "day", meta.locale),
        publisher=meta.publisher,
        author=meta.author,
        licence=meta.licence,
        description=str(config.get("site_description") or meta.subtitle),
        site_url=str(config.get("site_url") or ""),
    )


def source_date(project_dir: Path) -> dt.datetime:
    """The build's date: ``SOURCE_DATE_EPOCH``, or the data file's ``meta.updated`` as publish uses."""
    from briefing.project import Project, ProjectError

    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None:
        try:
            raw = Project.load(project_dir).updated_epoch()
        except ProjectError as error:
            raise PdfError(f"PDF: {error}") from error
        if raw is None:
            raise PdfError("PDF: the data file has no valid meta.updated date; run make build to see why")
    try:
        return dt.datetime.fromtimestamp(int(raw), dt.UTC)
    except ValueError as error:
        raise PdfError(f"PDF: SOURCE_DATE_EPOCH must be whole seconds since 1970, not {raw!r}") from error


# ---------------------------------------------------------------------------
# Turning built pages into chapters


def _has_class(element: lxml_html.HtmlElement, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _add_class(element: lxml_html.HtmlElement, name: str) -> None:
    classes = (element.get("class") or "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def chapter_slug(url: str) -> str:
    """A chapter's anchor, from its page's URL: ``trade/`` -> ``trade``, the home page -> ``home``."""
    path = url.removesuffix("index.html").removesuffix(".html").strip("/")
    return re.sub(r"[^A-Za-z0-9_-]+", "-", path) or "home"


def _site_path(url: str) -> str:
    """A site path in one spelling: no leading slash, no ``index.html``, no trailing slash."""
    path = url.lstrip("/")
    if path == "index.html" or path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    return path.rstrip("/")


class _ChapterBuilder:
    """Cleans and re-anchors the built pages; collects every problem before failing."""

    def __init__(self, site_dir: Path, chapters: list[Chapter], site_url: str, docs_dir: str) -> None:
        self.site_dir = site_dir
        self.chapters = chapters
        self.site_url = site_url
        self.docs_dir = docs_dir
        self.by_path = {_site_path(chapter.url): chapter for chapter in chapters}
        self.problems: list[str] = []
        self.links: list[tuple[Chapter, str, str]] = []  # chapter, original href, rewritten anchor
        self.printed_addresses: set[str] = set()  # each address is printed once, at its first link
        self.lang = ""

    def where(self, chapter: Chapter) -> str:
        return f"{posixpath.join(self.docs_dir, chapter.src)} ({chapter.url})"

    def build(self) -> None:
        for chapter in self.chapters:
            self._build_one(chapter)

    def _build_one(self, chapter: Chapter) -> None:
        path = self.site_dir / chapter.url
        if not path.is_file():
            self.problems.append(f"{self.where(chapter)}: the built page is missing from {self.site_dir}")
            return
        document = lxml_html.document_fromstring(path.read_text(encoding="utf-8"))
        self.lang = self.lang or document.get("lang", "")
        articles = document.xpath(
            '//article[contains(concat(" ", normalize-space(@class), " "), " md-content__inner ")]')
        if not articles:
            self.problems.append(f"{self.where(chapter)}: no <article class=\"md-content__inner\"> in the built page")
            return
        article = articles[0]
        pdf_markup.figure_values_as_text(article)
        self._strip_screen_only(article)
        headings = article.xpath(".//h1")
        if not headings:
            self.problems.append(f"{self.where(chapter)}: the page has no title (h1)")
            return
        chapter.title = _text(headings[0])
        pdf_markup.scope_table_headers(article)
        pdf_markup.mark_short_tables(article, SHORT_TABLE_ROWS)
        pdf_markup.set_table_columns(article)
        pdf_markup.prepare_charts(article)
        pdf_markup.break_identifiers(article)
        self._use_bundled_fonts_in_svg(article)
        self._reanchor(article, chapter)
        pdf_markup.set_notes(article)
        chapter.body = (article.text or "").strip() + "".join(
            lxml_html.tostring(child, encoding="unicode", with_tail=True) for child in article)

    @staticmethod
    def _strip_screen_only(article: lxml_html.HtmlElement) -> None:
        doomed = []
        for element in article.iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag == "button" and element.get("popovertarget"):
                # A figure's value opens its popover on screen; on paper it is text with a footnote.
                element.tag = "span"
                for attribute in ("type", "popovertarget"):
                    element.attrib.pop(attribute, None)
                continue
            for tag, name in SCREEN_ONLY:
                if (not tag or element.tag == tag) and (not name or _has_class(element, name)):
                    doomed.append(element)
                    break
            if element.tag == "style" and not any(ancestor.tag == "svg" for ancestor in element.iterancestors()):
                doomed.append(element)
        for element in doomed:
            if element.getparent() is not None:
                element.drop_tree()

    @staticmethod
    def _use_bundled_fonts_in_svg(article: lxml_html.HtmlElement) -> None:
        def bundled(family: str) -> str:
            return PRINT_FONTS["mono"] if "mono" in family.lower() else PRINT_FONTS["sans"]

        for svg in article.iter("svg"):
            for element in svg.iter():
                if not isinstance(element.tag, str):
                    continue
                if element.get("font-family"):
                    element.set("font-family", bundled(element.get("font-family")))
                style = element.text if element.tag == "style" else element.get("style")
                if style and "font-family" in style:
                    style = FONT_FAMILY_DECLARATION.sub(
                        lambda match: f"font-family: '{bundled(match.group(1))}'", style)
                    if element.tag == "style":
                        element.text = style
                    else:
                        element.set("style", style)

    def _resolve(self, chapter: Chapter, reference: str) -> tuple[str, str] | None:
        """(site path, fragment) of a reference made on ``chapter``'s page; None if it leaves the site."""
        parts = urlsplit(reference)
        if parts.scheme or parts.netloc:
            return None
        page_dir = posixpath.dirname("/" + chapter.url)
        if parts.path:
            target = posixpath.normpath(posixpath.join(page_dir, unquote(parts.path)))
            if parts.path.endswith("/"):
                target += "/"
        else:
            target = "/" + chapter.url
        return target.lstrip("/"), unquote(parts.fragment)

    def _anchor(self, chapter: Chapter, element_id: str) -> str:
        return f"{chapter.anchor}--{element_id}"

    def _reanchor(self, article: lxml_html.HtmlElement, chapter: Chapter) -> None:
        for element in article.iter():
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.lower().rpartition(":")[2]
            if element.get("id"):
                element.set("id", self._anchor(chapter, element.get("id")))
            for name in ID_REFERENCE_ATTRIBUTES:
                if element.get(name):
                    element.set(name, " ".join(self._anchor(chapter, ref) for ref in element.get(name).split()))
            for name, value in list(element.attrib.items()):
                if "url(#" in value.replace(" ", ""):
                    element.set(name, URL_REFERENCE.sub(
                        lambda match: f"url(#{self._anchor(chapter, match.group(2))})", value))
            if tag == "style" and element.text:
                element.text = URL_REFERENCE.sub(
                    lambda match: f"url(#{self._anchor(chapter, match.group(2))})", element.text)
            for name in RESOURCE_ATTRIBUTES.get(tag, ()):
                if element.get(name):
                    self._check_resource(chapter, element, name)
            if tag in ("a", "area"):
                if element.get("href") is not None:
                    self._rewrite_link(chapter, element)
            else:
                for name in ("href", "xlink:href"):
                    value = element.get(name)
                    if value and value.startswith("#") and tag not in RESOURCE_ATTRIBUTES:
                        element.set(name, "#" + self._anchor(chapter, unquote(value[1:])))

    def _check_resource(self, chapter: Chapter, element: lxml_html.HtmlElement, name: str) -> None:
        value = element.get(name, "")
        if value.startswith("#"):  # an SVG <image href="#..."> points inside the document
            element.set(name, "#" + self._anchor(chapter, unquote(value[1:])))
            return
        references = [item.split()[0] for item in value.split(",") if item.strip()] if name == "srcset" else [value]
        rewritten = []
        for reference in references:
            resolved = self._resolve(chapter, reference.strip())
            shown = reference.strip()
            if len(shown) > 120:
                shown = shown[:117] + "..."
            if resolved is None:
                self.problems.append(
                    f"{self.where(chapter)}: <{element.tag} {name}=\"{shown}\"> needs an external resource, "
                    f"{shown}; the PDF is built offline from the site's own files only. "
                    "Save the file under docs/ and link it with a relative path.")
                continue
            path, _ = resolved
            if not (self.site_dir / path).is_file():
                self.problems.append(
                    f"{self.where(chapter)}: <{element.tag} {name}=\"{shown}\"> needs {path}, "
                    f"which is not a file of the built site")
                continue
            rewritten.append(quote(path))
        if name == "srcset":
            return  # WeasyPrint ignores srcset; what matters is that it was checked
        if rewritten:
            element.set(name, rewritten[0])

    def _rewrite_link(self, chapter: Chapter, link: lxml_html.HtmlElement) -> None:
        href = link.get("href", "")
        resolved = self._resolve(chapter, href)
        if resolved is None:
            if urlsplit(href).scheme in ("http", "https"):
                self._print_address(link, href.strip())
            return
        path, fragment = resolved
        target = self.by_path.get(_site_path(path))
        if target is not None:
            anchor = self._anchor(target, fragment) if fragment else target.anchor
            link.set("href", "#" + anchor)
            self.links.append((chapter, href, anchor))
            # A place inside a chapter gets its page printed, "(p. 12)". A whole chapter does not:
            # the link names it and the contents give its page. A page reference makes WeasyPrint lay
            # out the page holding it again once the target's page is known (twice for a forward
            # one), which cost a third of the PDF's time when every chapter linked to others.
            if fragment and not any(_has_class(link, name) for name in NO_PAGE_REFERENCE_CLASSES):
                _add_class(link, "xref")
            return
        # A file of the site that is not a chapter (a download, an asset): online only.
        if not self.site_url:
            # No real address to send a reader to: the link's words stay, as plain text.
            link.tag = "span"
            for name in ("href", "type", "download", "target", "rel", "hreflang"):
                link.attrib.pop(name, None)
            _add_class(link, "link--offline")
            return
        absolute = urljoin(self.site_url, quote(path) + (f"#{quote(fragment)}" if fragment else ""))
        link.set("href", absolute)
        self._print_address(link, absolute)

    def _print_address(self, link: lxml_html.HtmlElement, address: str) -> None:
        """Paper cannot be clicked: a link out shows its address, once in the document."""
        if _text(link) == address:
            _add_class(link, "link--bare")
            pdf_markup.set_address_text(link, address)
        elif address not in self.printed_addresses:
            pdf_markup.append_address(link, address)
        self.printed_addresses.add(address)

    def check_links(self, known_ids: set[str]) -> None:
        for chapter, href, anchor in self.links:
            if anchor not in known_ids:
                self.problems.append(
                    f"{self.where(chapter)}: the link to {href} has no target in the PDF (no element with that id)")


def collect_ids(markup: str) -> set[str]:
    """Every id in an HTML string."""
    return set(re.findall(r"""\sid=["']([^"']+)["']""", markup))


# ---------------------------------------------------------------------------
# Rendering


class SiteOnlyFetcher:
    """A WeasyPrint URL fetcher that serves files inside the given folders and refuses the rest.

    A refused URL is remembered (WeasyPrint would only log it) so that the
    build can fail afterwards naming every one of them.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def make(self) -> Any:
        """The fetcher object to hand to WeasyPrint."""
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        owner = self

        class _Fetcher(URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
                path = owner.allowed_path(url)
                if path is None:
                    owner.refused.append(url if len(url) <= 120 else url[:117] + "...")
                    raise ValueError(f"refused {url[:120]}: only files inside the built site are served")
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

        return _Fetcher()

    def allowed_path(self, url: str) -> Path | None:
        """The local file a URL names, if it is inside one of the roots."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            return None
        return path


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.levelno, record.getMessage()))


@contextmanager
def _collect_weasyprint_messages() -> Iterator[_Collector]:
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    logger.addHandler(collector)
    propagate = logger.propagate
    logger.propagate = False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate


def template_environment() -> Environment:
    """The Jinja environment of the print templates: autoescaped, strict."""
    return Environment(
        loader=FileSystemLoader(PRINT_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def assemble(site_dir: Path, pages: Sequence[NavPage], cover: Cover, created: dt.datetime,
             use_directory_urls: bool = True, docs_dir: str = "docs", fonts_css: Path | None = None) -> str:
    """The whole briefing as one HTML document, ready for WeasyPrint.

    ``fonts_css`` is the project's own ``docs/assets/fonts/fonts.css``: the PDF embeds
    the full bundled fonts, not the site's copies, which the build subsets for readers.
    """
    fonts_css = fonts_css or site_dir / FONTS_CSS
    chapters: list[Chapter] = []
    anchors: dict[str, str] = {}
    problems: list[str] = []
    for page in pages:
        url = built_page(page.src, use_directory_urls)
        anchor = chapter_slug(url)
        if anchor in anchors:
            problems.append(f"{page.src} and {anchors[anchor]} would both be the chapter '{anchor}'")
        anchors[anchor] = page.src
        chapters.append(Chapter(src=page.src, part=page.part, url=url, anchor=anchor))
    builder = _ChapterBuilder(site_dir, chapters, cover.site_address, docs_dir)
    builder.build()
    parts: list[Part] = []
    for chapter in chapters:
        if not parts or parts[-1].title != chapter.part:
            parts.append(Part(chapter.part))
        parts[-1].chapters.append(chapter)
    for part in opening_parts(parts):
        part.chapters[0].part_start = True
    markup = template_environment().get_template(TEMPLATE).render(
        lang=builder.lang or "en",
        cover=cover,
        generator=GENERATOR,
        created=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        stylesheets=[fonts_css.resolve().as_uri()],
        parts=parts,
        chapters=chapters,
    )
    builder.check_links(collect_ids(markup))
    problems += builder.problems
    if not fonts_css.is_file():
        problems.append(f"{fonts_css} is missing: the PDF uses the bundled fonts (docs/{FONTS_CSS})")
    if problems:
        raise PdfError("PDF not written:\n" + "\n".join(f"  {problem}" for problem in problems))
    return markup


def opening_parts(parts: Sequence[Part]) -> list[Part]:
    """The parts that start a page, as in a printed report: the front matter, the main matter, the reference part.

    The front matter is what comes before the nav's first section (the home
    page); the main matter starts with the first section; the last section
    is the reference part. Sections in between run on.
    """
    sections = [part for part in parts if part.title]
    opening = [parts[0]] if parts else []
    for part in sections[:1] + sections[-1:]:
        if part not in opening:
            opening.append(part)
    return opening


class _CachedPageReferences:
    """``pydyf.PDF.page_references``, built once per page count instead of at every use.

    pydyf 0.13 rebuilds the tuple of every page's reference each time the
    property is read, and WeasyPrint 70's tagging reads it once per structure
    element: a cost of pages x elements, a fifth of a 250-page PDF's time.
    The tuple only changes when a page is added, so it is kept until then.
    """

    def __get__(self, pdf: Any, owner: type | None = None) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_briefing_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
            pdf.__dict__["_briefing_page_references"] = cached
        references: tuple[bytes, ...] = cached[1]
        return references


@contextmanager
def _page_references_cached() -> Iterator[None]:
    """Within the block, pydyf's page references come from :class:`_CachedPageReferences`."""
    import pydyf  # type: ignore[import-untyped]

    original = pydyf.PDF.__dict__["page_references"]
    pydyf.PDF.page_references = _CachedPageReferences()
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


class _Finisher:
    """Last touches on WeasyPrint's PDF objects before they are written, and what they show.

    Every table header cell gets its ``/Scope`` (PDF/UA asks for it; WeasyPrint
    writes only the cells' ``/Headers``): a header in a table's head row heads
    its column, any other heads its row. The font names are read here too,
    which costs nothing, instead of parsing the written PDF again.
    """

    def __init__(self) -> None:
        self.font_names: set[str] = set()
        self.header_cells = 0

    def __call__(self, document: object, pdf: Any) -> None:
        by_reference = {obj.reference: obj for obj in pdf.objects if hasattr(obj, "reference")}
        for obj in pdf.objects:
            if not isinstance(obj, dict):
                continue
            if obj.get("Type") == "/Font" and obj.get("BaseFont"):
                base = str(obj["BaseFont"]).lstrip("/")
                self.font_names.add(base.partition("+")[2] or base)
            if obj.get("Type") == "/StructElem" and obj.get("S") == "/TH":
                row = by_reference.get(obj.get("P"))
                group = by_reference.get(row.get("P")) if row is not None else None
                in_head = group is not None and group.get("S") == "/THead"
                attributes = obj.get("A")
                if not isinstance(attributes, dict):
                    import pydyf

                    attributes = obj["A"] = pydyf.Dictionary({"O": "/Table"})
                attributes["Scope"] = "/Column" if in_head else "/Row"
                self.header_cells += 1


def render(markup: str, site_dir: Path, output: Path, tagged: bool = True, fonts_dir: Path | None = None) -> PdfReport:
    """Render the assembled HTML to ``output`` with WeasyPrint, offline; fail on any refused resource.

    A tagged render is PDF/UA-1: screen readers and reflowing viewers get
    headings, lists, tables with scoped headers, figures with alternative
    text and the reading order; ``tagged=False`` is for measuring their cost.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = SiteOnlyFetcher([site_dir, *([fonts_dir] if fonts_dir else [])])
    url_fetcher = fetcher.make()
    finisher = _Finisher()
    options = {"pdf_variant": PDF_VARIANT} if tagged else {"pdf_tags": False}
    with _collect_weasyprint_messages() as collector:
        fonts = FontConfiguration()
        stylesheet = CSS(filename=str(STYLESHEET), url_fetcher=url_fetcher, font_config=fonts)
        base_url = site_dir.resolve().as_uri() + "/"
        document = HTML(string=markup, base_url=base_url, url_fetcher=url_fetcher).render(
            stylesheets=[stylesheet], pdf_tags=tagged, font_config=fonts
        )
        with _page_references_cached():
            pdf = document.write_pdf(pdf_identifier=True, finisher=finisher, **options)
    if fetcher.refused:
        raise PdfError(
            "PDF not written: it needs resources from outside the built site, which the offline build refuses:\n"
            + "\n".join(f"  {url}" for url in dict.fromkeys(fetcher.refused)))
    errors = [message for level, message in collector.messages if level >= logging.ERROR]
    if errors:
        raise PdfError("PDF not written: WeasyPrint reported errors:\n" + "\n".join(f"  {m}" for m in errors))
    foreign = sorted(name for name in finisher.font_names if not name.startswith(BUNDLED_FONT_PREFIXES))
    if foreign:
        raise PdfError(
            "PDF not written: it would embed fonts that are not the bundled ones (a character the bundled "
            f"fonts lack?): {', '.join(foreign)}")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial-{os.getpid()}")  # a failed write leaves the old PDF
    try:
        partial.write_bytes(pdf)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    warnings = [message for level, message in collector.messages
                if level < logging.ERROR and not SVG_PROPERTY_WARNING.match(message)]
    return PdfReport(path=output, pages=len(document.pages), size=len(pdf), warnings=warnings)


def pdf_font_names(pdf: bytes) -> set[str]:
    """The base names of every font a PDF uses, on its pages and in their forms, without subset tags."""
    from pypdf import PdfReader

    names: set[str] = set()
    seen: set[int] = set()

    def walk(resources: Any) -> None:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, dict) or id(resources) in seen:
            return
        seen.add(id(resources))
        for font in (resources.get("/Font") or {}).values():
            base = str(font.get_object().get("/BaseFont", ""))
            names.add(base.lstrip("/").partition("+")[2] or base.lstrip("/"))
        for kind in ("/XObject", "/Pattern"):
            for child in (resources.get(kind) or {}).values():
                walk(child.get_object().get("/Resources"))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page.get("/Resources"))
    return names


def foreign_fonts(pdf: bytes) -> list[str]:
    """Names of fonts in a PDF that are not the bundled families."""
    return sorted(name for name in pdf_font_names(pdf) if not name.startswith(BUNDLED_FONT_PREFIXES))


def build_pdf(project_dir: Path, site_dir: Path, output: Path | None = None,
              html_copy: Path | None = None) -> PdfReport:
    """Write the PDF of the whole briefing for the site built from ``project_dir`` into ``site_dir``."""
    if not (site_dir / "index.html").is_file():
        raise PdfError(f"PDF: {site_dir} is not a built site (no index.html): build it first (make build)")
    config = read_config(project_dir)
    fonts_css = project_dir / str(config.get("docs_dir") or "docs") / FONTS_CSS
    markup = assemble(
        site_dir,
        nav_pages(config),
        load_cover(project_dir, config),
        source_date(project_dir),
        use_directory_urls=bool(config.get("use_directory_urls", True)),
        docs_dir=str(config.get("docs_dir") or "docs"),
        fonts_css=fonts_css,
    )
    if html_copy is not None:
        html_copy.write_text(markup, encoding="utf-8")
    return render(markup, site_dir, output or site_dir / PDF_PATH, fonts_dir=fonts_css.parent)


def write_site_pdf(project_dir: Path, site_dir: Path) -> None:
    """Post-build step of ``briefing.publish``: write ``downloads/briefing.pdf`` into the built site."""
    report = build_pdf(project_dir, site_dir)
    for warning in report.warnings:
        print(f"PDF: WeasyPrint: {warning}", file=sys.stderr)
    print(f"PDF written: {PDF_PATH} ({report.pages} pages, {report.size:,} bytes)")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: regenerate the PDF of an already built site."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="site", help="the built site (default: site)")
    parser.add_argument("--project", default=".", help="the project directory holding mkdocs.yml (default: .)")
    parser.add_argument("--output", help=f"where to write the PDF (default: SITE/{PDF_PATH})")
    parser.add_argument("--html", help="also write the assembled HTML here, to inspect it")
    args = parser.parse_args(argv)
    project_dir = Path(args.project).resolve()
    site_dir = Path(args.site).resolve()
    output = Path(args.output).resolve() if args.output else site_dir / PDF_PATH
    try:
        report = build_pdf(project_dir, site_dir, output, Path(args.html) if args.html else None)
    except PdfError as error:
        print(error, file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(f"PDF: WeasyPrint: {warning}", file=sys.stderr)
    print(f"PDF written: {report.path} ({report.pages} pages, {report.size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
