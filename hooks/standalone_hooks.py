"""MkDocs hook: give the theme's templates the stylesheet of the pages that stand alone.

``overrides/404.html`` loads no other file (see :mod:`briefing.standalone`); it
writes ``{{ standalone_css }}`` inside its ``<style>`` element, from the same
sheet the build-problems page uses.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    from briefing.standalone import standalone_css  # imported here: see briefing_hooks.on_config

    env.globals["standalone_css"] = standalone_css()
    return env
