"""The site's structure as MkDocs lays it out: config, nav order, and where pages are written.

One place for what several parts need: the site glue (Home's page cards), the
PDF (chapters in nav order, read from the built files), the benchmark and the
tests. It reads ``mkdocs.yml`` as plain data and does not import MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml


class _ConfigLoader(yaml.SafeLoader):
    """A safe loader that reads mkdocs.yml's custom tags (!ENV, !!python/name) as None."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_mkdocs_config(path: Path) -> dict[str, Any]:
    """``mkdocs.yml`` as plain data; raises OSError, yaml.YAMLError or ValueError."""
    config = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(config, dict):
        raise ValueError(f"{path} is not a mapping")
    return config


@dataclass(frozen=True)
class NavEntry:
    """A Markdown page of the nav: its top-level section, its nav title and its source path."""

    section: str | None
    title: str
    src: str


def nav_entries(nav: list[Any] | None) -> list[NavEntry]:
    """The pages of an MkDocs ``nav:`` in order; links out of the site are skipped."""
    pages: list[NavEntry] = []

    def walk(entries: list[Any], section: str | None, depth: int) -> None:
        for entry in entries:
            title, value = next(iter(entry.items())) if isinstance(entry, dict) else ("", entry)
            if isinstance(value, list):
                walk(value, str(title) if depth == 0 else section, depth + 1)
            elif isinstance(value, str) and not urlsplit(value).scheme and not value.startswith("/"):
                pages.append(NavEntry(section, str(title or ""), value))

    walk(nav or [], None, 0)
    return pages


def page_url(src_path: str, use_directory_urls: bool = True) -> str:
    """The site-relative URL MkDocs gives a Markdown source path: ``x.md`` -> ``x/``."""
    stem = src_path.removesuffix(".md")
    directory, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return f"{directory}/" if directory else ""
    if not use_directory_urls:
        return stem + ".html"
    return stem + "/"


def built_file(src_path: str, use_directory_urls: bool = True) -> str:
    """Where MkDocs writes the page of ``src_path``, relative to the site: ``x.md`` -> ``x/index.html``."""
    url = page_url(src_path, use_directory_urls)
    return url + "index.html" if url.endswith("/") or not url else url
