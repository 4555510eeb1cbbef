"""The navigation's reused markup is the markup Material would write on every page.

``briefing/navcache.py`` renders an entry off the current page's path once per
build and reuses it on later pages. If its key missed something an entry's
markup depends on, some page would show another page's navigation (a wrong
relative link, a wrong open section). These tests build a copy of the real
site, with extra pages nested in folders at three depths and Material's
navigation features switched in different ways, once as it is and once with
every entry rendered afresh, and require every built file to be identical.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefing import navcache
from briefing.navigation import read_mkdocs_config
from tests.conftest import build_in_process, copy_project

NESTED_PAGES = {
    "deep/index.md": "Deep section",
    "deep/first.md": "Alpha deep page",
    "deep/inner/index.md": "Inner section",
    "deep/inner/second.md": "Beta deep page",
    "deep/inner/third.md": "Gamma deep page",
    "side.md": "Side page",
    "other/one.md": "Uno other page",
    "other/two.md": "Dos other page",
}
NESTED_NAV = [
    {
        "Deep": [
            "deep/index.md",
            {"Alpha": "deep/first.md"},
            {"Inner": ["deep/inner/index.md", "deep/inner/second.md", "deep/inner/third.md"]},
        ]
    },
    # A section whose subsection lives in another folder: whether the subsection's parent is
    # open is then not told by where the page is (Material's rule for sections under tabs).
    {"Side": ["side.md", {"Other": ["other/one.md", "other/two.md"]}]},
]


def nested_project(root: Path, features: list[str] | None, directory_urls: bool) -> Path:
    """A copy of the project with the nested pages in its navigation."""
    project = copy_project(root)
    for src, title in NESTED_PAGES.items():
        page = project / "docs" / src
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f"---\ntitle: {title}\ndescription: A page nested in folders, for the navigation test.\n"
            f"summary: Nested page.\n---\n\n# {title}\n\nText of the page.\n",
            encoding="utf-8",
        )
    config = read_mkdocs_config(project / "mkdocs.yml")
    config["nav"] = [*config["nav"], *NESTED_NAV]
    config["use_directory_urls"] = directory_urls
    if features is not None:
        config["theme"]["features"] = features
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return project


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[navcache.NavFragments]]:
    """Every navigation cache a build makes, to count what it reused."""
    made: list[navcache.NavFragments] = []
    real_init = navcache.NavFragments.__init__

    def init(self: navcache.NavFragments) -> None:
        real_init(self)
        made.append(self)

    monkeypatch.setattr(navcache.NavFragments, "__init__", init)
    yield made


def built_files(site: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".json", ".xml"}
    }


@pytest.mark.parametrize(
    "features, directory_urls",
    [
        (None, False),  # the site's own features, pages as page.html
        (["navigation.tabs", "navigation.sections", "navigation.indexes", "navigation.expand"], True),
        (["navigation.tabs", "navigation.prune"], True),
    ],
    ids=["site-features-html-urls", "tabs-sections-expand", "tabs-prune"],
)
def test_reused_navigation_is_what_material_writes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    counted: list[navcache.NavFragments],
    features: list[str] | None,
    directory_urls: bool,
) -> None:
    project = nested_project(tmp_path / "project", features, directory_urls)
    reused = build_in_process(project, tmp_path / "reused")
    assert reused.ok, reused.problems or reused.error
    assert counted and counted[-1].hits > counted[-1].misses > 0, "the build reused no navigation entry"

    def always_render(self: Any, nav_item: Any, path: str, level: int, parent: Any, page: Any, caller: Any) -> Any:
        return caller()

    monkeypatch.setattr(navcache.NavFragments, "cached", always_render)
    fresh = build_in_process(project, tmp_path / "fresh")
    assert fresh.ok, fresh.problems or fresh.error
    reused_files, fresh_files = built_files(tmp_path / "reused"), built_files(tmp_path / "fresh")
    assert reused_files.keys() == fresh_files.keys()
    different = [name for name in reused_files if reused_files[name] != fresh_files[name]]
    assert different == [], f"pages whose navigation differs from Material's own: {different}"


@pytest.mark.parametrize(
    "page_url, shared_with",
    [
        ("trade/", "energy/"),  # same depth, neither under the entry: one markup
        ("trade.html", "energy.html"),
        ("deep/first/", "other/first/"),
    ],
)
def test_pages_at_the_same_depth_outside_an_entry_share_its_markup(page_url: str, shared_with: str) -> None:
    fragments = navcache.NavFragments()
    entry = type("Entry", (), {"url": "side/", "children": None, "active": False})()
    page, other = (type("Page", (), {"url": url})() for url in (page_url, shared_with))
    assert fragments.key(entry, "__nav_1", 1, None, page) == fragments.key(entry, "__nav_1", 1, None, other)


def test_a_page_under_an_entry_gets_its_own_markup() -> None:
    fragments = navcache.NavFragments()
    child = type("Child", (), {"url": "deep/inner/second/", "children": None, "active": False})()
    section = type("Section", (), {"url": None, "children": [child], "active": False})()
    inside, elsewhere = (type("Page", (), {"url": url})() for url in ("deep/first/", "side/first/"))
    assert fragments.key(section, "__nav_2", 1, None, inside) != fragments.key(section, "__nav_2", 1, None, elsewhere)
