"""The project's settings (``extra.briefing``) and the site generators that may build it."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from briefing.project import BriefingSettings, Project, ProjectError, read_settings
from briefing.publish import publish
from briefing.settings_schema import SettingsSchema, validate_settings
from tests.conftest import ROOT, run_build
from tests.support.planting import set_extra_briefing


def test_real_settings_are_valid() -> None:
    project = Project.load(ROOT)
    assert project.problems == ()
    assert project.data_file == ROOT / "data" / "briefing.yml"
    assert project.nav and project.nav[0].src == "index.md"


def test_unknown_setting_is_named_with_a_suggestion_and_its_line() -> None:
    config_text = "site_name: x\nextra:\n  briefing:\n    data: data/briefing.yml\n    allowed_number: []\n"
    settings, problems = read_settings({"data": "data/briefing.yml", "allowed_number": []}, config_text)
    assert settings == BriefingSettings(data="data/briefing.yml")
    assert len(problems) == 1
    message = str(problems[0])
    assert message.startswith("mkdocs.yml:5: unknown setting extra.briefing.allowed_number")
    assert "did you mean 'allowed_numbers'?" in message


def test_wrong_type_of_setting_is_refused() -> None:
    _, problems = read_settings({"allowed_numbers": "2010"})
    assert len(problems) == 1 and "extra.briefing.allowed_numbers" in str(problems[0])


# What YAML can hand over for a setting: plain values, lists and mappings of them, near-misses of the keys.
YAML_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-1, 2)
    | st.sampled_from([0.0, 1.0, 2.5])
    | st.text(max_size=8)
    | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=2),
    max_leaves=6,
)
SETTING_KEYS = st.sampled_from(["data", "allowed_numbers", "hosting", "hsts_include_subdomains", "allowed_number"])
HOSTING = st.dictionaries(st.sampled_from(["hsts_include_subdomains", "hsts"]), YAML_VALUES, max_size=2)
SETTINGS_BLOCKS = st.dictionaries(SETTING_KEYS, YAML_VALUES | HOSTING | st.lists(st.text(max_size=5), max_size=3))


@settings(max_examples=300, deadline=None)
@given(SETTINGS_BLOCKS)
@example({"hosting": {"hsts_include_subdomains": 1}})
@example({"hosting": {"hsts_include_subdomains": "yes"}})
@example({"data": 5, "allowed_numbers": ["2010", 2011]})
@example({"allowed_numbers": ("2010",), "hosting": None})
@example({"data": "data/other.yml", "allowed_numbers": ["2010"], "hosting": {"hsts_include_subdomains": True}})
def test_settings_read_without_the_schema_are_what_the_schema_gives(raw: dict[str, object]) -> None:
    """A block is taken as written only when the schema would take it unchanged; all else goes to the schema."""
    expected = validate_settings(raw, "", "mkdocs.yml")
    assert read_settings(raw) == expected


def test_the_plain_settings_have_the_schemas_fields_and_defaults() -> None:
    assert [field.name for field in dataclasses.fields(BriefingSettings)] == list(SettingsSchema.model_fields)
    assert SettingsSchema().to_settings() == BriefingSettings()


def test_unknown_setting_fails_the_publish_and_changes_nothing(project: Path) -> None:
    set_extra_briefing(project, "    data: data/briefing.yml\n    allowed_number: []\n")
    site = project / "site"
    assert publish(project, site) != 0
    assert not site.exists()
    with pytest.raises(ProjectError, match=r"mkdocs\.yml:\d+: unknown setting extra\.briefing\.allowed_number"):
        Project.load(project)


def test_unknown_setting_is_reported_by_a_plain_build(project: Path) -> None:
    set_extra_briefing(project, "    data: data/briefing.yml\n    alowed_numbers: []\n")
    result = run_build(project)
    assert result.returncode != 0
    assert re.search(
        r"mkdocs\.yml:\d+: unknown setting extra\.briefing\.alowed_numbers \(did you mean 'allowed_numbers'\?\)",
        result.output,
    ), result.output


@pytest.mark.slow
def test_moved_data_file_builds_site_and_pdf_with_its_dates(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    shutil.move(project / "data", project / "content")
    (project / "content" / "briefing.yml").rename(project / "content" / "xi-russia.yml")
    allowed = "".join(f"      - {token}\n" for token in Project.load(ROOT).settings.allowed_numbers)
    set_extra_briefing(project, f"    data: content/xi-russia.yml\n    allowed_numbers:\n{allowed}")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("\n  - data\n", "\n  - content\n"), encoding="utf-8")
    site = project / "site"
    assert publish(project, site) == 0
    meta = Project.load(project)
    from briefing.data import load_briefing

    updated = load_briefing(meta.data_file).meta.updated
    pdf = PdfReader(site / "downloads" / "briefing.pdf")
    created = str(pdf.metadata.get("/CreationDate"))
    assert created.startswith("D:" + updated.strftime("%Y%m%d")), created
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<lastmod>{updated.isoformat()}</lastmod>" in sitemap


@pytest.mark.slow
def test_properdocs_builds_the_same_pages_as_mkdocs(tmp_path: Path) -> None:
    """ProperDocs, the continuation of MkDocs 1.x, gives the same HTML but for the generator tag."""
    import subprocess
    import sys

    sites = {}
    for generator in ("mkdocs", "properdocs"):
        site = tmp_path / generator
        completed = subprocess.run(
            [sys.executable, "-m", generator, "build", "--strict", "--site-dir", str(site)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        sites[generator] = site
    pages = sorted(path.relative_to(sites["mkdocs"]) for path in sites["mkdocs"].rglob("*.html"))
    assert pages == sorted(path.relative_to(sites["properdocs"]) for path in sites["properdocs"].rglob("*.html"))
    assert len(pages) >= 14
    generator_tag = re.compile(r'<meta name="generator" content="[^"]*">')
    for page in pages:
        mkdocs_html = (sites["mkdocs"] / page).read_text(encoding="utf-8")
        properdocs_html = (sites["properdocs"] / page).read_text(encoding="utf-8")
        assert "ProperDocs" in properdocs_html and "ProperDocs" not in mkdocs_html
        assert generator_tag.sub("", mkdocs_html) == generator_tag.sub("", properdocs_html), page


@pytest.mark.slow  # a subprocess build of a copy of the real site
def test_a_generator_that_skips_the_hooks_is_refused(project: Path) -> None:
    """Zensical 0.0.x ignores ``hooks:``; simulated here by a config without them: nothing is published."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"\nhooks:\n(  - .*\n)+", "\n", text), encoding="utf-8")
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("last good site", encoding="utf-8")
    assert publish(project, site, steps=[]) != 0
    assert (site / "index.html").read_text(encoding="utf-8") == "last good site"
    assert sorted(path.name for path in project.iterdir() if path.name.startswith(".site")) == []


def test_hsts_subdomains_is_a_checked_hosting_setting() -> None:
    assert BriefingSettings().hosting.hsts_include_subdomains is False
    config_text = "extra:\n  briefing:\n    hosting:\n      hsts_include_subdomain: true\n      other: yes\n"
    _, problems = read_settings({"hosting": {"hsts_include_subdomain": True}}, config_text)
    assert [str(problem) for problem in problems] == [
        "mkdocs.yml:4: unknown setting extra.briefing.hosting.hsts_include_subdomain (did you mean 'hsts_include_subdomains'?)"
    ]
    _, problems = read_settings({"hosting": {"hsts_include_subdomains": "yes"}})
    assert len(problems) == 1 and "extra.briefing.hosting.hsts_include_subdomains" in str(problems[0])
    settings, problems = read_settings({"hosting": {"hsts_include_subdomains": True}})
    assert problems == [] and settings.hosting.hsts_include_subdomains is True


def test_hsts_header_follows_the_setting() -> None:
    from briefing.hosting import security_headers

    assert security_headers([])["Strict-Transport-Security"] == "max-age=31536000"
    assert (
        security_headers([], hsts_include_subdomains=True)["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains"
    )
