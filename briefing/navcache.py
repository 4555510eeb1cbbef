"""The site navigation's markup, rendered once per build for every part that no page changes.

Material renders the whole navigation on every page: N pages × N entries, so
at 500 pages the navigation is most of a build (about 17 of 25 profiled
seconds, in Jinja's macro calls of ``partials/nav-item.html``). Yet an entry
that is not on the current page's path (``nav_item.active`` is false) comes out
the same on every page, except for its links, which are relative to the page.

:class:`NavFragments` keeps each inactive entry's markup (a section with all
its children, or a page link) by what it depends on: the entry, its id path
and level, whether its parent section is active (Material's sections-under-tabs
rule), and where the page sits relative to the entry's links. The theme's
``partials/nav-item.html`` (``overrides/``) asks it for every inactive entry;
the active path is always rendered afresh. The output is byte for byte the
markup Material would write (``tests/test_navcache.py`` compares the two).

Where a page sits, for links: MkDocs writes a link from page directory D to
target T as ``../`` for each part of D after their common prefix, then the
rest of T (:func:`mkdocs.utils.get_relative_url`). When D's first part is
the first part of no link under the entry, the common prefix is empty for all
of them, and only the depth of D matters; otherwise the whole of D is part of
the key. A cache lives for one build (one Jinja environment), so entries are
told apart by identity.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from jinja2 import Undefined


def _url_parts(url: str) -> list[str]:
    """``url`` split into path parts as MkDocs compares them (see :func:`mkdocs.utils._norm_parts`)."""
    path = posixpath.normpath("/" + url)[1:]
    return path.split("/") if path else []


def _page_directory(page_url: str) -> list[str]:
    """The parts of the directory a page's links are relative to (its file name dropped if it has a dot)."""
    dirname, _, basename = page_url.rpartition("/")
    return _url_parts(dirname if "." in basename else page_url)


class NavFragments:
    """Markup of inactive navigation entries for one build, by what it depends on."""

    def __init__(self) -> None:
        self._markup: dict[tuple[object, ...], Any] = {}
        self._first_parts: dict[int, frozenset[str]] = {}
        self._directories: dict[str, list[str]] = {}  # by page URL, parsed once per page
        self._keep: list[object] = []  # the entries keyed by id() stay alive as long as the cache
        self.hits = 0
        self.misses = 0

    def _link_first_parts(self, nav_item: Any) -> frozenset[str]:
        """First path parts of every link the entry's markup can hold (its own, its children's)."""
        known = self._first_parts.get(id(nav_item))
        if known is not None:
            return known
        parts: set[str] = set()
        url = getattr(nav_item, "url", None)
        if isinstance(url, str):
            split = _url_parts(url)
            if split:
                parts.add(split[0])
        for child in getattr(nav_item, "children", None) or ():
            parts |= self._link_first_parts(child)
        result = self._first_parts[id(nav_item)] = frozenset(parts)
        self._keep.append(nav_item)
        return result

    def key(self, nav_item: Any, path: str, level: int, parent: Any, page: Any) -> tuple[object, ...]:
        """What an inactive entry's markup depends on, for a page."""
        page_url = "" if page is None or isinstance(page, Undefined) else str(page.url or "")
        directory = self._directories.get(page_url)
        if directory is None:
            directory = self._directories[page_url] = _page_directory(page_url)
        if directory and directory[0] in self._link_first_parts(nav_item):
            where: tuple[object, ...] = ("under", *directory)
        else:
            where = ("depth", len(directory))
        parent_active = False if parent is None or isinstance(parent, Undefined) else bool(parent.active)
        return (id(nav_item), path, level, parent_active, *where)

    def cached(self, nav_item: Any, path: str, level: int, parent: Any, page: Any, caller: Callable[[], Any]) -> Any:
        """The entry's markup: from an earlier page with the same key, or rendered by ``caller`` (a Jinja call block)."""
        key = self.key(nav_item, path, level, parent, page)
        markup = self._markup.get(key)
        if markup is None:
            self.misses += 1
            markup = self._markup[key] = caller()
            self._keep.append(nav_item)
        else:
            self.hits += 1
        return markup
