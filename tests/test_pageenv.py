"""The page sandbox on its own: what a page may not do is refused at its line, and rendering never raises.

The build-level cases (a page running a shell command, including a file, an
unknown macro) are in tests/test_bad_input.py; these cover the rest of what
Jinja offers a page, in process.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from briefing.pageenv import FAILED_PAGE_TEXT, PageEnvironment, template_problems
from tests.conftest import build_in_process


def make_environment() -> tuple[PageEnvironment, list[tuple[str, str, int | None]]]:
    errors: list[tuple[str, str, int | None]] = []

    def figure(figure_id: str, style: str = "long") -> str:
        return f"[{figure_id}]"

    environment = PageEnvironment(
        {"figure": figure}, lambda error, line: errors.append((type(error).__name__, str(error), line))
    )
    return environment, errors


# (page text, what the static check says, the line it names)
REFUSED = [
    ("{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}", "unknown macro or name 'cycler'", 1),
    (
        "text\n{{ figure.__globals__['os'].popen('touch {marker}') }}",
        "attribute '__globals__' is not allowed in a page",
        2,
    ),
    ("{{ figure['__globals__'] }}", "item '__globals__' is not allowed in a page", 1),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "attribute '__class__' is not allowed in a page", 1),
    ("\n\n{{ 'a'.ljust(1000000000) }}", "only the briefing's macros can be called in a page", 3),
    ("{{ 'x{0.__class__}'.format(figure) }}", "only the briefing's macros can be called in a page", 1),
    ("{{ 'a' * 1000000000 }}", "arithmetic (*) is not available in pages", 1),
    ("{{ 2 ** 99999999 }}", "arithmetic (**) is not available in pages", 1),
    ("{% include 'index.md' %}", "pages cannot include, import or extend files", 1),
    ("{% import 'x.html' as x %}", "pages cannot include, import or extend files", 1),
    ("{{ config.extra }}", "unknown macro or name 'config'", 1),
    ("{{ environment }}", "unknown macro or name 'environment'", 1),
    ("{{ range(10) }}", "unknown macro or name 'range'", 1),
]


@pytest.mark.parametrize(("text", "message", "line"), REFUSED, ids=[case[0][:40] for case in REFUSED])
def test_what_a_page_may_not_do_is_refused_at_its_line_and_never_runs(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    marker = tmp_path / "ran"
    source = text.replace("{marker}", str(marker))
    environment, errors = make_environment()
    found = template_problems(environment, source, environment.globals)
    assert any(problem_line == line and problem_message == message for problem_line, problem_message, _ in found), found
    output = environment.from_string(source).render()  # the sandbox holds even without the static check
    assert output == FAILED_PAGE_TEXT
    assert errors and errors[-1][0] in ("SecurityError", "UndefinedError", "TemplateNotFound"), errors
    assert not marker.exists()


def test_filters_are_not_available(tmp_path: Path) -> None:
    environment, _ = make_environment()
    with pytest.raises(Exception, match="No filter named 'center'"):
        environment.from_string("{{ 'a' | center(1000000000) }}")


def test_a_runtime_error_names_the_template_line() -> None:
    environment, errors = make_environment()
    assert environment.from_string("one\ntwo\n{{ figure() }}\n").render() == FAILED_PAGE_TEXT
    assert errors == [
        ("TypeError", "make_environment.<locals>.figure() missing 1 required positional argument: 'figure_id'", 3)
    ]


def test_macros_work() -> None:
    environment, errors = make_environment()
    assert (
        environment.from_string("A {{ figure('x') }} and {{ figure('y', style='short') }}.").render()
        == "A [x] and [y]."
    )
    assert errors == []


def test_a_build_starts_no_git_process(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """mkdocs-macros runs git for a page variable no page here can read: the build skips it."""
    import importlib

    from mkdocs_macros import context

    importlib.reload(context)  # mkdocs-macros as installed, whatever an earlier build in this process changed
    started: list[list[str]] = []
    real_check_output = subprocess.check_output

    def check_output(command: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(command, list | tuple) and command and command[0] == "git":
            started.append(list(command))
        return real_check_output(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "check_output", check_output)
    result = build_in_process(project)
    assert result.ok, result.problems or result.error
    assert started == []
