"""Problems found in a build, collected so that all of them are reported together.

Every check in the engine appends to a :class:`Problems` list instead of
raising, so an editor sees every mistake of a build in one run, each with the
file, line and column it concerns and a hint on how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located in a file."""

    path: str
    line: int | None
    column: int | None
    message: str
    hint: str = ""

    @property
    def where(self) -> str:
        """``file:line:column`` as far as it is known."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class Problems:
    """An ordered, de-duplicated collection of problems."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def add(
        self,
        path: str,
        line: int | None,
        column: int | None,
        message: str,
        hint: str = "",
    ) -> None:
        """Record a problem unless the same one is already recorded."""
        problem = Problem(path, line, column, message, hint)
        if problem not in self._items:
            self._items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record several problems."""
        for problem in problems:
            self.add(problem.path, problem.line, problem.column, problem.message, problem.hint)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def report(self) -> str:
        """All problems, one per line, followed by a count."""
        lines = [str(problem) for problem in self._items]
        noun = "problem" if len(lines) == 1 else "problems"
        lines.append(f"{len(lines)} {noun} found; the build stops here.")
        return "\n".join(lines)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A 'did you mean ...?' hint naming the closest known names, or ''."""
    matches = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    if not matches:
        return ""
    return "did you mean " + " or ".join(repr(match) for match in matches) + "?"


def problem_page(problems: Iterable[Problem]) -> str:
    """A standalone HTML page listing ``problems``: what ``make serve`` shows while a build fails."""
    from briefing.render import template_environment  # markup lives in templates
    from briefing.standalone import standalone_css

    page = template_environment().get_template("build_problems.html")
    return page.render(problems=list(problems), stylesheet=standalone_css())
