"""Writing build output: only files whose bytes changed, and whole files or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.fileio import write_atomically, write_changed


def test_write_changed_writes_only_changed_files(tmp_path: Path) -> None:
    files = {"downloads/a.csv": b"a\n", "downloads/charts/b.svg": b"<svg/>\n"}
    assert write_changed(tmp_path, files) == list(files)
    stamp = (tmp_path / "downloads/a.csv").stat().st_mtime_ns
    assert write_changed(tmp_path, files) == []
    assert (tmp_path / "downloads/a.csv").stat().st_mtime_ns == stamp
    assert write_changed(tmp_path, {**files, "downloads/a.csv": b"b\n"}) == ["downloads/a.csv"]
    assert (tmp_path / "downloads/a.csv").read_bytes() == b"b\n"


def test_write_changed_replaces_a_file_of_the_same_size(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"old")
    assert write_changed(tmp_path, {"a.txt": b"new"}) == ["a.txt"]
    assert (tmp_path / "a.txt").read_bytes() == b"new"


def test_write_atomically_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.write_bytes(b"old entry")
    write_atomically(target, b"new entry")
    assert target.read_bytes() == b"new entry"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["entry"]


def test_a_failed_atomic_write_leaves_the_old_bytes_and_no_temporary(tmp_path: Path) -> None:
    occupied = tmp_path / "entry"
    occupied.mkdir()  # a directory where the file should go: the rename fails
    (occupied / "inside").write_bytes(b"kept")
    with pytest.raises(OSError):
        write_atomically(occupied, b"new entry")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["entry"]
    assert (occupied / "inside").read_bytes() == b"kept"
