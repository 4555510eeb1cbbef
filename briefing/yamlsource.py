"""Load a YAML file keeping the line and column of every value.

PyYAML silently keeps the last of two equal keys and forgets where values
came from. This loader composes the node tree itself, reports duplicate keys
as problems, and returns, beside the plain Python data, an index from each
value's path (``("figures", "trade.turnover_2022", "value")``) to its place in
the file, so that validation errors can name ``file:line:column``.
"""

from __future__ import annotations

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
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problems.add(display_path, line, column, f"YAML syntax error: {error.problem or error}", "check indentation, colons and quotes")
        return None
    except yaml.YAMLError as error:
        problems.add(display_path, None, None, f"YAML error: {error}")
        return None
    finally:
        loader.dispose()
    return LocatedData(data=data, locations=converter.locations, display_path=display_path)
