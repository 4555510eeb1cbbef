"""The Jinja environment pages are rendered in: Jinja's sandbox, the briefing's macros and nothing else.

Pages come from contributors the build does not fully trust (README,
"Contributions and trust"). mkdocs-macros renders each page with its own
``jinja2.Environment``, which lets a page reach Python itself
(``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` runs a shell
command) and exits the whole process (and ``mkdocs serve``) on the first error.
:func:`install` replaces that environment, after mkdocs-macros has built it,
with a :class:`PageEnvironment`:

- a :class:`jinja2.sandbox.SandboxedEnvironment`: no attribute starting with
  ``_``, no unsafe methods, so no way from a value to Python internals;
- its only globals are the briefing's macros (no ``cycler``, ``range``,
  ``config``, ``environment``, ``page`` or other variables of mkdocs-macros),
  and they are the only things a page can call: no string methods
  (``'a'.ljust(10**9)``), no filters, no arithmetic (``'a' * 10**10``), so a
  page cannot exhaust the build machine's memory either;
- no loader: ``{% include %}``, ``{% import %}`` and ``{% extends %}`` fail;
- every error while rendering a page becomes a problem located at the page's
  ``file:line`` (:class:`PageTemplate`), never an exit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined, Template, TemplateNotFound, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

TEMPLATE_FILENAME = "<template>"
FAILED_PAGE_TEXT = "(This part of the page could not be rendered; see the build log.)"

ErrorHandler = Callable[[BaseException, "int | None"], None]


class NoIncludes(BaseLoader):
    """A loader that loads nothing: pages cannot include, import or extend files."""

    def get_source(self, environment: Any, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        raise TemplateNotFound(template, "pages cannot include, import or extend files")


def template_line(traceback: TracebackType | None) -> int | None:
    """The line of the page template where an exception was raised (innermost template frame)."""
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == TEMPLATE_FILENAME:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


class PageTemplate(Template):
    """A page: rendered with the macros only; an error is reported, not raised."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        try:
            return super().render()
        except Exception as error:  # noqa: BLE001 - a page must never stop the build or the server: report it where it is
            environment = self.environment
            assert isinstance(environment, PageEnvironment)
            environment.on_error(error, template_line(error.__traceback__))
            return FAILED_PAGE_TEXT


ARITHMETIC = frozenset({"+", "-", "*", "/", "//", "%", "**"})
_ARITHMETIC_NODES = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow)


class PageEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with the briefing's macros as its only globals and the only callables."""

    template_class = PageTemplate
    intercepted_binops = ARITHMETIC

    def __init__(self, macros: Mapping[str, Callable[..., Any]], on_error: ErrorHandler, **options: Any) -> None:
        super().__init__(loader=NoIncludes(), undefined=StrictUndefined, autoescape=False, **options)
        self.globals.clear()
        self.globals.update(macros)
        self.filters.clear()
        self.macro_functions = frozenset(id(function) for function in macros.values())
        self.on_error = on_error

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        if id(__obj) not in __self.macro_functions:
            raise SecurityError(
                f"{getattr(__obj, '__name__', type(__obj).__name__)!s} cannot be called from a page; only the briefing's macros can"
            )
        return __obj(*args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        raise SecurityError(f"arithmetic ({operator}) is not available in pages; numbers come from the data file")


def template_problems(environment: Environment, source: str, known: Mapping[str, object]) -> list[tuple[int, str, str]]:
    """Everything in a page's template the sandbox would refuse, each with its line, message and hint.

    The sandbox enforces these rules while a page renders, but stops at the first;
    this reads the whole template first so that one build names every such line.
    """
    tree = environment.parse(source)
    assigned = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    found: list[tuple[int, str, str]] = []
    kinds = (nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Call, *_ARITHMETIC_NODES)
    for node in tree.find_all((*kinds, nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        if isinstance(node, _ARITHMETIC_NODES):
            found.append(
                (
                    node.lineno,
                    f"arithmetic ({node.operator}) is not available in pages",
                    "take every number from the data file with a macro",
                )
            )
        elif isinstance(node, nodes.Call):
            if not (isinstance(node.node, nodes.Name) and node.node.name in known):
                found.append(
                    (
                        node.lineno,
                        "only the briefing's macros can be called in a page",
                        "write {{ figure('id') }} and the like; see README, The macros",
                    )
                )
        elif isinstance(node, nodes.Name):
            if node.ctx == "load" and node.name not in known and node.name not in assigned:
                found.append((node.lineno, f"unknown macro or name '{node.name}'", _known_hint(node.name, known)))
        elif isinstance(node, nodes.Getattr):
            if node.attr.startswith("_"):
                found.append(
                    (
                        node.lineno,
                        f"attribute '{node.attr}' is not allowed in a page",
                        "pages call the briefing's macros; Python internals are out of reach",
                    )
                )
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) and node.arg.value.startswith("_"):
                found.append(
                    (
                        node.lineno,
                        f"item '{node.arg.value}' is not allowed in a page",
                        "pages call the briefing's macros; Python internals are out of reach",
                    )
                )
        else:
            found.append(
                (
                    node.lineno,
                    "pages cannot include, import or extend files",
                    "remove the {% include %}, {% import %} or {% extends %}",
                )
            )
    return sorted(set(found))


def _known_hint(name: str, known: Mapping[str, object]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=2, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{match}'" for match in close) + "?"
    return "the macros are: " + ", ".join(sorted(known))


def install(macros_plugin: Any, macros: Mapping[str, Callable[..., Any]], on_error: ErrorHandler) -> PageEnvironment:
    """Replace mkdocs-macros' environment with a :class:`PageEnvironment` holding ``macros``.

    The markers mkdocs-macros was configured with (``j2_*`` options) are kept.
    """
    old = macros_plugin.env
    markers = {
        name: getattr(old, name)
        for name in (
            "block_start_string",
            "block_end_string",
            "variable_start_string",
            "variable_end_string",
            "comment_start_string",
            "comment_end_string",
        )
    }
    environment = PageEnvironment(macros, on_error, **markers)
    macros_plugin._env = environment  # mkdocs-macros keeps its environment there (MacrosPlugin.env reads it)
    return environment


def skip_git_variables() -> bool:
    """Stop mkdocs-macros from running git for its ``git`` page variable; return whether it was stopped.

    mkdocs-macros starts thirteen ``git`` processes on every build (and every
    rebuild of ``mkdocs serve``) to fill a ``git`` variable for pages. Pages
    here render in a :class:`PageEnvironment`, which has the briefing's macros
    and no variables of mkdocs-macros, so no page can read it: the processes
    are pure cost (about 20 ms a build). If a future mkdocs-macros no longer
    has ``context.get_git_info``, nothing changes.
    """
    try:
        from mkdocs_macros import context
    except ImportError:
        return False
    if not callable(getattr(context, "get_git_info", None)):
        return False

    def git_not_read() -> dict[str, object]:
        return {"status": False, "date": None, "diagnosis": "not read: pages of this briefing cannot use it"}

    context.get_git_info = git_not_read
    return True
