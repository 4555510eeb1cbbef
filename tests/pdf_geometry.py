"""Where the words of a PDF sit, read with poppler's ``pdftotext -bbox-layout``.

The PDF tests use this to check the page as a reader sees it: every word
inside the text block, note markers, notes at the foot of each page, how
full each page is. Sizes come from the word boxes poppler reports: a box is
about 1.36 times the type size high, so 9.5 pt body text gives 12.9 pt boxes,
7 pt notes 9.5 pt boxes and 6.5 pt note markers 8.8 pt boxes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from lxml import etree

XHTML = "{http://www.w3.org/1999/xhtml}"
MM = 72 / 25.4
# briefing/print/print.css: A4, margins 22 mm top, 20 mm sides, 24 mm bottom.
PAGE_MARGINS = {"top": 22 * MM, "right": 20 * MM, "bottom": 24 * MM, "left": 20 * MM}
# Word boxes at least this high are body text (8 pt type and up); smaller ones are notes and markers.
BODY_BOX_HEIGHT = 10.5
# A raised small word this much above its line's baseline is a superscript.
SUPERSCRIPT_RISE = 1.5
TOLERANCE = 0.75  # points: rounding in the reported boxes


@dataclass(frozen=True)
class Word:
    """One word as poppler places it (points, origin top left)."""

    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    @property
    def height(self) -> float:
        return self.y_max - self.y_min


@dataclass
class Line:
    """A line of words, left to right."""

    words: list[Word]

    @property
    def baseline(self) -> float:
        """The line's usual bottom: the median of its words' bottoms."""
        return median(word.y_max for word in self.words)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass
class Page:
    """One page: its size and its lines, top to bottom."""

    number: int
    width: float
    height: float
    lines: list[Line]

    @property
    def text_block(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the area body text may use."""
        return (
            PAGE_MARGINS["left"],
            PAGE_MARGINS["top"],
            self.width - PAGE_MARGINS["right"],
            self.height - PAGE_MARGINS["bottom"],
        )

    def in_page_area(self, word: Word) -> bool:
        """Whether a word sits between the running head and the footer (not in the top or bottom margin)."""
        _, top, _, bottom = self.text_block
        return word.y_max > top and word.y_min < bottom

    @property
    def words(self) -> list[Word]:
        return [word for line in self.lines for word in line.words]


def have_pdftotext() -> bool:
    """Whether poppler's pdftotext is installed."""
    return shutil.which("pdftotext") is not None


def read_pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its lines and words."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(xml, parser=etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            words = [
                Word(word.text or "", *(float(word.get(name)) for name in ("xMin", "yMin", "xMax", "yMax")))
                for word in line.iter(f"{XHTML}word")
            ]
            if words:
                lines.append(Line(words))
        lines.sort(key=lambda line: (round(line.baseline, 1), line.words[0].x_min))
        pages.append(Page(number, float(page.get("width")), float(page.get("height")), lines))
    return pages


def words_outside_text_block(page: Page) -> list[Word]:
    """Words that cross the text block's left or right edge, or sit below the footer line."""
    left, _, right, _ = page.text_block
    return [
        word
        for word in page.words
        if word.x_min < left - TOLERANCE or word.x_max > right + TOLERANCE or word.y_max > page.height - MM * 8
    ]


def is_marker(word: Word, line: Line) -> bool:
    """A note marker: small digits raised above the line's baseline."""
    return (
        bool(re.fullmatch(r"\d{1,3}", word.text.strip("\u2009\u202f ")))
        and word.height < BODY_BOX_HEIGHT
        and word.y_max < line.baseline - SUPERSCRIPT_RISE
    )


def markers_after_digits(page: Page) -> list[str]:
    """Each note marker set straight after a word ending in a digit ("10²"), as "words marker"."""
    found = []
    for line in page.lines:
        for before, word in zip(line.words, line.words[1:], strict=False):
            if is_marker(word, line) and not is_marker(before, line) and before.text[-1:].isdigit():
                found.append(f"{before.text} {word.text}")
    return found


def markers_starting_lines(page: Page) -> list[str]:
    """Each note marker with nothing before it on its line: cut off from the word it belongs to.

    poppler often gives a raised marker a line of its own, so the marker's line is every
    word whose height overlaps it; a marker is small digits, unlike a note's "1.".
    """
    words = page.words
    found = []
    for word in words:
        if not re.fullmatch(r"\d{1,3}", word.text.strip("\u2009\u202f ")) or word.height >= BODY_BOX_HEIGHT:
            continue
        before = [
            other
            for other in words
            if other is not word
            and other.x_max <= word.x_min + TOLERANCE
            and other.y_min < word.y_max
            and other.y_max > word.y_min
        ]
        if not before:
            after = sorted(
                (
                    other
                    for other in words
                    if other.x_min >= word.x_max and other.y_min < word.y_max + 2 and other.y_max > word.y_min
                ),
                key=lambda other: other.x_min,
            )
            found.append(" ".join(other.text for other in [word, *after[:4]]))
    return found


def notes(page: Page) -> list[str]:
    """The notes at the foot of a page, each as its text without its number.

    A note starts on a line of small type whose first word is its number
    ("4."); its further lines are the small lines that follow.
    """
    found: list[str] = []
    current: list[str] | None = None
    for line in page.lines:
        small = all(word.height < BODY_BOX_HEIGHT for word in line.words)
        if not small or not page.in_page_area(line.words[0]):
            current = None
            continue
        if re.fullmatch(r"\d{1,3}\.", line.words[0].text):
            current = [word.text for word in line.words[1:]]
            found.append("")
        elif current is None:
            continue
        else:
            current.extend(word.text for word in line.words)
        found[-1] = " ".join(current)
    return found


def quoted(note: str) -> str:
    """What a note quotes (its source sentence), or the whole note if it quotes nothing."""
    match = re.search(r"“(.+?)”", note)
    return match.group(1) if match else note


def lowest_body_line(page: Page) -> float | None:
    """The bottom of the lowest line of body text (not notes, running head or footer), in points from the top."""
    bottoms = [
        line.baseline
        for line in page.lines
        if page.in_page_area(line.words[0]) and any(word.height >= BODY_BOX_HEIGHT for word in line.words)
    ]
    return max(bottoms) if bottoms else None
