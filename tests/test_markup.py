"""Valid markup: the W3C Nu Html Checker (vnu-jar, pinned in tools/vnu/package.json) finds no error on any page.

The jar runs on the machine's Java (17 or later). ``.ci/run`` installs both; locally the test is
skipped without them (``cd tools/vnu && npm install``) and fails under ``CI=true``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import require_tool
from tests.conftest import ROOT, nav_pages

pytestmark = [pytest.mark.slow, pytest.mark.tools]

VNU_JAR = ROOT / "tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def run_checker(files: list[Path]) -> list[dict[str, object]]:
    """The checker's error messages for ``files``."""
    java = require_tool(shutil.which("java"), "no Java: apt-get install default-jre-headless")
    jar = require_tool(str(VNU_JAR) if VNU_JAR.exists() else None, "no Nu Html Checker: cd tools/vnu && npm install")
    completed = subprocess.run(
        [java, "-jar", jar, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    # The checker writes its JSON report to stderr and exits 1 when it found errors.
    report = json.loads(completed.stderr)
    return [message for message in report["messages"] if message.get("type") == "error"]


def test_every_page_is_valid_html(published_site: Path) -> None:
    pages = sorted(published_site.rglob("*.html"))
    assert len(pages) == len(nav_pages()) + 1  # and 404.html
    errors = run_checker(pages)
    summary = [
        f"{str(error['url']).split(published_site.name + '/', 1)[-1]}:{error.get('lastLine')}: {error['message']}"
        for error in errors
    ]
    assert summary == [], "\n".join(summary[:40])


def test_the_checker_reports_invalid_markup(tmp_path: Path) -> None:
    """Control: the same call reports the two errors the theme used to make, so a silent checker cannot pass."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body>'
        '<input type="checkbox" id="x" autocomplete="off"><label for="x" tabindex="">x</label></body></html>',
        encoding="utf-8",
    )
    messages = [str(error["message"]) for error in run_checker([page])]
    assert any("autocomplete" in message for message in messages), messages
    assert any("tabindex" in message for message in messages), messages
