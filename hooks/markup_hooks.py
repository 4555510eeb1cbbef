"""MkDocs hook: keep the theme's page markup valid HTML (the Nu Html Checker finds no error), and lean.

Material 9.8 writes its drawer and search toggles, in ``base.html`` outside any
template block, as ``<input type="checkbox" ... autocomplete="off">``; HTML
allows ``autocomplete`` only on text-like inputs. Overriding ``base.html`` would
mean copying all of it, so this hook drops the attribute from those two inputs.
Material set it to stop Firefox restoring a toggle's checked state on Back;
``docs/assets/briefing.js`` unchecks both toggles when a page is shown instead.
The other invalid markup (``tabindex=""`` on section labels) is fixed in the
partial ``overrides/partials/nav-item.html``. ``tests/test_markup.py`` runs the
checker on every page, so a Material upgrade that changes this markup is caught.

The theme's templates also indent every line; that indentation is dropped (outside
``<pre>`` and ``<textarea>``, where it is content). It is about 0.5 KiB of each page's
gzipped first view, which has a budget of 100 KiB (tests/browser/test_reader.py).
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

THEME_TOGGLE = re.compile(
    r'(<input class="md-toggle" data-md-toggle="(?:drawer|search)" type="checkbox" id="__(?:drawer|search)") autocomplete="off">'
)
PREFORMATTED = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.S | re.I)
INDENTATION = re.compile(r"\n\s+")  # indentation and blank lines


def lean_valid_html(html: str) -> str:
    """``html`` without autocomplete on the theme's toggles and without indentation outside preformatted text."""
    parts = PREFORMATTED.split(THEME_TOGGLE.sub(r"\1>", html))
    # split() with two groups yields: text, whole <pre> block, tag name, text, ...
    return "".join(
        INDENTATION.sub("\n", part) if index % 3 == 0 else (part if index % 3 == 1 else "")
        for index, part in enumerate(parts)
    )


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Every page's HTML, lean and valid."""
    return lean_valid_html(output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """The same for pages made from a theme template alone (404.html)."""
    return lean_valid_html(output_content)
