"""Publishing: atomic replacement of site/, reproducible bytes, hosting files."""

from __future__ import annotations

import gzip
import os
import stat
from pathlib import Path

import pytest

from briefing.hosting import HEADERS_FILE, NGINX_CONF, gzip_bytes
from briefing.publish import publish
from tests.support.planting import tree_digest


def test_two_builds_are_byte_identical(published_site: Path, republished_site: Path) -> None:
    """Whatever SOURCE_DATE_EPOCH the environment sets (or none), two builds give the same bytes."""
    first_files, second_files = tree_digest(published_site), tree_digest(republished_site)
    assert first_files.keys() == second_files.keys()
    differing = [name for name in first_files if first_files[name] != second_files[name]]
    assert differing == []
    for required in (
        "sitemap.xml",
        "sitemap.xml.gz",
        "search/search_index.json",
        HEADERS_FILE,
        NGINX_CONF,
        "index.html.gz",
    ):
        assert required in first_files, required


@pytest.mark.slow  # publishes a copy of the real site
def test_failed_build_leaves_the_last_good_site_untouched(project: Path) -> None:
    site = project / "site"
    assert publish(project, site) == 0
    before = tree_digest(site)
    data_file = project / "data" / "briefing.yml"
    data_file.write_text(
        data_file.read_text(encoding="utf-8").replace("    value: 185\n", "    value: 158\n", 1), encoding="utf-8"
    )
    assert publish(project, site) != 0
    assert tree_digest(site) == before
    assert sorted(path.name for path in project.iterdir() if path.name.startswith(".site")) == []


@pytest.mark.slow  # publishes a copy of the real site
def test_publish_leaves_the_environment_as_it_found_it(project: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert publish(project, project / "site", steps=[]) == 0
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_precompressed_copies_match_their_originals(published_site: Path) -> None:
    index = published_site / "index.html"
    compressed = published_site / "index.html.gz"
    assert gzip.decompress(compressed.read_bytes()) == index.read_bytes()
    assert gzip_bytes(b"same") == gzip_bytes(b"same")


def test_published_site_is_world_readable(published_site: Path) -> None:
    """Directories 0755 and files 0644, the site folder included (mkdtemp makes it 0700), whatever the umask."""
    modes = {
        path.relative_to(published_site).as_posix() or ".": stat.S_IMODE(path.stat().st_mode)
        for path in [published_site, *published_site.rglob("*")]
    }
    wrong = {
        path: oct(mode)
        for path, mode in modes.items()
        if mode != (0o755 if (published_site / path).is_dir() else 0o644)
    }
    assert wrong == {}
    assert len(modes) > 50


@pytest.mark.slow  # publishes a copy of the real site
def test_publish_under_a_private_umask_still_gives_readable_files(project: Path) -> None:
    site = project / "site"
    previous = os.umask(0o077)
    try:
        assert publish(project, site, steps=[]) == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    assert {stat.S_IMODE(path.stat().st_mode) for path in site.rglob("*") if path.is_file()} == {0o644}
    assert {stat.S_IMODE(path.stat().st_mode) for path in site.rglob("*") if path.is_dir()} == {0o755}
