"""Publishing under faults: killed builds, the swap, an old site that will not go, no place to write.

Each test runs the real publisher (``python -m briefing.publish`` or
:func:`briefing.publish.publish`) on a copy of the project.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from briefing import publish as publisher
from briefing.project import Project
from tests.conftest import ROOT

NO_STEPS: list = []  # the post-build steps (PDF, fonts, hosting) are tested elsewhere; these tests are about the swap


def staging_folders(parent: Path) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if path.name.startswith(".site-"))


def start_publisher(project: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "briefing.publish", "--project", str(project), "--site", "site"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_staging(project: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not any(name.startswith(".site-build-") for name in staging_folders(project)):
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert time.monotonic() < deadline, "no staging folder appeared"
        time.sleep(0.05)
    time.sleep(1.0)  # let MkDocs write into it


@pytest.mark.slow  # publishes a copy of the real site
def test_a_killed_build_leaves_a_folder_the_next_build_removes(project: Path) -> None:
    process = start_publisher(project)
    wait_for_staging(project, process)
    process.kill()  # kill -9: nothing can clean up
    process.wait()
    left = [name for name in staging_folders(project) if name.startswith(".site-build-")]
    assert left, "a kill -9 leaves the staging folder"
    as_folders = [name + "/" for name in left]
    ignored = subprocess.run(  # noqa: PLW1510 - the exit status is what the test reads
        ["git", "check-ignore", "--no-index", *as_folders], cwd=ROOT, capture_output=True, text=True
    )
    assert ignored.returncode == 0 and set(ignored.stdout.split()) == set(as_folders), "git ignores staging folders"
    time.sleep(0.5)
    busy = [
        line
        for line in subprocess.run(
            ["ps", "-eo", "args"], capture_output=True, text=True, check=False
        ).stdout.splitlines()
        if left[0] in line
    ]
    assert busy == [], f"the MkDocs child died with its publisher: {busy}"
    assert publisher.publish(project, project / "site", NO_STEPS) == 0
    assert staging_folders(project) == []
    assert (project / "site" / "index.html").is_file()


@pytest.mark.slow  # publishes a copy of the real site
def test_sigterm_stops_the_build_cleanly(project: Path) -> None:
    process = start_publisher(project)
    wait_for_staging(project, process)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "Traceback" not in output, output
    assert staging_folders(project) == []
    assert not (project / "site").exists()


def test_a_running_build_keeps_its_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        running = tmp_path / f".site-build-{other.pid}-abc"
        dead = tmp_path / ".site-build-999999999-abc"
        for folder in (running, dead):
            folder.mkdir()
            (folder / "index.html").write_text("x")
        removed = publisher.remove_leftovers(site)
        assert removed == [dead]
        assert running.is_dir()
    finally:
        other.kill()
        other.wait()


def test_site_exists_at_every_moment_of_the_swap(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old")
    missing: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not (site / "index.html").exists():
                missing.append(1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for round_number in range(300):
            staging = tmp_path / f".site-build-{os.getpid()}-{round_number}"
            staging.mkdir()
            (staging / "index.html").write_text(str(round_number))
            old = publisher.swap_in(staging, site)
            assert old is not None
            for path in old.iterdir():
                path.unlink()
            old.rmdir()
    finally:
        stop.set()
        watcher.join()
    assert (site / "index.html").read_text() == "299"
    assert missing == [], f"site/index.html was missing {len(missing)} times"
    assert publisher.exchange(tmp_path / "site", tmp_path / "site") or sys.platform != "linux"


@pytest.mark.slow  # publishes a copy of the real site
def test_old_site_that_cannot_be_removed_is_reported_exactly(
    project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    site = project / "site"
    assert publisher.publish(project, site, NO_STEPS) == 0
    (site / "old-marker.txt").write_text("old")
    real_rmtree = publisher.shutil.rmtree

    def rmtree(path, *args, **kwargs):
        if (Path(path) / "old-marker.txt").exists() and not kwargs.get("ignore_errors"):
            raise PermissionError(13, "Permission denied", str(Path(path) / "old-marker.txt"))
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(publisher.shutil, "rmtree", rmtree)
    assert publisher.publish(project, site, NO_STEPS) == 0
    err = caplog.text  # reported through the `briefing` logger; tests/test_logs.py shows it reaches the terminal
    assert "The new site is in place, but the previous one could not be fully removed from" in err
    assert "Permission denied" in err and "old-marker.txt" in err
    assert "left unchanged" not in err
    assert (site / "index.html").is_file() and not (site / "old-marker.txt").exists()
    monkeypatch.setattr(publisher.shutil, "rmtree", real_rmtree)
    assert publisher.publish(project, site, NO_STEPS) == 0
    assert staging_folders(project) == [], "the next build removes what was left"


def test_no_place_to_write_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefing.publish", "--project", str(ROOT), "--site", "/proc/briefing-no-such/site"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Cannot write the site beside /proc/briefing-no-such/site" in result.stderr
    assert "nothing was changed" in result.stderr


def test_build_date_comes_from_the_data_model(project: Path) -> None:
    data_file = project / "data" / "briefing.yml"
    text = data_file.read_text(encoding="utf-8")
    data_file.write_text(text.replace('  updated: "2026-11-28"', "  updated: '2026-11-27'", 1), encoding="utf-8")
    expected = int(dt.datetime(2026, 11, 27, tzinfo=dt.UTC).timestamp())
    assert Project.load(project).updated_epoch() == str(expected)
    data_file.write_text(text.replace('  updated: "2026-11-28"', "  updated: 2026-02-30", 1), encoding="utf-8")
    assert Project.load(project).updated_epoch() is None  # no exception; the build reports the located problem
