"""Rendering the assembled HTML with WeasyPrint: offline, tagged PDF/UA-1, bundled fonts only.

WeasyPrint's messages are collected (an error stops the build, warnings are
returned), every table header cell gets its ``/Scope`` before the PDF is
written, and the PDF replaces the old one only once it is complete.
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.pdf.errors import PdfError
from briefing.pdf.fetcher import SiteOnlyFetcher
from briefing.pdf.footnote_area import footnote_heights_cached

PRINT_DIR = Path(__file__).resolve().parent.parent / "print"
STYLESHEET = PRINT_DIR / "print.css"
# Every font in the PDF must be one of these bundled families (names as WeasyPrint writes them).
BUNDLED_FONT_PREFIXES = ("Briefing-Sans", "Briefing-Mono")
# PDF/UA-1 (ISO 14289-1): tagged PDF 1.7 whose XMP metadata declares the conformance.
PDF_VARIANT = "pdf/ua-1"
# WeasyPrint reads an SVG element's style attribute as CSS for the HTML box too and warns that
# SVG properties are unknown there; its SVG renderer does use them. Such warnings are dropped.
SVG_PROPERTY_WARNING = re.compile(
    r"^Ignored `(?:fill|stroke|text-anchor|dominant-baseline|alignment-baseline|baseline-shift|clip-path|"
    r"clip-rule|mask|marker|paint-order|stop-color|stop-opacity|vector-effect|shape-rendering|"
    r"text-rendering|color-interpolation|flood-color|flood-opacity|lighting-color)[a-z-]*:.*unknown property"
)


@dataclass
class PdfReport:
    """What one rendering produced."""

    path: Path
    pages: int
    size: int
    warnings: list[str]


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


def _printed_note_ids(document: Any) -> set[str]:
    """The ids of the notes WeasyPrint placed in a footnote area, on any page."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    printed: set[str] = set()
    for page in document.pages:
        for area in page._page_box.children:
            if isinstance(area, FootnoteAreaBox):
                printed.update(note.element.get("id") for note in area.children if note.element is not None)
    return printed


def dropped_notes(markup: str, document: Any) -> list[str]:
    """Each note of ``markup`` that no page of the laid-out ``document`` holds, as "chapter, note N (label)".

    WeasyPrint 70 can lose a note when the line calling it and the one before
    both end up at the foot of a full page; the PDF would then silently lack
    that figure's evidence, so the build says which.
    """
    from lxml import html as lxml_html

    printed = _printed_note_ids(document)
    dropped = []
    for tip in lxml_html.document_fromstring(markup).xpath(
        '//*[contains(concat(" ", @class, " "), " fig__tip ") and @data-note]'
    ):
        if tip.get("id") and tip.get("id") not in printed:
            chapter = next((a.get("data-source") for a in tip.iterancestors("section") if a.get("data-source")), "?")
            labels = [" ".join(label.text_content().split()) for label in tip.find_class("fig__label")]
            dropped.append(f"{chapter}, note {tip.get('data-note')} ({'; '.join(labels) or 'no label'})")
    return dropped


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
        with footnote_heights_cached():
            document = HTML(string=markup, base_url=base_url, url_fetcher=url_fetcher).render(
                stylesheets=[stylesheet], pdf_tags=tagged, font_config=fonts
            )
        with _page_references_cached():
            pdf = document.write_pdf(pdf_identifier=True, finisher=finisher, **options)
    if fetcher.refused:
        raise PdfError(
            "PDF not written: it needs resources from outside the built site, which the offline build refuses:\n"
            + "\n".join(f"  {url}" for url in dict.fromkeys(fetcher.refused))
        )
    errors = [message for level, message in collector.messages if level >= logging.ERROR]
    if errors:
        raise PdfError("PDF not written: WeasyPrint reported errors:\n" + "\n".join(f"  {m}" for m in errors))
    foreign = sorted(name for name in finisher.font_names if not name.startswith(BUNDLED_FONT_PREFIXES))
    if foreign:
        raise PdfError(
            "PDF not written: it would embed fonts that are not the bundled ones (a character the bundled "
            f"fonts lack?): {', '.join(foreign)}"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial-{os.getpid()}")  # a failed write leaves the old PDF
    try:
        partial.write_bytes(pdf)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    warnings = [
        message
        for level, message in collector.messages
        if level < logging.ERROR and not SVG_PROPERTY_WARNING.match(message)
    ]
    warnings += [
        f"the layout dropped the footnote {note}: its evidence is missing from the PDF; a sentence more or "
        "less before it on the page usually brings it back"
        for note in dropped_notes(markup, document)
    ]
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
