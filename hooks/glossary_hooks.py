"""MkDocs hook: explain the glossary's abbreviations on every page.

Runs after mkdocs-macros (a hook module has one function per event, so this
is separate from ``briefing_hooks.py``) and appends the glossary from the
data file as Markdown abbreviation definitions, which Material shows as
tooltips wherever the abbreviation appears.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from briefing.site import context_for


@event_priority(-100)  # after mkdocs-macros has rendered the page
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return markdown + "\n" + context_for(config).abbreviations()
