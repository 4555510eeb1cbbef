"""Turning the built pages into the chapters of one HTML document for print.

Each page of the site's nav is read from its built HTML (the
``<article class="md-content__inner">`` MkDocs wrote), cleaned of what only
makes sense on screen, rewritten for paper (:mod:`briefing.pdf_markup`),
re-anchored so that its ids stay unique in one document, and placed as a
chapter in ``print/briefing.html.j2``. Every problem of every page is
collected before the build fails.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from lxml import html as lxml_html

from briefing import pdf_markup
from briefing.navigation import NavEntry, built_file
from briefing.pdf.errors import PdfError
from briefing.pdf.project import Cover

PRINT_DIR = Path(__file__).resolve().parent.parent / "print"
TEMPLATE = "briefing.html.j2"
FONTS_CSS = "assets/fonts/fonts.css"
GENERATOR = "MkDocs and WeasyPrint (briefing.pdf)"
# Tables with at most this many body rows are never split across pages.
SHORT_TABLE_ROWS = 12
# Links that never print a page reference: what they point to is evident or listed elsewhere.
NO_PAGE_REFERENCE_CLASSES = ("fig__value", "fig__noteref", "cite", "person")

# What the site shows only on screen: (tag, class) pairs, "" meaning any tag or no class needed.
SCREEN_ONLY: tuple[tuple[str, str], ...] = (
    ("a", "headerlink"),  # the pilcrow permalinks
    ("a", "md-content__button"),  # edit and view-source buttons
    ("", "page-head__byline"),  # per-page byline and dates: the cover says them once
    ("", "page-head__actions"),  # the PDF and Cite buttons, and the citation popover
    ("", "md-source-file"),  # git revision dates
    ("", "md-feedback"),
    ("", "screen-only"),  # wording for a screen ("point at a figure"); .print-only says it for paper
    ("", "fig__links"),  # a figure popover's links to its source and Key figures entry
    ("", "chart__downloads"),  # a chart's files and its data table: the chart is what is read in print,
    ("", "chart__data"),  # and Key figures lists every value with its source
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
    "aria-describedby",
    "aria-labelledby",
    "aria-controls",
    "aria-owns",
    "aria-details",
    "aria-errormessage",
    "aria-flowto",
    "aria-activedescendant",
    "for",
    "headers",
    "form",
    "list",
    "itemref",
)
URL_REFERENCE = re.compile(r"""url\(\s*(['"]?)#([^'")\s]+)\1\s*\)""")
# Inline SVG (the charts) names its own fonts; in the PDF its text is set in the bundled family.
PRINT_FONTS = {"sans": "Briefing Sans", "mono": "Briefing Mono"}
FONT_FAMILY_DECLARATION = re.compile(r"font-family\s*:\s*([^;\"}]+)")


@functools.cache
def print_styled_classes() -> frozenset[str]:
    """The classes ``print/print.css`` styles: spans with none of them are unwrapped for print."""
    return pdf_markup.styled_classes((PRINT_DIR / "print.css").read_text(encoding="utf-8"))


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


class ChapterBuilder:
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
            '//article[contains(concat(" ", normalize-space(@class), " "), " md-content__inner ")]'
        )
        if not articles:
            self.problems.append(f'{self.where(chapter)}: no <article class="md-content__inner"> in the built page')
            return
        article = articles[0]
        pdf_markup.figure_values_as_text(article)
        self._strip_screen_only(article)
        headings = article.xpath(".//h1")
        if not headings:
            self.problems.append(f"{self.where(chapter)}: the page has no title (h1)")
            return
        chapter.title = pdf_markup.text_of(headings[0])
        pdf_markup.scope_table_headers(article)
        pdf_markup.mark_short_tables(article, SHORT_TABLE_ROWS)
        pdf_markup.set_table_columns(article)
        pdf_markup.prepare_charts(article)
        pdf_markup.break_identifiers(article)
        self._use_bundled_fonts_in_svg(article)
        self._reanchor(article, chapter)
        pdf_markup.set_notes(article)
        pdf_markup.unwrap_plain_spans(article, print_styled_classes())
        chapter.body = (article.text or "").strip() + "".join(
            lxml_html.tostring(child, encoding="unicode", with_tail=True) for child in article
        )

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
                if (not tag or element.tag == tag) and (not name or pdf_markup.has_class(element, name)):
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
                        lambda match: f"font-family: '{bundled(match.group(1))}'", style
                    )
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
                    element.set(
                        name, URL_REFERENCE.sub(lambda match: f"url(#{self._anchor(chapter, match.group(2))})", value)
                    )
            if tag == "style" and element.text:
                element.text = URL_REFERENCE.sub(
                    lambda match: f"url(#{self._anchor(chapter, match.group(2))})", element.text
                )
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
                    f'{self.where(chapter)}: <{element.tag} {name}="{shown}"> needs an external resource, '
                    f"{shown}; the PDF is built offline from the site's own files only. "
                    "Save the file under docs/ and link it with a relative path."
                )
                continue
            path, _ = resolved
            if not (self.site_dir / path).is_file():
                self.problems.append(
                    f'{self.where(chapter)}: <{element.tag} {name}="{shown}"> needs {path}, '
                    f"which is not a file of the built site"
                )
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
            if fragment and not any(pdf_markup.has_class(link, name) for name in NO_PAGE_REFERENCE_CLASSES):
                pdf_markup.add_class(link, "xref")
            return
        # A file of the site that is not a chapter (a download, an asset): online only.
        if not self.site_url:
            # No real address to send a reader to: the link's words stay, as plain text.
            link.tag = "span"
            for name in ("href", "type", "download", "target", "rel", "hreflang"):
                link.attrib.pop(name, None)
            pdf_markup.add_class(link, "link--offline")
            return
        absolute = urljoin(self.site_url, quote(path) + (f"#{quote(fragment)}" if fragment else ""))
        link.set("href", absolute)
        self._print_address(link, absolute)

    def _print_address(self, link: lxml_html.HtmlElement, address: str) -> None:
        """Paper cannot be clicked: a link out shows its address, once in the document."""
        if pdf_markup.text_of(link) == address:
            pdf_markup.add_class(link, "link--bare")
            pdf_markup.set_address_text(link, address)
        elif address not in self.printed_addresses:
            pdf_markup.append_address(link, address)
        self.printed_addresses.add(address)

    def check_links(self, known_ids: set[str]) -> None:
        for chapter, href, anchor in self.links:
            if anchor not in known_ids:
                self.problems.append(
                    f"{self.where(chapter)}: the link to {href} has no target in the PDF (no element with that id)"
                )


def collect_ids(markup: str) -> set[str]:
    """Every id in an HTML string."""
    return set(re.findall(r"""\sid=["']([^"']+)["']""", markup))


def template_environment() -> Environment:
    """The Jinja environment of the print templates: autoescaped, strict."""
    return Environment(
        loader=FileSystemLoader(PRINT_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def assemble(
    site_dir: Path,
    pages: Sequence[NavEntry],
    cover: Cover,
    created: dt.datetime,
    use_directory_urls: bool = True,
    docs_dir: str = "docs",
    fonts_css: Path | None = None,
) -> str:
    """The whole briefing as one HTML document, ready for WeasyPrint.

    ``fonts_css`` is the project's own ``docs/assets/fonts/fonts.css``: the PDF embeds
    the full bundled fonts, not the site's copies, which the build subsets for readers.
    """
    fonts_css = fonts_css or site_dir / FONTS_CSS
    chapters: list[Chapter] = []
    anchors: dict[str, str] = {}
    problems: list[str] = []
    for page in pages:
        url = built_file(page.src, use_directory_urls)
        anchor = chapter_slug(url)
        if anchor in anchors:
            problems.append(f"{page.src} and {anchors[anchor]} would both be the chapter '{anchor}'")
        anchors[anchor] = page.src
        chapters.append(Chapter(src=page.src, part=page.section, url=url, anchor=anchor))
    builder = ChapterBuilder(site_dir, chapters, cover.site_address, docs_dir)
    builder.build()
    parts: list[Part] = []
    for chapter in chapters:
        if not parts or parts[-1].title != chapter.part:
            parts.append(Part(chapter.part))
        parts[-1].chapters.append(chapter)
    for part in opening_parts(parts):
        part.chapters[0].part_start = True
    markup = (
        template_environment()
        .get_template(TEMPLATE)
        .render(
            lang=builder.lang or "en",
            cover=cover,
            generator=GENERATOR,
            created=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            stylesheets=[fonts_css.resolve().as_uri()],
            parts=parts,
            chapters=chapters,
        )
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
