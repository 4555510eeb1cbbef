"""Checks on pages: code kept literal and template errors located before rendering, hand-typed numbers after.

A number in a page's rendered body must come from the data file through a
macro. :func:`hand_typed_numbers` reads the body HTML and returns every number
written outside the elements the macros emit (figures, dates, data text) and
outside code. A short list of allowed tokens, kept in ``mkdocs.yml`` under
``extra.briefing.allowed_numbers``, covers the rare exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, Template, TemplateSyntaxError

from briefing.readernumbers import HandTypedNumber, hand_typed_in_text

if TYPE_CHECKING:  # parsed only when a check is not in the build cache (see site.BuildContext)
    import lxml.html

# Elements whose text came from the data file, or is code: their subtree is not checked.
SKIPPED_TAGS = frozenset({"code", "pre", "time", "kbd", "samp", "script", "style", "svg"})
SKIPPED_CLASSES = frozenset(
    {"fig", "fig-value", "from-data", "cite", "person", "headerlink", "chart", "briefing-error"}
)
# Attributes a reader sees (alt text, tooltips, labels read aloud). An <abbr>'s title is the
# glossary's expansion, checked in the data file.
READER_ATTRIBUTES = ("alt", "title", "aria-label")


def _skipped(element: lxml.html.HtmlElement) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.rpartition("}")[2] in SKIPPED_TAGS:
        return True
    classes = element.get("class")
    return bool(classes) and not SKIPPED_CLASSES.isdisjoint(classes.split())


def hand_typed_numbers(html: str, allowed: frozenset[str] = frozenset()) -> list[HandTypedNumber]:
    """Numbers in ``html`` body text and reader-facing attributes that no macro produced and that are not allowed."""
    if not html.strip():
        return []
    import lxml.html  # here, not at the top: a build with every check cached never needs it

    root = lxml.html.fragment_fromstring(html, create_parent="div")
    texts: list[str] = []

    def walk(element: lxml.html.HtmlElement) -> None:
        # One pass over the tree, pruning skipped subtrees (a tail belongs to the parent's text).
        if element.text:
            texts.append(element.text)
        for child in element:
            if not isinstance(child.tag, str):  # comments, processing instructions
                pass
            elif not _skipped(child):
                if child.tag != "abbr":
                    texts.extend(value for name in READER_ATTRIBUTES if (value := child.get(name)))
                walk(child)
            if child.tail:
                texts.append(child.tail)

    walk(root)
    found: list[HandTypedNumber] = []
    for text in texts:
        found.extend(hand_typed_in_text(text, allowed))
    return found


def locate_text(source_text: str, token: str, context: str) -> int | None:
    """The line of ``source_text`` most likely to hold ``token`` as it appears in ``context``."""
    words = [word for word in re.split(r"\W+", context) if word]
    best_line, best_score = None, -1
    for number, line in enumerate(source_text.splitlines(), start=1):
        if not re.search(r"(?<![\w.])" + re.escape(token) + r"(?!\w)", line):
            continue
        score = sum(1 for word in words if word in line)
        if score > best_score:
            best_line, best_score = number, score
    return best_line


_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)")


def protect_code(markdown: str, environment: Environment) -> str:
    """``markdown`` with every fenced code block and inline code span that holds template
    syntax wrapped in ``{% raw %}``, so a macro in code is shown as typed, never run.

    The wrapping adds no line, so template line numbers stay those of the page.
    """
    openers = (environment.variable_start_string, environment.block_start_string, environment.comment_start_string)
    raw_open = f"{environment.block_start_string} raw {environment.block_end_string}"
    raw_close = f"{environment.block_start_string} endraw {environment.block_end_string}"

    def literal(code: str) -> str:
        if not any(opener in code for opener in openers):
            return code
        # A literal "{% endraw %}" inside the code closes the raw block, is printed as a string, then reopens it.
        code = code.replace(
            raw_close,
            raw_close
            + environment.variable_start_string
            + repr(raw_close)
            + environment.variable_end_string
            + raw_open,
        )
        return raw_open + code + raw_close

    lines = markdown.split("\n")
    output: list[str] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            output.append(_CODE_SPAN.sub(lambda match: literal(match.group(0)), lines[index]))
            index += 1
            continue
        fence = opening.group("fence")
        end = index + 1
        closing = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        block = "\n".join(lines[index : end + 1])  # an unclosed fence runs to the end of the page
        output.append(literal(block))
        index = end + 1
    return "\n".join(output)


def template_syntax_error(environment: Environment, markdown: str) -> tuple[int, str] | None:
    """The line (within ``markdown``) and message of a Jinja syntax error, or None.

    The template compiled here is kept and handed back by ``environment.from_string``
    for the same source, so a page is compiled once per build, not twice. Errors while
    rendering are reported by the page environment (:mod:`briefing.pageenv`).
    """
    try:
        template = environment.from_string(markdown)
    except TemplateSyntaxError as error:
        return error.lineno, error.message or "syntax error"
    _compiled_templates(environment)[markdown] = template
    return None


def _compiled_templates(environment: Environment) -> dict[str, Template]:
    """The cache of templates compiled by the check, installed on ``environment`` once.

    mkdocs-macros calls ``environment.from_string(markdown)`` for each page; the
    wrapper returns (once) the template the syntax check already compiled.
    """
    cache: dict[str, Template] | None = getattr(environment, "_briefing_compiled", None)
    if cache is None:
        cache = {}
        original = environment.from_string

        def from_string(source: str, globals: Any = None, template_class: Any = None) -> Template:
            if globals is None and template_class is None and source in cache:
                return cache.pop(source)
            return original(source, globals, template_class)

        environment._briefing_compiled = cache  # type: ignore[attr-defined]
        environment.from_string = from_string  # type: ignore[method-assign,assignment]
    return cache


def body_offset(source_text: str, markdown: str) -> int:
    """How many lines of the source file (front matter) precede the Markdown body."""
    body = markdown.lstrip("\n")
    index = source_text.find(body[:200]) if body else -1
    if index < 0:
        return 0
    return source_text[:index].count("\n")


# Markdown links and images, reference definitions, and href/src attributes in inline HTML.
_LINK_PATTERNS = (
    re.compile(r"!?\[[^\]]*\]\((?P<target><[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\)"),
    re.compile(r"^\s*\[[^\]]+\]:\s*(?P<target>\S+)", re.M),
    re.compile(r"""\b(?:href|src)=["'](?P<target>[^"']+)["']"""),
)
_ID_ATTRIBUTE = re.compile(r"""\bid=["']([^"']+)["']""")


@dataclass(frozen=True)
class Link:
    """A link written in a page's source."""

    line: int
    column: int
    target: str


def links_in(source_text: str) -> list[Link]:
    """Every relative link written in ``source_text`` (skipping code blocks and macros)."""
    found: list[Link] = []
    in_fence = False
    for number, line in enumerate(source_text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence or ("{{" in line and "}}" in line and "](" not in line):
            continue
        for pattern in _LINK_PATTERNS:
            for match in pattern.finditer(line):
                target = match.group("target").strip("<>")
                if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("/", "{{")):
                    continue
                found.append(Link(number, match.start("target") + 1, target))
    return found


def anchors_in(html: str) -> set[str]:
    """Every element id in a page's HTML."""
    return set(_ID_ATTRIBUTE.findall(html))
