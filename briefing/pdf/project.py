"""What the PDF reads from the project: the nav's pages, the cover's text and the build's date.

Everything here comes from ``mkdocs.yml`` and the data file through the same
readers the site uses (:mod:`briefing.navigation`, :mod:`briefing.project`,
:mod:`briefing.data`), so the PDF and the HTML agree on order, dates and numbers.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from briefing.addresses import is_public_address
from briefing.data import load_briefing
from briefing.entries import Meta
from briefing.formatting import format_day
from briefing.navigation import NavEntry, nav_entries, read_mkdocs_config
from briefing.pdf.errors import PdfError
from briefing.project import Project, ProjectError


@dataclass(frozen=True)
class Cover:
    """What the cover and the PDF's metadata say, all plain text."""

    title: str
    subtitle: str
    as_of: str
    version: str
    updated: str
    publisher: str
    author: str
    licence: str
    description: str
    site_url: str

    @property
    def site_address(self) -> str:
        """The site's address if it is a real one, else "": a placeholder is never printed."""
        return self.site_url if is_public_address(self.site_url) else ""


def read_config(project_dir: Path) -> dict[str, Any]:
    """The project's ``mkdocs.yml`` as plain data (tags read as None)."""
    path = project_dir / "mkdocs.yml"
    try:
        return read_mkdocs_config(path)
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise PdfError(f"PDF: cannot read {path}: {error}") from error


def nav_pages(config: dict[str, Any]) -> list[NavEntry]:
    """The pages of ``nav:`` in order, each with its top-level section; links out are skipped."""
    if not config.get("nav"):
        raise PdfError("PDF: mkdocs.yml has no nav: the PDF takes its chapters and their order from it")
    return nav_entries(config["nav"])


def load_meta(project_dir: Path, config: dict[str, Any]) -> Meta:
    """The data file's validated ``meta`` block: what the cover and the PDF's date come from."""
    project = Project.from_mapping(config, project_dir)
    if project.problems:
        raise PdfError("PDF: " + "\n".join(str(problem) for problem in project.problems))
    data = load_briefing(project.data_file, project.data_display_path)
    if data.meta is None:
        raise PdfError(f"PDF: {project.data_display_path} has no valid meta block:\n{data.problems.report()}")
    return data.meta


def cover_from_meta(meta: Meta, config: dict[str, Any]) -> Cover:
    """The cover's text, from the ``meta`` block and ``site_description``."""
    return Cover(
        title=meta.title,
        subtitle=meta.subtitle,
        as_of=format_day(meta.as_of, "day", meta.locale),
        version=meta.version,
        updated=format_day(meta.updated, "day", meta.locale),
        publisher=meta.publisher,
        author=meta.author,
        licence=meta.licence,
        description=str(config.get("site_description") or meta.subtitle),
        site_url=str(config.get("site_url") or ""),
    )


def load_cover(project_dir: Path, config: dict[str, Any]) -> Cover:
    """The cover's text, from the data file's ``meta`` block and ``site_description``."""
    return cover_from_meta(load_meta(project_dir, config), config)


def source_date(project_dir: Path, updated: dt.date | None = None) -> dt.datetime:
    """The build's date: ``SOURCE_DATE_EPOCH``, or the data file's ``meta.updated`` as publish uses.

    ``updated`` is that date when the caller has already read it, so the data file
    (thousands of figures, checked against their sources) is not read twice.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None and updated is not None:
        return dt.datetime(updated.year, updated.month, updated.day, tzinfo=dt.UTC)
    if raw is None:
        try:
            raw = Project.load(project_dir).updated_epoch()
        except ProjectError as error:
            raise PdfError(f"PDF: {error}") from error
        if raw is None:
            raise PdfError("PDF: the data file has no valid meta.updated date; run make build to see why")
    try:
        return dt.datetime.fromtimestamp(int(raw), dt.UTC)
    except ValueError as error:
        raise PdfError(f"PDF: SOURCE_DATE_EPOCH must be whole seconds since 1970, not {raw!r}") from error
