"""MkDocs hooks: the briefing engine's checks at the right moments of a build.

- before the macros render a page: note which page it is, check its template syntax;
- on the page's HTML: put the macros' markup in place, look for hand-typed numbers;
- on the finished page: put the figures' markup in place (left out until search has read the page);
- before any file is written (``on_env``): check that every data entry is used,
  then report *every* problem of the build at once and stop it; give the
  theme's templates the build cache, so they are compiled once, not per build;
- under ``mkdocs serve`` a failing build is not stopped (the live server would hang
  every request until it passes): every page is replaced by a page listing the
  problems, and the browser reloads into the site once the build passes again;
- after the build: drop cache entries no recent build used;
- in ``make serve``: poll for edits every 0.1 s rather than 0.5 s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from briefing.devserver import poll_faster
from briefing.problems import problem_page
from briefing.site import context_for
from briefing.templatecache import cache_loaded_templates

log = logging.getLogger("mkdocs.plugins.briefing")
# Outside MkDocs' loggers: under `serve`, strict mode would otherwise abort the build on
# these messages and leave the live server hanging instead of showing them.
serve_log = logging.getLogger("briefing")
_serving = False


def on_startup(command: str, dirty: bool) -> None:  # noqa: ARG001 - MkDocs' signature
    global _serving  # noqa: PLW0603 - a hook module's state is module-level by design
    _serving = command == "serve"
    if _serving and not serve_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("ERROR   -  %(message)s"))
        serve_log.addHandler(handler)
        serve_log.propagate = False


@event_priority(100)  # before mkdocs-macros renders the page
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    context = context_for(config)
    context.check_front_matter(page.file.src_path, page.meta)
    macros = config.plugins.get("macros")
    return context.start_page(page.file.src_path, page.file.content_string, markdown, page.url, getattr(macros, "env", None))


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return context_for(config).finish_page_html(page.file.src_path, html)


@event_priority(100)  # before anything that rewrites the page's HTML
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    context = context_for(config)
    return problem_page(context.problems) if context.failed else context.finish_page_output(page.file.src_path, output)


def on_env(env, config: MkDocsConfig, files: Files):  # noqa: ANN001, ANN201 - jinja2 Environment
    context = context_for(config)
    context.check_usage()
    context.check_links({file.src_uri for file in files})
    if context.problems:
        if _serving:
            for problem in context.problems:
                serve_log.error(str(problem))
            serve_log.error("%d problem(s) found, listed above; every page shows them until they are fixed.", len(context.problems))
            context.failed = True
            return env
        for problem in context.problems:
            log.error(str(problem))
        raise PluginError(f"{len(context.problems)} problem(s) found, listed above; nothing was written.")
    if context.cache is not None:
        cache_loaded_templates(env, context.cache)
    return env


@event_priority(-100)  # after the downloads hook: its cache use counts too
def on_post_build(config: MkDocsConfig) -> None:
    context_for(config).finish_build()


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    context = context_for(config)
    return problem_page(context.problems) if context.failed else output_content


def on_page_context(context, page: Page, config: MkDocsConfig, nav):  # noqa: ANN001, ANN201 - MkDocs' own types
    footer = context_for(config).page_footer(page.url)
    if footer is not None:
        context["briefing_footer"] = footer
    return context


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., None]) -> LiveReloadServer:
    if not poll_faster(server):
        log.info("briefing: could not shorten the file polling interval of this MkDocs; edits are noticed as usual")
    return server
