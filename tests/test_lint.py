"""``make lint`` can fail: a planted unused import and a planted type error are each reported.

The lint step once ended in ``|| echo "ruff not installed"`` and could not fail.
These tests run the same tools with the project's own configuration
(``pyproject.toml``) on a copy of the engine, first as it is (clean), then with
one mistake planted, and require a failure naming the file and line.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANTED_IN = "briefing/units.py"


def engine_copy(tmp_path: Path) -> Path:
    """The engine and its lint configuration, copied to ``tmp_path``."""
    shutil.copytree(ROOT / "briefing", tmp_path / "briefing", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def plant(project: Path, line: str) -> int:
    """Append ``line`` to the planted-in module; return its line number."""
    target = project / PLANTED_IN
    text = target.read_text(encoding="utf-8")
    target.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def run(project: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=project, capture_output=True, text=True, check=False)


def test_ruff_reports_a_planted_unused_import(tmp_path: Path) -> None:
    project = engine_copy(tmp_path)
    assert run(project, "ruff", "check", "briefing").returncode == 0
    line = plant(project, "import colorsys")
    result = run(project, "ruff", "check", "briefing")
    assert result.returncode == 1
    assert f"{PLANTED_IN}:{line}:" in result.stdout and "F401" in result.stdout


@pytest.mark.slow
def test_mypy_reports_a_planted_type_error(tmp_path: Path) -> None:
    project = engine_copy(tmp_path)
    line = plant(project, 'PLANTED: int = "not a number"')
    result = run(project, "mypy", "--cache-dir", str(tmp_path / "mypy-cache"))
    assert result.returncode == 1, result.stdout
    assert f"{PLANTED_IN}:{line}: error: Incompatible types in assignment" in result.stdout
