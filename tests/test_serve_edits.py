"""``mkdocs serve`` as ``make serve`` runs it: page errors never end it, and edits to our Python take effect.

One real server on a copy of the project: a page gets a broken macro call and
a sandbox escape (each reported at its line, the server still answering),
then the engine's Python changes and the next rebuild runs the new code.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import copy_project

pytestmark = pytest.mark.slow  # a real `mkdocs serve` of a copy of the project, rebuilding it several times


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, project: Path, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "--strict",
                "--dev-addr",
                f"127.0.0.1:{self.port}",
                "--livereload",
            ],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(project)},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> str:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{self.port}/briefings/xi-russia-2023/{path}", timeout=10
        ) as response:
            return response.read().decode("utf-8")

    def wait_for_output(self, text: str, after: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output()[after:]:
            assert self.process.poll() is None, f"the server ended:\n{self.output()}"
            assert time.monotonic() < deadline, f"no {text!r} in the server's output:\n{self.output()[after:]}"
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def test_serve_survives_page_errors_and_reloads_our_python(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    server = Server(project, tmp_path / "serve.log")
    try:
        server.wait_for_output("Serving on", 0, timeout=180)
        assert "cubic metres" in server.get("energy/")

        page = project / "docs" / "about.md"
        good = page.read_text(encoding="utf-8")
        broken = good.replace("## How to cite\n", "## How to cite\n\n{{ figure() }}\n\n{{ figure(123) }}\n", 1)
        mark = len(server.output())
        page.write_text(broken, encoding="utf-8")
        line = broken.splitlines().index("{{ figure() }}") + 1
        server.wait_for_output(f"docs/about.md:{line}: figure(): missing a required argument: 'figure_id'", mark)
        assert (
            f"docs/about.md:{line + 2}: figure(): 'figure_id' must be text in quotes, got 123" in server.output()[mark:]
        )

        escape = good.replace(
            "## How to cite\n",
            "## How to cite\n\n{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}\n",
            1,
        )
        mark = len(server.output())
        page.write_text(escape, encoding="utf-8")
        server.wait_for_output("unknown macro or name 'cycler'", mark)
        assert not (project / "pwned").exists()
        assert not (project / "docs" / "pwned").exists()

        mark = len(server.output())
        page.write_text(good, encoding="utf-8")
        server.wait_for_output("Reloading browsers", mark)
        assert server.process.poll() is None

        formatting = project / "briefing" / "formatting.py"
        code = formatting.read_text(encoding="utf-8")
        assert code.count('" cubic metres"') == 1
        mark = len(server.output())
        time.sleep(1.1)  # a later modification time than the import
        formatting.write_text(code.replace('" cubic metres"', '" cubic metres of gas"'), encoding="utf-8")
        server.wait_for_output("formatting.py changed; its code is reloaded", mark)
        server.wait_for_output(
            "Reloading browsers", server.output().index("formatting.py changed; its code is reloaded")
        )
        assert "cubic metres of gas" in server.get("energy/")
    finally:
        server.stop()
