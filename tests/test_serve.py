"""Live preview: a failing build shows its problems in the browser, and the site comes back when fixed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.project import Project

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 5) -> str:
    """The body of ``url``; error statuses still return their body (the 404 page)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")


def wait_for(url: str, wanted: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    body = ""
    while time.monotonic() < deadline:
        try:
            body = fetch(url, timeout=2)
            if wanted in body:
                return body
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {wanted!r}; last body starts {body[:300]!r}")


@pytest.fixture
def served(project: Path) -> Iterator[tuple[Path, str]]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(project), "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--strict", "--dev-addr", f"127.0.0.1:{port}", "--livereload"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}{Project.load(project).mount_path}"
    try:
        wait_for(base + "trade/", "<h1")
        yield project, base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_problems_are_shown_on_every_page_and_the_site_recovers(served: tuple[Path, str]) -> None:
    project, base = served
    page = project / "docs" / "trade.md"
    good = page.read_text(encoding="utf-8")
    call = "{{ figure('trade.turnover_2022'"
    assert call in good
    bad = good.replace(call, "{{ figure('trade.turnover_2O22'", 1)
    line = bad[: bad.index("trade.turnover_2O22")].count("\n") + 1
    page.write_text(bad, encoding="utf-8")

    body = wait_for(base + "trade/", "did not build")
    assert f"docs/trade.md:{line}" in body
    assert "trade.turnover_2O22" in body and "did you mean" in body
    # Every page, and unknown paths, answer at once with the same list (no hanging request).
    for path in ("", "energy/", "key-figures/", "no-such-page/"):
        assert f"docs/trade.md:{line}" in fetch(base + path, timeout=5), path

    page.write_text(good, encoding="utf-8")
    body = wait_for(base + "trade/", "US$185")
    assert "did not build" not in body
