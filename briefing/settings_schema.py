"""The pydantic schema of ``extra.briefing``, for the settings that are not plainly valid.

:func:`briefing.project.read_settings` takes a block whose keys are all known
and whose values have exactly the types asked for as it is (the usual case,
with no pydantic import). Anything else comes here: the schema says what is
wrong with each key, suggests the setting meant for an unknown one, and keeps
the valid settings. ``tests/test_project.py`` checks that both ways agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from briefing.problems import Problem, did_you_mean
from briefing.project import SETTINGS_KEY, BriefingSettings, HostingSettings, key_line


class HostingSchema(BaseModel):
    """``extra.briefing.hosting``: what the generated host configuration promises."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hsts_include_subdomains: StrictBool = Field(
        default=False,
        description="send HSTS with includeSubDomains; only if every subdomain of the site's domain is HTTPS",
    )


class SettingsSchema(BaseModel):
    """The ``extra.briefing`` block of ``mkdocs.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data: str = Field(default="data/briefing.yml", description="the data file, relative to mkdocs.yml")
    allowed_numbers: tuple[str, ...] = Field(
        default=(), description="numbers allowed in page text without a macro; keep it short and say why"
    )
    hosting: HostingSchema = Field(default_factory=HostingSchema)

    def to_settings(self) -> BriefingSettings:
        """The plain settings every step reads."""
        return BriefingSettings(
            data=self.data,
            allowed_numbers=self.allowed_numbers,
            hosting=HostingSettings(hsts_include_subdomains=self.hosting.hsts_include_subdomains),
        )


def validate_settings(
    raw: Mapping[str, Any], config_text: str, config_path: str
) -> tuple[BriefingSettings, list[Problem]]:
    """Validate ``raw``; return the settings (defaults where invalid) and every problem, located in mkdocs.yml."""
    try:
        return SettingsSchema.model_validate(dict(raw)).to_settings(), []
    except ValidationError as error:
        problems = []
        known = list(SettingsSchema.model_fields)
        for issue in error.errors():
            location = [str(part) for part in issue["loc"]] or ["briefing"]
            key = ".".join(location)  # e.g. hosting.hsts_include_subdomains
            line = key_line(config_text, location[-1])
            if issue["type"] == "extra_forbidden":
                siblings = list(HostingSchema.model_fields) if location[0] == "hosting" and len(location) > 1 else known
                hint = did_you_mean(location[-1], siblings) or "known settings: " + ", ".join(siblings)
                problems.append(Problem(config_path, line, None, f"unknown setting {SETTINGS_KEY}.{key}", hint))
            else:
                problems.append(
                    Problem(config_path, line, None, f"{SETTINGS_KEY}.{key}: {issue['msg']}", "see README, 'Settings'")
                )
        valid = {key: value for key, value in raw.items() if key in known and _valid_field(key, value)}
        return SettingsSchema.model_validate(valid).to_settings(), problems


def _valid_field(key: str, value: Any) -> bool:
    try:
        SettingsSchema.model_validate({key: value})
    except ValidationError:
        return False
    return True
