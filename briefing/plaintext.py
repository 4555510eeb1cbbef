"""What a text or a link from a contributor may contain before it reaches a reader.

The data file is written by people the build does not fully trust (see README,
"Contributions and trust"). Every text field is plain text: it is escaped by the
templates and never read as Markdown or HTML. This module refuses, with the
position of the first offending character, what escaping cannot make harmless:

- markup (``<script``, ``</b``, ``<!--``): plain text fields hold no HTML;
- control characters (NUL, ESC, ...), which terminals and PDF readers act on;
- bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE, ...) and zero-width characters,
  which make text read differently from what it says ("Trojan Source");
- line and paragraph separators, which break JSON and JavaScript strings;
- a leading ``=``, ``+``, ``-`` or ``@``, which spreadsheets run as a formula
  when they open ``figures.csv`` ("CSV injection").

Links are ``https:`` only: no ``javascript:``, ``data:`` or ``file:`` in front of
a reader. Text is normalised to NFC so that the same words are the same bytes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

# An HTML tag, comment or entity-free markup opener: "<script", "</b", "<!--".
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>?")

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u034f")
SEPARATORS = frozenset("\u2028\u2029")
ALLOWED_CONTROLS = frozenset("\n\t")
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class TextFault:
    """The first character (or markup) a plain-text field may not hold, and where it is."""

    offset: int  # 0-based index into the text
    found: str
    message: str

    @property
    def character_position(self) -> int:
        """1-based position, as editors count."""
        return self.offset + 1


def _describe(character: str) -> str:
    name = unicodedata.name(character, "")
    code = f"U+{ord(character):04X}"
    return f"{code} {name}" if name else code


def text_fault(text: str, *, single_line: bool = False) -> TextFault | None:
    """The first thing in ``text`` that a plain-text field may not hold, or None."""
    for offset, character in enumerate(text):
        if character in BIDI_CONTROLS:
            return TextFault(
                offset, character, f"contains the bidi control {_describe(character)} at character {offset + 1}"
            )
        if character in ZERO_WIDTH:
            return TextFault(
                offset, character, f"contains the invisible character {_describe(character)} at character {offset + 1}"
            )
        if character in SEPARATORS:
            return TextFault(
                offset, character, f"contains the separator {_describe(character)} at character {offset + 1}"
            )
        if single_line and character in "\r\n":
            return TextFault(
                offset, character, f"contains a line break at character {offset + 1}; this field is one line"
            )
        if unicodedata.category(character) == "Cc" and character not in ALLOWED_CONTROLS:
            return TextFault(
                offset, character, f"contains the control character {_describe(character)} at character {offset + 1}"
            )
    if text.startswith(FORMULA_STARTS):
        return TextFault(
            0,
            text[0],
            f"starts with '{text[0]}', which spreadsheets run as a formula when they open the CSV downloads; reword it",
        )
    if tag := MARKUP.search(text):
        return TextFault(
            tag.start(),
            tag.group(0)[:1],
            f"contains markup {tag.group(0)!r}; data fields are plain text (templates escape them)",
        )
    return None


def normalise(text: str) -> str:
    """Text in Unicode normal form C (one spelling of each accented letter)."""
    return unicodedata.normalize("NFC", text)


def https_url_fault(url: str) -> str | None:
    """Why ``url`` may not be put in front of a reader as a link, or None if it may."""
    if any(unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp") or character.isspace() for character in url):
        return "contains spaces or control characters"
    if any(character in url for character in "\"'<>\\`{}|^"):
        return "contains a character links may not hold (quotes, angle brackets, backslash ...)"
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return f"is not a valid URL ({error})"
    if parts.scheme != "https":
        shown = f"'{parts.scheme}:'" if parts.scheme else "no scheme"
        return f"must start with https:// (found {shown})"
    if not parts.hostname or "." not in parts.hostname:
        return "has no host name"
    if parts.username or parts.password:
        return "must not carry a user name or password"
    return None
