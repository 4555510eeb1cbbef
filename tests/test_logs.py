"""One logger for every step: what publishing and freezing report reaches the person who ran them.

The steps log to ``briefing`` (or a child of it); the commands attach
:func:`briefing.logs.to_terminal`, which prints the bare messages: information on
standard output, warnings and errors on standard error, no ``INFO:briefing:`` prefix.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import editions
from briefing import publish as publisher
from briefing.logs import LOGGER_NAME, to_terminal
from tests.conftest import line_of
from tests.support.planting import set_extra_briefing

LEVEL_PREFIXES = ("INFO", "WARNING", "ERROR", "DEBUG", "CRITICAL")


def plant_unknown_setting(project: Path) -> int:
    """Misspell ``allowed_numbers`` in the copy's ``extra.briefing``; return the misspelt key's line."""
    set_extra_briefing(project, "    data: data/briefing.yml\n    allowed_number: []\n")
    return line_of((project / "mkdocs.yml").read_text(encoding="utf-8"), "    allowed_number: []")


def last_good_site(project: Path) -> Path:
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    return site


def test_terminal_shows_bare_messages_information_on_stdout_problems_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    handlers_before, level_before = list(logger.handlers), logger.level
    with to_terminal():
        logging.getLogger("briefing.publish").info("Site written to %s", "/srv/site")
        logging.getLogger("briefing.publish").warning("Removed %s, left by a build that was stopped.", ".site-build-1")
        logging.getLogger("briefing").error("PDF: %s", "a problem")
        logging.getLogger("briefing").debug("not shown at the default level")
    captured = capsys.readouterr()
    assert captured.out == "Site written to /srv/site\n"
    assert captured.err == "Removed .site-build-1, left by a build that was stopped.\nPDF: a problem\n"
    assert (logger.handlers, logger.level) == (handlers_before, level_before), "the handler is removed afterwards"
    logging.getLogger("briefing.publish").error("after the command")
    assert "after the command" not in capsys.readouterr().err


def test_a_failed_publish_tells_the_user_through_the_logger(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The real command in this process: its failure reaches standard error as plain lines, and nothing changes."""
    line = plant_unknown_setting(project)
    site = last_good_site(project)
    assert publisher.main(["--project", str(project), "--site", str(site)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[0].startswith(f"mkdocs.yml:{line}: unknown setting extra.briefing.allowed_number"), lines
    assert "did you mean 'allowed_numbers'?" in lines[0]
    assert lines[-1] == f"Build failed; {site.resolve()} was left unchanged."
    assert not any(text.startswith(LEVEL_PREFIXES) for text in lines), lines
    assert captured.out == ""
    assert [path.name for path in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"


def test_a_failed_publish_is_an_error_record_of_the_briefing_logger(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plant_unknown_setting(project)
    site = last_good_site(project)
    assert publisher.publish(project, site) == 1
    assert [(record.name, record.levelno) for record in caplog.records] == [("briefing.publish", logging.ERROR)]
    assert caplog.records[0].getMessage().endswith(f"Build failed; {site.resolve()} was left unchanged.")


def run_module(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m <arguments>`` in ``project``, importing the copy's own engine, as ``make`` runs it."""
    return subprocess.run(
        [sys.executable, "-m", *arguments],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow  # two subprocess publishes of a copy of the real site, PDF included
def test_make_build_reports_success_on_stdout_and_a_page_error_on_stderr(project: Path) -> None:
    """Run as ``python -m`` (the module is ``__main__``): the messages still come through the `briefing` logger."""
    site = (project / "site").resolve()
    published = run_module(project, "briefing.publish", "--project", str(project), "--site", "site")
    assert published.returncode == 0, published.stderr
    assert published.stdout.splitlines()[-1] == f"Site written to {site}"
    assert any(line.startswith("PDF written: downloads/briefing.pdf (") for line in published.stdout.splitlines())
    before = (site / "energy" / "index.html").read_bytes()
    page = project / "docs" / "energy.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n{{ figure('trade.turnover_2O22') }}\n", encoding="utf-8")
    failed = run_module(project, "briefing.publish", "--project", str(project), "--site", "site")
    assert failed.returncode != 0
    assert "docs/energy.md" in failed.stderr and "trade.turnover_2O22" in failed.stderr
    assert failed.stderr.splitlines()[-1] == f"Build failed; {site} was left unchanged."
    assert "Site written to" not in failed.stdout + failed.stderr
    assert (site / "energy" / "index.html").read_bytes() == before


def test_make_edition_reports_the_frozen_edition_on_stdout(project: Path) -> None:
    """``python -m briefing.editions freeze`` for the data's own version: one plain line on standard output."""
    from briefing.data import load_briefing

    version = load_briefing(project / "data" / "briefing.yml").meta.version
    frozen = run_module(project, "briefing.editions", "freeze", "--version", version, "--project", str(project))
    assert frozen.returncode == 0, frozen.stderr
    target = (project / "editions" / f"{version}.json").resolve()
    assert frozen.stdout == f"Edition {version} frozen in {target}\n"
    assert target.is_file()


def test_freezing_the_wrong_version_is_reported_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frozen_before = sorted(path.name for path in (project / "editions").iterdir())
    assert editions.main(["freeze", "--version", "9.9.9", "--project", str(project)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Edition 9.9.9 not frozen: meta.version is ")
    assert captured.err.rstrip().endswith(", not 9.9.9: set it in data/briefing.yml first")
    assert sorted(path.name for path in (project / "editions").iterdir()) == frozen_before
