"""MkDocs hooks: the briefing engine's checks at the right moments of a build.

- on every (re)build, first: forget the engine's modules if their code changed
  (:mod:`briefing.codereload`), so ``mkdocs serve`` runs the new code (hook
  files stay loaded, so they import the engine inside each function);
- before the build starts: pages render in Jinja's sandbox with the briefing's
  macros only (:mod:`briefing.pageenv`), so mkdocs-macros need not run git for
  its page variables;
- before the macros render a page: note which page it is, check its template syntax;
- on the page's HTML: put the macros' markup in place, look for hand-typed numbers,
  then add the page head (standfirst, byline, dates, PDF and Cite);
- on the finished page: put the figures' markup in place (left out until search has read the page);
- before any file is written (``on_env``): check that every data entry is used,
  then report *every* problem of the build at once and stop it; give the
  theme's templates the build cache, so they are compiled once, not per build, and
  the navigation's entries off the page's path, so they are rendered once per build;
- under ``mkdocs serve`` a failing build is not stopped (the live server would hang
  every request until it passes): every page is replaced by a page listing the
  problems, and the browser reloads into the site once the build passes again;
- on each whole built page: a last check that no event handler or non-https
  link reaches a reader (:func:`briefing.safehtml.harmful_output`);
- after the build: drop cache entries no recent build used;
- in ``make serve``: poll for edits every 0.1 s rather than 0.5 s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

if TYPE_CHECKING:  # the live server's module is imported only by `mkdocs serve`, not by every build
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.briefing")
# Outside MkDocs' loggers: under `serve`, strict mode would otherwise abort the build on
# these messages and leave the live server hanging instead of showing them.
serve_log = logging.getLogger("briefing")
_serving = False


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"
    if _serving and not serve_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("ERROR   -  %(message)s"))
        serve_log.addHandler(handler)
        serve_log.propagate = False


def context_for(config: MkDocsConfig):  # briefing.site.BuildContext, imported late on purpose
    """The build's context, from the engine's current code (imported here, after stale modules are forgotten)."""
    from briefing.site import context_for as current

    return current(config)


def problem_page(problems):  # see briefing.problems.problem_page
    from briefing.problems import problem_page as current

    return current(problems)


@event_priority(100)  # first of all, before mkdocs-macros imports macros.py
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # mkdocs serve rebuilds in one process and keeps hook files loaded: run the engine's current code.
    from briefing.codereload import forget_changed_code

    for path in forget_changed_code():
        log.info("briefing: %s changed; its code is reloaded", path.name)
    from briefing.pageenv import skip_git_variables

    skip_git_variables()  # pages cannot read mkdocs-macros' git variable: do not run git for it
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    # After every on_config, so mkdocs-macros has built the Jinja environment this replaces.
    macros = config.plugins.get("macros")
    if macros is not None:
        context_for(config).install_page_environment(macros)


@event_priority(100)  # before mkdocs-macros renders the page
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    context = context_for(config)
    context.check_front_matter(page.file.src_path, page.meta, page.file.content_string)
    macros = config.plugins.get("macros")
    return context.start_page(
        page.file.src_path, page.file.content_string, markdown, page.url, getattr(macros, "env", None)
    )


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return context_for(config).finish_page_html(page.file.src_path, html, page.meta, page.canonical_url or "")


def on_env(env, config: MkDocsConfig, files: Files):
    context = context_for(config)
    context.check_usage()
    context.check_links({file.src_uri for file in files})
    context.check_change_pages({file.src_uri for file in files})
    if not context.problems:
        context.release_page_texts()  # the problems page of `make serve` may still locate problems in them
    if context.problems:
        if _serving:
            for problem in context.problems:
                serve_log.error(str(problem))
            serve_log.error(
                "%d problem(s) found, listed above; every page shows them until they are fixed.", len(context.problems)
            )
            context.failed = True
            return env
        for problem in context.problems:
            log.error(str(problem))
        raise PluginError(f"{len(context.problems)} problem(s) found, listed above; nothing was written.")
    from briefing.navcache import NavFragments

    env.globals["nav_fragments"] = NavFragments()  # one per build: see overrides/partials/nav-item.html
    if context.cache is not None:
        from briefing.templatecache import cache_loaded_templates

        cache_loaded_templates(env, context.cache)
    return env


@event_priority(100)  # before anything else reads or rewrites the page's HTML
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    context = context_for(config)
    if context.failed:
        return problem_page(context.problems)
    output = context.finish_page_output(page.file.src_path, output)
    # Last line of defence, on the whole page as readers get it: no handler, no javascript: or data: link.
    harmful = context.harmful_output(output)
    if harmful:
        raise PluginError(
            f"{page.file.src_uri}: the built page would carry {', '.join(harmful[:5])}; nothing more is written."
        )
    return output


@event_priority(-100)  # after the downloads hook: its cache use counts too
def on_post_build(config: MkDocsConfig) -> None:
    context_for(config).finish_build()


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    context = context_for(config)
    return problem_page(context.problems) if context.failed else output_content


def on_page_context(context, page: Page, config: MkDocsConfig, nav):
    briefing = context_for(config)
    footer = briefing.page_footer(page.url)
    if footer is not None:
        context["briefing_footer"] = footer
    json_ld = briefing.json_ld(page.file.src_path, page.url, page.title or "", str(page.meta.get("description") or ""))
    if json_ld is not None:
        context["briefing_json_ld"] = json_ld
    return context


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., None]) -> LiveReloadServer:
    from briefing.devserver import poll_faster

    if not poll_faster(server):
        log.info("briefing: could not shorten the file polling interval of this MkDocs; edits are noticed as usual")
    return server
