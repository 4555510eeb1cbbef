"""The one stylesheet of the pages that stand alone: the 404 page and the build-problems page.

Neither page may load another file. A host serves ``404.html`` at whatever
address was asked for, under any mount, so no link to a stylesheet is right
everywhere; and while a build fails (``make serve``) there is no built
stylesheet to link to. Both pages carry their styles inline, and both start
from this shared sheet (``briefing/templates/standalone_page.css``: colours in
both schemes, type, the column), adding only their own rules. The build-problems
page gets it from :func:`briefing.problems.problem_page`; the 404 page, a theme
override MkDocs renders, as ``standalone_css`` from ``hooks/standalone_hooks.py``.
The hosting step hashes every inline ``<style>`` into the Content-Security-Policy,
so a change here needs no other edit.
"""

from __future__ import annotations

import functools
from importlib import resources

from markupsafe import Markup

STYLESHEET = "standalone_page.css"


@functools.cache
def standalone_css() -> Markup:
    """The shared stylesheet's rules, to put inside a page's ``<style>`` element."""
    text = resources.files("briefing").joinpath("templates", STYLESHEET).read_text(encoding="utf-8")
    return Markup(text.strip())  # noqa: S704 - our own stylesheet, no data in it
