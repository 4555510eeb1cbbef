"""MkDocs hook: explain the glossary's abbreviations on every page.

The glossary of the data file is handed to Markdown's ``abbr`` extension as
its ``glossary`` option, so Material shows each expansion as a tooltip
wherever the abbreviation appears. The expansions are data, never Markdown
text: they become the ``title`` attribute of ``<abbr>`` (escaped), so a
glossary entry cannot add a link, an attribute or a paragraph to a page.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    from briefing.site import context_for  # imported here: see briefing_hooks.on_config

    abbr = config.mdx_configs.setdefault("abbr", {})
    abbr["glossary"] = context_for(config).abbreviation_glossary()
    return config
