"""Planting a mistake in a copy of the project, and proving that a failed build changed nothing.

A bad-input case is a :class:`Case`: its name, a :data:`Plant` that edits a
fresh copy of the project (the ``project`` fixture) and says which file and
line the message must name, and the words the message must contain. The
plants here edit by exact text, so a case fails loudly (``... not in ...``)
when the real data file or page it relies on changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import line_of

DATA = "data/briefing.yml"
# Plants the mistake; returns the file the message names and its line (None: any line).
Plant = Callable[[Path], tuple[str, int | None]]


@dataclass(frozen=True)
class Case:
    """One planted mistake and what its message must say."""

    name: str
    plant: Plant
    message: str  # text the message must contain


def tree_digest(root: Path) -> dict[str, str]:
    """The SHA-256 of every file under ``root``, by relative path: two equal digests mean nothing changed."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def edit(project: Path, relative: str, old: str, new: str) -> str:
    """Replace the first ``old`` with ``new`` in a project file; return the new text."""
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def data_edit(*edits: tuple[str, str], locate: str) -> Plant:
    """Edits of the data file, each ``(old, new)`` in turn; the message names the line of ``locate`` ("" for any)."""

    def plant(project: Path) -> tuple[str, int | None]:
        text = ""
        for old, new in edits:
            text = edit(project, DATA, old, new)
        return DATA, line_of(text, locate) if locate else None

    return plant


def page_edit(page: str, old: str, new: str, locate: str) -> Plant:
    """An edit of ``docs/<page>``; the message names the line of ``locate`` ("" for any)."""

    def plant(project: Path) -> tuple[str, int | None]:
        text = edit(project, f"docs/{page}", old, new)
        return f"docs/{page}", line_of(text, locate) if locate else None

    return plant


def set_extra_briefing(project: Path, block: str) -> None:
    """Replace the ``briefing:`` block under ``extra:`` of a copied project's mkdocs.yml."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    head, _, _ = text.partition("  briefing:\n")
    config.write_text(head + "  briefing:\n" + block, encoding="utf-8")
