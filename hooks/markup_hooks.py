"""MkDocs hook: keep the theme's page markup valid HTML (the Nu Html Checker finds no error).

Material 9.8 writes its drawer and search toggles, in ``base.html`` outside any
template block, as ``<input type="checkbox" ... autocomplete="off">``; HTML
allows ``autocomplete`` only on text-like inputs. Overriding ``base.html`` would
mean copying all of it, so this hook drops the attribute from those two inputs.
Material set it to stop Firefox restoring a toggle's checked state on Back;
``docs/assets/briefing.js`` unchecks both toggles when a page is shown instead.
The other invalid markup (``tabindex=""`` on section labels) is fixed in the
partial ``overrides/partials/nav-item.html``. ``tests/test_markup.py`` runs the
checker on every page, so a Material upgrade that changes this markup is caught.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

THEME_TOGGLE = re.compile(r'(<input class="md-toggle" data-md-toggle="(?:drawer|search)" type="checkbox" id="__(?:drawer|search)") autocomplete="off">')


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Drop autocomplete from the theme's two checkbox toggles on every page."""
    return THEME_TOGGLE.sub(r"\1>", output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """The same for pages made from a theme template alone (404.html)."""
    return THEME_TOGGLE.sub(r"\1>", output_content)
