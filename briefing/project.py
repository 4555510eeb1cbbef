"""The project as every step sees it: ``mkdocs.yml``, its ``extra.briefing`` settings, the nav.

Site, PDF, publish, benchmarks and tests used to read ``extra.briefing`` each
in its own way (one honoured ``data:``, one had its own default, one
hard-coded the path), and a typo such as ``allowed_number:`` was silently
ignored. Here the block is read once into plain settings, and :class:`Project`
carries them to every step. A block that is not plainly valid goes to the
pydantic schema (:mod:`briefing.settings_schema`), whose unknown keys are
errors with a "did you mean"; a valid one never imports pydantic. This module reads ``mkdocs.yml`` as plain data and
imports nothing from MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

from briefing.navigation import NavEntry, nav_entries, read_mkdocs_config
from briefing.problems import Problem

if TYPE_CHECKING:
    from briefing.buildcache import BuildCache

CONFIG_FILE = "mkdocs.yml"
SETTINGS_KEY = "extra.briefing"


@dataclass(frozen=True, kw_only=True)
class HostingSettings:
    """``extra.briefing.hosting``: what the generated host configuration promises."""

    hsts_include_subdomains: bool = False  # send HSTS with includeSubDomains; only if every subdomain is HTTPS


@dataclass(frozen=True, kw_only=True)
class BriefingSettings:
    """The ``extra.briefing`` block of ``mkdocs.yml`` (README, "Settings")."""

    data: str = "data/briefing.yml"  # the data file, relative to mkdocs.yml
    allowed_numbers: tuple[str, ...] = ()  # numbers allowed in page text without a macro; keep it short, say why
    hosting: HostingSettings = field(default_factory=HostingSettings)


class ProjectError(Exception):
    """The project's configuration cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def key_line(config_text: str, key: str) -> int | None:
    """The line of ``key:`` inside the ``extra:`` block of mkdocs.yml, for messages."""
    in_extra = False
    for number, line in enumerate(config_text.splitlines(), start=1):
        if re.match(r"^extra:\s*(#.*)?$", line):
            in_extra = True
            continue
        if in_extra and re.match(r"^\S", line):
            in_extra = False
        if in_extra and re.match(rf"^\s+{re.escape(key)}\s*:", line):
            return number
    return None


def read_settings(
    raw: Any, config_text: str = "", config_path: str = CONFIG_FILE
) -> tuple[BriefingSettings, list[Problem]]:
    """Validate ``extra.briefing``; return the settings (defaults where invalid) and every problem."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        line = key_line(config_text, "briefing")
        return BriefingSettings(), [
            Problem(config_path, line, None, f"{SETTINGS_KEY} must be a mapping of settings", "see README, 'Settings'")
        ]
    if (settings := _plainly_valid(raw)) is not None:
        return settings, []
    from briefing.settings_schema import validate_settings

    return validate_settings(raw, config_text, config_path)


def _plainly_valid(raw: Mapping[str, Any]) -> BriefingSettings | None:
    """The settings, when every key is known and every value has exactly the type asked for; else None.

    The schema would accept each such block unchanged; whatever it might refuse,
    convert or explain goes to it instead.
    """
    if not set(raw) <= {"data", "allowed_numbers", "hosting"}:
        return None
    data = raw.get("data", BriefingSettings.data)
    numbers = raw.get("allowed_numbers", [])
    hosting = raw.get("hosting", {})
    if not isinstance(data, str) or type(numbers) is not list or type(hosting) is not dict:
        return None
    if not all(type(number) is str for number in numbers) or not set(hosting) <= {"hsts_include_subdomains"}:
        return None
    include_subdomains = hosting.get("hsts_include_subdomains", False)
    if type(include_subdomains) is not bool:
        return None
    return BriefingSettings(
        data=data,
        allowed_numbers=tuple(numbers),
        hosting=HostingSettings(hsts_include_subdomains=include_subdomains),
    )


@dataclass(frozen=True)
class Project:
    """One briefing project: where it lives, its settings and its pages in nav order."""

    root: Path
    settings: BriefingSettings
    site_url: str
    site_description: str
    use_directory_urls: bool
    docs_dir: Path
    nav: tuple[NavEntry, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def data_file(self) -> Path:
        """The data file's path on disk."""
        return self.root / self.settings.data

    @property
    def data_display_path(self) -> str:
        """The data file's path as editors write it (relative to the project)."""
        return self.settings.data

    @property
    def docs_prefix(self) -> str:
        """The docs directory relative to the project, e.g. ``docs``."""
        try:
            return self.docs_dir.relative_to(self.root).as_posix()
        except ValueError:
            return self.docs_dir.as_posix()

    @property
    def mount_path(self) -> str:
        """The path the site is served under, from ``site_url`` (``/`` when unset)."""
        return urlsplit(self.site_url or "/").path or "/"

    def updated_epoch(self, cache: BuildCache | None = None) -> str | None:
        """``SOURCE_DATE_EPOCH`` for this project: midnight UTC of the validated ``meta.updated``.

        None when the data file has no valid ``meta`` block: the build then reports why and
        stops, so no date is ever invented (no fallback to 1970). With a build ``cache``, the
        checked data comes from it when the data file is unchanged.
        """
        from briefing.cached import load_data  # the data model is only needed here

        meta = load_data(self.data_file, self.data_display_path, cache)[0].meta
        if meta is None:
            return None
        moment = dt.datetime(meta.updated.year, meta.updated.month, meta.updated.day, tzinfo=dt.UTC)
        return str(int(moment.timestamp()))

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any], root: Path, config_text: str = "") -> Project:
        """A project from mkdocs.yml as a mapping (plain data or MkDocs' own config object)."""
        extra = config.get("extra") or {}
        settings, problems = read_settings(extra.get("briefing") if isinstance(extra, Mapping) else None, config_text)
        docs_dir = Path(str(config.get("docs_dir") or "docs"))
        use_directory_urls = config.get("use_directory_urls")
        return cls(
            root=root,
            settings=settings,
            site_url=str(config.get("site_url") or ""),
            site_description=str(config.get("site_description") or ""),
            use_directory_urls=True if use_directory_urls is None else bool(use_directory_urls),
            docs_dir=(docs_dir if docs_dir.is_absolute() else root / docs_dir).resolve(),
            nav=tuple(nav_entries(config.get("nav"))),
            problems=tuple(problems),
        )

    @classmethod
    def from_mkdocs_config(cls, config: Any) -> Project:
        """The project of a running MkDocs build (its loaded configuration)."""
        config_file = Path(config["config_file_path"]).resolve()
        try:
            text = config_file.read_text(encoding="utf-8")
        except OSError:
            text = ""
        return cls.from_mapping(config, config_file.parent, text)

    @classmethod
    def load(cls, root: Path) -> Project:
        """Read ``root/mkdocs.yml``; raise :class:`ProjectError` if it or its settings are unusable."""
        path = root / CONFIG_FILE
        try:
            config = read_mkdocs_config(path)
            text = path.read_text(encoding="utf-8")
        except (OSError, ValueError, yaml.YAMLError) as error:
            raise ProjectError(
                [Problem(CONFIG_FILE, None, None, f"cannot read the site configuration: {error}")]
            ) from error
        project = cls.from_mapping(config, root.resolve(), text)
        if project.problems:
            raise ProjectError(list(project.problems))
        return project


def main() -> None:
    """Print one project value for the Makefile: ``python -m briefing.project mount_path``."""
    import sys

    project = Project.load(Path.cwd())
    print(getattr(project, sys.argv[1]))  # noqa: T201 - the value is this command's output, read by the Makefile


if __name__ == "__main__":
    main()
