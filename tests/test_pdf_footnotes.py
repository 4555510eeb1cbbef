"""The footnote area measured note by note (briefing/pdf/footnote_area.py) sets pages correctly.

The patch only shortens how WeasyPrint measures a page's footnote area. With
few notes the pages are the same as without it (the real briefing's PDF kept
its bytes). With many, WeasyPrint's own measure sometimes finds the last note
"overflowing" the area by floating-point rounding (its bottom and the area's
equal but for the last digits) and moves that note and its line to the next page for nothing; the
patched measure does not, so a crowded chapter may take fewer pages. These
tests check what a reader needs either way: every note printed once, on the
page of its call (or the next, when the page is full), below the text and
inside the text block, and any note WeasyPrint loses (it can, with or without
the patch) named in a warning.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from markupsafe import Markup

from briefing import pdf as briefing_pdf
from briefing.navigation import NavEntry
from briefing.pdf import footnote_area
from briefing.pdf import rendering as pdf_rendering
from tests import pdf_geometry
from tests.conftest import ROOT
from tools.bench_pdf import TIP, synthetic_cover

pytestmark = pytest.mark.slow

SENTENCE = "The article describes relations between the two countries as reaching a new level."


def crowded_site(root: Path, notes: int) -> Path:
    """A one-chapter site whose paragraphs carry ``notes`` figures, each with its own source sentence."""
    site = root / "site"
    shutil.copytree(ROOT / "docs" / "assets" / "fonts", site / "assets" / "fonts")
    paragraphs = []
    for start in range(0, notes, 6):
        figures = []
        for k in range(start, min(notes, start + 6)):
            # Sentences of one to five lines, so notes differ in height and some pages overflow.
            quote = f"Passage {k}: " + " ".join([SENTENCE] * (1 + k % 5))
            tip = TIP.render(n=1, k=k, value=f"US${k} billion", label=f"Measure {k}", quote=quote)
            figures.append(f"{SENTENCE} The value was {Markup(tip)} that year.")  # noqa: S704 - our autoescaped template
        paragraphs.append("<p>" + " ".join(figures) + "</p>")
    (site / "index.html").write_text(
        '<html lang="en"><body><article class="md-content__inner md-typeset"><h1 id="home">Notes</h1>'
        + "".join(paragraphs)
        + "</article></body></html>",
        encoding="utf-8",
    )
    return site


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def render(site: Path, output: Path) -> briefing_pdf.PdfReport:
    markup = briefing_pdf.assemble(
        site, [NavEntry(None, "Notes", "index.md")], synthetic_cover(1), dt.datetime(2023, 3, 1, tzinfo=dt.UTC)
    )
    return briefing_pdf.render(markup, site, output)


def notes_by_page(pdf: Path) -> dict[int, list[int]]:
    """The passage number of each note, by page."""
    return {
        page.number: [int(match.group(1)) for note in pdf_geometry.notes(page) if (match := NOTE.search(note))]
        for page in pdf_geometry.read_pages(pdf)
    }


NOTE = re.compile(r"Passage (\d+):")


@pytest.fixture
def count_measured(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many notes the patched measure laid out."""
    measured = {"notes": 0}
    original = footnote_area._note_height

    def counting(*args: object) -> float:
        measured["notes"] += 1
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(footnote_area, "_note_height", counting)
    return measured


def test_patch_applies_to_the_pinned_weasyprint() -> None:
    with footnote_area.footnote_heights_cached() as patched:
        assert patched, "the patch does not apply to the pinned WeasyPrint: check footnote_area.py against it"


def test_few_notes_give_the_same_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count_measured: dict[str, int]
) -> None:
    site = crowded_site(tmp_path, 7)
    fast = render(site, tmp_path / "fast.pdf")
    assert count_measured["notes"] >= 7  # the patched measure ran
    monkeypatch.setattr(pdf_rendering, "footnote_heights_cached", contextlib.nullcontext)
    slow = render(site, tmp_path / "slow.pdf")
    assert fast.pages == slow.pages
    assert page_texts(tmp_path / "fast.pdf") == page_texts(tmp_path / "slow.pdf")


def test_crowded_notes_each_print_once_on_the_page_of_their_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count_measured: dict[str, int]
) -> None:
    notes = 90
    site = crowded_site(tmp_path, notes)
    fast = render(site, tmp_path / "fast.pdf")
    assert count_measured["notes"] >= notes
    by_page = notes_by_page(tmp_path / "fast.pdf")
    printed = sorted(number for numbers in by_page.values() for number in numbers)
    assert len(printed) == len(set(printed)), "a note is printed twice"
    # WeasyPrint 70 (with or without the patch) can lose a note at the foot of a full page: the build names each.
    warned = sorted(int(found) for warning in fast.warnings for found in re.findall(r"\(Measure (\d+)\)", warning))
    assert sorted(printed + warned) == list(range(notes)), "a note is missing from the PDF and from the warnings"
    texts = [" ".join(text.split()) for text in page_texts(tmp_path / "fast.pdf")]
    carried = 0
    for page, numbers in by_page.items():
        for number in numbers:
            call = f"US${number} billion"
            # On its call's page, or carried to the next when the page is full (as GCPM allows).
            assert call in texts[page - 1] or call in texts[page - 2], f"note {number} is far from its call"
            carried += call not in texts[page - 1]
    assert carried <= 2
    pages = pdf_geometry.read_pages(tmp_path / "fast.pdf")
    for page in pages[1:]:
        assert not pdf_geometry.words_outside_text_block(page), f"page {page.number}"
        note_tops = [
            line.words[0].y_min
            for line in page.lines
            if page.in_page_area(line.words[0]) and re.fullmatch(r"\d{1,3}\.", line.words[0].text)
        ]
        lowest = pdf_geometry.lowest_body_line(page)
        if note_tops and lowest is not None:
            assert lowest < min(note_tops), f"page {page.number}: text runs into the notes"
    assert fast.pages >= 5  # crowded enough that notes fill pages
    monkeypatch.setattr(pdf_rendering, "footnote_heights_cached", contextlib.nullcontext)
    slow = render(site, tmp_path / "slow.pdf")
    assert fast.pages <= slow.pages  # never more pages than WeasyPrint's own measure


def test_an_area_whose_margins_could_collapse_is_measured_whole(tmp_path: Path) -> None:
    """Without a top border or padding a note's margin may collapse through the area: no shortcut then."""

    class Style(dict[str, object]):
        pass

    class Area:
        style = Style(min_height="auto", max_height=type("D", (), {"value": float("inf")})())
        border_top_width = 0.0
        padding_top = 0.0

    note = type("Note", (), {"style": {"footnote_display": "block", "margin_bottom": type("D", (), {"value": 0})()}})
    assert not footnote_area._additive(Area(), [note()])
    Area.border_top_width = 0.5
    assert footnote_area._additive(Area(), [note()])
    note.style = {"footnote_display": "inline", "margin_bottom": note.style["margin_bottom"]}
    assert not footnote_area._additive(Area(), [note()])
