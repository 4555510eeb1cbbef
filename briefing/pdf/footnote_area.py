"""WeasyPrint 70's footnote area measured once per note instead of once per note per note.

Every time WeasyPrint 70 places a footnote on a page (or moves one to the next
page), ``LayoutContext._update_footnote_area`` lays out a copy of the whole
footnote area again, with every note already on the page, only to learn its
height. A page of n notes thus lays out n(n+1)/2 notes: with 2,000 figures,
each with its own source sentence, that was four fifths of the PDF's time.

The height of a footnote area whose notes are blocks is the sum of each
note's height laid out alone, as long as no margin collapses through the
area's edges (it has a top border or padding, the notes have no bottom
margin) and the area has no minimum or maximum height: then each note's top
margin sits inside the area, between two notes only the lower one's top
margin counts, and nothing can overflow. Under those conditions
:func:`footnote_heights_cached` measures each note once (per width) and adds
the heights; in any other case, or on another WeasyPrint version, the
original method runs. The page itself is laid out by WeasyPrint as before:
only the measuring is shortened. The real briefing's PDF is byte for byte
the same. On pages crowded with notes the original measure sometimes finds
the last note "overflowing" the area by floating-point rounding (the two
bottoms equal but for the last digits) and moves it, with its line, to the
next page; this one does not, so such a chapter may take fewer pages
(``tests/test_pdf_footnotes.py``).

Written against WeasyPrint 70.0 (``weasyprint/layout/__init__.py``); the
version is checked before patching.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from math import inf
from typing import Any

PATCHED_VERSION = "70.0"
_CACHE = "_briefing_footnote_heights"


def _additive(area: Any, footnotes: list[Any]) -> bool:
    """Whether the area's height is the sum of its notes' heights laid out alone."""
    style = area.style
    if style["min_height"] != "auto" and style["min_height"].value != 0:
        return False
    if style["max_height"].value != inf:
        return False
    if not (area.border_top_width > 0 or area.padding_top > 0):
        return False  # a note's top margin would collapse through the area's top
    return all(
        note.style["footnote_display"] == "block" and note.style["margin_bottom"].value == 0 for note in footnotes
    )


def _note_height(context: Any, area: Any, note: Any) -> float:
    """The height of ``area`` holding ``note`` alone, laid out once per note and area width."""
    from weasyprint.formatting_structure import build
    from weasyprint.layout.block import block_level_layout

    cache: dict[int, tuple[Any, float, float]] = context.__dict__.setdefault(_CACHE, {})
    cached = cache.get(id(note))
    if cached is not None and cached[0] is note and cached[1] == area.width:
        return cached[2]
    probe = build.create_anonymous_boxes(area.copy_with_children([note]).deepcopy())
    laid_out = block_level_layout(context, probe, -inf, None, area.page)[0]
    height: float = laid_out.height
    cache[id(note)] = (note, area.width, height)  # the note is kept, so its id is never reused meanwhile
    return height


def _update_footnote_area(original: Any) -> Any:
    def update(self: Any) -> bool:
        area = self.current_footnote_area
        notes = self.current_page_footnotes
        if not notes or not _additive(area, notes):
            return bool(original(self))
        if area.height != "auto" and not self.in_column:
            self.page_bottom += area.margin_height()
        area.children = notes
        area.height = sum(_note_height(self, area, note) for note in notes)
        if not self.in_column:
            self.page_bottom -= area.margin_height()
        return False  # no maximum height: the notes cannot overflow the area

    return update


@contextmanager
def footnote_heights_cached() -> Iterator[bool]:
    """Within the block, WeasyPrint measures a page's footnote area note by note; yields whether it does."""
    import weasyprint
    from weasyprint.layout import LayoutContext

    if weasyprint.__version__ != PATCHED_VERSION:
        yield False
        return
    original = LayoutContext.__dict__["_update_footnote_area"]
    LayoutContext._update_footnote_area = _update_footnote_area(original)
    try:
        yield True
    finally:
        LayoutContext._update_footnote_area = original
