"""What a page's own HTML may not contain: scripts, event handlers, links other than https:.

Pages are Markdown written by contributors the build does not fully trust
(README, "Contributions and trust"). Markdown passes raw HTML through, and
``attr_list`` lets ``{: onclick=... }`` set any attribute, so a page could
put a script or a ``javascript:`` link in front of every reader. The checks
here read the HTML Markdown made of a page's own text (before the macros'
markup is put back, which comes from the briefing's templates) and return
every element, attribute and link a reader must not get; the build reports
each at its line and stops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Elements that run code, load other documents, or change where links and forms go.
FORBIDDEN_ELEMENTS = frozenset(
    {
        "script",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "form",
        "meta",
        "link",
        "style",
        "template",
        "portal",
        "svg",
        "math",
    }
)
# Attributes holding a URL a browser may follow, load or submit to.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "background",
        "cite",
        "data",
        "longdesc",
        "usemap",
        "ping",
        "srcset",
        "manifest",
        "codebase",
        "archive",
    }
)
FORBIDDEN_ATTRIBUTES = frozenset({"srcdoc", "http-equiv"})
ALLOWED_SCHEMES = frozenset({"https", "mailto"})
# On whole built pages: the configuration (trusted) may use http:, e.g. the dev server's site_url.
OUTPUT_SCHEMES = ALLOWED_SCHEMES | {"http"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers ignore ASCII whitespace and control characters inside a URL's scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class UnsafeMarkup:
    """One thing in a page's HTML that must not reach a reader."""

    needles: tuple[str, ...]  # texts to look for in the page source to locate it, best first
    message: str


def link_scheme(url: str) -> str | None:
    """The scheme of ``url`` as a browser reads it (lower case), or None for a relative link."""
    match = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", url))
    return match.group(1).lower() if match else None


def unsafe_markup(html: str) -> list[UnsafeMarkup]:
    """Every forbidden element, event-handler attribute and non-https link in ``html``."""
    if not html.strip():
        return []
    import lxml.html  # here, not at the top: a build with every check cached never needs it

    root = lxml.html.fragment_fromstring(html, create_parent="div")
    found: list[UnsafeMarkup] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rpartition("}")[2].lower()
        if tag in FORBIDDEN_ELEMENTS:
            found.append(UnsafeMarkup((f"<{tag}",), f"<{tag}> is not allowed in a page"))
        for attribute, value in element.attrib.items():
            name = attribute.lower()
            if name.startswith("on"):
                found.append(UnsafeMarkup((name,), f"event-handler attribute '{name}' is not allowed in a page"))
            elif name in FORBIDDEN_ATTRIBUTES:
                found.append(UnsafeMarkup((name,), f"attribute '{name}' is not allowed in a page"))
            elif name in URL_ATTRIBUTES:
                for url in (part.strip().split(" ")[0] for part in value.split(",")) if name == "srcset" else [value]:
                    scheme = link_scheme(url)
                    if scheme is not None and scheme not in ALLOWED_SCHEMES:
                        found.append(
                            UnsafeMarkup(
                                (url[:40], scheme + ":", scheme),
                                f"link '{url[:60]}' is not allowed: links in pages are https:, mailto: or relative",
                            )
                        )
    return found


def locate_needle(source_text: str, needles: tuple[str, ...]) -> int | None:
    """The first line of ``source_text`` containing the first needle found (case-insensitive), or None."""
    lines = source_text.lower().splitlines()
    for needle in needles:
        lowered = needle.lower()
        for number, line in enumerate(lines, start=1):
            if lowered and lowered in line:
                return number
    return None


def harmful_output(html: str) -> list[str]:
    """Every event-handler attribute and script-capable link (``javascript:``, ``data:`` ...) in a whole built page.

    The last line of defence: the checks on data and page text should leave
    nothing for this to find, and the build stops if it finds anything.
    """
    import lxml.html  # here, not at the top: a build with every check cached never needs it

    root = lxml.html.document_fromstring(html)
    found: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute, value in element.attrib.items():
            name = attribute.lower()
            if name.startswith("on"):
                found.append(f"<{element.tag} {name}=...>")
            elif name in URL_ATTRIBUTES and name != "srcset":
                scheme = link_scheme(value)
                if scheme is not None and scheme not in OUTPUT_SCHEMES:
                    found.append(f'<{element.tag} {name}="{value[:60]}">')
    return found
