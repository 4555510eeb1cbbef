"""One build's state: the data loaded once, the renderer, and every problem found.

Both MkDocs-facing files (``macros.py`` and ``hooks/briefing_hooks.py``) get
the same :class:`BuildContext` from :func:`context_for`, which creates it the
first time it is asked for a given configuration object, so the data file is
read and validated once per build, however many pages there are. This module
does not import MkDocs: it reads the few configuration values it needs.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, TemplateNotFound, UndefinedError
from jinja2.exceptions import SecurityError

from briefing.buildcache import DEFAULT_KEEP, BuildCache
from briefing.cached import (
    CHECKS_KIND,
    DATA_KIND,
    DOWNLOADS_KIND,
    FORMATTING_KIND,
    CheckMemo,
    cached_download_files,
    load_data,
    load_formatting_memo,
    save_formatting_memo,
)
from briefing.charts import CACHE_KIND as CHART_KIND
from briefing.charts import RenderedChart
from briefing.downloads import PDF_PATH
from briefing.editions import check_against_editions, entry_changes, last_change_dates, published_editions
from briefing.entries import EDITION_KIND_WORDS
from briefing.formatting import format_day
from briefing.jsonld import page_json_ld
from briefing.navigation import page_url
from briefing.pagecheck import (
    anchors_in,
    body_offset,
    hand_typed_numbers,
    links_in,
    locate_text,
    protect_code,
    template_syntax_error,
)
from briefing.pageenv import PageEnvironment, install, template_problems
from briefing.plaintext import text_fault
from briefing.problems import Problems, did_you_mean
from briefing.project import Project
from briefing.readernumbers import hand_typed_in_text
from briefing.render import PAGE_PATHS, PageCard, Renderer, relative_href
from briefing.safehtml import locate_needle, unsafe_markup
from briefing.templatecache import PAGE_KIND, TEMPLATE_KIND, cache_page_compiles, environment_signature

log = logging.getLogger("mkdocs.plugins.briefing")

CONTEXT_ATTRIBUTE = "_briefing_context"
REQUIRED_FRONT_MATTER = ("title", "description", "summary")
REQUIRED_FRONT_MATTER_HELP = {
    "title": "the page title",
    "description": "one sentence for search engines and link previews",
    "summary": "one line for the page cards on Home",
}
FRONT_MATTER_SEEN = {
    "title": "in the navigation, the tab and search results",
    "description": 'in search engines and link previews, as <meta name="description">',
    "summary": "on Home's page cards",
}


def front_matter_line(source_text: str, name: str) -> int | None:
    """The line of ``name:`` in a page's front matter, or None."""
    match = re.match(r"^---\s*\n(.*?)\n---\s*\n", source_text, re.S)
    if match is None:
        return None
    for number, line in enumerate(match.group(1).splitlines(), start=2):
        if re.match(rf"{re.escape(name)}\s*:", line):
            return number
    return None


# Front-matter keys a page may set: its texts, and Material's search and hide switches.
# Others (``template``, ``render_macros``, ...) would let page text change how the build treats it.
ALLOWED_FRONT_MATTER = (*REQUIRED_FRONT_MATTER, "search", "hide")

# Every kind of data entry that must be used on some page (kind, data section, macro that uses it):
# an entry no page shows is an error, because the briefing promises every fact appears on a page.
ORPHAN_KINDS: tuple[tuple[str, str, str], ...] = (
    ("figures", "figures", "figure"),
    ("derived", "derived", "derived"),
    ("events", "events", "event_date"),
    ("people", "people", "person"),
    ("sources", "sources", "cite"),
    ("charts", "charts", "chart"),
)


def front_matter(path: Path) -> dict[str, Any]:
    """The YAML front matter of a Markdown file, or {} if it has none or it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}  # the page itself reports the problem when MkDocs reads it
    match = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.S)
    if match is None:
        return {}
    try:
        # The same safe loader, in C where PyYAML has it: every build reads every page's front matter.
        meta = yaml.load(match.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError:
        return {}  # MkDocs reports broken front matter for the page
    return meta if isinstance(meta, dict) else {}


def symbolic_links(folder: Path) -> list[Path]:
    """Every symbolic link under ``folder`` (files and folders), without following any."""
    found: list[Path] = []
    for root, folders, files in os.walk(folder, followlinks=False):
        for name in sorted([*folders, *files]):
            path = Path(root) / name
            if path.is_symlink():
                found.append(path)
    return found


def shown_path(path: Path, project_dir: Path) -> str:
    """``path`` relative to the project, as editors see it."""
    try:
        return path.relative_to(project_dir).as_posix()
    except ValueError:
        return path.as_posix()


def page_cards(project: Project) -> list[PageCard]:
    """Home's cards: the pages of the navigation with their titles and summaries."""
    cards = []
    for entry in project.nav:
        meta = front_matter(project.docs_dir / entry.src)
        cards.append(
            PageCard(
                entry.src, entry.section or "", str(meta.get("title") or entry.title), str(meta.get("summary") or "")
            )
        )
    return cards


class BuildContext:
    """Everything one build knows about the briefing."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.allowed_numbers = frozenset(project.settings.allowed_numbers)
        self.cache: BuildCache | None = BuildCache.for_project(project.root)
        self.data, self.data_identity = load_data(
            project.data_file, project.data_display_path, self.cache, self.allowed_numbers
        )
        self._formatting = load_formatting_memo(self.cache)
        self._checks = CheckMemo(self.cache)
        self.problems: Problems = self.data.problems
        self.problems.extend(project.problems)
        self.editions = published_editions(project.root)
        check_against_editions(self.data, self.editions)
        self.renderer = Renderer(
            self.data, self.problems, project.docs_prefix, project.use_directory_urls, cache=self.cache
        )
        self.renderer.nav_pages = page_cards(project)
        self.renderer.editions = self.editions
        self.renderer.entry_changes = entry_changes(self.data, self.editions)
        self.renderer.defer_figures = True  # put in by finish_page_output, after search has read the page
        self.failed = False  # set under `mkdocs serve` when the build has problems to show instead
        for folder in (project.docs_dir, project.data_file.parent):
            for link in symbolic_links(folder):
                self.problems.add(
                    shown_path(link, project.root),
                    None,
                    None,
                    "symbolic link: the build does not follow links in docs/ and data/",
                    "replace it with a copy of the file it points to",
                )
        self._page_sources: dict[str, str] = {}
        self._page_count = 0  # pages rendered, kept when their sources are released
        self._page_anchors: dict[str, set[str]] = {}
        self._page_figures: dict[str, dict[int, tuple[str, str, str, str]]] = {}

    def display_path(self, src_path: str) -> str:
        """A page's path as editors see it, e.g. ``docs/trade.md``."""
        return posixpath.join(self.project.docs_prefix, src_path)

    def start_page(
        self, src_path: str, source_text: str, markdown: str, url: str, environment: Environment | None = None
    ) -> str:
        """Prepare to render a page; return Markdown that is safe to hand to the macros.

        ``environment`` is the macros plugin's own Jinja environment. Code blocks and
        inline code are made literal first (a macro in code is shown as typed). The
        page is then compiled once, here: a syntax error, and later any error while
        rendering, becomes a located problem of the build instead of stopping it,
        and the macros reuse the compiled template.
        """
        self._page_sources[src_path] = source_text
        self.renderer.begin_page(src_path, source_text, url)
        environment = environment or self.renderer.templates
        # Code is code: a macro in a code block or inline code is shown as typed, never run.
        markdown = protect_code(markdown, environment)
        self.renderer.page.line_offset = body_offset(source_text, markdown)
        if environment is not None and self.cache is not None:
            cache_page_compiles(environment, self.cache)
        error = template_syntax_error(environment, markdown)
        if error is None:
            if not isinstance(environment, PageEnvironment):
                return markdown
            known = environment.globals
            refused = [
                (int(str(line)), str(message), str(hint))
                for line, message, hint in self._checks.result(
                    lambda: [list(problem) for problem in template_problems(environment, markdown, known)],
                    "template_problems",
                    environment_signature(environment),
                    markdown,
                    repr(sorted(known)),
                )
            ]
            for line, message, hint in refused:
                self.problems.add(
                    self.display_path(src_path), line + self.renderer.page.line_offset, None, message, hint
                )
            if refused:
                self.renderer.mark_mentioned(source_text)
            return markdown if not refused else "(This page uses what pages may not; see the build log.)"
        line, message = error
        self.problems.add(
            self.display_path(src_path),
            line + self.renderer.page.line_offset,
            None,
            f"template syntax error: {message}",
            "check the {{ ... }} and {% ... %} around this line; to show them as text, put them in `code`",
        )
        self.renderer.mark_mentioned(source_text)
        return "(This page has a template error; see the build log.)"

    def check_front_matter(self, src_path: str, meta: Mapping[str, Any], source_text: str = "") -> None:
        """Record each required front-matter field a page lacks, and every hand-typed number in them, at its line."""
        shown = self.display_path(src_path)
        for name in REQUIRED_FRONT_MATTER:
            value = meta.get(name)
            line = front_matter_line(source_text, name)
            if not isinstance(value, str) or not value.strip():
                self.problems.add(
                    shown,
                    line or 1,
                    None,
                    f"front matter lacks '{name}'",
                    f"add '{name}: ...' between the --- lines at the top ({REQUIRED_FRONT_MATTER_HELP[name]})",
                )
                continue
            for number in hand_typed_in_text(value, self.allowed_numbers, allow_years=True):
                self.problems.add(
                    shown,
                    line,
                    None,
                    f'hand-typed number {number.token!r} in the front matter\'s {name}: "{number.context}"',
                    f"readers see the {name} ({FRONT_MATTER_SEEN[name]}) and no source backs the number: write it without the number",
                )
            # The theme writes these into the page head and navigation without escaping them.
            fault = text_fault(value, single_line=True)
            message = fault.message if fault else ('contains a straight double quote (")' if '"' in value else "")
            if message:
                self.problems.add(
                    self.display_path(src_path),
                    line or self._front_matter_line(src_path, name),
                    None,
                    f"front matter '{name}' {message}",
                    "front matter is plain text on one line; use typographic quotes “ ” and no markup",
                )
        for name in meta:
            if name not in ALLOWED_FRONT_MATTER:
                self.problems.add(
                    self.display_path(src_path),
                    self._front_matter_line(src_path, str(name)),
                    None,
                    f"front matter key '{name}' is not allowed",
                    "allowed: " + ", ".join(ALLOWED_FRONT_MATTER),
                )

    def _front_matter_line(self, src_path: str, name: str) -> int:
        try:
            text = (self.project.docs_dir / src_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return 1
        for number, line in enumerate(text.splitlines()[1:], start=2):
            if line.startswith(f"{name}:"):
                return number
        return 1

    def page_footer(self, url: str) -> dict[str, str] | None:
        """What the theme's footer line shows on the page at ``url``: dates, version, PDF link."""
        meta = self.data.meta
        if meta is None:
            return None
        locale = meta.locale
        return {
            "updated_iso": meta.updated.isoformat(),
            "updated_text": format_day(meta.updated, "day", locale),
            "as_of_iso": meta.as_of.isoformat(),
            "as_of_text": format_day(meta.as_of, "day", locale),
            "version": meta.version,
            "edition_kind": EDITION_KIND_WORDS[meta.edition_kind],
            "pdf_href": relative_href(url, PDF_PATH),
            "changes_href": relative_href(url, page_url(PAGE_PATHS["changes"], self.project.use_directory_urls)),
        }

    def page_dates(self) -> dict[str, dt.date]:
        """Each page's date of last change (its latest logged change, else the first edition's date)."""
        first = (
            self.editions[0].date
            if self.editions
            else (self.data.meta.updated if self.data.meta else dt.date(1970, 1, 1))
        )
        changed = last_change_dates(self.data, self.editions)
        newest = max((change.date for change in self.data.changes.values()), default=first)
        # The Changes page is as new as its newest entry.
        return {
            entry.src: newest if entry.src == PAGE_PATHS["changes"] else changed.get(entry.src, first)
            for entry in self.project.nav
        }

    def json_ld(self, src_path: str, url: str, title: str, description: str) -> str | None:
        """The page's schema.org JSON-LD (a Report, with the downloads as a Dataset), as a JSON string."""
        if self.data.meta is None:
            return None
        return page_json_ld(
            self.data, self.editions, self.project.site_url, src_path, url, title, description, self.page_dates()
        )

    def abbreviation_glossary(self) -> dict[str, str]:
        """The glossary for Markdown's ``abbr`` extension: plain text, never parsed as Markdown."""
        return dict(self.data.glossary)

    def install_page_environment(self, macros_plugin: Any) -> None:
        """Render pages in Jinja's sandbox with the briefing's macros only (see :mod:`briefing.pageenv`)."""
        install(macros_plugin, self.renderer.macros(), self.page_render_error)

    def page_render_error(self, error: BaseException, line: int | None) -> None:
        """Record an error raised while rendering the current page, at its line in the page file."""
        shown = self.renderer.page.display_path or "(page)"
        where = None if line is None else line + self.renderer.page.line_offset
        message, hint = describe_render_error(error, self.renderer.macros())
        self.problems.add(shown, where, None, message, hint)
        self.renderer.page.failed = True
        # One mistake, one message: the entries this page names are not also "unused".
        self.renderer.mark_mentioned(self.renderer.page.source_text)

    def finish_page_html(
        self, src_path: str, html: str, meta: Mapping[str, Any] | None = None, canonical_url: str = ""
    ) -> str:
        """Put the macros' markup into a page's HTML, check the result, then add the page head; return it."""
        source_text = self._page_sources.get(src_path, "")
        found_unsafe = self._checks.result(
            lambda: [[list(item.needles), item.message] for item in unsafe_markup(html)],
            "unsafe_markup",
            # The macros' tokens carry this build's nonce; the check reads them as plain text either way.
            html.replace(self.renderer.token_prefix, "BRIEFINGTOKEN"),
        )
        for needles, message in found_unsafe:
            self.problems.add(
                self.display_path(src_path),
                locate_needle(source_text, tuple(str(needle) for needle in needles)),
                None,
                str(message),
                "pages may not run scripts or link elsewhere than https: (see README, Contributions and trust)",
            )
        html = self.renderer.expand(html)
        note = self.renderer.change_note(src_path)
        if note is not None:
            # After the page's title: readers see first that the page changed, and when.
            html = (
                re.sub(r"(</h1>)", lambda match: match.group(1) + str(note), html, count=1)
                if "</h1>" in html
                else str(note) + html
            )
        figures = self._page_figures[src_path] = self.renderer.page.figures
        self.check_page_html(src_path, self.renderer.deferred_view(html) if figures else html)
        self._page_anchors[src_path].update(f"fig-tip-{number}" for number in figures)
        if meta is None:
            return html
        head = str(self.renderer.page_head(str(meta.get("summary") or ""), canonical_url or ""))
        title_end = html.find("</h1>")
        if title_end < 0:
            return head + html
        title_end += len("</h1>")
        return html[:title_end] + head + html[title_end:]

    def harmful_output(self, output: str) -> list[str]:
        """:func:`briefing.safehtml.harmful_output` of a whole built page, from the build cache for the same bytes."""
        from briefing.safehtml import harmful_output

        return [str(item) for item in self._checks.result(lambda: harmful_output(output), "harmful_output", output)]

    def finish_page_output(self, src_path: str, output: str) -> str:
        """The finished page with its figures' markup in place (see :meth:`Renderer.insert_figures`)."""
        # Each page is finished once per build: its figures' list is not needed after this.
        return self.renderer.insert_figures(output, self._page_figures.pop(src_path, {}))

    def check_page_html(self, src_path: str, html: str) -> None:
        """Record every hand-typed number in a page's rendered body."""
        source_text = self._page_sources.get(src_path, "")
        self._page_anchors[src_path] = anchors_in(html)
        found = self._checks.result(
            lambda: [[number.token, number.context] for number in hand_typed_numbers(html, self.allowed_numbers)],
            "hand_typed_numbers",
            html,
            repr(sorted(self.allowed_numbers)),
        )
        for token, context in found:
            self.problems.add(
                self.display_path(src_path),
                locate_text(source_text, token, context),
                None,
                f'hand-typed number {token!r} in "{context}"',
                "take it from the data file with a macro such as {{ figure('...') }}, "
                "or list it in extra.briefing.allowed_numbers (mkdocs.yml) with the reason if it is not a figure",
            )

    def check_change_pages(self, site_files: set[str]) -> None:
        """Record every page a logged change names that is not a page of the docs."""
        for change_id, change in self.data.changes.items():
            for index, page in enumerate(change.pages):
                if page not in site_files:
                    self.data.add_problem(
                        ("changes", change_id, "pages", index),
                        f"change {change_id!r} names page {page!r}, which is not in the docs",
                        did_you_mean(page, [name for name in site_files if name.endswith(".md")])
                        or "name a page such as visit.md",
                    )

    def check_links(self, site_files: set[str]) -> None:
        """Record every relative link whose target file or anchor does not exist, at its line."""
        for src_path, source_text in self._page_sources.items():
            for link in links_in(source_text):
                path_part, _, anchor = link.target.partition("#")
                target = (
                    posixpath.normpath(posixpath.join(posixpath.dirname(src_path), path_part))
                    if path_part
                    else src_path
                )
                if path_part and target not in site_files:
                    self.problems.add(
                        self.display_path(src_path),
                        link.line,
                        link.column,
                        f"link to '{link.target}': no such file in the docs",
                        did_you_mean(target, site_files) or "check the path, relative to this page",
                    )
                    continue
                if anchor and target in self._page_anchors and anchor not in self._page_anchors[target]:
                    self.problems.add(
                        self.display_path(src_path),
                        link.line,
                        link.column,
                        f"link to '{link.target}': no anchor '#{anchor}' on {target}",
                        did_you_mean(anchor, self._page_anchors[target]) or "check the heading's id",
                    )

    def release_page_texts(self) -> None:
        """Forget the pages' sources and anchors once the checks that read them have run (before pages are written).

        A build holds every page's source from the first page rendered to the links
        check; the theme then renders all pages again, and at 500 pages that copy
        is a few MiB of the build's peak memory.
        """
        self._page_count = max(self._page_count, len(self._page_sources))
        self._page_sources.clear()
        self._page_anchors.clear()

    def check_usage(self) -> None:
        """Record every data entry that no page uses."""
        if not self.data.readable:
            return
        used = self.renderer.used
        for kind, section, macro in ORPHAN_KINDS:
            for entry_id in getattr(self.data, section):
                if not used[kind].get(entry_id):
                    self.data.add_problem(
                        (section, entry_id),
                        f"{section} entry {entry_id!r} is not used on any page",
                        f"use it in a page with {{{{ {macro}('{entry_id}') }}}} or remove it",
                    )

    def download_files(self, charts: Mapping[str, RenderedChart]) -> dict[str, bytes]:
        """The downloads of this build (:func:`briefing.downloads.download_files`), from the build cache if unchanged."""
        return cached_download_files(self.data, self.data_identity, charts, self.cache, self.renderer.entry_changes)

    def finish_build(self) -> None:
        """Log what the build cache saved; prune the kinds this build added entries to."""
        if self.cache is None:
            return
        save_formatting_memo(self.cache, self._formatting)
        self._checks.save()
        log.info(
            "briefing: build cache %s: %s",
            self.cache.root,
            ", ".join(
                f"{kind} {self.cache.hits.get(kind, 0)} hit(s) {self.cache.misses.get(kind, 0)} miss(es)"
                for kind in sorted(set(self.cache.hits) | set(self.cache.misses))
            )
            or "unused",
        )
        keep = {
            PAGE_KIND: max(DEFAULT_KEEP, 4 * max(self._page_count, len(self._page_sources))),
            TEMPLATE_KIND: max(DEFAULT_KEEP, 256),
            CHART_KIND: max(DEFAULT_KEEP, 4 * len(self.data.charts)),
            DATA_KIND: DEFAULT_KEEP,
            FORMATTING_KIND: DEFAULT_KEEP,
            DOWNLOADS_KIND: DEFAULT_KEEP,
            CHECKS_KIND: DEFAULT_KEEP,
        }
        for kind, count in keep.items():
            if self.cache.misses.get(kind):  # only a build that added entries can have made too many
                self.cache.prune(kind, keep=count)


def describe_render_error(error: BaseException, macros: Mapping[str, Any]) -> tuple[str, str]:
    """What to tell an editor about an error raised while a page rendered: message and hint."""
    if isinstance(error, SecurityError):
        return (
            f"not allowed in a page: {error}",
            "pages call the briefing's macros ({{ figure('id') }} ...); Python internals are out of reach",
        )
    if isinstance(error, UndefinedError):
        match = re.search(r"'([^']+)' is undefined", str(error.message))
        if match:
            name = match.group(1)
            return (
                f"unknown macro or name '{name}'",
                did_you_mean(name, macros) or "the macros are: " + ", ".join(sorted(macros)),
            )
        return (f"template error: {error.message}", "pages call the briefing's macros with ids in quotes")
    if isinstance(error, TemplateNotFound):
        return (
            "pages cannot include, import or extend files",
            "remove the {% include %}, {% import %} or {% extends %}",
        )
    return (f"template error: {type(error).__name__}: {error}", "check the {{ ... }} on this line")


def context_for(config: Any) -> BuildContext:
    """The build context of ``config``, created (and the data loaded) on first use."""
    context = getattr(config, CONTEXT_ATTRIBUTE, None)
    if context is None:
        context = BuildContext(Project.from_mkdocs_config(config))
        setattr(config, CONTEXT_ATTRIBUTE, context)
    return context
