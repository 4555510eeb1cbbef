"""Whether an address is one a reader could visit, or a placeholder that must never be printed.

The repository ships ``site_url: https://example.org/…`` until a desk sets its
real address (README, "The site's address"). Every place that puts the site's
address in front of a reader (the PDF's cover and downloads, the Cite popover,
the citation files) asks :func:`is_public_address` first, so a placeholder or a
local address is left out rather than shown as if it were the briefing's home.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Domains reserved for documentation and testing (RFC 2606, RFC 6761): never a real site.
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
PLACEHOLDER_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")


def is_public_address(url: str | None) -> bool:
    """Whether ``url`` is an http(s) address a reader could visit: not a placeholder or local host."""
    if not url:
        return False
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("https", "http") or not host or "." not in host:
        return False
    if host in PLACEHOLDER_HOSTS or host.endswith(PLACEHOLDER_SUFFIXES):
        return False
    if any(host.endswith("." + placeholder) for placeholder in PLACEHOLDER_HOSTS):
        return False
    return not re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host)
