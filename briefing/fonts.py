"""Subset the site's copy of the bundled fonts to the characters the site uses.

The bundled fonts (``docs/assets/fonts``) cover Latin and Vietnamese, about
17 KB per style. A reader of this site needs only the characters its pages
show, so after the PDF has been made with the full files, this post-build
step rewrites the copies in ``site/assets/fonts`` with just those glyphs: the
text of every page (not its markup or scripts), the theme's own messages, the
search index, plus letters, digits and common punctuation for what readers
type into the search box. A character outside the subset is drawn from a
fallback font, never lost. The family, and so the look, stays the same as in the PDF; the first
view gets lighter. Output is deterministic: no timestamps change.
"""

from __future__ import annotations

import json
import string
import unicodedata
from pathlib import Path

import lxml.html
from fontTools import subset
from fontTools.ttLib import TTFont

from briefing.fileio import write_changed

FONTS_DIR = "assets/fonts"
ALWAYS = string.ascii_letters + string.digits + " \u00a0.,;:!?'\"()[]-+/%&’‘“”–—…·×−"
# Attributes whose text the browser shows in the page's own font.
SHOWN_ATTRIBUTES = ("placeholder", "alt", "value")


def characters_used(site: Path) -> set[str]:
    """Every character a reader can see on the site, plus letters, digits and common punctuation."""
    used = set(ALWAYS)
    for path in site.rglob("*.html"):
        document = lxml.html.fromstring(path.read_bytes())
        for config in document.xpath('//script[@id="__config"]'):
            used.update(json.dumps(json.loads(config.text or "{}").get("translations", {}), ensure_ascii=False))
        for element in document.xpath("//script | //style"):
            element.drop_tree()
        used.update(document.text_content())
        for attribute in SHOWN_ATTRIBUTES:
            for value in document.xpath(f"//@{attribute}"):
                used.update(str(value))
    for path in site.rglob("search_index.json"):
        index = json.loads(path.read_text(encoding="utf-8"))
        for entry in index.get("docs", []):
            used.update(entry.get("title", "") + entry.get("text", ""))
    return {character for character in used if character.isprintable() or character == "\u00a0"}


def layout_features(characters: set[str]) -> list[str]:
    """The OpenType features the site's text needs: kerning, and mark placement if it has combining marks.

    Ligatures ("fi") are left out: in a sans they barely show, and with their lookups and
    glyphs they cost about 0.3 KiB per style of a first view that has a budget of 100 KiB.
    Accented letters written precomposed (as the pages are) need no mark features.
    """
    features = ["kern"]
    if any(unicodedata.combining(character) for character in characters):
        features += ["ccmp", "locl", "mark", "mkmk"]
    return features


def subset_font(path: Path, characters: set[str]) -> bytes:
    """The woff2 font at ``path`` reduced to ``characters``."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = layout_features(characters)
    # The default names (copyright, family, style, version; the licence is LICENSE-OFL.txt beside
    # the fonts) and an empty .notdef: a character the subset lacks falls back to another font.
    options.notdef_outline = False
    font = TTFont(str(path), recalcTimestamp=False, recalcBBoxes=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(character) for character in characters))
    subsetter.subset(font)
    output = path.with_suffix(".subset.woff2")
    font.flavor = "woff2"
    font.save(str(output), reorderTables=False)
    data = output.read_bytes()
    output.unlink()
    return data


def subset_site_fonts(project_dir: Path, site: Path) -> None:
    """Post-build step: rewrite every font in ``site/assets/fonts`` with only the glyphs the site uses."""
    characters = characters_used(site)
    for path in sorted((site / FONTS_DIR).glob("*.woff2")):
        write_changed(site, {path.relative_to(site).as_posix(): subset_font(path, characters)})
