"""Hostile or clumsy data files: each case is refused with file:line:column, or read as meant.

The cases come from issue 17 (an attacker's and a clumsy contributor's tries at
the data file). Each loads a variant of the real data file in process and
asserts the message and the line it names; the loader's limits are checked to
hold in time and memory.
"""

from __future__ import annotations

import datetime as dt
import re
import resource
from pathlib import Path

import pytest

from tests.conftest import DATA_FILE, line_of, load_data_variant

REAL = DATA_FILE.read_text(encoding="utf-8")
SHOWN = "data/briefing.yml"
SOURCE_TEXT = "text: sources/vovworld-2023-03-xi-state-visit-to-russia.txt"
TERM_LABEL = "    label: Xi's presidential term at the time of the visit"


def replace_once(old: str, new: str, text: str = REAL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def messages(data) -> list[str]:
    return [str(problem) for problem in data.problems]


ALIAS_BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]\n" for level in range(1, 10)
)

# (name, variant text, text the message must contain, (needle, column or None) locating the line)
CASES = [
    (
        "glossary entry injecting Markdown (multi-line)",
        replace_once(
            "  UN: United Nations",
            "  UN: |\n    United Nations\n    [Read more](javascript:alert(document.domain))\n    {: onclick=alert(document.domain) }",
        ),
        "expansion: contains a line break at character 15; this field is one line",
        ("  UN: |", None),
    ),
    (
        "glossary entry with markup",
        replace_once("  UN: United Nations", "  UN: United <img src=x onerror=alert(1)> Nations"),
        "contains markup '<img src=x onerror=alert(1)>'",
        ("  UN: United <img", 14),
    ),
    (
        "glossary term breaking out of the abbreviation syntax",
        replace_once("  UN: United Nations", "  'U]N': United Nations"),
        "term: String should match pattern",
        ("  'U]N'", 3),
    ),
    (
        "source url javascript:",
        replace_once("    text: sources/", "    url: javascript:alert(document.domain)\n    text: sources/"),
        "url: link must start with https:// (found 'javascript:')",
        ("    url: javascript", None),
    ),
    (
        "source url data:",
        replace_once("    text: sources/", "    url: data:text/html;base64,PHNjcmlwdD4=\n    text: sources/"),
        "url: link must start with https:// (found 'data:')",
        ("    url: data:", None),
    ),
    (
        "source url without scheme",
        replace_once("    text: sources/", "    url: //evil.example/x\n    text: sources/"),
        "url: link must start with https:// (found no scheme)",
        ("    url: //evil", None),
    ),
    (
        "source url with a quote",
        replace_once(
            "    text: sources/", "    url: 'https://example.org/\" onmouseover=\"alert(1)'\n    text: sources/"
        ),
        "url: link contains",
        ("    url: 'https", None),
    ),
    (
        "licence_url javascript:",
        replace_once(
            "  licence_url: https://creativecommons.org/licenses/by/4.0/", "  licence_url: javascript:alert(1)"
        ),
        "licence_url: link must start with https://",
        ("  licence_url:", None),
    ),
    (
        "site_url http:",
        replace_once("  site_url: https://", "  site_url: http://"),
        "site_url: link must start with https:// (found 'http:')",
        ("  site_url:", None),
    ),
    (
        "source text outside the project (../)",
        replace_once(SOURCE_TEXT, "text: ../../../../etc/passwd"),
        "source text file not found: ../../../../etc/passwd",
        ("text: ../../", None),
    ),
    (
        "source text absolute path",
        replace_once(SOURCE_TEXT, "text: /etc/os-release"),
        "source text file not found: /etc/os-release",
        ("text: /etc/os-release", None),
    ),
    (
        "source text missing",
        replace_once(SOURCE_TEXT, "text: sources/nothing-here.txt"),
        "source text file not found: sources/nothing-here.txt",
        ("text: sources/nothing-here", None),
    ),
    (
        "alias bomb",
        REAL + ALIAS_BOMB,
        "alias *a0: anchors and aliases are not allowed in the data file (and 9 more use(s))",
        ("a1: &a1 [*a0", 10),
    ),
    (
        "900-deep nesting",
        REAL + "deep: " + "[" * 900 + "]" * 900 + "\n",
        "nesting deeper than 32 levels",
        ("deep: [", 38),
    ),
    (
        "YAML 1.1 boolean as a number",
        replace_once("    value: 3\n", "    value: yes\n"),
        "'yes' is read as true or false by YAML 1.1 tools",
        ("    value: yes", 12),
    ),
    (
        "YAML 1.1 boolean as precision",
        replace_once("    value: 40\n", "    value: 40\n    precision: yes\n"),
        "'yes' is read as true or false",
        ("    precision: yes", 16),
    ),
    (
        "YAML 1.1 boolean as a glossary key",
        replace_once("  UN: United Nations", "  NO: Norway"),
        "'NO' is read as true or false by YAML 1.1 tools",
        ("  NO: Norway", 3),
    ),
    (
        "YAML 1.1 'on' as text",
        replace_once("    period: March 2023\n", "    period: on\n"),
        "'on' is read as true or false",
        ("    period: on", 13),
    ),
    (
        "boolean as precision",
        replace_once("    value: 40\n", "    value: 40\n    precision: true\n"),
        "precision: Input should be a valid integer (got True)",
        ("    precision: true", 5),
    ),
    (
        "octal-looking number",
        replace_once("    value: 40\n", "    value: 040\n"),
        "'040' is a number only in some YAML versions",
        ("    value: 040", 12),
    ),
    (
        "number with underscores",
        replace_once("    value: 185\n", "    value: 1_85\n"),
        "'1_85' is a number only in some YAML versions",
        ("    value: 1_85", 12),
    ),
    (
        "sexagesimal number",
        replace_once("    value: 40\n", "    value: 1:20\n"),
        "'1:20' is a number only in some YAML versions",
        ("    value: 1:20", 12),
    ),
    (
        "number as text",
        replace_once("    value: 40\n", "    value: '40'\n"),
        "value: Input should be a valid number (got '40')",
        ("    value: '40'", 5),
    ),
    (
        "impossible date in meta",
        replace_once('  updated: "2026-11-28"', "  updated: 2026-02-30"),
        "updated: '2026-02-30' is not a date in the calendar",
        ("  updated: 2026-02-30", 3),
    ),
    (
        "impossible date in an event",
        replace_once('    date: "2023-03-20"\n', "    date: 2023-02-30\n"),
        "date: '2023-02-30' is not a date in the calendar",
        ("    date: 2023-02-30", 5),
    ),
    (
        "date and time",
        replace_once('    date: "2023-03-20"\n', "    date: 2023-03-20 10:00:00\n"),
        "'2023-03-20 10:00:00' is a date and time",
        ("    date: 2023-03-20 10", 11),
    ),
    (
        "date as a number",
        replace_once('  as_of: "2023-03-20"', "  as_of: 20230320"),
        "as_of: expected a date as YYYY-MM-DD (got 20230320)",
        ("  as_of: 20230320", 3),
    ),
    (
        "bidi override in a label",
        replace_once(TERM_LABEL, "    label: Xi's \u202epresidential term"),
        "label: contains the bidi control U+202E RIGHT-TO-LEFT OVERRIDE at character 6",
        ("    label: Xi's \u202e", 17),
    ),
    (
        "bidi isolate in a title",
        replace_once("  title: Xi Jinping's state visit", "  title: Xi Jinping's \u2067state visit"),
        "title: contains the bidi control U+2067 RIGHT-TO-LEFT ISOLATE",
        ("  title: Xi Jinping's \u2067", 23),
    ),
    (
        "zero-width space in a label",
        replace_once(TERM_LABEL, "    label: Xi's pres\u200bidential term"),
        "contains the invisible character U+200B ZERO WIDTH SPACE at character 10",
        ("    label: Xi's pres\u200b", 21),
    ),
    (
        "zero-width joiner in a person's name",
        replace_once("    name: Yuri Ushakov", "    name: Yuri Ush\u200dakov"),
        "contains the invisible character U+200D ZERO WIDTH JOINER",
        ("    name: Yuri Ush\u200d", 19),
    ),
    (
        "NUL byte",
        replace_once(TERM_LABEL, "    label: Xi's pres\x00idential term"),
        "control character U+0000 in the data file",
        ("    label: Xi's pres\x00", 21),
    ),
    (
        "ESC byte",
        replace_once(TERM_LABEL, "    label: Xi's \x1b[31mpresidential term"),
        "control character U+001B in the data file",
        ("    label: Xi's \x1b", 17),
    ),
    (
        "ESC written as a YAML escape",
        replace_once(TERM_LABEL, '    label: "Xi\'s \\e[31mpresidential term"'),
        "label: contains the control character U+001B at character 6",
        ('    label: "Xi', 5),
    ),
    (
        "spreadsheet formula in a label",
        replace_once(TERM_LABEL, '    label: \'=HYPERLINK("https://evil.example","Xi")\''),
        "label: starts with '=', which spreadsheets run as a formula",
        ("    label: '=HYPERLINK", 13),
    ),
    (
        "line separator in a label",
        replace_once(TERM_LABEL, '    label: "Xi\'s\\Lpresidential term"'),
        "contains the separator U+2028 LINE SEPARATOR at character 5",
        ('    label: "Xi', 5),
    ),
    (
        "merge key",
        replace_once(
            "  relationship.first_presidential_visit_year:\n",
            "  relationship.first_presidential_visit_year:\n    <<: *x\n",
            replace_once("  visit.xi_presidential_term:\n", "  visit.xi_presidential_term: &x\n"),
        ),
        "merge key '<<' is not supported (write the fields out in full under this entry",
        ("    <<: *x", 5),
    ),
    (
        "python tag on a list",
        replace_once(
            "    series: [trade.turnover_2022, trade.target_2024]",
            "    series: !!python/object/apply:os.system [trade.turnover_2022, trade.target_2024]",
        ),
        "tag !!python/object/apply:os.system is not allowed",
        ("    series: !!python", 13),
    ),
    (
        "python tag on a text",
        replace_once("    period: March 2023\n", "    period: !!python/name:os.system ''\n"),
        "tag !!python/name:os.system is not allowed",
        ("    period: !!python", 13),
    ),
    (
        "local tag",
        replace_once("    period: March 2023\n", "    period: !secret x\n"),
        "tag !secret is not allowed",
        ("    period: !secret", 13),
    ),
]


@pytest.mark.parametrize(("name", "text", "expected", "locator"), CASES, ids=[case[0] for case in CASES])
def test_hostile_data_is_refused_with_its_place(
    tmp_path: Path, name: str, text: str, expected: str, locator: tuple[str, int | None]
) -> None:
    data = load_data_variant(tmp_path, text)
    found = [message for message in messages(data) if expected in message]
    assert found, f"{name}: no message containing {expected!r} in {messages(data)}"
    needle, column = locator
    place = f"{SHOWN}:{line_of(text, needle)}:" + (f"{column}: " if column else r"\d+: ")
    assert any(re.match(re.escape(place) if column else place, message) for message in found), (place, found)


def test_each_mistake_is_reported_once(tmp_path: Path) -> None:
    """A value the loader refuses is not reported again as a wrong type, nor its users as unknown."""
    text = replace_once("    value: 185\n", "    value: 1_85\n")
    text = replace_once("    text: sources/", "    url: javascript:alert(1)\n    text: sources/", text)
    data = load_data_variant(tmp_path, text)
    assert len(messages(data)) == 2, messages(data)


def test_alias_bomb_is_refused_in_little_memory(tmp_path: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data = load_data_variant(tmp_path, REAL + ALIAS_BOMB)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert any("alias *a8" in message for message in messages(data))
    assert grown_kib < 200_000, grown_kib  # expanded, these aliases took 4 GB


def test_quoted_date_is_the_same_date(tmp_path: Path) -> None:
    data = load_data_variant(tmp_path, replace_once('  updated: "2026-11-28"', "  updated: 2026-11-28"))
    assert messages(data) == []
    assert data.meta.updated == dt.date(2026, 11, 28)


def test_text_is_normalised_to_nfc(tmp_path: Path) -> None:
    decomposed = "Xi's presidential term at the time of the visit, re\u0301sume\u0301"
    data = load_data_variant(tmp_path, replace_once(TERM_LABEL, "    label: " + decomposed))
    assert messages(data) == []
    assert data.figures["visit.xi_presidential_term"].label.endswith("r\u00e9sum\u00e9")


def test_symlinked_source_text_is_refused_like_a_missing_one(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data = load_data_variant(tmp_path, REAL)  # lays out data/ and data/sources/
    link = data_dir / "sources" / "link.txt"
    link.symlink_to("/etc/hostname")
    text = replace_once(SOURCE_TEXT, "text: sources/link.txt")
    (data_dir / "briefing.yml").write_text(text, encoding="utf-8")
    from briefing.data import load_briefing

    data = load_briefing(data_dir / "briefing.yml", SHOWN)
    line = line_of(text, "text: sources/link.txt")
    assert f"{SHOWN}:{line}:5: source text file not found: sources/link.txt" in "\n".join(messages(data))
    assert "vovworld-2023-03" not in data.source_texts
