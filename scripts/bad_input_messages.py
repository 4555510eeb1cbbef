"""Print, for every bad-input case of tests/test_bad_input.py, the message the build gives.

Usage: .venv/bin/python scripts/bad_input_messages.py
Builds a copy of the project per case in a temporary directory; docs/ and data/ are not touched.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import copy_project, run_build  # noqa: E402
from tests.test_bad_input import CASES  # noqa: E402


def main() -> int:
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            project = copy_project(Path(tmp) / "project")
            case.plant(project)
            result = run_build(project)
            lines = [line.split(" -  ", 1)[-1] for line in result.output.splitlines() if case.message in line]
            status = "fails" if result.returncode else "PASSES"
            print(f"- {case.name} ({status}): `{lines[0] if lines else '(no matching message)'}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
