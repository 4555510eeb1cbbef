"""Fuzzing the data file's text, link and number fields through the loader and the renderer, in process.

Hypothesis writes a hostile or malformed value into one field of the real
data file (as a plain YAML scalar, or quoted), loads the file, and then:

- if the loader or the model refuses it, every problem names ``file:line``;
- if it is accepted, the macros that show that field render it, and the markup
  has no element or attribute it lacks for a plain value (so the value added
  no markup), no event-handler attribute, and no link other than
  https: or relative; the glossary goes through Markdown's ``abbr`` as on
  the site.

Examples are derandomised (the same inputs on every run) so CI is stable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import markdown
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from briefing.data import BriefingData, load_briefing
from briefing.render import Renderer
from briefing.safehtml import link_scheme
from tests.conftest import DATA_FILE
from tests.support.rendering import renderer

REAL = DATA_FILE.read_text(encoding="utf-8")
SHOWN = "data/briefing.yml"
LOCATED = re.compile(rf"^{re.escape(SHOWN)}:\d+(:\d+)?: ")
# `make test-fast` runs the first 100 of the same derandomised examples; `make test` all 600.
EXAMPLES = int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "600"))


@dataclass(frozen=True)
class Field:
    """One field of the data file: where its line is, how the value is written, which macros show it."""

    name: str
    old: str
    new: str  # with {value}
    render: Callable[[Renderer], list[str]]
    kind: str  # text, url or number
    plain: str = ""  # a harmless value of the field, for the markup to compare with (default by kind)


def _figure(renderer: Renderer) -> list[str]:
    return [renderer.figure("relationship.leader_meetings"), renderer.key_figures_table()]


def _term(renderer: Renderer) -> list[str]:
    return [renderer.figure("visit.xi_presidential_term"), renderer.period("visit.xi_presidential_term")]


def _source(renderer: Renderer) -> list[str]:
    return [renderer.cite("vovworld-2023-03"), renderer.sources_list(), renderer.figure("relationship.leader_meetings")]


def _person(renderer: Renderer) -> list[str]:
    return [renderer.person("yuri_ushakov"), renderer.people_list()]


def _event(renderer: Renderer) -> list[str]:
    return [renderer.event_date("visit.kremlin_meeting"), renderer.timeline()]


def _meta(renderer: Renderer) -> list[str]:
    return [renderer.meta("licence_url"), renderer.meta("site_url"), renderer.meta("title"), renderer.downloads()]


def _glossary(renderer: Renderer) -> list[str]:
    glossary = renderer.data.glossary
    sentence = " ".join(f"Here {term} stands." for term in sorted(glossary))
    html = markdown.markdown(sentence, extensions=["abbr"], extension_configs={"abbr": {"glossary": glossary}})
    return [renderer.glossary_list(), html]


FIELDS = [
    Field("figure label", "    label: Meetings between Putin and Xi\n", "    label: {value}\n", _figure, "text"),
    Field(
        "figure note",
        "    label: Meetings between Putin and Xi\n",
        "    label: Meetings between Putin and Xi\n    note: {value}\n",
        _figure,
        "text",
    ),
    Field("figure period", "    period: March 2023\n", "    period: {value}\n", _term, "text"),
    Field("figure value", "    value: 40\n", "    value: {value}\n", _figure, "number"),
    Field("figure precision", "    value: 40\n", "    value: 40\n    precision: {value}\n", _figure, "number", "0"),
    Field(
        "source title",
        "    title: Chinese President Xi's Russia visit, a new milestone in bilateral ties\n",
        "    title: {value}\n",
        _source,
        "text",
    ),
    Field("source short", "    short: VOV World, March 2023\n", "    short: {value}\n", _source, "text"),
    Field("source url", "    text: sources/", "    url: {value}\n    text: sources/", _source, "url"),
    Field(
        "licence url",
        "  licence_url: https://creativecommons.org/licenses/by/4.0/\n",
        "  licence_url: {value}\n",
        _meta,
        "url",
    ),
    Field(
        "site url", "  site_url: https://example.org/briefings/xi-russia-2023/\n", "  site_url: {value}\n", _meta, "url"
    ),
    Field(
        "meta title", "  title: Xi Jinping's state visit to Russia, March 2023\n", "  title: {value}\n", _meta, "text"
    ),
    Field("person role", "    role: Aide to the Russian President\n", "    role: {value}\n", _person, "text"),
    Field("person name", "    name: Yuri Ushakov\n", "    name: {value}\n", _person, "text"),
    Field(
        "event title",
        "    title: Xi Jinping meets Vladimir Putin at the Kremlin during his state visit\n",
        "    title: {value}\n",
        _event,
        "text",
    ),
    Field("event date", "    date: 2023-03-20\n", "    date: {value}\n", _event, "number", "2023-03-20"),
    Field("glossary expansion", "  UN: United Nations\n", "  UN: {value}\n", _glossary, "text"),
    Field("glossary term", "  UN: United Nations\n", "  {value}: United Nations\n", _glossary, "text", "UN"),
]
PLAIN = {"text": "Plain words", "url": "https://example.org/plain", "number": "40"}

ATTACKS = [
    "<script>alert(document.domain)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(document.domain)",
    "[Read more](javascript:alert(1))",
    "{: onclick=alert(1) }",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{% include '/etc/passwd' %}",
    "BRIEFINGMACRO0X",
    "BRIEFINGMACRO999X",
    "*[UN]: x",
    "&lt;script&gt;",
    "&#106;avascript:",
    "\u202e",
    "\u200b",
    "\x00",
    "\x1b[31m",
    "\u2028",
    "\n",
    "\r\n",
    "\t",
    "yes",
    "no",
    "on",
    "off",
    "~",
    "null",
    "&a",
    "*a",
    "!!python/object/apply:os.system",
    "<<",
    "- ",
    ": ",
    "#",
    "'",
    '"',
    "\\",
    "%",
    "@",
    "`",
    "|",
    ">",
    "data:text/html,x",
    "vbscript:x",
    "file:///etc/passwd",
    "//evil.example",
    "https://",
    "https://example.org/a b",
    "https://user:pw@example.org/",
    "HTTPS://EXAMPLE.ORG/",
    "e\u0301",
    "\ufeff",
    "\U0001f600",
    "0x1F",
    "1_000",
    "1:20",
    "010",
    ".inf",
    ".nan",
    "-0",
    "1e400",
    "2026-02-30",
    "2023-03-20 10:00:00",
    "20230320",
    "<!--",
    "]]>",
    "</abbr>",
    "</a>",
    "</p><p>",
    "**bold**",
    "![x](y)",
]
HOSTILE_CHARACTERS = st.sampled_from(
    list("aZ09 .,;:!?-_/<>\"'&#*[](){}|\\`~$%^=+@\n\t\u202e\u200b\u00a0\u2028\x00\x1be\u0301")
)


def values(kind: str) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(ATTACKS), st.text(HOSTILE_CHARACTERS, max_size=12), st.text(max_size=8))
    text = st.lists(pieces, min_size=1, max_size=4).map("".join)
    if kind == "url":
        scheme = st.sampled_from(
            ["https://", "http://", "javascript:", "data:", "", "HTTPS://", " https://", "java\tscript:", "https:"]
        )
        return st.tuples(scheme, st.sampled_from(["example.org/", "example.org", "", "evil"]), text).map("".join)
    if kind == "number":
        numbers = st.one_of(
            st.integers(-(10**6), 10**6).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr)
        )
        return st.one_of(numbers, text)
    return text


def encode(value: str, style: str) -> str:
    if style == "double":
        return json.dumps(value)
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return value


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(DATA_FILE.parent / "sources", folder / "sources")
    return folder


def load(data_dir: Path, text: str) -> BriefingData:
    path = data_dir / "briefing.yml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return load_briefing(path, SHOWN)


def structure(html: str) -> list[tuple[str, tuple[str, ...]]]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [(element.tag, tuple(sorted(element.attrib))) for element in root.iter() if isinstance(element.tag, str)]


def rendered(data: BriefingData, field: Field) -> list[str]:
    return [str(markup) for markup in field.render(renderer("about.md", data))]


_BASELINES: dict[str, list[list[tuple[str, tuple[str, ...]]]]] = {}


def baseline(data_dir: Path, field: Field) -> list[list[tuple[str, tuple[str, ...]]]]:
    if field.name not in _BASELINES:
        data = load(data_dir, REAL.replace(field.old, field.new.format(value=field.plain or PLAIN[field.kind]), 1))
        assert list(data.problems) == [], [str(problem) for problem in data.problems]
        _BASELINES[field.name] = [structure(html) for html in rendered(data, field)]
    return _BASELINES[field.name]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_value_is_refused_with_its_line_or_rendered_harmless(data_dir: Path, data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(FIELDS), label="field")
    value = data.draw(values(field.kind), label="value")
    style = data.draw(st.sampled_from(["plain", "double", "single"]), label="style")
    text = REAL.replace(field.old, field.new.format(value=encode(value, style)), 1)
    loaded = load(data_dir, text)
    problems = [str(problem) for problem in loaded.problems]
    event(f"{field.kind}: {'refused' if problems else 'accepted'}")
    if problems:
        unlocated = [problem for problem in problems if not LOCATED.match(problem)]
        assert unlocated == [], unlocated
        return
    expected = baseline(data_dir, field)
    for html, shape in zip(rendered(loaded, field), expected, strict=True):
        # An empty value may drop an optional element (no note, no title); no value may add markup.
        added = Counter(structure(html)) - Counter(shape)
        assert not added, f"{field.name}: the value added markup {dict(added)}\n{html[:2000]}"
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            assert not any(name.lower().startswith("on") for name in element.attrib), html
            for attribute in ("href", "src", "xlink:href"):
                if (link := element.get(attribute)) is not None:
                    assert link_scheme(link) in (None, "https"), (field.name, link)
