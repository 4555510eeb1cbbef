"""A content-addressed cache of what a build makes slowly: compiled templates, charts, the PDF, font subsets.

A build spends most of its time remaking things whose inputs did not change:
compiling the same page and theme templates, drawing the same charts with
matplotlib, typesetting the same PDF with WeasyPrint. Each of those is stored
here under the SHA-256 of *everything* that goes into it (its input bytes, the
code that makes it, the versions of the libraries involved), so a hit returns
exactly the bytes a cold build would make, and any change to an input is a
different key, never a stale hit.

The cache lives outside the site, in ``.cache/briefing/`` of the project
(git-ignored), or in ``BRIEFING_CACHE_DIR``; ``BRIEFING_CACHE=off`` turns it
off. Each entry is one file: a header naming its parts with their sizes and
hashes, then the parts. It is written to a temporary file and renamed into
place, so a crash or two builds at once never leave half an entry, and every
part is checked against its hash when read: a damaged entry is a miss. A cache
that cannot be written (read-only disk) costs speed, never a build.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.briefing")

CACHE_DIR_VARIABLE = "BRIEFING_CACHE_DIR"
CACHE_SWITCH_VARIABLE = "BRIEFING_CACHE"
DEFAULT_CACHE_DIR = ".cache/briefing"
MAGIC = b"briefing-cache 1\n"
# Entries kept per kind when a build prunes (the newest first, by last use).
DEFAULT_KEEP = 64


def digest(*parts: bytes | str) -> str:
    """SHA-256 of ``parts``, each length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def tree_digest(paths: Iterable[Path], root: Path) -> str:
    """SHA-256 of the files under each of ``paths`` (a file or a directory): names relative to ``root`` and bytes."""
    hasher = hashlib.sha256()
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(child for child in path.rglob("*") if child.is_file() and "__pycache__" not in child.parts)
        elif path.is_file():
            files.append(path)
        else:
            hasher.update(b"missing:" + str(path).encode("utf-8"))
    for file in sorted(set(files)):
        hasher.update(digest(file.relative_to(root).as_posix(), file.read_bytes()).encode("ascii"))
    return hasher.hexdigest()


PACKAGE_DIR = Path(__file__).resolve().parent
# The engine's own code as it was imported: a key that includes it changes with the code that makes
# the cached thing, and a file edited while ``mkdocs serve`` runs old code cannot poison the cache.
# Python modules, templates and print stylesheet alike.
CODE_DIGEST = tree_digest([PACKAGE_DIR], PACKAGE_DIR)


@functools.cache
def installed_versions() -> str:
    """The Python version and every installed distribution with its version, as one string.

    Read from the names of the ``*.dist-info`` directories on ``sys.path``, which is
    fast; a key that includes it changes when any library is upgraded.
    """
    names: set[str] = set()
    for entry in sys.path:
        try:
            names.update(name for name in os.listdir(entry or ".") if name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sys.version + "\n" + "\n".join(sorted(names))


@dataclass
class BuildCache:
    """Entries of bytes by kind and key, under ``root``."""

    root: Path
    hits: dict[str, int] = field(default_factory=dict)
    misses: dict[str, int] = field(default_factory=dict)
    _write_failed: bool = False

    @classmethod
    def for_project(cls, project_dir: Path, environ: Mapping[str, str] | None = None) -> BuildCache | None:
        """The project's cache: ``BRIEFING_CACHE_DIR`` or ``.cache/briefing``; None if ``BRIEFING_CACHE=off``."""
        environ = os.environ if environ is None else environ
        if environ.get(CACHE_SWITCH_VARIABLE, "").lower() in {"off", "0", "no", "false"}:
            return None
        configured = environ.get(CACHE_DIR_VARIABLE)
        root = Path(configured) if configured else Path(DEFAULT_CACHE_DIR)
        return cls(root if root.is_absolute() else project_dir / root)

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key

    def get(self, kind: str, key: str) -> dict[str, bytes] | None:
        """The parts stored under ``kind``/``key``, or None (absent or damaged)."""
        path = self._path(kind, key)
        try:
            raw = path.read_bytes()
        except OSError:
            self.misses[kind] = self.misses.get(kind, 0) + 1
            return None
        parts = _decode(raw)
        if parts is None:
            self.misses[kind] = self.misses.get(kind, 0) + 1
            return None
        try:
            os.utime(path)  # last use, for pruning
        except OSError:
            pass
        self.hits[kind] = self.hits.get(kind, 0) + 1
        return parts

    def put(self, kind: str, key: str, parts: Mapping[str, bytes]) -> None:
        """Store ``parts`` under ``kind``/``key``, atomically; a failure to write is logged once, not raised."""
        directory = self.root / kind
        try:
            directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".partial-", dir=directory)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(_encode(parts))
                os.replace(temporary, self._path(kind, key))
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
        except OSError as error:
            if not self._write_failed:
                log.warning("briefing: build cache %s not writable (%s): building without it", self.root, error)
                self._write_failed = True

    def prune(self, kind: str, keep: int = DEFAULT_KEEP) -> int:
        """Delete all but the ``keep`` most recently used entries of ``kind``; return how many went."""
        directory = self.root / kind
        try:
            entries = [(entry.stat().st_mtime, entry) for entry in directory.iterdir() if entry.is_file()]
        except OSError:
            return 0
        stale_partials = [entry for mtime, entry in entries if entry.name.startswith(".partial-") and mtime < time.time() - 3600]
        entries = [(mtime, entry) for mtime, entry in entries if not entry.name.startswith(".partial-")]
        entries.sort(key=lambda item: item[0], reverse=True)
        removed = 0
        for entry in stale_partials + [entry for _, entry in entries[keep:]]:
            try:
                entry.unlink()
                removed += 1
            except OSError:
                pass
        return removed


def _encode(parts: Mapping[str, bytes]) -> bytes:
    header = [{"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in parts.items()]
    return MAGIC + json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + b"".join(parts.values())


def _decode(raw: bytes) -> dict[str, bytes] | None:
    if not raw.startswith(MAGIC):
        return None
    header_end = raw.find(b"\n", len(MAGIC))
    if header_end < 0:
        return None
    try:
        header = json.loads(raw[len(MAGIC):header_end])
    except ValueError:
        return None
    parts: dict[str, bytes] = {}
    offset = header_end + 1
    for item in header:
        data = raw[offset:offset + item["size"]]
        if len(data) != item["size"] or hashlib.sha256(data).hexdigest() != item["sha256"]:
            return None
        parts[item["name"]] = data
        offset += item["size"]
    return parts if offset == len(raw) else None
