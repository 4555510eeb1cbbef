"""The benchmark's synthetic briefings must build, or ``make bench`` measures nothing.

The benchmark prints figures and asserts nothing, so nothing else would notice
when a new check starts refusing its synthetic pages (as the reader-number check
once did with labels such as "Measure 21"). These tests build the smallest
synthetic briefing of each variant the way the benchmark does, in a fresh
interpreter, and fail with the build's own messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import bench


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
