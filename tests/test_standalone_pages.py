"""The pages that stand alone (404, build problems) share one inline stylesheet and load nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from briefing.problems import Problem, problem_page
from briefing.standalone import standalone_css

STYLE = re.compile(r"<style>\n(?P<body>.*?)</style>", re.S)
LINKED = re.compile(r"<link\b|<script\b|\bsrc=|@import|url\(")


def style_of(html: str) -> str:
    [body] = [match.group("body") for match in STYLE.finditer(html)]
    return body


def test_the_shared_sheet_sets_both_schemes_and_the_column() -> None:
    sheet = str(standalone_css())
    assert sheet.startswith(":root { color-scheme: light dark;")
    assert "@media (prefers-color-scheme: dark)" in sheet
    assert "main { max-width: 40rem;" in sheet
    assert not LINKED.search(sheet)


def test_the_build_problems_page_starts_from_the_shared_sheet() -> None:
    html = problem_page([Problem("docs/trade.md", 12, 5, "unknown figure 'x'", "did you mean 'y'?")])
    style = style_of(html)
    assert style.startswith(str(standalone_css()) + "\n")
    assert "main { max-width: 60rem; }" in style  # its own rules follow, and win
    assert not LINKED.search(html)


def test_the_not_found_page_starts_from_the_shared_sheet(built_site: Path) -> None:
    html = (built_site / "404.html").read_text(encoding="utf-8")
    style = style_of(html)
    assert style.startswith(str(standalone_css()) + "\n")
    assert "header { background: var(--bar);" in style
    assert not LINKED.search(html)
