"""Checks that a figure's quote is verbatim in its source and states its value.

Sources write numbers in many ways ("185 billion", "185bn", "1.5 fold",
"Four units", "a 2nd joint patrol", "a decade"). :func:`numbers_in` reads a
quote into the set of values it states, so a figure's value can be checked
against its own quote whatever the wording.
"""

from __future__ import annotations

import math
import re
import unicodedata

WORD_NUMBERS: dict[str, int] = {
    word: index
    for index, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
WORD_NUMBERS.update({"a dozen": 12, "a decade": 10, "decade": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50})
WORD_ORDINALS: dict[str, int] = {
    word: index + 1
    for index, word in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split())
}
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

_NUMBER = re.compile(
    r"(?<![\w.])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:st|nd|rd|th)?"
    r"(?:[\s-]?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|k|m|b)\b)?",
    re.IGNORECASE,
)
_WORD = re.compile(
    r"\b(" + "|".join(sorted([*WORD_NUMBERS, *WORD_ORDINALS], key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)

_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def normalise_text(text: str) -> str:
    """Text with Unicode normalised, typographic quotes straightened and whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTE_MARKS)
    return " ".join(text.split())


def is_verbatim(quote: str, source_text: str) -> bool:
    """Whether ``quote`` occurs in ``source_text``, ignoring whitespace and quote-mark style."""
    return normalise_text(quote) in normalise_text(source_text)


def numbers_in(text: str) -> set[tuple[float, float]]:
    """Every number stated in ``text`` as (value, scale factor) pairs."""
    found: set[tuple[float, float]] = set()
    for match in _NUMBER.finditer(text):
        value = float(match.group("number").replace(",", ""))
        scale = match.group("scale")
        found.add((value, SCALE_WORDS[scale.lower()] if scale else 1.0))
    for match in _WORD.finditer(text):
        word = match.group(1).lower()
        found.add((float(WORD_NUMBERS.get(word, WORD_ORDINALS.get(word, 0))), 1.0))
    return found


def states_value(quote: str, value: float, scale_factor: float) -> bool:
    """Whether ``quote`` states ``value`` at the given scale (or unscaled, for a bare number)."""
    for stated, stated_scale in numbers_in(quote):
        if math.isclose(stated, value, rel_tol=1e-9) and stated_scale in (scale_factor, 1.0):
            return True
        if math.isclose(stated * stated_scale, value * scale_factor, rel_tol=1e-9):
            return True
    return False
