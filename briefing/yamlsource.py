"""Load a YAML file keeping the line and column of every value, within limits.

PyYAML silently keeps the last of two equal keys and forgets where values
came from. This loader composes the node tree itself, reports duplicate keys
as problems, and returns, beside the plain Python data, an index from each
value's path (``("figures", "trade.turnover_2022", "value")``) to its place in
the file, so that validation errors can name ``file:line:column``.

The data file comes from contributors the build does not fully trust, so the
loader also refuses, each with its line, what YAML allows but a data file
never needs:

- aliases (``*name``): a kilobyte of nested aliases expands to gigabytes;
- nesting deeper than :data:`MAX_DEPTH` levels;
- explicit tags other than YAML's own plain types (``!!python/object/apply``);
- merge keys (``<<``);
- control characters (NUL, ESC, ...), which PyYAML reports by offset only;
- YAML 1.1's implicit conversions, which read ``yes``/``no``/``on``/``off`` as
  booleans, ``010`` as 8, ``1_000`` as 1000 and ``1:20`` as 80. Scalars are
  read by the YAML 1.2 core rules (``true``/``false``, plain decimal numbers,
  ``YYYY-MM-DD`` dates); anything another YAML tool would read differently
  must be quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefing.problems import Problems

PathKey = tuple[str | int, ...]

MAX_DEPTH = 32
MAX_CONTROL_REPORTS = 20
YAML_TAG = "tag:yaml.org,2002:"
AMBIGUOUS_TAG = "tag:briefing,2026:ambiguous"
ALLOWED_TAGS = frozenset(YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map"))

# What the YAML reader refuses; reported here with a line instead of an offset.
_NOT_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE

_DIGITS = list("-+0123456789")
# (tag, pattern, first characters): the YAML 1.2 core schema, dates as YYYY-MM-DD only.
_CORE_RESOLVERS: tuple[tuple[str, str, list[str]], ...] = (
    (YAML_TAG + "bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (YAML_TAG + "null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (YAML_TAG + "int", r"^[-+]?(?:0|[1-9][0-9]*)$", _DIGITS),
    (
        YAML_TAG + "float",
        r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$",
        [*_DIGITS, "."],
    ),
    (YAML_TAG + "float", r"^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$", ["-", "+", "."]),
    (YAML_TAG + "timestamp", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", list("0123456789")),
    # What YAML 1.1 reads as something else than text: refused, so no tool reads it differently.
    (AMBIGUOUS_TAG, r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$", list("yYnNoO")),
    (AMBIGUOUS_TAG, r"^[-+]?(?:0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|0o[0-7_]+)$", _DIGITS),
    (AMBIGUOUS_TAG, r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$", _DIGITS),
    (AMBIGUOUS_TAG, r"^[-+]?(?:[0-9][0-9_]*_[0-9_]*|_[0-9_]+)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$", [*_DIGITS, "_"]),
    (
        AMBIGUOUS_TAG,
        r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?$",
        list("0123456789"),
    ),
    (AMBIGUOUS_TAG, r"^(?:<<|=)$", ["<", "="]),
)


class LimitError(yaml.MarkedYAMLError):
    """The document goes past one of the loader's limits."""


class _BriefingLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core scalars, no aliases and a depth limit."""

    yaml_implicit_resolvers = {}  # noqa: RUF012 - PyYAML's own class attribute, filled below

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.aliases: list[tuple[str, yaml.Mark]] = []

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]
            self.aliases.append((event.anchor, event.start_mark))
            return ScalarNode(YAML_TAG + "null", "", event.start_mark, event.end_mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise LimitError(None, None, f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


for _tag, _pattern, _first in _CORE_RESOLVERS:
    _BriefingLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


@dataclass
class LocatedData:
    """Plain data loaded from YAML, with the place of every value."""

    data: Any
    locations: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    display_path: str = ""
    text: str = ""
    spans: dict[PathKey, tuple[int, int]] = field(default_factory=dict)  # scalar values: start and end offsets in text
    refused: set[PathKey] = field(default_factory=set)  # values already reported by the loader (read as None)

    def where(self, path: PathKey) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value at ``path`` or its nearest parent."""
        probe = tuple(path)
        while probe:
            if probe in self.locations:
                return self.locations[probe]
            probe = probe[:-1]
        return self.locations.get((), (None, None))

    def where_character(self, path: PathKey, character: str) -> tuple[int | None, int | None]:
        """Line and column of the first ``character`` written in the value at ``path``, else of the value."""
        span = self.spans.get(tuple(path)) or self.spans.get(tuple(path)[:-1])
        if span is not None and character:
            index = self.text.find(character, span[0], span[1])
            if index >= 0:
                return _line_column(self.text, index)
        return self.where(path)


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(YAML_TAG) :] if tag.startswith(YAML_TAG) else tag


def _ambiguity_hint(value: str) -> tuple[str, str]:
    if value in ("<<", "="):
        return (
            f"merge key '{value}' is not supported",
            "write the fields out in full under this entry; the data file has no anchors, aliases or merges",
        )
    if re.match(r"^[a-zA-Z]+$", value):
        return (
            f"'{value}' is read as true or false by YAML 1.1 tools and as text by others",
            f"quote it ('{value}') if it is text; a number or date field needs a number or date",
        )
    if ":" in value and "-" in value[:5]:
        return (f"'{value}' is a date and time", "write the date alone as YYYY-MM-DD, or quote it if it is text")
    return (
        f"'{value}' is a number only in some YAML versions (octal, hexadecimal, 1_000 or 1:20 forms)",
        "write the number as plain decimal digits, or quote it if it is text",
    )


class _Converter:
    def __init__(self, loader: _BriefingLoader, display_path: str, problems: Problems) -> None:
        self.loader = loader
        self.display_path = display_path
        self.problems = problems
        self.locations: dict[PathKey, tuple[int, int]] = {}
        self.spans: dict[PathKey, tuple[int, int]] = {}
        self.refused: set[PathKey] = set()

    def _problem(self, node: Node, message: str, hint: str = "") -> None:
        self.problems.add(self.display_path, node.start_mark.line + 1, node.start_mark.column + 1, message, hint)

    def _refused(self, node: Node) -> bool:
        """Record why ``node`` cannot be read, if it cannot; True if it was refused."""
        if node.tag not in ALLOWED_TAGS and node.tag != AMBIGUOUS_TAG:
            self._problem(
                node,
                f"tag {_shown_tag(node.tag)} is not allowed",
                "the data file holds plain text, numbers, dates, lists and mappings: remove the tag",
            )
            return True
        if node.tag == AMBIGUOUS_TAG:
            message, hint = _ambiguity_hint(str(node.value))
            self._problem(node, message, hint)
            return True
        return False

    def convert(self, node: Node, path: PathKey) -> Any:
        self.locations[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if self._refused(node):
            self.refused.add(path)
            return None
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            first_seen: dict[Any, Node] = {}
            for key_node, value_node in node.value:
                if self._refused(key_node):
                    continue
                if not isinstance(key_node, ScalarNode):
                    self._problem(key_node, "a key must be text, not a list or mapping", "write the key as plain text")
                    continue
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    self._problem(key_node, f"key {key!r} must be text", "quote it")
                    continue
                if key in first_seen:
                    first = first_seen[key]
                    self._problem(
                        key_node,
                        f"duplicate key {key!r}, first defined on line {first.start_mark.line + 1}",
                        "remove or rename one of them",
                    )
                    continue
                first_seen[key] = key_node
                result[key] = self.convert(value_node, (*path, key))
                # An entry or field is located where its key is written.
                self.locations[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            return result
        if isinstance(node, SequenceNode):
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
        self.spans[path] = (node.start_mark.index, node.end_mark.index)
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:
            # e.g. a date like 2023-03-32: keep the text so validation names the field.
            return node.value


_KEY_LINE = re.compile(r"^(?P<indent> *)(?:- )?(?P<key>[^\s:#'\"][^:#]*?):(?:\s+(?P<value>\S.*))?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous(lines: list[str], index: int) -> int | None:
    """Index of the nearest line before ``index`` with content (not blank, not a comment)."""
    index -= 1
    while index >= 0 and (not lines[index].strip() or lines[index].lstrip().startswith("#")):
        index -= 1
    return index if index >= 0 else None


def explain_syntax_error(
    text: str, line: int | None, column: int | None, problem: str
) -> tuple[int | None, int | None, str, str]:
    """The likely mistake behind a YAML syntax error, in plain words, at the line to fix.

    PyYAML reports where parsing failed, which is often the line after the
    mistake and in its own terms ("mapping values are not allowed here").
    Editors make a few mistakes again and again: a ': ' inside unquoted text,
    a key moved left or right, a tab, an unclosed quote or bracket, a missing
    colon. Each is recognised here and named with its fix.
    """
    generic = (line, column, problem, "check the indentation, colons and quotes around this line")
    if line is None:
        return generic
    lines = text.split("\n")
    index = line - 1
    current = lines[index] if 0 <= index < len(lines) else ""
    quote_trouble = "<scalar>" in problem or "quoted scalar" in problem or "end of stream" in problem
    for back in range(index, -1, -1) if quote_trouble else ():
        following = back + 1 < len(lines) and _KEY_LINE.match(lines[back + 1])
        value = _KEY_LINE.match(lines[back]) if back < len(lines) and following else None
        rest = (value.group("value") or "") if value else ""
        for mark in ('"', "'"):
            unclosed = (
                rest.startswith(mark)
                and (rest.count(mark) - rest.count("\\" + mark) - 2 * rest.count(mark * 2)) % 2 == 1
            )
            if unclosed:
                return (
                    back + 1,
                    None,
                    f"a quote ({mark}) opened on this line is not closed",
                    f"close the text with {mark} at the end of this line",
                )
    if "'\\t'" in problem or "\t" in current[: _indent(current) + 1]:
        return (line, 1, "a tab is used to indent this line", "indent with spaces only (two per level), not tabs")
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        opener = next((back for back in range(index, -1, -1) if "[" in lines[back] or "{" in lines[back]), index)
        return (
            opener + 1,
            None,
            "a list in [ ] (or a mapping in { }) is not closed on this line",
            "close it on the same line, e.g. series: [a.b, c.d]",
        )
    if "could not find expected ':'" in problem:
        previous = index if ":" not in current else _previous(lines, index)
        target = previous if previous is not None else index
        return (
            target + 1,
            None,
            f"{lines[target].strip()!r} has no ':' after it",
            "write a colon after the key (key: value), or quote the text if it is a value",
        )
    if "mapping values are not allowed here" in problem:
        key_line = _KEY_LINE.match(current)
        if key_line and column is not None and column - 1 > key_line.end("key"):
            key, typed = key_line.group("key"), (key_line.group("value") or "").replace('"', '\\"')
            return (
                line,
                column,
                f"the text of '{key}' contains ': ', which YAML reads as the start of another key",
                f'put the text in quotes: {key}: "{typed}"',
            )
    if "mapping values are not allowed here" in problem or "expected <block end>" in problem:
        previous = _previous(lines, index)
        if previous is not None:
            before = _previous(lines, previous)
            here, above = _indent(current), _indent(lines[previous])
            if here > above and before is not None and _indent(lines[before]) == here and above < here:
                return (
                    previous + 1,
                    None,
                    f"this line is indented {above} spaces, less than the lines around it ({here}): the key moved left",
                    f"indent it by {here} spaces, like the lines around it",
                )
            if here > above:
                return (
                    line,
                    None,
                    f"this line is indented {here} spaces, more than the line above ({above}), which has a value and cannot hold it",
                    f"indent it by {above} spaces, like the line above",
                )
            if here < above:
                return (
                    line,
                    None,
                    f"this line is indented {here} spaces, less than the line above ({above}) but not as little as its parent: the key moved left",
                    f"indent it by {above} spaces, like the line above",
                )
    return generic


def _control_characters(text: str, display_path: str, problems: Problems) -> bool:
    """Record every character YAML refuses (NUL, ESC, ...) with its line; True if any."""
    found = False
    for count, match in enumerate(_NOT_PRINTABLE.finditer(text)):
        if count == MAX_CONTROL_REPORTS:
            problems.add(display_path, None, None, "more control characters follow; only the first ones are listed")
            break
        found = True
        line, column = _line_column(text, match.start())
        problems.add(
            display_path,
            line,
            column,
            f"control character U+{ord(match.group(0)):04X} in the data file",
            "delete it; the data file is plain UTF-8 text",
        )
    return found


def load_yaml(path: Path, display_path: str, problems: Problems) -> LocatedData | None:
    """Read ``path`` as YAML; on any problem record it and return None if nothing is usable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(
            display_path, None, None, "data file not found", "create it or fix extra.briefing.data in mkdocs.yml"
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        problems.add(
            display_path, line, column, f"not valid UTF-8 (byte 0x{raw[error.start]:02x})", "save the file as UTF-8"
        )
        return None
    text = text.removeprefix("\ufeff")
    if _control_characters(text, display_path, problems):
        return None
    loader = _BriefingLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            problems.add(display_path, 1, 1, "data file is empty", "it needs at least 'meta', 'sources' and 'figures'")
            return None
        converter = _Converter(loader, display_path, problems)
        data = converter.convert(node, ())
    except LimitError as error:
        mark = error.problem_mark
        problems.add(
            display_path,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            f"{error.problem}",
            "the data file needs no more than a few levels",
        )
        return None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        found_line = mark.line + 1 if mark else None
        found_column = mark.column + 1 if mark else None
        where_line, where_column, message, hint = explain_syntax_error(
            text, found_line, found_column, str(error.problem or error)
        )
        problems.add(display_path, where_line, where_column, f"YAML syntax error: {message}", hint)
        return None
    except yaml.YAMLError as error:
        problems.add(display_path, None, None, f"YAML error: {error}")
        return None
    finally:
        loader.dispose()
    uses: dict[str, list[yaml.Mark]] = {}
    for anchor, mark in loader.aliases:
        uses.setdefault(anchor, []).append(mark)
    for anchor, marks in uses.items():
        more = f" (and {len(marks) - 1} more use(s))" if len(marks) > 1 else ""
        problems.add(
            display_path,
            marks[0].line + 1,
            marks[0].column + 1,
            f"alias *{anchor}: anchors and aliases are not allowed in the data file{more}",
            "write the value out in full where it is used",
        )
    if loader.aliases:
        return None
    return LocatedData(
        data=data,
        locations=converter.locations,
        display_path=display_path,
        text=text,
        spans=converter.spans,
        refused=converter.refused,
    )
