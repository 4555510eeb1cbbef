"""Matplotlib's SVG made fit for a page and for download: ids, colours, titles, no inline styles.

Split from :mod:`briefing.charts` because only drawing needs it: a build whose
charts all come from the build cache never imports lxml for them.
"""

from __future__ import annotations

import re

from lxml import etree

from briefing.charts import PALETTE, SVG_NS, XLINK_HREF, ChartError

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
# For pages: no whitespace between elements, so the SVG is one line (a blank line would end Markdown's HTML block).
_PAGE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
_URL_REF = re.compile(r"url\(#([^)]+)\)")
MARK_IDS = ("bar-", "value-", "key-")  # ids set with set_gid, kept for tests and styling
_NO_ROTATION = re.compile(r"^rotate\(-?0 [-\d.e]+ [-\d.e]+\)$")
# CSS properties matplotlib writes in style="" that SVG also accepts as presentation attributes.
# Attributes, unlike style="", need no 'unsafe-inline' in the site's Content-Security-Policy.
PRESENTATION_PROPERTIES = frozenset(
    {
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-opacity",
        "opacity",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "font-variant",
        "text-anchor",
        "dominant-baseline",
        "clip-path",
        "clip-rule",
        "mask",
        "visibility",
        "display",
        "letter-spacing",
    }
)


def _svg(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def _add_title_and_desc(root: etree._Element, title: str, description: str, prefix: str = "") -> None:
    for existing in root.findall(_svg("title")):
        root.remove(existing)
    title_element = etree.Element(_svg("title"))
    title_element.text = title
    desc_element = etree.Element(_svg("desc"))
    desc_element.text = description
    if prefix:
        title_element.set("id", f"{prefix}title")
        desc_element.set("id", f"{prefix}desc")
    root.insert(0, desc_element)
    root.insert(0, title_element)


def _declarations(style: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in style.split(";") if ":" in part)
    return {name.strip(): value.strip() for name, value in pairs}


def _styles_to_attributes(root: etree._Element) -> None:
    """Move every style="" declaration into a presentation attribute, and the <style> rules onto the root.

    Raises :class:`ChartError` for a declaration SVG has no attribute for, so that a
    change in matplotlib's output is caught at build time, not by a reader's browser.
    """
    for style in list(root.iter(_svg("style"))):
        for name, value in _declarations(re.sub(r"^[^{]*\{|\}[^}]*$", "", style.text or "")).items():
            root.set(name, value)  # matplotlib's one rule is "* { stroke-linejoin; stroke-linecap }": both inherit
        style.getparent().remove(style)
    for element in root.iter(etree.Element):
        style = element.attrib.pop("style", None)
        if style is None:
            continue
        for name, value in _declarations(style).items():
            if name not in PRESENTATION_PROPERTIES:
                raise ChartError(f"matplotlib wrote the style {name}: {value}, which SVG has no attribute for")
            element.set(name, value)


def _tidy(root: etree._Element, keep_ids: set[str]) -> None:
    """Drop what draws nothing: no-op rotations, invisible background boxes, empty groups, unused ids."""
    referenced = set(keep_ids)
    for element in root.iter(etree.Element):
        for name, value in element.attrib.items():
            referenced.update(_URL_REF.findall(value))
            if name in (XLINK_HREF, "href") and value.startswith("#"):
                referenced.add(value[1:])
    for element in list(root.iter(_svg("path"))):
        if element.get("fill") == "none" and element.get("stroke") is None and element.getparent() is not None:
            element.getparent().remove(element)  # the figure's and the axes' transparent backgrounds
    for element in root.iter(etree.Element):
        if _NO_ROTATION.match(element.get("transform", "")):
            del element.attrib["transform"]
        identifier = element.get("id")
        if identifier is not None and identifier not in referenced and not identifier.startswith(MARK_IDS):
            del element.attrib["id"]
    for group in list(root.iter(_svg("g"), _svg("defs"))):
        parent = group.getparent()
        if parent is None:
            continue
        if len(group) == 0:
            parent.remove(group)
        elif group.tag == _svg("g") and not group.attrib:  # a group that sets nothing: its children take its place
            index = parent.index(group)
            for child in reversed(list(group)):
                parent.insert(index, child)
            parent.remove(group)


def _roles(element: etree._Element) -> list[str]:
    """The palette classes of an element, from the colours of its fill and stroke."""
    return [
        f"chart-{PALETTE[colour.lower()]}-{name}"
        for name in ("fill", "stroke")
        if (colour := element.get(name, "")).lower() in PALETTE
    ]


def page_svg(svg_bytes: bytes, prefix: str, title: str, description: str, classes: str = "chart__svg") -> str:
    """The ``<svg>`` element for a page: sized by CSS, ids unique on the page, colours as classes, no style="".

    ``prefix`` starts every id (e.g. ``chart-trade-jan-feb-wide-``), so several drawings can share a page.
    """
    root = etree.fromstring(svg_bytes, _PAGE_PARSER)
    for element in list(root.iter(_svg("metadata"))):
        element.getparent().remove(element)
    _styles_to_attributes(root)
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    _tidy(root, set())
    for element in root.iter(etree.Element):
        if element.get("id"):
            element.set("id", prefix + element.get("id", ""))
        for name, value in element.attrib.items():
            if "url(#" in value:
                element.set(name, _URL_REF.sub(lambda match: f"url(#{prefix}{match.group(1)})", value))
            elif name in (XLINK_HREF, "href") and value.startswith("#"):
                element.set(name, "#" + prefix + value[1:])
        roles = _roles(element)
        if roles:
            element.set("class", " ".join(roles))
    _add_title_and_desc(root, title, description, prefix)
    root.set("id", f"{prefix}svg")
    root.set("class", classes)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}title {prefix}desc")
    root.set("focusable", "false")
    return str(etree.tostring(root, encoding="unicode"))


def standalone_svg(svg_bytes: bytes, title: str, description: str) -> bytes:
    """The downloadable SVG file: matplotlib's output with a title and description, colours as attributes."""
    root = etree.fromstring(svg_bytes, _PARSER)
    _styles_to_attributes(root)
    _add_title_and_desc(root, title, description)
    return bytes(etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")) + b"\n"
