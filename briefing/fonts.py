"""Subset the site's copy of the bundled fonts to the characters the site uses.

The bundled fonts (``docs/assets/fonts``) cover Latin and Vietnamese, about
17 KB per style. A reader of this site needs only the characters its pages
contain, so after the PDF has been made with the full files, this post-build
step rewrites the copies in ``site/assets/fonts`` with just those glyphs
(plus printable ASCII and common punctuation, for text the theme's script
writes). The family, and so the look, stays the same as in the PDF; the first
view gets lighter. Output is deterministic: no timestamps change.
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from briefing.downloads import write_changed

FONTS_DIR = "assets/fonts"
ALWAYS = "".join(chr(code) for code in range(0x20, 0x7F)) + "\u00a0’‘“”–—…·×−"


def characters_used(site: Path) -> set[str]:
    """Every character in the site's HTML, SVG and search index, plus printable ASCII."""
    used = set(ALWAYS)
    for pattern in ("*.html", "*.svg", "search_index.json"):
        for path in site.rglob(pattern):
            used.update(path.read_text(encoding="utf-8"))
    return {character for character in used if character.isprintable() or character == "\u00a0"}


def subset_font(path: Path, characters: set[str]) -> bytes:
    """The woff2 font at ``path`` reduced to ``characters``."""
    options = subset.Options()
    options.flavor = "woff2"
    # Only the features Latin text uses; the rest (and their lookups) is weight on every page.
    options.layout_features = ["kern", "liga", "clig", "calt", "ccmp", "locl", "mark", "mkmk"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
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
