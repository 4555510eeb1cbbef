"""Evidence: a figure is bound to the exact words of its source that state it.

A figure names a *passage* (a whole sentence or clause of a source, stored once
in the data file) and, in ``states:``, the words of that passage that state
the figure ("nearly 33.7 billion USD", "increased 1.5 fold", "Four units",
"a decade"). :func:`read_statement` parses those words into what they say:
one number with its scale, the kind of quantity (an amount of a currency, a
percentage, a multiple, a volume, a rank, a year, a number of years or a
count) and the qualifier the source puts before it ("nearly", "about"). The
data loader compares that, field by field, with the figure. A number
elsewhere in the sentence is no evidence: only the named words count.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass

UNITS_WORDS: dict[str, int] = {
    word: index
    for index, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
TENS_WORDS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ORDINAL_WORDS: dict[str, int] = {
    word: index + 1
    for index, word in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ]
    )
}
ORDINAL_WORDS.update({"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100})
SCALE_WORDS: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
SCALE_NAMES: dict[float, str] = {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"}

# Words a source puts before a number to say it is not exact. A figure's
# ``qualifier`` must be the same word: present in the source <=> present in the figure.
QUALIFIERS: tuple[str, ...] = (
    "about",
    "around",
    "approximately",
    "roughly",
    "some",
    "nearly",
    "almost",
    "more than",
    "over",
    "less than",
    "under",
    "up to",
    "at least",
)

_SCALE = r"(?:[\s-]?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|k|m|b)\b)?"
_DIGITS = re.compile(
    r"(?<![\w.])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<ordinal>st|nd|rd|th)?" + _SCALE,
    re.IGNORECASE,
)
_CARDINAL = "|".join(sorted([*UNITS_WORDS, *TENS_WORDS], key=len, reverse=True))
_WORDS = re.compile(
    r"\b(?P<decade>(?:(?P<decades>a|one|two|three|four|five|\d+)\s+)?decades?)\b"
    r"|\b(?P<dozen>(?:a|one|two|three|half\s+a)\s+dozen|dozens)\b"
    r"|\b(?P<ordinalword>" + "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True)) + r")\b"
    r"|\b(?P<cardinal>(?:" + _CARDINAL + r")(?:-(?:" + "|".join(list(UNITS_WORDS)[1:10]) + r"))?)"
    r"(?:\s+(?P<hundred>hundred))?(?:\s+(?P<wordscale>thousand|million|billion|trillion))?\b"
    r"|\b(?P<barescale>hundreds|thousands|millions|billions)\b",
    re.IGNORECASE,
)

CURRENCIES: tuple[tuple[str, str], ...] = (
    (r"US\$|\bUSD\b|\bU\.S\. dollars?\b|\bdollars?\b|\$", "USD"),
    (r"€|\bEUR\b|\beuros?\b", "EUR"),
    (r"\bCNY\b|\bRMB\b|\byuan\b", "CNY"),
    (r"₽|\bRUB\b|\broubles?\b|\brubles?\b", "RUB"),
    (r"£|\bGBP\b|\bpounds? sterling\b", "GBP"),
    (r"¥|\bJPY\b|\byen\b", "JPY"),
)
_PERCENT = re.compile(r"%|\bper ?cent\b|\d\s?pc\b|\bpercentage points?\b", re.IGNORECASE)
_MULTIPLE = re.compile(r"fold\b|\d\s?x\b|\btimes (?:as|more|larger|higher|bigger|over)\b", re.IGNORECASE)
_VOLUME = re.compile(r"\bcubic met(?:er|re)s?\b|\bbcm\b|\bm3\b|m³", re.IGNORECASE)
_YEARS = re.compile(r"\b(?:years?|yrs?)\b", re.IGNORECASE)
_YEAR_CONTEXT = re.compile(
    r"(?:^|\b(?:in|since|by|from|until|till|to|of|before|after|between|and|year)\s+)$", re.IGNORECASE
)

# What each kind of quantity is called in messages, by the figure units of the model.
KIND_NAMES: dict[str, str] = {
    "currency": "an amount of money",
    "percent": "a percentage",
    "multiplier": "a multiple (fold)",
    "cubic_metres": "a volume in cubic metres",
    "rank": "a rank (an ordinal such as 2nd or second)",
    "years": "a number of years",
    "year": "a calendar year",
    "count": "a count",
}

_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


class SpanError(ValueError):
    """The words named as a figure's evidence cannot be read as one number."""


@dataclass(frozen=True)
class Statement:
    """What the words of a span state."""

    words: str  # the number as written, e.g. "185 billion"
    value: float
    scale: float  # 1.0, 1e3, 1e6, 1e9 or 1e12
    kind: str  # a key of KIND_NAMES
    currency: str | None = None

    def shown(self) -> str:
        """The number and its unit in a message, e.g. '185 billion USD'."""
        text = self.words
        return f"{text} {self.currency}" if self.currency and self.currency not in text else text


def normalise_text(text: str) -> str:
    """Text with Unicode normalised, typographic quotes straightened and whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTE_MARKS)
    return " ".join(text.split())


def is_verbatim(quote: str, source_text: str) -> bool:
    """Whether ``quote`` occurs in ``source_text``, ignoring whitespace and quote-mark style."""
    return normalise_text(quote) in normalise_text(source_text)


def text_sha256(raw: bytes) -> str:
    """The SHA-256 of a source text's bytes, as recorded next to the source."""
    return hashlib.sha256(raw).hexdigest()


_SENTENCE_END = ".!?"
_CLAUSE_MARKS = ",;:-(\"'"


def _starts_clause(text: str, start: int) -> bool:
    # Looks back from ``start`` without copying the text before it: a source may be megabytes long.
    before = start
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    if before == 0 or text[before - 1] == "\n":
        return True
    if before < start:  # whitespace before the quote: the previous mark must end a sentence or clause
        return text[before - 1] in _SENTENCE_END + _CLAUSE_MARKS + ")"
    # Glued to page furniture ("- ảnh 1Chinese President ...", "(VOVWORLD) -Chinese ..."): not inside a word.
    return not text[before - 1].isalpha()


def _ends_clause(quote: str, text: str, end: int) -> bool:
    if quote[-1] in _SENTENCE_END + _CLAUSE_MARKS:
        return True
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    return after == len(text) or text[after] in _SENTENCE_END + ",;:)\n"


def clause_search_text(source_text: str) -> str:
    """A source text as :func:`whole_clause_problem` searches it: Unicode normalised, quote marks
    straightened, runs of spaces single, line breaks kept (they show paragraph starts)."""
    text = unicodedata.normalize("NFC", source_text).translate(_QUOTE_MARKS)
    return re.sub(r"[ \t]+", " ", text)


def whole_clause_problem(
    quote: str, source_text: str, minimum_words: int = 4, search_text: str | None = None
) -> str | None:
    """Why ``quote`` is not a whole sentence or clause of ``source_text`` (it must be verbatim), or None.

    ``search_text`` is :func:`clause_search_text` of the source, when the caller keeps
    it: made once per source, not once per passage (300 passages in a 2 MB source).
    """
    quote_text = normalise_text(quote)
    words = len(quote_text.split())
    if words < minimum_words:
        return f"is a fragment of {words} word{'s' if words != 1 else ''}"
    text = clause_search_text(source_text) if search_text is None else search_text
    pattern = re.compile(r"\s+".join(re.escape(word) for word in quote_text.split()))
    starts_ok = ends_ok = False
    for match in pattern.finditer(text):
        starts = _starts_clause(text, match.start())
        ends = _ends_clause(quote_text, text, match.end())
        if starts and ends:
            return None
        starts_ok, ends_ok = starts_ok or starts, ends_ok or ends
    if not starts_ok:
        return "starts in the middle of a sentence"
    return "stops in the middle of a sentence"


def _word_number(match: re.Match[str]) -> tuple[str, float, float, str | None]:
    """(words, value, scale, kind hint) of a number written in words."""
    words = match.group(0)
    if match.group("decade"):
        count = match.group("decades")
        times = (
            1.0
            if count in (None, "a", "one")
            else float(count)
            if count.isdigit()
            else float(UNITS_WORDS[count.lower()])
        )
        return words, 10.0 * times, 1.0, "years"
    if match.group("dozen"):
        lead = words.lower().split()[0]
        return words, {"a": 12.0, "one": 12.0, "two": 24.0, "three": 36.0, "half": 6.0}.get(lead, 12.0), 1.0, None
    if match.group("ordinalword"):
        return words, float(ORDINAL_WORDS[match.group("ordinalword").lower()]), 1.0, "rank"
    if match.group("barescale"):
        return (
            words,
            1.0,
            {"hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9}[match.group("barescale").lower()],
            None,
        )
    cardinal = match.group("cardinal").lower()
    tens, _, unit = cardinal.partition("-")
    value = float(TENS_WORDS.get(tens, UNITS_WORDS.get(tens, 0)) + (UNITS_WORDS.get(unit, 0) if unit else 0))
    if match.group("hundred"):
        value *= 100
    scale = SCALE_WORDS[match.group("wordscale").lower()] if match.group("wordscale") else 1.0
    return words, value, scale, None


def numbers_in(text: str) -> list[tuple[int, int, str, float, float, str | None]]:
    """Every number stated in ``text``: (start, end, words, value, scale, kind hint), in order."""
    found: list[tuple[int, int, str, float, float, str | None]] = []
    for match in _DIGITS.finditer(text):
        value = float(match.group("number").replace(",", ""))
        scale = SCALE_WORDS[match.group("scale").lower()] if match.group("scale") else 1.0
        hint = "rank" if match.group("ordinal") else None
        found.append((match.start(), match.end(), match.group(0), value, scale, hint))
    taken = [(start, end) for start, end, *_ in found]
    for match in _WORDS.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue  # "5 decades": the digits already count
        words, value, scale, hint = _word_number(match)
        found.append((match.start(), match.end(), words, value, scale, hint))
    return sorted(found)


def read_statement(span: str) -> Statement:
    """What ``span`` states: exactly one number, its scale and its kind; raise SpanError otherwise."""
    text = normalise_text(span)
    numbers = numbers_in(text)
    if not numbers:
        raise SpanError("states no number")
    if len(numbers) > 1:
        shown = ", ".join(repr(words) for _, _, words, *_ in numbers)
        raise SpanError(f"state more than one number ({shown})")
    start, _end, words, value, scale, hint = numbers[0]
    currencies = sorted({code for pattern, code in CURRENCIES if re.search(pattern, text, re.IGNORECASE)})
    if len(currencies) > 1:
        raise SpanError(f"name more than one currency ({', '.join(currencies)})")
    kinds: list[str] = []
    if currencies:
        kinds.append("currency")
    if _PERCENT.search(text):
        kinds.append("percent")
    if _MULTIPLE.search(text):
        kinds.append("multiplier")
    if _VOLUME.search(text):
        kinds.append("cubic_metres")
    if hint == "years" or _YEARS.search(text):
        kinds.append("years")
    if hint == "rank":
        kinds.append("rank")
    if len(kinds) > 1:
        raise SpanError(
            "state more than one kind of quantity (" + " and ".join(KIND_NAMES[kind] for kind in kinds) + ")"
        )
    if kinds:
        kind = kinds[0]
    elif (
        scale == 1.0
        and value.is_integer()
        and 1800 <= value <= 2100
        and _YEAR_CONTEXT.search(text[:start])
        and "," not in words
    ):
        kind = "year"
    else:
        kind = "count"
    return Statement(words=words, value=value, scale=scale, kind=kind, currency=currencies[0] if currencies else None)


def qualifier_before(passage: str, position: int) -> str | None:
    """The qualifier word written just before the number at ``position`` of ``passage``, if any."""
    before = passage[:position].rstrip().lower()
    for qualifier in sorted(QUALIFIERS, key=len, reverse=True):
        if re.search(r"(?:^|\W)" + re.escape(qualifier) + r"$", before):
            return qualifier
    return None


def same_number(stated: Statement, value: float, scale: float) -> bool:
    """Whether the statement's number equals ``value`` at ``scale`` (185 billion = 185 x 1e9)."""
    return math.isclose(stated.value * stated.scale, value * scale, rel_tol=1e-9)


def find_span(span: str, passage: str) -> list[int]:
    """Every position of ``span`` in ``passage`` (both normalised)."""
    needle = normalise_text(span)
    if not needle:
        return []
    return [match.start() for match in re.finditer(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", normalise_text(passage))]
