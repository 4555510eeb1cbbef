"""Print rewrites of a built page's article: notes, table headers, addresses, print-only wording.

The site's markup is made for a screen: a figure's evidence opens beside it,
a table's header row may be empty, an address may break anywhere. Paper
needs other things, decided here on the already cleaned article of one
chapter (``briefing/pdf/chapters.py`` calls these in order) so that the print
stylesheet only lays out:

* **Notes.** Each figure's evidence becomes a footnote. One source sentence
  that supports several figures of a chapter is one note, referenced again
  by number; the numbers are written here (``data-note``), so a repeated
  reference shows the same number without a page-dependent counter. The
  marker goes at the end of the figure's phrase, never straight after a
  digit, where "10²" would read as a power: after a count's noun phrase
  ("10 cooperation documents,¹", "4 units of the Tianwan plant¹ and"), not
  inside it ("1 fast¹ neutron reactor").
* **Table headers.** Every ``th`` gets a ``scope``; a table whose header
  row is empty (a Markdown key-value table) loses it and its first column
  becomes the row headers.
* **Addresses.** A printed address may wrap after ``/``, ``.``, ``?``, ``&``,
  ``=``, never at a hyphen of its own, which a PDF reader's copy would drop
  as a line-end hyphen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import html as lxml_html
from lxml.html import HtmlElement

# Inline elements a figure's phrase may end in ("1 <abbr>CEFR</abbr> reactor").
PHRASE_ELEMENTS = ("abbr", "span", "time", "em", "strong", "b", "i", "q", "code", "a")
# The next word after a figure (letters, then letters, apostrophes or hyphens: "units", "Xi's"; or a
# suffix written against the figure: "10th") or the next number ("2023", "1.5").
PHRASE_TOKEN = re.compile(r"\s*(?P<word>[^\W\d_][\w'’-]*|\d(?:[\d.,]*\d)?)")
# The longest phrase after a number that its note marker waits for; past it, the marker follows the first word.
PHRASE_WORDS = 40
# fmt: off
# Words that start the rest of a clause, not the number's phrase: its marker goes before them.
CLAUSE_WORDS = frozenset({
    "and", "or", "but", "nor", "which", "that", "who", "whom", "whose", "while", "whereas", "where", "when",
    "was", "were", "is", "are", "be", "been", "being", "had", "has", "have", "will", "would", "could",
    "should", "can", "may", "might", "did", "does", "do",
})
# Words a phrase does not end on ("documents in¹ 2023"): articles and prepositions.
LINKING_WORDS = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "by", "to", "for", "from", "with", "than", "into", "over", "under", "per",
})
# fmt: on
# Before a marker's number: a narrow no-break space, a word of its own when text is copied that never
# lets the number start a line ("visit." then "¹ They": a thin space, U+2009, allows a break after it).
MARKER_SPACE = "\u202f"
# A value that reads as a number at its end: "10", "1.5", "3rd" ("a 3rd¹ presidential term" split its phrase).
NUMBER_END = re.compile(r"\d(?:st|nd|rd|th)?$")
# Punctuation that closes a phrase; a note marker goes after it.
CLOSING_PUNCTUATION = re.compile(r"[.,;:!?)\]”’]+")
# Where a printed address may wrap: after these characters.
ADDRESS_BREAK_AFTER = re.compile(r"(?<=[/.?&=#_])")
# A path segment this long may break anywhere; shorter ones never break inside.
LONGEST_UNBROKEN_SEGMENT = 40


def has_class(element: HtmlElement, name: str) -> bool:
    """Whether ``element``'s class list holds ``name``."""
    return name in (element.get("class") or "").split()


def add_class(element: HtmlElement, name: str) -> None:
    """Add ``name`` to ``element``'s class list."""
    classes = (element.get("class") or "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))


def by_class(root: HtmlElement, name: str) -> list[HtmlElement]:
    """Descendants of ``root`` (itself included) with class ``name``, in document order."""
    found: list[HtmlElement] = root.xpath(
        f'descendant-or-self::*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]'
    )
    return found


def text_of(element: HtmlElement) -> str:
    """An element's text, whitespace collapsed."""
    return " ".join(element.text_content().split())


# ---------------------------------------------------------------------------
# Figures and their notes


def figure_values_as_text(article: HtmlElement) -> None:
    """A figure's value that is a control on screen (a button opening its evidence) is plain text in print."""
    for value in by_class(article, "fig__value"):
        if value.tag == "button":
            value.tag = "span"
            for name in ("type", "popovertarget", "popovertargetaction", "aria-expanded", "aria-controls"):
                value.attrib.pop(name, None)


def _visible_text(figure: HtmlElement, tip: HtmlElement) -> str:
    """The text a reader sees for a figure: everything in it but its note."""
    parts = [figure.text or ""]
    for child in figure:
        if child is not tip:
            parts.append(child.text_content() if isinstance(child.tag, str) else "")
        parts.append(child.tail or "")
    return "".join(parts).strip()


def _phrase_end(figure: HtmlElement) -> tuple[HtmlElement, int]:
    """Where a number's phrase ends: the element whose tail holds that point, and the offset in the tail.

    The phrase runs over the words after the figure (a suffix written against it, "10th",
    included; an abbreviation or other inline element counts as one word; out of an inline
    element the figure ends, such as its ``<strong>``) and ends at closing punctuation
    (kept in front of the marker), before a word that starts the rest of the clause
    ("and", "were", "which"), or before another figure or a number; it never ends on an
    article or a preposition ("documents in 2023" ends at "documents", "3 of the 4 units
    were" at "units"). A phrase that finds no end within ``PHRASE_WORDS`` words ends after
    its first word.
    """
    anchor, position = figure, 0
    first: tuple[HtmlElement, int] | None = None
    last: tuple[HtmlElement, int] | None = None
    words = 0
    while words < PHRASE_WORDS:
        tail = anchor.tail or ""
        if not tail[position:].strip():
            following = anchor.getnext()
            parent = anchor.getparent()
            if following is None and parent is not None and parent.tag in PHRASE_ELEMENTS:
                anchor, position = parent, 0  # the figure ends its <strong> or <em>: go on after it
                continue
            if (
                following is None
                or following.tag not in PHRASE_ELEMENTS
                or has_class(following, "fig")
                or not text_of(following)[:1].isalpha()
            ):
                break
            anchor, position = following, 0
            word = text_of(following)
        else:
            token = PHRASE_TOKEN.match(tail, position)
            if token is None:  # punctuation or a symbol: the phrase ends here
                punctuation = CLOSING_PUNCTUATION.match(tail, position)
                return (anchor, punctuation.end()) if punctuation and words else (last or first or (figure, 0))
            word = token.group("word")
            if word[0].isdigit():  # another number: the phrase ends before it, unless it has no word yet
                if last is not None:
                    break
                position = token.end()
                words += 1
                continue
            if word.casefold() in CLAUSE_WORDS and words:
                break
            position = token.end()
        words += 1
        first = first or (anchor, position)
        if word.casefold() not in LINKING_WORDS:
            last = (anchor, position)
    else:
        return first or (figure, 0)
    return last or first or (figure, 0)


def _insert_after_phrase(figure: HtmlElement, marker: HtmlElement, ends_with_digit: bool) -> None:
    """Put ``marker`` after the figure's phrase: for a number, at the end of its noun phrase; then any punctuation."""
    anchor, position = _phrase_end(figure) if ends_with_digit else (figure, 0)
    tail = anchor.tail or ""
    punctuation = CLOSING_PUNCTUATION.match(tail, position)
    if punctuation:
        position = punctuation.end()
    anchor.tail = tail[:position]
    marker.tail = tail[position:]
    anchor.addnext(marker)


@dataclass
class _Note:
    """One footnote of a chapter: its number, its element and the figures it supports."""

    number: int
    tip: HtmlElement
    heads: list[tuple[str, str]] = field(default_factory=list)  # (label, period) of each figure


def _note_key(tip: HtmlElement) -> str:
    """What makes two notes the same: their evidence (source and sentence, or formula), not the figure's label.

    A remark about one figure (``fig__note``) does not make a note different:
    the shared note carries every figure's remark.
    """
    evidence = [
        text_of(part)
        for part in tip.iter()
        if isinstance(part.tag, str)
        and any(has_class(part, name) for name in ("fig__source", "fig__quote", "fig__formula"))
    ]
    return " | ".join(evidence) or text_of(tip)


def _add_remarks(note: _Note, tip: HtmlElement) -> None:
    """The remarks of a figure that shares ``note`` (``fig__note``), added to it unless already there."""
    present = {text_of(remark) for remark in by_class(note.tip, "fig__note")}
    for remark in by_class(tip, "fig__note"):
        if text_of(remark) not in present:
            remark.getparent().remove(remark)
            remark.tail = None
            last = note.tip[-1] if len(note.tip) else None
            if last is None:
                note.tip.text = (note.tip.text or "") + " "
            else:
                last.tail = (last.tail or "") + " "
            note.tip.append(remark)
            present.add(text_of(remark))


def _label_and_period(tip: HtmlElement) -> tuple[str, str]:
    label = by_class(tip, "fig__label")
    period = by_class(tip, "fig__period")
    return (text_of(label[0]) if label else "", text_of(period[0]).rstrip(".") if period else "")


def _write_heads(note: _Note) -> None:
    """A shared note names every figure it supports: "Label (period); Label (period)."."""
    labels = by_class(note.tip, "fig__label")
    periods = by_class(note.tip, "fig__period")
    if len(note.heads) < 2 or not labels or not periods:
        return
    last = periods[0]
    last.text = note.heads[0][1]
    for child in list(last):
        last.remove(child)
    for label, period in note.heads[1:]:
        also = lxml_html.Element("span")
        also.set("class", "fig__also")
        also.text = "; "
        label_span = lxml_html.Element("span")
        label_span.set("class", "fig__label")
        label_span.text = label
        label_span.tail = " "
        period_span = lxml_html.Element("span")
        period_span.set("class", "fig__period")
        period_span.text = period
        also.extend([label_span, period_span])
        also.tail = last.tail
        last.tail = None
        last.addnext(also)
        last = also
    last.tail = "." + (last.tail or "")


def set_notes(article: HtmlElement) -> int:
    """Number the chapter's notes, share one note between figures with the same evidence, place the markers.

    Returns the number of notes. A figure whose evidence repeats an earlier
    note's gets a link to that note (``a.fig__noteref``) instead of its own.
    """
    notes: dict[str, _Note] = {}
    for figure in by_class(article, "fig"):
        tips = [tip for tip in by_class(figure, "fig__tip") if tip is not figure]
        if not tips:
            continue
        tip = tips[0]
        ends_with_digit = NUMBER_END.search(_visible_text(figure, tip)) is not None
        key = _note_key(tip)
        note = notes.get(key)
        tip.getparent().remove(tip)
        if note is None:
            note = notes[key] = _Note(len(notes) + 1, tip)
            tip.set("data-note", str(note.number))
            note.heads.append(_label_and_period(tip))
            _insert_after_phrase(figure, tip, ends_with_digit)
            continue
        head = _label_and_period(tip)
        if head not in note.heads:  # a figure referenced again is named once
            note.heads.append(head)
        _add_remarks(note, tip)
        reference = lxml_html.Element("a")
        reference.set("class", "fig__noteref")
        reference.set("href", "#" + note.tip.get("id", ""))
        reference.set("data-note", str(note.number))
        reference.text = MARKER_SPACE + str(note.number)
        for value in by_class(figure, "fig__value"):
            value.attrib.pop("aria-describedby", None)
            if note.tip.get("id"):
                value.set("aria-describedby", note.tip.get("id"))
        _insert_after_phrase(figure, reference, ends_with_digit)
    for note in notes.values():
        _write_heads(note)
    return len(notes)


# ---------------------------------------------------------------------------
# Tables


def scope_table_headers(article: HtmlElement) -> None:
    """Every header cell says what it heads; an empty header row gives way to row headers."""
    for table in article.iter("table"):
        head = table.find("thead")
        if head is not None and not text_of(head):
            head.getparent().remove(head)
            for row in table.iter("tr"):
                cells = [cell for cell in row if cell.tag in ("td", "th")]
                if cells and len(cells) > 1:
                    cells[0].tag = "th"
        for cell in table.iter("th"):
            if cell.get("scope"):
                continue
            in_head = any(ancestor.tag == "thead" for ancestor in cell.iterancestors())
            cell.set("scope", "col" if in_head else "row")


def mark_short_tables(article: HtmlElement, most_rows: int) -> None:
    """A table of at most ``most_rows`` rows is kept on one page (``table--short``)."""
    for table in article.iter("table"):
        if len(table.xpath("./tbody/tr | ./tr")) <= most_rows:
            add_class(table, "table--short")


# ---------------------------------------------------------------------------
# Addresses


def address_markup(address: str) -> list[HtmlElement | str]:
    """An address as text and ``<wbr>``: it may wrap after ``/`` and the like, never at its own hyphens."""
    pieces: list[HtmlElement | str] = []
    for segment in (piece for piece in ADDRESS_BREAK_AFTER.split(address) if piece):
        if pieces:
            pieces.append(lxml_html.Element("wbr"))
        if "-" in segment and len(segment) <= LONGEST_UNBROKEN_SEGMENT:
            unbroken = lxml_html.Element("span")
            unbroken.set("class", "address__unbroken")
            unbroken.text = segment
            pieces.append(unbroken)
        else:
            pieces.append(segment)
    return pieces


def append_address(link: HtmlElement, address: str) -> None:
    """Print ``address`` after ``link``, in brackets, wrapping only where an address may."""
    printed = lxml_html.Element("span")
    printed.set("class", "address")
    printed.text = " ("
    last: HtmlElement | None = None
    for piece in address_markup(address):
        if isinstance(piece, str):
            if last is None:
                printed.text += piece
            else:
                last.tail = (last.tail or "") + piece
        else:
            printed.append(piece)
            last = piece
    if last is None:
        printed.text += ")"
    else:
        last.tail = (last.tail or "") + ")"
    printed.tail = link.tail
    link.tail = None
    link.addnext(printed)


def set_address_text(link: HtmlElement, address: str) -> None:
    """A link whose text is its own address: the same wrapping rules."""
    for child in list(link):
        link.remove(child)
    link.text = None
    last: HtmlElement | None = None
    for piece in address_markup(address):
        if isinstance(piece, str):
            if last is None:
                link.text = (link.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
        else:
            link.append(piece)
            last = piece


# ---------------------------------------------------------------------------
# Charts

# A drawing narrower than this (in SVG units, 12-unit text) was made for a phone's column.
NARROW_DRAWING_UNITS = 400


def _drawing_width(svg: HtmlElement) -> float:
    view_box = (svg.get("viewBox") or svg.get("viewbox") or "").replace(",", " ").split()
    try:
        return float(view_box[2]) if len(view_box) == 4 else 0.0
    except ValueError:
        return 0.0


def prepare_charts(article: HtmlElement) -> None:
    """Keep each chart's widest drawing (a chart may carry one per column width); mark a phone-sized one."""
    for chart in by_class(article, "chart"):
        if chart.tag != "figure":
            continue
        drawings = [
            svg
            for plot in by_class(chart, "chart__plot")
            for svg in plot.iter("{*}svg", "svg")
            if not any(ancestor.tag in ("svg", "{http://www.w3.org/2000/svg}svg") for ancestor in svg.iterancestors())
        ]
        if not drawings:
            continue
        widest = max(drawings, key=_drawing_width)
        for drawing in drawings:
            if drawing is not widest:
                drawing.getparent().remove(drawing)
        if _drawing_width(widest) < NARROW_DRAWING_UNITS:
            add_class(chart, "chart--print-narrow")
        _describe_drawing(widest)


def _describe_drawing(svg: HtmlElement) -> None:
    """The drawing's title carries its description too: a tagged PDF's alternative text is the SVG title."""
    titles = [child for child in svg if isinstance(child.tag, str) and child.tag.rpartition("}")[2] == "title"]
    descriptions = [child for child in svg if isinstance(child.tag, str) and child.tag.rpartition("}")[2] == "desc"]
    if not titles or not descriptions:
        return
    title, description = text_of(titles[0]), text_of(descriptions[0])
    if description and description not in title:
        titles[0].text = f"{title.rstrip('.')}. {description}"
        for child in list(titles[0]):
            titles[0].remove(child)


# ---------------------------------------------------------------------------
# Identifiers

IDENTIFIER_BREAK_AFTER = re.compile(r"(?<=[._/])(?=.)")


def break_identifiers(article: HtmlElement) -> None:
    """Code (a figure's id, a file name) may wrap after ``.``, ``_`` or ``/`` rather than mid-word."""
    for code in article.iter("code"):
        if len(code) or not code.text or len(code.text) < 16:
            continue
        pieces = IDENTIFIER_BREAK_AFTER.split(code.text)
        code.text = pieces[0]
        for piece in pieces[1:]:
            wbr = lxml_html.Element("wbr")
            wbr.tail = piece
            code.append(wbr)


# ---------------------------------------------------------------------------
# Table columns

# Tables whose columns the print stylesheet sets itself.
COLUMNS_SET_BY_STYLESHEET = ("key-figures",)
# The text block holds about this many characters of table type (8.5 pt) on a line.
MEASURE_IN_CHARACTERS = 110
CELL_PADDING_IN_CHARACTERS = 2


def _column_texts(table: HtmlElement) -> list[list[str]]:
    columns: list[list[str]] = []
    for row in table.iter("tr"):
        cells = [cell for cell in row if cell.tag in ("td", "th")]
        if any(int(cell.get("colspan", "1") or 1) != 1 for cell in cells):
            return []  # spanning cells: leave the table to the automatic layout
        for index, cell in enumerate(cells):
            while len(columns) <= index:
                columns.append([])
            columns[index].append(text_of(cell))
    return columns


def column_widths(columns: list[list[str]], measure: int = MEASURE_IN_CHARACTERS) -> list[float]:
    """Each column's share of the table's width, in percent, from what its cells hold.

    The automatic table layout of CSS 2.1, counted in characters: a column
    needs at least its longest word and would like its longest text; if the
    longest texts fit the measure they share it in proportion, otherwise each
    column gets its longest word and the rest is shared in proportion to how
    much more each would like.
    """
    least = [max((len(word) for text in texts for word in text.split()), default=1) for texts in columns]
    most = [max((len(text) for text in texts), default=1) for texts in columns]
    least = [width + CELL_PADDING_IN_CHARACTERS for width in least]
    most = [max(width + CELL_PADDING_IN_CHARACTERS, low) for width, low in zip(most, least, strict=True)]
    if sum(most) <= measure:
        widths = [float(width) for width in most]
    elif sum(least) >= measure:
        widths = [float(width) for width in least]
    else:
        spare = measure - sum(least)
        wanted = sum(high - low for high, low in zip(most, least, strict=True)) or 1
        widths = [low + spare * (high - low) / wanted for high, low in zip(most, least, strict=True)]
    total = sum(widths)
    return [round(100 * width / total, 2) for width in widths]


def table_share(columns: list[list[str]], measure: int = MEASURE_IN_CHARACTERS) -> float:
    """How much of the text width a table needs when no cell wraps, in percent (at most 100), with some air."""
    natural = sum(max((len(text) for text in texts), default=1) + 2 * CELL_PADDING_IN_CHARACTERS for texts in columns)
    return min(100.0, round(100 * natural / measure, 1))


def set_table_columns(article: HtmlElement) -> None:
    """Give each table column widths from its content and a fixed layout (``table--fixed``).

    Paper has one measure, known here: the widths follow what the columns
    hold, as the automatic layout would, and a fixed layout can never run
    past the text block. WeasyPrint's automatic layout measures every cell's
    smallest and largest width again on each page a table crosses, which cost
    a tenth of a long PDF's time.
    """
    for table in article.iter("table"):
        if any(has_class(table, name) for name in COLUMNS_SET_BY_STYLESHEET) or table.find("colgroup") is not None:
            continue
        columns = _column_texts(table)
        if len(columns) < 2:
            continue
        group = lxml_html.Element("colgroup")
        natural = table_share(columns)
        if natural < 100:
            table.set("style", f"width: {natural}%")  # a small table is not stretched across the page
        for width in column_widths(columns):
            column = lxml_html.Element("col")
            column.set("style", f"width: {width}%")
            group.append(column)
        caption = table.find("caption")
        if caption is not None:
            caption.addnext(group)
        else:
            table.insert(0, group)
        add_class(table, "table--fixed")


# ---------------------------------------------------------------------------
# Plain spans


def styled_classes(stylesheet: str) -> frozenset[str]:
    """Every class name a stylesheet's selectors mention (comments left out)."""
    without_comments = re.sub(r"/\*.*?\*/", "", stylesheet, flags=re.DOTALL)
    selectors = re.sub(r"\{[^{}]*\}", "", re.sub(r"\{[^{}]*\{[^{}]*\}[^{}]*\}", "", without_comments))
    return frozenset(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selectors))


def unwrap_plain_spans(article: HtmlElement, styled: frozenset[str]) -> int:
    """Drop the tags of spans that only group text for the screen; their text and children stay.

    A span is plain when the print stylesheet styles none of its classes and it
    carries nothing else a reader or a link needs: no ``id``, ``lang``, ``title``,
    ``aria-*`` or ``data-note``. A figure's popover lines (``fig__line``,
    ``fig__source``…) and its wrapper (``fig``) are such spans: on paper each was
    a box WeasyPrint laid out, kept in memory and tagged for nothing (a fifth
    of the boxes of a page of notes). Returns how many were dropped.
    """
    dropped = 0
    for span in list(article.iter("span")):
        names = set(span.attrib) - {"class"}
        if any(not name.startswith("data-") or name == "data-note" for name in names):
            continue
        if any(name in styled for name in (span.get("class") or "").split()):
            continue
        span.drop_tag()
        dropped += 1
    return dropped
