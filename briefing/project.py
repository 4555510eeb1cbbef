"""The project as every step sees it: ``mkdocs.yml``, its ``extra.briefing`` settings, the nav.

Site, PDF, publish, benchmarks and tests used to read ``extra.briefing`` each
in its own way (one honoured ``data:``, one had its own default, one
hard-coded the path), and a typo such as ``allowed_number:`` was silently
ignored. Here the block is validated once by a pydantic model whose unknown
keys are errors with a "did you mean", and :class:`Project` carries the
result to every step. This module reads ``mkdocs.yml`` as plain data and
imports nothing from MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from briefing.navigation import NavEntry, nav_entries, read_mkdocs_config
from briefing.problems import Problem, did_you_mean

if TYPE_CHECKING:
    from briefing.buildcache import BuildCache

CONFIG_FILE = "mkdocs.yml"
SETTINGS_KEY = "extra.briefing"


class HostingSettings(BaseModel):
    """``extra.briefing.hosting``: what the generated host configuration promises."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hsts_include_subdomains: StrictBool = Field(
        default=False,
        description="send HSTS with includeSubDomains; only if every subdomain of the site's domain is HTTPS",
    )


class BriefingSettings(BaseModel):
    """The ``extra.briefing`` block of ``mkdocs.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data: str = Field(default="data/briefing.yml", description="the data file, relative to mkdocs.yml")
    allowed_numbers: tuple[str, ...] = Field(
        default=(), description="numbers allowed in page text without a macro; keep it short and say why"
    )
    hosting: HostingSettings = Field(default_factory=HostingSettings)


class ProjectError(Exception):
    """The project's configuration cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def _key_line(config_text: str, key: str) -> int | None:
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
        line = _key_line(config_text, "briefing")
        return BriefingSettings(), [
            Problem(config_path, line, None, f"{SETTINGS_KEY} must be a mapping of settings", "see README, 'Settings'")
        ]
    try:
        return BriefingSettings.model_validate(dict(raw)), []
    except ValidationError as error:
        problems = []
        known = list(BriefingSettings.model_fields)
        for issue in error.errors():
            location = [str(part) for part in issue["loc"]] or ["briefing"]
            key = ".".join(location)  # e.g. hosting.hsts_include_subdomains
            line = _key_line(config_text, location[-1])
            if issue["type"] == "extra_forbidden":
                siblings = (
                    list(HostingSettings.model_fields) if location[0] == "hosting" and len(location) > 1 else known
                )
                hint = did_you_mean(location[-1], siblings) or "known settings: " + ", ".join(siblings)
                problems.append(Problem(config_path, line, None, f"unknown setting {SETTINGS_KEY}.{key}", hint))
            else:
                problems.append(
                    Problem(config_path, line, None, f"{SETTINGS_KEY}.{key}: {issue['msg']}", "see README, 'Settings'")
                )
        valid = {key: value for key, value in raw.items() if key in known and _valid_field(key, value)}
        return BriefingSettings.model_validate(valid), problems


def _valid_field(key: str, value: Any) -> bool:
    try:
        BriefingSettings.model_validate({key: value})
    except ValidationError:
        return False
    return True


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
