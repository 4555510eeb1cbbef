"""The PDF of the whole briefing, read back from the real build.

The site is published once per session exactly as ``make build`` does it
(``published_site`` in conftest.py); these tests read its
``downloads/briefing.pdf`` with pypdf and compare it with the built HTML
pages it was made from.
"""

from __future__ import annotations

import copy
import html
import logging
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from briefing import pdf as briefing_pdf
from briefing.navigation import NavEntry
from briefing.pdf import rendering as pdf_rendering
from briefing.project import Project
from briefing.publish import publish
from tests import pdf_geometry
from tests.conftest import ROOT, nav_pages, page_path

pytestmark = pytest.mark.slow

PDF_PATH = "downloads/briefing.pdf"


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces; curly apostrophes as typed in the data file."""
    return " ".join(text.split())


@dataclass
class BuiltPage:
    """A nav page as the site built it."""

    src: str
    title: str
    article: lxml_html.HtmlElement


@pytest.fixture(scope="module")
def site(published_site: Path) -> Path:
    return published_site


@pytest.fixture(scope="module")
def pdf_bytes(site: Path) -> bytes:
    return (site / PDF_PATH).read_bytes()


@pytest.fixture(scope="module")
def reader(pdf_bytes: bytes) -> PdfReader:
    import io

    return PdfReader(io.BytesIO(pdf_bytes))


@pytest.fixture(scope="module")
def page_texts(reader: PdfReader) -> list[str]:
    """The text of each PDF page, running head and footer included."""
    return [page.extract_text() or "" for page in reader.pages]


@pytest.fixture(scope="module")
def pdf_pages(site: Path) -> list[pdf_geometry.Page]:
    """Every PDF page with its words' boxes, as poppler reads them."""
    if not pdf_geometry.have_pdftotext():
        message = "pdftotext missing: install poppler-utils"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    return pdf_geometry.read_pages(site / PDF_PATH)


@pytest.fixture(scope="module")
def built_pages(site: Path) -> list[BuiltPage]:
    pages = []
    for src in nav_pages():
        document = lxml_html.document_fromstring((site / page_path(src) / "index.html").read_text(encoding="utf-8"))
        article = document.xpath('//article[contains(@class, "md-content__inner")]')[0]
        for permalink in article.xpath('.//a[contains(@class, "headerlink")]'):
            permalink.drop_tree()
        title = normalise(article.xpath(".//h1")[0].text_content())
        pages.append(BuiltPage(src, title, article))
    return pages


@pytest.fixture(scope="module")
def chapter_starts(built_pages: list[BuiltPage], reader: PdfReader, page_texts: list[str]) -> dict[str, int]:
    """1-based PDF page where each chapter starts: where its bookmark points, a page that shows its title."""
    bookmarks = {
        entry["/Title"]: reader.get_destination_page_number(entry) + 1
        for entry in reader.outline
        if not isinstance(entry, list)
    }
    starts = {}
    for page in built_pages:
        assert page.title in bookmarks, f"{page.src}: no bookmark for '{page.title}'"
        start = bookmarks[page.title]
        assert page.title in normalise(page_texts[start - 1]), f"{page.src}: '{page.title}' is not on page {start}"
        starts[page.src] = start
    return starts


def chapter_text(page: BuiltPage, built_pages: list[BuiltPage], starts: dict[str, int], texts: list[str]) -> str:
    """The text of the PDF pages of one chapter (with the pages it shares with the chapters either side)."""
    first = starts[page.src]
    index = built_pages.index(page)
    last = starts[built_pages[index + 1].src] if index + 1 < len(built_pages) else len(texts)
    return normalise(" ".join(texts[first - 1 : last]))


def test_pdf_is_written_into_the_site(site: Path, reader: PdfReader, built_pages: list[BuiltPage]) -> None:
    path = site / PDF_PATH
    assert path.read_bytes().startswith(b"%PDF-")
    assert len(reader.pages) >= len(built_pages) + 2  # cover, contents, a page or more per chapter
    assert oct(path.stat().st_mode & 0o044) == oct(0o044), "the PDF must be readable by the web server"


def test_chapters_follow_the_nav_order(built_pages: list[BuiltPage], chapter_starts: dict[str, int]) -> None:
    starts = [chapter_starts[page.src] for page in built_pages]
    assert starts == sorted(starts)


def test_parts_start_pages_and_chapters_run_on(
    built_pages: list[BuiltPage],
    chapter_starts: dict[str, int],
    page_texts: list[str],
    pdf_pages: list[pdf_geometry.Page],
) -> None:
    """The front matter, the main matter (first nav section) and the reference part (last section) open a page,
    unless the page before would be left less than about 40 % full: then the part runs on, high on that page.
    The other chapters run on."""
    from briefing.navigation import nav_entries, read_mkdocs_config

    sections = [entry.section for entry in nav_entries(read_mkdocs_config(ROOT / "mkdocs.yml")["nav"])]
    part_of = dict(zip([page.src for page in built_pages], sections, strict=True))
    titled = [section for section in dict.fromkeys(sections) if section]
    opening = {built_pages[0].src} | {
        next(page.src for page in built_pages if part_of[page.src] == section) for section in (titled[0], titled[-1])
    }
    run_on = 0
    for page in built_pages:
        start = chapter_starts[page.src]
        opens_page = normalise(page_texts[start - 1]).startswith(page.title)
        if page.src in opening and not opens_page:
            words = page.title.split()
            heading = next(line for line in pdf_pages[start - 1].lines if line.text.startswith(" ".join(words[:2])))
            share = heading.baseline / pdf_pages[start - 1].height
            assert share < 0.5, f"{page.src} opens a part but runs on at {share:.0%} of page {start}"
        run_on += page.src not in opening and not opens_page
    assert run_on >= 3, "chapters of a part run on instead of each opening a page"
    assert normalise(page_texts[chapter_starts[built_pages[1].src] - 1]).startswith(built_pages[1].title)


def test_every_figure_appears_as_the_html_renders_it(
    built_pages: list[BuiltPage], chapter_starts: dict[str, int], page_texts: list[str]
) -> None:
    problems = []
    checked = 0
    for page in built_pages:
        wanted = Counter(
            normalise(value.text_content())
            for value in page.article.xpath(
                './/*[contains(concat(" ", @class, " "), " fig__value ") or contains(concat(" ", @class, " "), " fig-value ")]'
            )
        )
        text = chapter_text(page, built_pages, chapter_starts, page_texts)
        for value, count in wanted.items():
            pattern = re.compile(r"(?<![\w.$])" + re.escape(value).replace(r"\ ", r"\s+") + r"(?![\w$])")
            found = len(pattern.findall(text))
            checked += count
            if found < count:
                problems.append(f"{page.src}: {value!r} appears {found} times in the PDF, {count} in the HTML")
    assert checked > 50, "the briefing has more figures than that: did the selector break?"
    assert not problems, "\n".join(problems)


def test_no_heading_ends_a_page(pdf_pages: list[pdf_geometry.Page]) -> None:
    """A heading (and a chapter's standfirst) is followed on its page by at least three lines of text.

    Seen on the contact sheet: "Military cooperation" and its summary sat alone at the foot
    of a page, their text on the next. Allowed only where the chapter ends on that page
    (the next page opens with a chapter title).
    """
    heading_box, title_box = 16.0, 24.0  # word-box heights: h2/h3 from 12.5 pt type, h1 from 20 pt

    def body_lines(page: pdf_geometry.Page) -> list[pdf_geometry.Line]:
        return [
            line
            for line in page.lines
            if page.in_page_area(line.words[0])
            and any(word.height >= pdf_geometry.BODY_BOX_HEIGHT for word in line.words)
        ]

    stranded = []
    for index, page in enumerate(pdf_pages[1:-1], start=1):  # not the cover, not the last page
        lines = body_lines(page)
        headings = [at for at, line in enumerate(lines) if max(word.height for word in line.words) >= heading_box]
        if not headings or len(lines) - headings[-1] - 1 >= 3:
            continue
        following = body_lines(pdf_pages[index + 1])
        if following and max(word.height for word in following[0].words) >= title_box:
            continue  # the chapter ends here; the next one opens the next page
        stranded.append(f"page {page.number}: {lines[headings[-1]].text!r}")
    assert stranded == []


def test_every_figure_source_is_a_footnote(site: Path, pdf_pages: list[pdf_geometry.Page]) -> None:
    """Each figure's evidence (its label, period and source sentence) is in a note: WeasyPrint must drop none."""
    notes = normalise(" ".join(note for page in pdf_pages for note in pdf_geometry.notes(page)))
    missing = []
    tips = 0
    for src in nav_pages():
        document = lxml_html.document_fromstring((site / page_path(src) / "index.html").read_text(encoding="utf-8"))
        for tip in document.xpath('//article//*[contains(concat(" ", @class, " "), " fig__tip ")]'):
            tips += 1
            for name in ("fig__label", "fig__quote", "fig__formula"):
                for part in tip.xpath(f'.//*[contains(concat(" ", @class, " "), " {name} ")]'):
                    if normalise(part.text_content()) not in notes:
                        missing.append(f"{src}: {normalise(part.text_content())}")
    assert tips > 20
    assert not missing, "not in any note:\n" + "\n".join(missing)


def test_contents_gives_the_page_where_each_chapter_starts(
    built_pages: list[BuiltPage], chapter_starts: dict[str, int], page_texts: list[str]
) -> None:
    contents = [normalise(line) for line in page_texts[1].splitlines()]
    assert contents[0] == "Contents"
    for page in built_pages:
        pattern = re.compile(re.escape(page.title) + r"\s*(?:\.\s*)+(\d+)$")
        numbers = [int(match.group(1)) for line in contents if (match := pattern.match(line))]
        assert numbers == [chapter_starts[page.src]], f"{page.title}: contents say {numbers}"


def link_target_pages(reader: PdfReader, page_index: int) -> list[int]:
    """1-based pages that the internal links on one page go to."""
    targets = []
    for annotation in reader.pages[page_index].get("/Annots") or []:
        annotation = annotation.get_object()
        destination = annotation.get("/Dest")
        action = annotation.get("/A")
        if destination is None and action is not None and action.get("/S") == "/GoTo":
            destination = action.get("/D")
        if destination is None:
            continue
        if isinstance(destination, str) or not hasattr(destination, "__getitem__"):
            destination = reader.named_destinations[str(destination)]
            targets.append(reader.get_destination_page_number(destination) + 1)
        else:
            targets.append(reader.get_page_number(destination[0].get_object()) + 1)
    return targets


def test_cross_references_give_the_right_page(reader: PdfReader, page_texts: list[str]) -> None:
    """A reference to a place in another part of the briefing prints the page its link goes to, "(p. 12)"."""
    seen = 0
    for index, text in enumerate(page_texts):
        printed = [int(number) for number in re.findall(r"\(p\.\s?(\d+)\)", normalise(text))]
        targets = link_target_pages(reader, index)
        for number in printed:
            seen += 1
            assert number in targets, f"page {index + 1}: (p. {number}) but its links go to {sorted(set(targets))}"
    assert seen >= 3, "Key figures' derived figures alone refer to more places"


def test_links_to_whole_chapters_print_no_page(page_texts: list[str], built_pages: list[BuiltPage]) -> None:
    """The contents give each chapter's page; a link to a chapter does not repeat it (and costs no re-layout)."""
    text = normalise(" ".join(page_texts[2:]))
    for page in built_pages:
        assert not re.search(re.escape(page.title) + r" \(p\.\s?\d+\)", text), page.title


def test_internal_links_are_clickable(reader: PdfReader) -> None:
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if annotation.get("/Dest") is not None or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
    assert internal > 50


REAL_ADDRESS = "https://briefing-desk.github.io/xi-russia-2023/"


@pytest.fixture(scope="module")
def pdf_with_real_address(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The briefing's PDF made as for a deployment: ``site_url`` in mkdocs.yml set to a real address."""
    from tests.conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("deployed") / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert re.search(r"^site_url: .*$", text, flags=re.M)
    config.write_text(re.sub(r"^site_url: .*$", f"site_url: {REAL_ADDRESS}", text, flags=re.M), encoding="utf-8")
    output = tmp_path_factory.mktemp("deployed-pdf") / "briefing.pdf"
    briefing_pdf.build_pdf(project, site, output)
    return output


def test_placeholder_site_address_is_never_printed(reader: PdfReader, page_texts: list[str]) -> None:
    """mkdocs.yml's site_url is a placeholder (example.org): no address of the site, no link to it."""
    assert "example.org" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), "the test assumes the placeholder"
    assert "Online at" not in page_texts[0]
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                assert "example.org" not in str(action["/URI"])


def test_real_site_address_and_links_out_are_printed_once(pdf_with_real_address: Path) -> None:
    """With a real site_url the cover gives it, and every link out shows its address once, wrapping cleanly."""
    reader = PdfReader(pdf_with_real_address)
    texts = [page.extract_text() or "" for page in reader.pages]
    assert f"Online at {REAL_ADDRESS}" in normalise(texts[0]).replace(" ", " ")
    pages = pdf_geometry.read_pages(pdf_with_real_address)
    # The text without running heads and footers, whitespace removed: addresses may wrap, even to the next page.
    text = "".join(word.text for page in pages for word in page.words if page.in_page_area(word))
    addresses = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                addresses.add(str(action["/URI"]))
    assert any(address.startswith(REAL_ADDRESS + "downloads/") for address in addresses), addresses
    for address in addresses:
        assert address in text, address
        printed = text.count(f"({address})")
        assert printed <= 1, f"{address} printed {printed} times"
    # An address wraps after "/" or ".", never at one of its own hyphens (a reader's copy would drop it).
    for page in pages:
        for line in page.lines:
            last = line.words[-1].text
            assert not ("/" in last and last.endswith("-")), f"page {page.number}: address broken at a hyphen: {last}"
        assert not pdf_geometry.words_outside_text_block(page) or page.number == 1


def test_screen_only_parts_are_gone(page_texts: list[str]) -> None:
    text = "\n".join(page_texts)
    assert "¶" not in text
    for screen_only in (
        "PDF of the briefing",
        "Download: plain text",
        "This page:",
        "Key figures entry",
        "Published 27",
    ):
        assert screen_only not in text, screen_only
    assert "Every number in the briefing, with its source and exact wording." in " ".join(
        text.split()
    )  # a standfirst stays


def test_the_downloads_are_listed_once(page_texts: list[str]) -> None:
    """Seen on the contact sheet: Key figures and About both printed the list of files (pages 14 and 22)."""
    text = " ".join("\n".join(page_texts).split())
    assert text.count("Cite this briefing: plain text") == 1
    assert text.count("figures.csv: every figure and derived figure") == 1


def test_running_head_and_page_footer(
    page_texts: list[str],
    built_pages: list[BuiltPage],
    chapter_starts: dict[str, int],
    pdf_pages: list[pdf_geometry.Page],
) -> None:
    total = len(page_texts)
    for number, text in enumerate(page_texts[1:], start=2):
        assert f"Page {number} of {total}" in text
    for number in range(3, total + 1):
        # The head names the chapter at the top of the page: one opening the page, or the one running on.
        opening = [
            page.title
            for page in built_pages
            if chapter_starts[page.src] == number and normalise(page_texts[number - 1]).startswith(page.title)
        ]
        running = [page.title for page in built_pages if chapter_starts[page.src] < number][-1:]
        page = pdf_pages[number - 1]
        head = " ".join(word.text for word in page.words if word.y_max < page.text_block[1])
        assert head.endswith(tuple(opening or running)), f"page {number}: running head {head!r}"
    assert "Page 1 of" not in page_texts[0], "the cover has no footer"


def test_outline_lists_the_chapters_in_order(
    reader: PdfReader, built_pages: list[BuiltPage], page_texts: list[str]
) -> None:
    """The bookmarks are the contents: the same titles, in order, to the pages the contents give."""
    top = [entry for entry in reader.outline if not isinstance(entry, list)]
    assert [entry["/Title"] for entry in top] == ["Contents", *[page.title for page in built_pages]]
    contents = {
        match.group(1): int(match.group(2))
        for line in page_texts[1].splitlines()
        if (match := re.match(r"(.+?)\s*(?:\.\s*)+(\d+)$", normalise(line)))
    }
    for entry in top[1:]:
        assert contents[entry["/Title"]] == reader.get_destination_page_number(entry) + 1, entry["/Title"]


# ---------------------------------------------------------------------------
# The page as a reader sees it (word boxes from poppler)


def test_every_word_lies_inside_the_text_block(pdf_pages: list[pdf_geometry.Page]) -> None:
    outside = [
        f"page {page.number}: {word.text!r} at x {word.x_min:.0f}-{word.x_max:.0f}, y {word.y_max:.0f}"
        for page in pdf_pages[1:]
        for word in pdf_geometry.words_outside_text_block(page)
    ]
    assert sum(len(page.words) for page in pdf_pages) > 3000
    assert not outside, "\n".join(outside[:20])


def test_no_note_marker_follows_a_digit(pdf_pages: list[pdf_geometry.Page]) -> None:
    """ "10²" reads as ten squared: a marker follows the word or punctuation that closes the phrase."""
    markers = sum(
        pdf_geometry.is_marker(word, line) for page in pdf_pages for line in page.lines for word in line.words
    )
    assert markers > 20, "the briefing has more note markers than that: did the marker detection break?"
    glued = [f"page {page.number}: {found}" for page in pdf_pages for found in pdf_geometry.markers_after_digits(page)]
    assert not glued, glued


def test_no_note_marker_starts_a_line(pdf_pages: list[pdf_geometry.Page]) -> None:
    """Seen on page 5: "…during the visit." ended a line and "¹ They included…" began the next."""
    stranded = [
        f"page {page.number}: {found}" for page in pdf_pages for found in pdf_geometry.markers_starting_lines(page)
    ]
    assert not stranded, stranded


def test_no_page_repeats_a_note(pdf_pages: list[pdf_geometry.Page]) -> None:
    """One source sentence behind several figures on a page is one note, referred to several times."""
    repeated = []
    noted = 0
    for page in pdf_pages:
        quotes = Counter(pdf_geometry.quoted(note) for note in pdf_geometry.notes(page))
        noted += sum(quotes.values())
        repeated += [f"page {page.number}: {quote[:60]!r} x{count}" for quote, count in quotes.items() if count > 1]
    assert noted > 15
    assert not repeated, repeated


def test_no_page_but_the_cover_and_the_last_is_mostly_empty(pdf_pages: list[pdf_geometry.Page]) -> None:
    """Every page between the cover and the last has body text below 40 % of its height."""
    empty = []
    for page in pdf_pages[1:-1]:
        lowest = pdf_geometry.lowest_body_line(page)
        if lowest is None or lowest < 0.4 * page.height:
            empty.append(f"page {page.number}: lowest body line at {100 * (lowest or 0) / page.height:.0f} %")
    assert not empty, empty


def test_print_wording(page_texts: list[str]) -> None:
    """Paper cannot be pointed at or clicked, and a placeholder address is never printed."""
    text = normalise(" ".join(page_texts)).lower()
    for phrase in ("example.org", "example.com", "localhost", "hover", "point at", "click", "tap on"):
        assert phrase not in text, phrase
    assert "notes at the foot of its page" in text, "the Sources page says where a figure's evidence is in print"


def test_pdf_ua_conformance_is_declared(reader: PdfReader) -> None:
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfuaid:part(="1"|>1<)', metadata), metadata
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]


def structure_elements(reader: PdfReader) -> list[dict]:
    """Every element of the PDF's structure tree, depth first."""
    found = []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        kids = kids if isinstance(kids, list) else [kids]
        for kid in reversed(kids):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and kid.get("/Type") in (None, "/StructElem") and "/S" in kid:
                found.append(kid)
                stack.append(kid)
    return found


def descendants(element: dict) -> list[dict]:
    found = []
    kids = element.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and "/S" in kid:
            found += [kid, *descendants(kid)]
    return found


def test_every_table_has_scoped_header_cells(reader: PdfReader, built_pages: list[BuiltPage]) -> None:
    tables = [element for element in structure_elements(reader) if element["/S"] == "/Table"]
    shown = sum(len(page.article.xpath(".//table[not(ancestor::details)]")) for page in built_pages)
    assert len({id(table) for table in tables}) >= shown >= 2, "the About and Key figures tables at least"
    for table in tables:
        headers = [cell for cell in descendants(table) if cell["/S"] == "/TH"]
        assert headers, "a table without header cells"
        for cell in headers:
            assert cell["/A"]["/Scope"] in ("/Row", "/Column"), cell


def test_every_chart_image_has_alternative_text(reader: PdfReader, built_pages: list[BuiltPage]) -> None:
    figures = [element for element in structure_elements(reader) if element["/S"] == "/Figure"]
    charts = sum(len(page.article.xpath('.//figure[contains(@class, "chart")]')) for page in built_pages)
    assert charts >= 4
    assert len(figures) >= charts
    for figure in figures:
        assert str(figure.get("/Alt", "")).strip(), figure
    alternatives = " ".join(str(figure["/Alt"]) for figure in figures)
    assert "Turnover, 2022: US$185 billion" in alternatives, "a chart's text alternative gives its values"


def test_cover(page_texts: list[str]) -> None:
    from briefing.data import load_briefing
    from briefing.formatting import format_day

    meta = load_briefing(ROOT / "data" / "briefing.yml").meta
    cover = normalise(page_texts[0])
    for expected in (meta.title, meta.subtitle, meta.version, meta.publisher, format_day(meta.as_of)):
        assert normalise(expected) in cover


def test_metadata(reader: PdfReader) -> None:
    from briefing.data import load_briefing

    meta = load_briefing(ROOT / "data" / "briefing.yml").meta
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or Project.load(ROOT).updated_epoch())
    info = reader.metadata
    assert info.title == meta.title
    assert info.author == meta.author
    assert info.subject
    assert info.creation_date.timestamp() == epoch
    assert info.modification_date.timestamp() == epoch
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_pdf_is_tagged_for_assistive_technology(reader: PdfReader) -> None:
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog


def test_only_bundled_fonts_all_embedded(reader: PdfReader, pdf_bytes: bytes) -> None:
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts
    for name, font in fonts.items():
        assert re.fullmatch(r"/[A-Z]{6}\+Briefing-(Sans|Mono)(-[A-Za-z-]+)?", name), f"not a bundled font: {name}"
        descriptor = (
            font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            if "/DescendantFonts" in font
            else font["/FontDescriptor"]
        )
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"
    assert briefing_pdf.pdf_font_names(pdf_bytes) == {name.partition("+")[2] for name in fonts}


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_reports_every_font_embedded(site: Path) -> None:
    listing = subprocess.run(["pdffonts", str(site / PDF_PATH)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        columns = row.split()
        assert columns[-5] == "yes", f"not embedded: {row}"


def test_every_character_is_in_the_bundled_fonts(built_pages: list[BuiltPage]) -> None:
    """The fonts' unicode-range claims cover; a character they lack would print as a blank box."""
    from fontTools.ttLib import TTFont

    fonts_dir = ROOT / "docs" / "assets" / "fonts"
    covered = set(TTFont(fonts_dir / "noto-sans-400-normal.woff2").getBestCmap())
    used = {char for page in built_pages for char in page.article.text_content() if not char.isspace()}
    used -= {"¶"}  # permalinks are stripped from the PDF
    missing = sorted(char for char in used if ord(char) not in covered)
    assert not missing, f"not in the bundled font: {missing}"


def test_cli_regenerates_the_same_bytes(site: Path, pdf_bytes: bytes, tmp_path: Path) -> None:
    """``python -m briefing.pdf --site DIR`` on a built site gives the PDF the build gave."""
    output = tmp_path / "again.pdf"
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or Project.load(ROOT).updated_epoch()}
    completed = subprocess.run(
        [sys.executable, "-m", "briefing.pdf", "--site", str(site), "--project", str(ROOT), "--output", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert output.read_bytes() == pdf_bytes
    # What a step did goes to standard output, as for make build (briefing.logs.to_terminal).
    assert completed.stdout.strip().splitlines()[-1].startswith(f"PDF written: {output} (")


def test_problems_go_to_the_briefing_logger(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command reports through ``logging.getLogger("briefing")``, not print(); stdout stays empty."""
    with caplog.at_level(logging.INFO, logger="briefing"):
        assert briefing_pdf.main(["--site", str(tmp_path), "--project", str(ROOT)]) == 1
    assert [(record.name, record.levelno) for record in caplog.records] == [("briefing", logging.ERROR)]
    assert f"{tmp_path} is not a built site (no index.html)" in caplog.records[0].getMessage()
    assert capsys.readouterr().out == ""


def test_two_builds_give_identical_bytes(pdf_bytes: bytes, republished_site: Path) -> None:
    assert (republished_site / PDF_PATH).read_bytes() == pdf_bytes


def test_page_needing_an_external_resource_fails_the_build(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = project / "docs" / "energy.md"
    page.write_text(
        page.read_text(encoding="utf-8") + '\n<img src="https://example.com/x.png" alt="A map">\n', encoding="utf-8"
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    assert publish(project, site) == 1
    error = caplog.text
    assert "https://example.com/x.png" in error
    assert "docs/energy.md" in error
    assert [path.name for path in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"
    assert not list(tmp_path.glob(".site-*")), "the staging directory is left behind"


# ---------------------------------------------------------------------------
# The offline fetcher and the checks, on a small site made here


def small_site(root: Path, body: str) -> Path:
    """A one-page built site with the bundled fonts, whose article holds ``body``."""
    site = root / "site"
    (site / "assets").mkdir(parents=True)
    shutil.copytree(ROOT / "docs" / "assets" / "fonts", site / "assets" / "fonts")
    (site / "index.html").write_text(
        '<html lang="en"><body><article class="md-content__inner md-typeset">'
        f'<h1 id="home">Home</h1>{body}</article></body></html>',
        encoding="utf-8",
    )
    return site


COVER = briefing_pdf.Cover(
    title="T",
    subtitle="S",
    as_of="1 March 2023",
    version="1.0.0",
    updated="2 March 2023",
    publisher="P",
    author="A",
    licence="L",
    description="D",
    site_url="https://example.org/",
)


def render_small(site: Path) -> briefing_pdf.PdfReport:
    import datetime as dt

    markup = briefing_pdf.assemble(
        site, [NavEntry(None, "Home", "index.md")], COVER, dt.datetime(2023, 3, 1, tzinfo=dt.UTC)
    )
    return briefing_pdf.render(markup, site, site / PDF_PATH)


@pytest.mark.parametrize(
    "reference",
    [
        "https://example.com/x.png",
        "http://example.com/x.png",
        "//example.com/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/hostname",
    ],
)
def test_external_image_is_refused_before_rendering(tmp_path: Path, reference: str) -> None:
    site = small_site(tmp_path, f'<p><img src="{html.escape(reference)}" alt="x"></p>')
    with pytest.raises(briefing_pdf.PdfError) as error:
        render_small(site)
    assert reference[:40] in str(error.value)
    assert "index.md" in str(error.value)
    assert not (site / PDF_PATH).exists()


def test_resource_outside_the_site_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"not in the site")
    site = small_site(tmp_path, '<p><img src="../secret.png" alt="x"></p>')
    with pytest.raises(briefing_pdf.PdfError, match="not a file of the built site"):
        render_small(site)


def test_fetcher_refuses_what_the_page_scan_cannot_see(tmp_path: Path) -> None:
    """A url() in a style attribute reaches WeasyPrint's fetcher, which refuses it and fails the build."""
    site = small_site(tmp_path, '<p style="background: url(https://example.com/bg.png)">x</p>')
    with pytest.raises(briefing_pdf.PdfError, match=re.escape("https://example.com/bg.png")):
        render_small(site)
    assert not (site / PDF_PATH).exists()


def test_fetcher_serves_files_inside_the_site_only(tmp_path: Path) -> None:
    site = small_site(tmp_path, "<p>x</p>")
    fetcher = briefing_pdf.SiteOnlyFetcher([site])
    inside = (site / "assets" / "fonts" / "fonts.css").resolve()
    assert fetcher.allowed_path(inside.as_uri()) == inside
    assert fetcher.allowed_path((site / "missing.png").resolve().as_uri()) is None
    assert fetcher.allowed_path((site / ".." / "elsewhere.png").resolve().as_uri()) is None
    assert fetcher.allowed_path("https://example.com/x.png") is None
    assert fetcher.allowed_path("data:text/plain,x") is None


def test_local_image_and_links_are_kept(tmp_path: Path) -> None:
    site = small_site(
        tmp_path,
        '<p id="p">A <a href="#p">link</a>, <a href="https://example.com/">out</a>.</p>'
        '<p><img src="assets/dot.png" alt="dot"></p>',
    )
    from PIL import Image

    Image.new("RGB", (4, 4), "red").save(site / "assets" / "dot.png")
    report = render_small(site)
    text = normalise(" ".join(page.extract_text() for page in PdfReader(report.path).pages))
    assert "out (https://example.com/)" in text
    assert "link (p. 3)" in text


def test_link_to_a_missing_anchor_fails(tmp_path: Path) -> None:
    site = small_site(tmp_path, '<p><a href="#nowhere">here</a></p>')
    with pytest.raises(briefing_pdf.PdfError, match="#nowhere has no target"):
        render_small(site)


def test_chapter_ids_are_prefixed_and_references_follow(tmp_path: Path) -> None:
    site = small_site(
        tmp_path,
        '<p id="a" aria-describedby="b">x</p><small id="b">y</small>'
        '<svg viewBox="0 0 10 10"><defs><clipPath id="c"><rect width="5" height="5"/>'
        '</clipPath></defs><rect width="9" height="9" clip-path="url(#c)"/>'
        '<text font-family="DejaVu Sans" x="1" y="9">t</text></svg>',
    )
    import datetime as dt

    markup = briefing_pdf.assemble(
        site, [NavEntry(None, "Home", "index.md")], COVER, dt.datetime(2023, 3, 1, tzinfo=dt.UTC)
    )
    assert 'id="home--a"' in markup and 'aria-describedby="home--b"' in markup
    assert "url(#home--c)" in markup and 'id="home--c"' in markup
    assert "DejaVu" not in markup
    report = briefing_pdf.render(markup, site, site / PDF_PATH)
    assert briefing_pdf.foreign_fonts(report.path.read_bytes()) == []


def test_cached_page_references_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pydyf workaround (page references built once per page count) changes no byte of the PDF."""
    import contextlib

    paragraphs = "".join(f"<h2 id='s{n}'>Section {n}</h2><p>{'Words on a page. ' * 80}</p>" for n in range(12))
    site = small_site(tmp_path, paragraphs)
    cached = render_small(site).path.read_bytes()
    monkeypatch.setattr(pdf_rendering, "_page_references_cached", contextlib.nullcontext)
    assert len(PdfReader(site / PDF_PATH).pages) > 4
    assert render_small(site).path.read_bytes() == cached


def test_charts_span_the_text_width_with_their_captions(reader: PdfReader, pdf_pages: list[pdf_geometry.Page]) -> None:
    """A chart fills the text width, or a phone-sized drawing sits at the left with its caption beside it."""
    px = 0.75  # WeasyPrint's structure boxes are in CSS px; poppler's words in pt
    figures = [element for element in structure_elements(reader) if element["/S"] == "/Figure"]
    assert figures
    for figure in figures:
        x1, y1, x2, y2 = (float(value) * px for value in figure["/A"]["/BBox"])
        page = pdf_pages[reader.get_page_number(figure["/Pg"].get_object())]
        left, _, right, _ = page.text_block
        title = str(figure["/Alt"]).split(". ")[0]
        assert abs(x1 - left) < 1.5, f"{title}: starts at x {x1:.0f}, the text block at {left:.0f}"
        if x2 >= right - 1.5:
            continue
        beside = " ".join(
            word.text for word in page.words if word.x_min > x2 and y1 - 2 <= word.y_min and word.y_max <= y2 + 2
        )
        assert " ".join(title.split()[:4]) in beside, f"{title}: {x2 - x1:.0f} pt wide, caption not beside it"
        assert max(word.x_max for word in page.words if word.x_min > x2 and y1 - 2 <= word.y_min <= y2) > right - 30


def test_boxes_are_not_split(built_pages: list[BuiltPage], page_texts: list[str]) -> None:
    """An admonition (the Key points box) starts and ends on the same page."""
    checked = 0
    for page in built_pages:
        for box in page.article.xpath('.//*[contains(concat(" ", @class, " "), " admonition ")]'):
            box = copy.deepcopy(box)
            for tip in box.xpath('.//*[contains(concat(" ", @class, " "), " fig__tip ")]'):
                tip.drop_tree()  # a footnote in print
            words = normalise(box.text_content()).split()
            first, last = " ".join(words[:3]), " ".join(words[-4:])
            pages = [
                number
                for number, text in enumerate(page_texts, start=1)
                if first in normalise(text) and last in normalise(text)
            ]
            assert pages, f"{page.src}: the box '{first} … {last}' is split across pages"
            checked += 1
    assert checked >= 1
