"""Numbers a reader sees that no figure produced: found in page text, front matter and data text.

Every number on the site must come from a figure of the data file, through a
macro, so that it is traced to its source. This module finds the numbers
written by hand, in every form a reader would read as a number: digits
("185", "33.7", "1,000"), digits with letters or symbols attached ("186bn",
"US$18bn", "26pc", "2x", "21st", "1.5-fold", "26%") and number words from
"three" upwards ("forty", "a dozen", "hundred", "billion", "fourth").

Not numbers: names with digits (G20, COVID-19), "one", "two", "first" and
"second" (ordinary words), and, in labels, periods, front matter and other
data text, calendar years (1900-2099), which name periods rather than state
amounts. Anything else is listed in ``extra.briefing.allowed_numbers`` with a
reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from briefing.quotes import ORDINAL_WORDS, TENS_WORDS, UNITS_WORDS

# Digits, with a currency sign before and letters, % or "-fold" after: 185, 1,000, 33.7, US$18bn, 26pc, 2x, 21st, 1.5-fold.
DIGITS = re.compile(
    r"(?<![\w.,$€£¥₽])(?<![A-Za-z]-)"
    r"(?P<token>(?:[A-Z]{1,2}\$|[$€£¥₽])?\d+(?:[.,]\d+)*(?:-fold\b|[A-Za-z%]+)?"
    r"(?:[ \u00a0-](?:hundred|thousand|million|billion|trillion)\b)?)"
)
# Number words from "three" up (one and two read as ordinary words), from the same tables
# the evidence check reads numbers with, so the two never disagree on what is a number.
_CARDINALS = [word for word, value in {**UNITS_WORDS, **TENS_WORDS}.items() if value >= 3]
_ORDINALS = list(
    dict.fromkeys(
        [word for word, rank in ORDINAL_WORDS.items() if rank >= 3]
        + [
            "thirtieth",
            "fortieth",
            "fiftieth",
            "sixtieth",
            "seventieth",
            "eightieth",
            "ninetieth",
            "hundredth",
            "thousandth",
            "millionth",
            "billionth",
        ]
    )
)
_LARGE = ["hundreds?", "thousands?", "millions?", "billions?", "trillions?", "dozens?"]
WORDS = re.compile(
    r"(?<![\w-])(?P<token>(?:" + "|".join(sorted([*_CARDINALS, *_ORDINALS, *_LARGE], key=len, reverse=True)) + r")"
    r"(?:-(?:one|two|three|four|five|six|seven|eight|nine|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth))?"
    r"(?:-?fold)?(?:[ \u00a0-](?:hundred|thousand|million|billion|trillion))?)(?![\w-])",
    re.IGNORECASE,
)
YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True)
class HandTypedNumber:
    """A number found in text that did not come from the data."""

    token: str
    context: str


def hand_typed_in_text(text: str, allowed: Iterable[str] = (), allow_years: bool = False) -> list[HandTypedNumber]:
    """Every number in ``text`` a reader would read as one, except allowed tokens (and years, if allowed)."""
    allowed = frozenset(allowed)
    for phrase in (entry for entry in allowed if " " in entry):
        # An allowed phrase ("billion cubic metres", a unit's name) is blanked out, keeping positions.
        text = re.sub(re.escape(phrase), lambda match: " " * len(match.group(0)), text, flags=re.IGNORECASE)
    found: list[tuple[int, int, str]] = []
    for pattern in (DIGITS, WORDS):
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end, _ in found):
                continue  # "999 billion" is one number
            token = match.group("token")
            if token in allowed or token.lower() in allowed:
                continue
            if allow_years and YEAR.match(token):
                continue
            found.append((match.start(), match.end(), token))
    numbers = []
    for start, end, token in sorted(found):
        before, after = max(0, start - 30), min(len(text), end + 30)
        numbers.append(HandTypedNumber(token, " ".join(text[before:after].split())))
    return numbers


# Free text of the data file that readers see, by section: each field is checked for hand-typed
# numbers. Not listed, on purpose: ids, dates, numbers, URLs, formulas, passages and the words
# a figure names (they are the source's own words, checked as evidence), and meta.licence
# (a licence's name, "CC BY 4.0").
READER_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "meta": ("title", "subtitle", "publisher", "author"),
    "sources": ("title", "publisher", "author", "published_label", "short", "note"),
    "figures": ("label", "period", "note"),
    "derived": ("label", "period", "note"),
    "events": ("title",),
    "people": ("name", "role"),
    "organisations": ("name", "abbreviation", "description"),
    "charts": ("title", "caption", "labels", "axis_label"),
    "changes": ("what", "why"),
}
