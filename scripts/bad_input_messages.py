"""Print, for every bad-input case of the tests, the message the build gives.

Usage: .venv/bin/python scripts/bad_input_messages.py [--evidence-only]

Cases of tests/test_evidence_bad_input.py (issue 13) are built in process, the
older cases of tests/test_bad_input.py with a strict ``mkdocs build`` each.
Every case works on a copy of the project in a temporary directory; docs/ and
data/ are not touched.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.data import load_briefing
from tests.conftest import allowed_numbers, build_in_process, copy_project, run_build
from tests.test_bad_input import CASES
from tests.test_evidence_bad_input import DATA, DATA_CASES, PAGE_CASES


def evidence_messages() -> None:
    """The issue-13 cases: data cases loaded in process, page cases built in process."""
    for case in [*DATA_CASES, *PAGE_CASES]:
        with tempfile.TemporaryDirectory() as tmp:
            project = copy_project(Path(tmp) / "project")
            case.plant(project)
            if case in DATA_CASES:
                problems = [str(problem) for problem in load_briefing(project / DATA, DATA, allowed_numbers()).problems]
            else:
                problems = build_in_process(project).problems
            count = "one message" if len(problems) == 1 else f"{len(problems)} MESSAGES"
            print(f"- {case.name} ({count}): `{problems[0] if problems else '(none: the build passed)'}`")


def older_messages() -> None:
    """The earlier cases, each a strict build in a subprocess."""
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            project = copy_project(Path(tmp) / "project")
            case.plant(project)
            result = run_build(project)
            lines = [line.split(" -  ", 1)[-1] for line in result.output.splitlines() if case.message in line]
            status = "fails" if result.returncode else "PASSES"
            print(f"- {case.name} ({status}): `{lines[0] if lines else '(no matching message)'}`")


def main() -> int:
    print("## Evidence, reader numbers, code, templates and YAML (issue 13)\n")
    evidence_messages()
    if "--evidence-only" not in sys.argv[1:]:
        print("\n## Earlier cases\n")
        older_messages()
    return 0


if __name__ == "__main__":
    sys.exit(main())
