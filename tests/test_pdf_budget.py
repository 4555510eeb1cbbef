"""The PDF step's memory budget (briefing/pdf/budget.py): a forked child that may not outgrow it.

A data file from a contributor can make the PDF as large as it likes (20,000
figures took more than 7 GB); the build must stop with one clear message
instead of taking the machine's memory. These tests run real children with
real limits; the last one publishes a copy of the project with a budget too
small for its PDF.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.pdf import budget as pdf_budget
from briefing.pdf.errors import PdfError
from briefing.publish import publish

MiB = 2**20


def allocate(mib: int) -> int:
    """Touch ``mib`` MiB, as a layout holding its pages would."""
    block = bytearray(mib * MiB)
    block[::4096] = b"x" * len(block[::4096])
    return len(block) // MiB


def test_the_work_runs_in_a_child_and_its_result_comes_back() -> None:
    assert pdf_budget.within_budget(os.getpid, 100) != os.getpid()
    assert pdf_budget.within_budget(lambda: allocate(200), 400) == 200


def test_more_than_the_budget_is_one_clear_message() -> None:
    # The budget counts growth past what the process holds when it forks (memory it freed is reused
    # first), so the test asks for far more than any test process has free: 4 GiB at once.
    with pytest.raises(PdfError) as raised:
        pdf_budget.within_budget(lambda: allocate(4096), 60)
    message = str(raised.value)
    assert "needed more than its memory budget of 60 MiB" in message
    assert "BRIEFING_PDF_MEMORY_MIB=4096" in message


def test_a_child_that_dies_is_reported_with_what_it_logged_first(caplog: pytest.LogCaptureFixture) -> None:
    def dying() -> None:
        logging.getLogger("briefing").warning("PDF: laying out chapter 7")
        os._exit(3)

    with (
        caplog.at_level(logging.WARNING, logger="briefing"),
        pytest.raises(PdfError, match=r"stopped \(exit status 3\) inside its memory budget of 100 MiB"),
    ):
        pdf_budget.within_budget(dying, 100)
    assert [record.getMessage() for record in caplog.records] == ["PDF: laying out chapter 7"]


def test_an_unexpected_error_comes_back_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        try:
            {}["chapter"]
        except KeyError:
            logging.getLogger("briefing").exception("PDF: while assembling")
        raise ValueError("a value WeasyPrint did not expect")

    with caplog.at_level(logging.ERROR, logger="briefing"), pytest.raises(RuntimeError) as raised:
        pdf_budget.within_budget(broken, 100)
    assert "ValueError: a value WeasyPrint did not expect" in str(raised.value) and "in broken" in str(raised.value)
    assert "KeyError: 'chapter'" in caplog.text, "a logged traceback is kept"


def test_a_build_stopped_while_waiting_stops_the_child(caplog: pytest.LogCaptureFixture) -> None:
    """SIGTERM (or Ctrl-C) reaches the build while it waits: the child goes too, at once, not when it is done."""

    def slow() -> None:
        logging.getLogger("briefing").warning("child %d", os.getpid())
        time.sleep(60)

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(143)

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(2)
    started = time.monotonic()
    try:
        with caplog.at_level(logging.WARNING, logger="briefing"), pytest.raises(SystemExit):
            pdf_budget.within_budget(slow, 100)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 10
    [pid] = [int(record.getMessage().split()[1]) for record in caplog.records]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_the_childs_problem_and_log_reach_the_build(caplog: pytest.LogCaptureFixture) -> None:
    def failing() -> None:
        logging.getLogger("briefing").warning("PDF: note %d was dropped", 30)
        raise PdfError("PDF: link to a missing anchor in trade/")

    with caplog.at_level(logging.WARNING, logger="briefing"), pytest.raises(PdfError, match="missing anchor"):
        pdf_budget.within_budget(failing, 100)
    assert [record.getMessage() for record in caplog.records] == ["PDF: note 30 was dropped"]


@pytest.mark.parametrize(("value", "expected"), [("", 2048), ("512", 512), ("off", None), ("OFF", None)])
def test_the_budget_is_read_from_the_environment(value: str, expected: int | None) -> None:
    assert pdf_budget.budget_mib({"BRIEFING_PDF_MEMORY_MIB": value}) == expected


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5"])
def test_a_budget_that_is_not_a_number_of_mib_is_refused(value: str) -> None:
    with pytest.raises(PdfError, match="BRIEFING_PDF_MEMORY_MIB"):
        pdf_budget.budget_mib({"BRIEFING_PDF_MEMORY_MIB": value})


@pytest.mark.slow  # publishes a copy of the real site
def test_a_pdf_over_its_budget_fails_the_build_and_keeps_the_last_site(project: Path) -> None:
    """As ``make build`` runs it: a fresh publisher, whose PDF child must grow to lay the briefing out."""
    site = project / "site"
    assert publish(project, site, use_cache=False) == 0
    before = (site / "downloads" / "briefing.pdf").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(project), "BRIEFING_PDF_MEMORY_MIB": "20", "BRIEFING_CACHE": "off"}
    completed = subprocess.run(
        [sys.executable, "-m", "briefing.publish", "--project", str(project), "--site", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "needed more than its memory budget of 20 MiB" in completed.stderr
    assert "was left unchanged" in completed.stderr
    assert (site / "downloads" / "briefing.pdf").read_bytes() == before
