"""Shared fixtures: the project's paths, copies of the project for bad-input builds, and a build runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing.navigation import nav_entries, page_url, read_mkdocs_config

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "data" / "briefing.yml"
PROJECT_PARTS = (
    "mkdocs.yml",
    "macros.py",
    "docs",
    "data",
    "editions",
    "hooks",
    "briefing",
    "overrides",
    "pyproject.toml",
)


def nav_pages() -> list[str]:
    """Source paths of the pages in mkdocs.yml's nav, in order."""
    return [entry.src for entry in nav_entries(read_mkdocs_config(ROOT / "mkdocs.yml")["nav"])]


def page_path(src: str) -> str:
    """The URL path of a page's built HTML, relative to the site root."""
    return page_url(src)


def allowed_numbers() -> frozenset[str]:
    """The project's ``extra.briefing.allowed_numbers``."""
    extra = read_mkdocs_config(ROOT / "mkdocs.yml").get("extra") or {}
    return frozenset(str(token) for token in (extra.get("briefing") or {}).get("allowed_numbers") or [])


def load_data_variant(tmp_path: Path, text: str | bytes):
    """Load a variant of the data file, written beside a copy of the real source texts."""
    from briefing.data import load_briefing

    data_dir = tmp_path / "data"
    shutil.copytree(DATA_FILE.parent / "sources", data_dir / "sources")
    target = data_dir / "briefing.yml"
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return load_briefing(target, "data/briefing.yml", allowed_numbers())


@dataclass
class BuildResult:
    """What a build printed and returned."""

    returncode: int
    output: str
    site: Path


def copy_project(destination: Path) -> Path:
    """A copy of the project's sources in ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / part)
    return destination


def run_build(project: Path, site: Path | None = None) -> BuildResult:
    """Run a strict MkDocs build of ``project`` into ``site``."""
    site = site or project / "site"
    env = {**os.environ, "PYTHONPATH": str(project)}
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return BuildResult(completed.returncode, completed.stdout + completed.stderr, site)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the real project to modify."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test session with a strict build."""
    site = tmp_path_factory.mktemp("site")
    result = run_build(ROOT, site)
    assert result.returncode == 0, result.output
    return site


@pytest.fixture(scope="session")
def published_site() -> Iterator[Path]:
    """The real site as ``make build`` publishes it (HTML, downloads, PDF), built once per session.

    It is published into a folder any user can pass through (like /var/www), not
    pytest's private temp folder, so that nginx workers running as ``nobody`` read
    the site with the permissions the build gave it, and nothing else.
    """
    from briefing.publish import publish

    parent = Path(tempfile.mkdtemp(prefix="briefing-published-"))
    parent.chmod(0o755)
    site = parent / "site"
    try:
        assert publish(ROOT, site) == 0
        yield site
    finally:
        shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture(scope="session")
def republished_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second publish of the real site, once per session: the determinism checks compare it with ``published_site``."""
    from briefing.publish import publish

    site = tmp_path_factory.mktemp("republished") / "site"
    assert publish(ROOT, site) == 0
    return site


# Fixtures that build or publish the whole real site: a test that asks for one is in the
# slow tier (`make test` runs it, `make test-fast` leaves it out).
REAL_SITE_FIXTURES = frozenset({"built_site", "published_site", "republished_site"})
# Fixtures that give a site or a copy of the project to build.
BUILD_FIXTURES = REAL_SITE_FIXTURES | {"project"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what builds: ``slow`` on tests needing the real site, ``builds`` on those and on every test given a project or marked slow."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & REAL_SITE_FIXTURES:
            item.add_marker(pytest.mark.slow)
        if fixtures & BUILD_FIXTURES or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.builds)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text[:index].count("\n") + 1


@dataclass
class InProcessBuild:
    """The outcome of a strict build run in this process: the problems the engine reported."""

    ok: bool
    problems: list[str]
    error: str


def build_in_process(project: Path, site: Path | None = None) -> InProcessBuild:
    """Build ``project`` strictly in this process (no interpreter start-up), returning the engine's problems.

    For bad-input cases where the build is not the point: the same hooks, macros and
    checks as ``make build``, without a subprocess per case.
    """
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from briefing.site import CONTEXT_ATTRIBUTE

    site = site or project / "site-in-process"
    logging.getLogger("mkdocs").setLevel(logging.CRITICAL)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
    error = ""
    try:
        build(config)
        ok = True
    except Exception as failure:  # noqa: BLE001 - the caller asserts on what failed
        ok, error = False, f"{type(failure).__name__}: {failure}"
    context = getattr(config, CONTEXT_ATTRIBUTE, None)
    problems = [str(problem) for problem in context.problems] if context is not None else []
    return InProcessBuild(ok, problems, error)
