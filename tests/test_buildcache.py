"""The build cache: entries survive only intact, compiled templates are reused only for the same environment,
and a warm ``make build`` gives the same bytes as a cold one while still rebuilding what an edit touches."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from pypdf import PdfReader

from briefing.buildcache import BuildCache, digest, load_secret
from briefing.downloads import PDF_PATH, chart_path
from briefing.publish import publish
from briefing.stepcache import KIND as STEPS_KIND
from briefing.templatecache import PAGE_KIND, cache_page_compiles
from tests.conftest import copy_project

SECRET = b"a test secret of at least 32 bytes...."


def digest_tree(root: Path) -> dict[str, tuple[str, int]]:
    return {
        path.relative_to(root).as_posix(): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode & 0o777)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# -- the store ----------------------------------------------------------------


def test_an_entry_comes_back_with_the_same_bytes(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", SECRET)
    cache.put("kind", "key", {"a": b"first", "b": bytes(range(256))})
    assert cache.get("kind", "key") == {"a": b"first", "b": bytes(range(256))}
    assert cache.get("kind", "other") is None
    assert (cache.hits, cache.misses) == ({"kind": 1}, {"kind": 1})


def test_a_damaged_or_truncated_entry_is_a_miss(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", SECRET)
    cache.put("kind", "key", {"a": b"0123456789"})
    entry = tmp_path / "cache" / "kind" / "key"
    raw = entry.read_bytes()
    entry.write_bytes(raw.replace(b"0123456789", b"0123456780"))
    assert cache.get("kind", "key") is None
    entry.write_bytes(raw[:-3])
    assert cache.get("kind", "key") is None
    entry.write_bytes(b"not an entry")
    assert cache.get("kind", "key") is None


def test_an_entry_another_machine_wrote_is_never_used(tmp_path: Path) -> None:
    # A .cache committed to a pull request: well formed, but not tagged with this user's secret.
    BuildCache(tmp_path / "cache", b"someone else's secret, 32 bytes+").put("kind", "key", {"code": b"evil"})
    assert BuildCache(tmp_path / "cache", SECRET).get("kind", "key") is None


def test_an_entry_does_not_answer_for_another_key(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", SECRET)
    cache.put("kind", "key", {"a": b"x"})
    (tmp_path / "cache" / "kind" / "key").rename(tmp_path / "cache" / "kind" / "other")
    assert cache.get("kind", "other") is None


def test_the_secret_is_made_once_and_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "config" / "briefing" / "cache-key"
    secret = load_secret(path)
    assert len(secret) == 32 and load_secret(path) == secret
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_unwritable_cache_costs_speed_not_the_build(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    cache = BuildCache(blocker / "cache", SECRET)
    cache.put("kind", "key", {"a": b"x"})  # no exception
    assert cache.get("kind", "key") is None


def test_pruning_keeps_the_most_recently_used_entries(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", SECRET)
    for number in range(5):
        cache.put("kind", f"key{number}", {"a": b"x"})
        os.utime(tmp_path / "cache" / "kind" / f"key{number}", (1000 + number, 1000 + number))
    assert cache.get("kind", "key0") is not None  # a hit counts as a use
    assert cache.prune("kind", keep=2) == 3
    assert sorted(path.name for path in (tmp_path / "cache" / "kind").iterdir()) == ["key0", "key4"]


def test_the_cache_can_be_moved_or_switched_off(tmp_path: Path) -> None:
    secret = {"BRIEFING_CACHE_SECRET_FILE": str(tmp_path / "key")}
    assert BuildCache.for_project(tmp_path, secret).root == tmp_path / ".cache" / "briefing"
    assert (
        BuildCache.for_project(tmp_path, {**secret, "BRIEFING_CACHE_DIR": "elsewhere"}).root == tmp_path / "elsewhere"
    )
    assert BuildCache.for_project(tmp_path, {**secret, "BRIEFING_CACHE": "off"}) is None
    unusable = tmp_path / "not-a-dir"
    unusable.write_text("x", encoding="utf-8")
    assert BuildCache.for_project(tmp_path, {"BRIEFING_CACHE_SECRET_FILE": str(unusable / "key")}) is None


def test_digest_parts_cannot_be_shifted() -> None:
    assert digest("ab", "c") != digest("a", "bc")


# -- compiled templates --------------------------------------------------------


def test_a_page_compiled_once_is_loaded_not_compiled_again(tmp_path: Path) -> None:
    source = "Turnover was {{ figure('trade.turnover') }} in {{ year }}."
    first_env = jinja2.Environment(autoescape=True)
    first_env.globals["figure"] = lambda figure_id: f"[{figure_id}]"
    cache = BuildCache(tmp_path / "cache", SECRET)
    cache_page_compiles(first_env, cache)
    expected = first_env.from_string(source).render(year=2022)
    assert expected == "Turnover was [trade.turnover] in 2022."
    assert cache.misses == {PAGE_KIND: 1}

    # A new process: nothing in memory, the code comes from disk.
    from briefing import templatecache

    templatecache._in_memory.clear()
    second_env = jinja2.Environment(autoescape=True)
    second_env.globals["figure"] = lambda figure_id: f"[{figure_id}]"
    cache_page_compiles(second_env, cache)
    assert second_env.from_string(source).render(year=2022) == expected
    assert cache.hits == {PAGE_KIND: 1}


def test_another_environment_never_gets_a_page_compiled_for_a_different_one(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", SECRET)
    source = "{{ 'x' | shout }}"
    shouting = jinja2.Environment(autoescape=True)
    shouting.filters["shout"] = str.upper
    cache_page_compiles(shouting, cache)
    assert shouting.from_string(source).render() == "X"
    other_syntax = jinja2.Environment(autoescape=True, variable_start_string="[[", variable_end_string="]]")
    other_syntax.filters["shout"] = str.upper
    cache_page_compiles(other_syntax, cache)
    assert other_syntax.from_string(source).render() == source  # not a variable in this syntax
    without_filter = jinja2.Environment(autoescape=True)
    cache_page_compiles(without_filter, cache)
    with pytest.raises(jinja2.TemplateAssertionError, match="shout"):
        without_filter.from_string(source)


def test_a_syntax_error_is_raised_and_never_stored(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", SECRET)
    environment = jinja2.Environment(autoescape=True)
    cache_page_compiles(environment, cache)
    for _ in range(2):
        with pytest.raises(jinja2.TemplateSyntaxError):
            environment.from_string("{{ figure('x' }}")
    assert not (tmp_path / "cache" / PAGE_KIND).exists()


# -- the real build, cold and warm ---------------------------------------------


@pytest.fixture(scope="module")
def cold_and_warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    """A copy of the project built twice with one cache: first with the cache empty, then warm."""
    root = tmp_path_factory.mktemp("cache-builds")
    project = copy_project(root / "project")
    cache = root / "cache"
    assert publish(project, root / "cold", cache_dir=cache) == 0
    assert publish(project, root / "warm", cache_dir=cache) == 0
    return project, cache, root / "cold", root / "warm"


@pytest.mark.slow
def test_a_warm_build_writes_the_same_bytes_as_a_cold_one(cold_and_warm: tuple[Path, Path, Path, Path]) -> None:
    _, cache, cold, warm = cold_and_warm
    cold_files, warm_files = digest_tree(cold), digest_tree(warm)
    assert cold_files.keys() == warm_files.keys()
    assert [name for name in cold_files if cold_files[name] != warm_files[name]] == []
    for required in (PDF_PATH, "assets/briefing.min.css", "_headers", chart_path("pipeline-gas", "png")):
        assert required in warm_files, required
    assert len(list((cache / STEPS_KIND).iterdir())) == 3  # PDF, font subsets, hosting: each stored once


@pytest.mark.slow
def test_a_warm_build_replays_the_post_build_steps(
    cold_and_warm: tuple[Path, Path, Path, Path],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    project, cache, _, _ = cold_and_warm
    with caplog.at_level(logging.INFO, logger="briefing"):
        assert publish(project, tmp_path / "site", cache_dir=cache) == 0
    output = capfd.readouterr()
    replayed = caplog.text.split("taken from the build cache:")[-1]
    for step in ("briefing.pdf.write_site_pdf", "briefing.fonts.subset_site_fonts", "briefing.hosting.hosting_step"):
        assert step in replayed
    assert "PDF written" not in caplog.text
    assert "charts 4 hit(s) 0 miss(es)" in output.out + output.err


@pytest.mark.slow
def test_an_edit_rebuilds_the_pdf_and_the_chart_it_touches(
    cold_and_warm: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    project, cache, cold, _ = cold_and_warm
    page = project / "docs" / "energy.md"
    original_page = page.read_text(encoding="utf-8")
    data_file = project / "data" / "briefing.yml"
    original_data = data_file.read_text(encoding="utf-8")
    from briefing.data import load_briefing

    chart_title = f"    title: {load_briefing(data_file).charts['pipeline-gas'].title}\n"
    assert chart_title in original_data
    try:
        page.write_text(original_page + "\nA sentence added by the cache test.\n", encoding="utf-8")
        data_file.write_text(
            original_data.replace(chart_title, "    title: Gas by pipeline, edited\n", 1), encoding="utf-8"
        )
        assert publish(project, tmp_path / "site", cache_dir=cache) == 0
    finally:
        page.write_text(original_page, encoding="utf-8")
        data_file.write_text(original_data, encoding="utf-8")
    site = tmp_path / "site"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO((site / PDF_PATH).read_bytes())).pages)
    assert "A sentence added by the cache test." in " ".join(text.split())
    assert b"Gas by pipeline, edited" in (site / chart_path("pipeline-gas", "svg")).read_bytes()
    assert (site / chart_path("pipeline-gas", "png")).read_bytes() != (
        cold / chart_path("pipeline-gas", "png")
    ).read_bytes()
    assert (site / chart_path("trade-jan-feb", "png")).read_bytes() == (
        cold / chart_path("trade-jan-feb", "png")
    ).read_bytes()


def test_cached_data_is_loaded_again_when_a_source_text_changes(tmp_path: Path) -> None:
    from briefing.cached import load_data
    from tests.conftest import DATA_FILE

    shutil.copytree(DATA_FILE.parent, tmp_path / "data")
    cache = BuildCache(tmp_path / "cache", SECRET)
    data_file = tmp_path / "data" / "briefing.yml"
    from briefing.project import Project
    from tests.conftest import ROOT

    allowed = frozenset(Project.load(ROOT).settings.allowed_numbers)
    first, identity = load_data(data_file, "data/briefing.yml", cache, allowed)
    assert not first.problems, first.problems.report()
    again, same_identity = load_data(data_file, "data/briefing.yml", cache, allowed)
    assert cache.hits == {"data": 1} and again.figures == first.figures and again is not first
    assert same_identity == identity
    source_text = next((tmp_path / "data" / "sources").iterdir())
    source_text.write_text(
        source_text.read_text(encoding="utf-8").replace("185 billion", "158 billion"), encoding="utf-8"
    )
    changed, new_identity = load_data(data_file, "data/briefing.yml", cache, allowed)
    assert cache.misses == {"data": 2} and new_identity != identity
    assert any("has changed since it was sealed" in str(problem) for problem in changed.problems), (
        changed.problems.report()
    )


def test_a_warm_build_formats_nothing_and_draws_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    import babel.localedata
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from briefing import charts, formatting, templatecache
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "cold"), strict=True))
    # What a new process would not have: texts, drawn charts, compiled pages, Babel's locale data.
    formatting.MEMO.clear()
    charts._DRAWN.clear()
    templatecache._in_memory.clear()
    babel.localedata._cache.clear()
    monkeypatch.setattr(charts, "_draw_all", lambda *args: pytest.fail("a chart was drawn again"))
    build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "warm"), strict=True))
    assert dict(babel.localedata._cache) == {}
    assert digest_tree(tmp_path / "warm") == digest_tree(tmp_path / "cold")


def test_a_step_is_replayed_with_the_same_bytes_and_runs_again_when_the_site_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing import fonts
    from briefing.stepcache import CachedSteps
    from tests.conftest import ROOT

    def staged_site(name: str, text: str) -> Path:
        site = tmp_path / name
        (site / "assets" / "fonts").mkdir(parents=True)
        font = sorted((ROOT / "docs" / "assets" / "fonts").glob("*.woff2"))[0]
        shutil.copy(font, site / "assets" / "fonts" / font.name)
        (site / "index.html").write_text(f"<p>{text}</p>", encoding="utf-8")
        return site

    calls: list[int] = []
    original = fonts.subset_font
    monkeypatch.setattr(fonts, "subset_font", lambda *args: calls.append(1) or original(*args))
    cache = BuildCache(tmp_path / "cache", SECRET)
    project = tmp_path / "project"
    project.mkdir()
    first, second, third = staged_site("first", "Ab"), staged_site("second", "Ab"), staged_site("third", "Abc€")
    for site in (first, second, third):
        CachedSteps(cache, project, site).run(fonts.subset_site_fonts)
    assert len(calls) == 2  # the second site started from the same bytes: replayed
    assert digest_tree(second) == digest_tree(first)
    assert digest_tree(third) != digest_tree(first)


def test_a_step_from_outside_the_engine_always_runs(tmp_path: Path) -> None:
    from briefing.stepcache import CachedSteps

    runs: list[Path] = []

    def outside_step(project: Path, site: Path) -> None:
        runs.append(site)
        (site / "written.txt").write_text("x", encoding="utf-8")

    cache = BuildCache(tmp_path / "cache", SECRET)
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        CachedSteps(cache, tmp_path, tmp_path / name).run(outside_step)
    assert len(runs) == 2


WARM_BUILD_MODULES = (
    "import logging, sys\n"
    "from mkdocs.commands.build import build\n"
    "from mkdocs.config import load_config\n"
    "logging.getLogger('mkdocs').setLevel(logging.ERROR)\n"
    "build(load_config('mkdocs.yml', site_dir=sys.argv[1], strict=True))\n"
    "print(' '.join(sorted(name for name in sys.modules if name.split('.')[0] in {'pydantic', 'pydantic_core'}"
    " or name in {'briefing.model', 'briefing.data', 'briefing.settings_schema'})))\n"
)


@pytest.mark.slow
def test_a_warm_build_never_loads_the_schema_or_pydantic(tmp_path: Path) -> None:
    """With the data from the cache nothing is validated, so the schema and pydantic (40 ms) stay unloaded."""
    from tests.conftest import ROOT

    env = {**os.environ, "BRIEFING_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    loaded = []
    for site in ("cold", "warm"):
        completed = subprocess.run(
            [sys.executable, "-c", WARM_BUILD_MODULES, str(tmp_path / site)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        loaded.append(completed.stdout.split())
    cold, warm = loaded
    assert {"pydantic", "briefing.model", "briefing.data"} <= set(cold), "the cold build validates the data"
    assert warm == []
