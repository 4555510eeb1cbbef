"""The benchmarks still run: their synthetic briefings build, their arguments parse, their smallest setting runs.

Benchmarks print figures and assert nothing, so nothing else notices when a
change of the engine breaks one (a new check refused the synthetic labels such
as "Measure 21"; ``scripts/bench_scale.py`` imported a module that had moved).
These tests build the smallest synthetic briefing of each variant the way
``make bench`` does, and run ``tools/bench_scale.py`` and ``tools/bench_pdf.py``
at their smallest sizes, failing with the build's own messages. No timing is
asserted.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from briefing import pdf as briefing_pdf
from briefing.data import load_briefing
from tools import bench, bench_pdf, bench_scale

TABLE_ROW = re.compile(r"^\| (?P<scenario>[^|]+) \| (?P<size>[^|]+) \| (?P<step>[^|]+) \| [\d.]+ \| [\d.]+ \| \d+ \|")


@pytest.mark.parametrize("index, letters", [(0, "A"), (25, "Z"), (26, "BA"), (701, "BAZ")])
def test_letter_names_carry_no_digits(index: int, letters: str) -> None:
    assert bench.letter_name(index) == letters


@pytest.mark.builds
def test_every_benchmark_variant_builds(tmp_path: Path) -> None:
    # Two pages of twenty references use each of the benchmark's forty figures once.
    configs = bench.make_projects(tmp_path, pages=2, refs=20)
    assert set(configs) == set(bench.VARIANTS)
    for variant in bench.TIMED:
        seconds, cpu_seconds, peak_mib = bench.build_variant(variant, configs, tmp_path / "cold-cache")
        assert seconds > 0 and cpu_seconds > 0 and peak_mib > 0, variant
    for variant in bench.VARIANTS:
        built = sorted(path.parent.name for path in (tmp_path / f"site-{variant}-2").glob("page-*/index.html"))
        assert built == ["page-0000", "page-0001"], variant


def test_bench_scale_defaults_are_the_issue_sizes() -> None:
    args = bench_scale.parse_arguments([])
    assert (args.refs, args.figures, args.pages, args.quotes, args.source_bytes) == (5000, 2000, 20, 300, 2_000_000)
    assert not args.pdf
    assert bench_scale.parse_arguments(["--only", "one", "--only", "quotes"]).only == ["one", "quotes"]


def test_scale_project_is_a_valid_briefing_with_every_page_in_the_nav(tmp_path: Path) -> None:
    config_file = bench_scale.scale_project(tmp_path, "many", figures=30, pages=3, refs=10)
    project = config_file.parent
    loaded = load_briefing(project / "data" / "briefing.yml")
    assert not loaded.problems, loaded.problems.report()
    assert len(loaded.figures) == 30
    nav = yaml.safe_load(config_file.read_text(encoding="utf-8"))["nav"]
    assert nav[0] == "index.md"
    assert sorted(nav) == sorted(path.name for path in (project / "docs").glob("*.md"))
    cited = re.findall(r"figure\('([^']+)'\)", "".join(p.read_text() for p in (project / "docs").glob("page-*.md")))
    assert sorted(set(cited)) == sorted(loaded.figures)  # each figure cited once over the pages


def test_quote_project_passes_the_evidence_check_at_the_size_asked(tmp_path: Path) -> None:
    data_file = bench_scale.quote_project(tmp_path, quotes=7, source_bytes=50_000)
    loaded = load_briefing(data_file)
    assert not loaded.problems, loaded.problems.report()
    assert len(loaded.figures) == 7
    size = (data_file.parent / "sources" / "synthetic.txt").stat().st_size
    assert abs(size - 50_000) < 5_000


def test_bench_projects_are_valid_briefings(tmp_path: Path) -> None:
    configs = bench.make_projects(tmp_path, pages=2, refs=3, figures=5)
    assert set(configs) == set(bench.VARIANTS)
    loaded = load_briefing(configs["project"].parent / "data" / "briefing.yml")
    assert not loaded.problems, loaded.problems.report()


def test_bench_pdf_synthetic_site_assembles(tmp_path: Path) -> None:
    args = bench_pdf.parse_arguments(["--only", "synthetic", "--chapters", "3"])
    assert (args.only, args.chapters) == ("synthetic", 3)
    site, pages = bench_pdf.synthetic_site(tmp_path, 3)
    markup = briefing_pdf.assemble(site, pages, bench_pdf.synthetic_cover(3), dt.datetime(2026, 11, 27, tzinfo=dt.UTC))
    assert [page.title for page in pages] == ["Chapter 1", "Chapter 2", "Chapter 3", "Sources"]
    assert markup.count('data-note="1"') >= 3  # each chapter's figures became footnotes


@pytest.mark.slow
def test_bench_scale_smallest_setting_prints_every_row(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--pdf", "--refs", "20", "--figures", "10", "--pages", "2", "--quotes", "5", "--source-bytes", "20000"]
    assert bench_scale.main(argv) == 0
    rows = [match.groupdict() for line in capsys.readouterr().out.splitlines() if (match := TABLE_ROW.match(line))]
    assert [(row["scenario"].strip(), row["step"].strip()) for row in rows] == [
        ("quote search", "load and check"),
        ("one figure cited often", "HTML build"),
        ("one figure cited often", "PDF"),
        ("many figures", "HTML build"),
        ("many figures", "PDF"),
    ]


@pytest.mark.slow
def test_bench_pdf_synthetic_smallest_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_pdf.main(["--only", "synthetic", "--chapters", "2", "--keep", str(tmp_path)]) == 0
    assert re.search(r"synthetic, 2 chapters +\d+ pages", capsys.readouterr().out)
    assert (tmp_path / "synthetic.pdf").read_bytes().startswith(b"%PDF-")
