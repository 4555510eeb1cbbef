"""Load a YAML file keeping the line and column of every value.

PyYAML silently keeps the last of two equal keys and forgets where values
came from. This loader composes the node tree itself, reports duplicate keys
as problems, and returns, beside the plain Python data, an index from each
value's path (``("figures", "trade.turnover_2022", "value")``) to its place in
the file, so that validation errors can name ``file:line:column``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefing.problems import Problems

PathKey = tuple[str | int, ...]


@dataclass
class LocatedData:
    """Plain data loaded from YAML, with the place of every value."""

    data: Any
    locations: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    display_path: str = ""

    def where(self, path: PathKey) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value at ``path`` or its nearest parent."""
        probe = tuple(path)
        while probe:
            if probe in self.locations:
                return self.locations[probe]
            probe = probe[:-1]
        return self.locations.get((), (None, None))


class _Converter:
    def __init__(self, loader: yaml.SafeLoader, display_path: str, problems: Problems) -> None:
        self.loader = loader
        self.display_path = display_path
        self.problems = problems
        self.locations: dict[PathKey, tuple[int, int]] = {}

    def convert(self, node: yaml.Node, path: PathKey) -> Any:
        self.locations[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            first_seen: dict[Any, yaml.Node] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int)):
                    self.problems.add(
                        self.display_path,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        f"key {key!r} must be text",
                        "quote it",
                    )
                    continue
                if key in first_seen:
                    first = first_seen[key]
                    self.problems.add(
                        self.display_path,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        f"duplicate key {key!r}, first defined on line {first.start_mark.line + 1}",
                        "remove or rename one of them",
                    )
                    continue
                first_seen[key] = key_node
                result[key] = self.convert(value_node, (*path, key))
                # An entry or field is located where its key is written.
                self.locations[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
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


def explain_syntax_error(text: str, line: int | None, column: int | None, problem: str) -> tuple[int | None, int | None, str, str]:
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
            unclosed = rest.startswith(mark) and (rest.count(mark) - rest.count("\\" + mark) - 2 * rest.count(mark * 2)) % 2 == 1
            if unclosed:
                return (back + 1, None, f"a quote ({mark}) opened on this line is not closed",
                        f"close the text with {mark} at the end of this line")
    if "'\\t'" in problem or "\t" in current[: _indent(current) + 1]:
        return (line, 1, "a tab is used to indent this line", "indent with spaces only (two per level), not tabs")
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        opener = next((back for back in range(index, -1, -1) if "[" in lines[back] or "{" in lines[back]), index)
        return (opener + 1, None, "a list in [ ] (or a mapping in { }) is not closed on this line",
                "close it on the same line, e.g. series: [a.b, c.d]")
    if "could not find expected ':'" in problem:
        previous = index if ":" not in current else _previous(lines, index)
        target = previous if previous is not None else index
        return (target + 1, None, f"{lines[target].strip()!r} has no ':' after it",
                "write a colon after the key (key: value), or quote the text if it is a value")
    if "mapping values are not allowed here" in problem:
        key_line = _KEY_LINE.match(current)
        if key_line and column is not None and column - 1 > key_line.end("key"):
            key, typed = key_line.group("key"), (key_line.group("value") or "").replace('"', '\\"')
            return (line, column, f"the text of '{key}' contains ': ', which YAML reads as the start of another key",
                    f'put the text in quotes: {key}: "{typed}"')
    if "mapping values are not allowed here" in problem or "expected <block end>" in problem:
        previous = _previous(lines, index)
        if previous is not None:
            before = _previous(lines, previous)
            here, above = _indent(current), _indent(lines[previous])
            if here > above and before is not None and _indent(lines[before]) == here and above < here:
                return (previous + 1, None,
                        f"this line is indented {above} spaces, less than the lines around it ({here}): the key moved left",
                        f"indent it by {here} spaces, like the lines around it")
            if here > above:
                return (line, None, f"this line is indented {here} spaces, more than the line above ({above}), which has a value and cannot hold it",
                        f"indent it by {above} spaces, like the line above")
            if here < above:
                return (line, None, f"this line is indented {here} spaces, less than the line above ({above}) but not as little as its parent: the key moved left",
                        f"indent it by {above} spaces, like the line above")
    return generic


def load_yaml(path: Path, display_path: str, problems: Problems) -> LocatedData | None:
    """Read ``path`` as YAML; on any problem record it and return None if nothing is usable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(display_path, None, None, "data file not found", "create it or fix extra.briefing.data in mkdocs.yml")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        problems.add(display_path, line, column, f"not valid UTF-8 (byte 0x{raw[error.start]:02x})", "save the file as UTF-8")
        return None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            problems.add(display_path, 1, 1, "data file is empty", "it needs at least 'meta', 'sources' and 'figures'")
            return None
        converter = _Converter(loader, display_path, problems)
        data = converter.convert(node, ())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        found_line = mark.line + 1 if mark else None
        found_column = mark.column + 1 if mark else None
        where_line, where_column, message, hint = explain_syntax_error(text, found_line, found_column, str(error.problem or error))
        problems.add(display_path, where_line, where_column, f"YAML syntax error: {message}", hint)
        return None
    except yaml.YAMLError as error:
        problems.add(display_path, None, None, f"YAML error: {error}")
        return None
    finally:
        loader.dispose()
    return LocatedData(data=data, locations=converter.locations, display_path=display_path)
