"""The PDF of the whole briefing, read back from the real build.

The site is published once per session exactly as ``make build`` does it
(``published_site`` in conftest.py); these tests read its
``downloads/briefing.pdf`` with pypdf and compare it with the built HTML
pages it was made from.
"""

from __future__ import annotations

import html
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
from briefing.project import Project
from briefing.publish import publish
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
def chapter_starts(built_pages: list[BuiltPage], page_texts: list[str]) -> dict[str, int]:
    """1-based PDF page where each chapter starts: the page whose text begins with the chapter's title."""
    starts = {}
    for page in built_pages:
        found = [number for number, text in enumerate(page_texts, start=1)
                 if number > 2 and normalise(text.split("\n", 1)[0]) == page.title]
        assert len(found) == 1, f"{page.src}: chapter '{page.title}' starts on pages {found}"
        starts[page.src] = found[0]
    return starts


def chapter_text(page: BuiltPage, built_pages: list[BuiltPage], starts: dict[str, int], texts: list[str]) -> str:
    """The text of the PDF pages of one chapter."""
    first = starts[page.src]
    index = built_pages.index(page)
    last = starts[built_pages[index + 1].src] - 1 if index + 1 < len(built_pages) else len(texts)
    return normalise(" ".join(texts[first - 1:last]))


def test_pdf_is_written_into_the_site(site: Path, reader: PdfReader, built_pages: list[BuiltPage]) -> None:
    path = site / PDF_PATH
    assert path.read_bytes().startswith(b"%PDF-")
    assert len(reader.pages) >= len(built_pages) + 2  # cover, contents, a page or more per chapter
    assert oct(path.stat().st_mode & 0o044) == oct(0o044), "the PDF must be readable by the web server"


def test_chapters_follow_the_nav_order(built_pages: list[BuiltPage], chapter_starts: dict[str, int]) -> None:
    starts = [chapter_starts[page.src] for page in built_pages]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)


def test_every_figure_appears_as_the_html_renders_it(
    built_pages: list[BuiltPage], chapter_starts: dict[str, int], page_texts: list[str]
) -> None:
    problems = []
    checked = 0
    for page in built_pages:
        wanted = Counter(normalise(value.text_content()) for value in page.article.xpath(
            './/*[contains(concat(" ", @class, " "), " fig__value ") or contains(concat(" ", @class, " "), " fig-value ")]'))
        text = chapter_text(page, built_pages, chapter_starts, page_texts)
        for value, count in wanted.items():
            pattern = re.compile(r"(?<![\w.$])" + re.escape(value).replace(r"\ ", r"\s+") + r"(?![\w$])")
            found = len(pattern.findall(text))
            checked += count
            if found < count:
                problems.append(f"{page.src}: {value!r} appears {found} times in the PDF, {count} in the HTML")
    assert checked > 50, "the briefing has more figures than that: did the selector break?"
    assert not problems, "\n".join(problems)


def test_every_figure_source_is_a_footnote(site: Path, page_texts: list[str]) -> None:
    """Each figure's tip (label and period) is printed once per figure: WeasyPrint must drop none."""
    wanted: Counter[str] = Counter()
    for src in nav_pages():
        document = lxml_html.document_fromstring((site / page_path(src) / "index.html").read_text(encoding="utf-8"))
        for tip in document.xpath('//article//*[contains(concat(" ", @class, " "), " fig__tip ")]'):
            label = tip.xpath('.//*[@class="fig__label"]')[0].text_content()
            period = tip.xpath('.//*[@class="fig__period"]')[0].text_content()
            wanted[normalise(f"{label} {period}")] += 1
    text = normalise(" ".join(page_texts))
    missing = {entry: (count, text.count(entry)) for entry, count in wanted.items() if text.count(entry) < count}
    assert sum(wanted.values()) > 20
    assert not missing, f"footnotes missing (wanted, found): {missing}"


def test_contents_gives_the_page_where_each_chapter_starts(
    built_pages: list[BuiltPage], chapter_starts: dict[str, int], page_texts: list[str]
) -> None:
    contents = [normalise(line) for line in page_texts[1].splitlines()]
    assert contents[0] == "Contents"
    for page in built_pages:
        pattern = re.compile(re.escape(page.title) + r"\s*(?:\.\s*)+(\d+)$")
        numbers = [int(match.group(1)) for line in contents if (match := pattern.match(line))]
        assert numbers == [chapter_starts[page.src]], f"{page.title}: contents say {numbers}"


def test_cross_references_give_the_right_page(
    built_pages: list[BuiltPage], chapter_starts: dict[str, int], page_texts: list[str]
) -> None:
    text = normalise(" ".join(page_texts[2:]))
    seen = 0
    for page in built_pages:
        for match in re.finditer(re.escape(page.title) + r" \(p\.\s?(\d+)\)", text):
            seen += 1
            assert int(match.group(1)) == chapter_starts[page.src], f"{match.group(0)}: starts on {chapter_starts[page.src]}"
    assert seen >= 5, "the Home page's list of pages alone has more cross-references"


def test_internal_links_are_clickable(reader: PdfReader) -> None:
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if annotation.get("/Dest") is not None or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
    assert internal > 50


def test_external_links_are_printed(reader: PdfReader, page_texts: list[str]) -> None:
    """Every link out of the PDF shows its address in the text, so that it can be followed on paper."""
    text = "".join("".join(page_texts).split())  # addresses wrap anywhere
    addresses = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                addresses.add(str(action["/URI"]))
    assert addresses, "the briefing links out (downloads, the site itself)"
    for address in addresses:
        assert address in text, address


def test_screen_only_parts_are_gone(page_texts: list[str]) -> None:
    text = "\n".join(page_texts)
    assert "¶" not in text
    assert "Download the whole briefing (PDF)" not in text


def test_running_head_and_page_footer(page_texts: list[str], built_pages: list[BuiltPage],
                                      chapter_starts: dict[str, int]) -> None:
    total = len(page_texts)
    for number, text in enumerate(page_texts[1:], start=2):
        assert f"Page {number} of {total}" in text
    for page in built_pages:
        first = page_texts[chapter_starts[page.src] - 1]
        assert page.title in normalise(first.split("\n", 1)[1]), f"running head of {page.src}"
    assert "Page 1 of" not in page_texts[0], "the cover has no footer"


def test_outline_lists_the_chapters_in_order(reader: PdfReader, built_pages: list[BuiltPage]) -> None:
    top = [entry["/Title"] for entry in reader.outline if not isinstance(entry, list)]
    assert top == ["Contents", *[page.title for page in built_pages]]


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
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
            else font["/FontDescriptor"]
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
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert output.read_bytes() == pdf_bytes


def test_two_builds_give_identical_bytes(pdf_bytes: bytes, tmp_path: Path) -> None:
    second = tmp_path / "site"
    assert publish(ROOT, second) == 0
    assert (second / PDF_PATH).read_bytes() == pdf_bytes


def test_page_needing_an_external_resource_fails_the_build(project: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    page = project / "docs" / "energy.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n<img src="https://example.com/x.png" alt="A map">\n',
                    encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    assert publish(project, site) == 1
    error = capsys.readouterr().err
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
        f"<h1 id=\"home\">Home</h1>{body}</article></body></html>", encoding="utf-8")
    return site


COVER = briefing_pdf.Cover(title="T", subtitle="S", as_of="1 March 2023", version="1.0.0", updated="2 March 2023",
                           publisher="P", author="A", licence="L", description="D", site_url="https://example.org/")


def render_small(site: Path) -> briefing_pdf.PdfReport:
    import datetime as dt

    markup = briefing_pdf.assemble(site, [briefing_pdf.NavPage("index.md", None)], COVER,
                                   dt.datetime(2023, 3, 1, tzinfo=dt.UTC))
    return briefing_pdf.render(markup, site, site / PDF_PATH)


@pytest.mark.parametrize("reference", [
    "https://example.com/x.png",
    "http://example.com/x.png",
    "//example.com/x.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "file:///etc/hostname",
])
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
    site = small_site(tmp_path, '<p id="p">A <a href="#p">link</a>, <a href="https://example.com/">out</a>.</p>'
                                '<p><img src="assets/dot.png" alt="dot"></p>')
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
    site = small_site(tmp_path, '<p id="a" aria-describedby="b">x</p><small id="b">y</small>'
                                '<svg viewBox="0 0 10 10"><defs><clipPath id="c"><rect width="5" height="5"/>'
                                '</clipPath></defs><rect width="9" height="9" clip-path="url(#c)"/>'
                                '<text font-family="DejaVu Sans" x="1" y="9">t</text></svg>')
    import datetime as dt

    markup = briefing_pdf.assemble(site, [briefing_pdf.NavPage("index.md", None)], COVER,
                                   dt.datetime(2023, 3, 1, tzinfo=dt.UTC))
    assert 'id="home--a"' in markup and 'aria-describedby="home--b"' in markup
    assert 'url(#home--c)' in markup and 'id="home--c"' in markup
    assert "DejaVu" not in markup
    report = briefing_pdf.render(markup, site, site / PDF_PATH)
    assert briefing_pdf.foreign_fonts(report.path.read_bytes()) == []
