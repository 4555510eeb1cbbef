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
off. Each entry is one file: a header naming its parts with their sizes, the
parts, and an HMAC-SHA256 tag over the kind, the key and all of it. The tag's
secret is made on first use in the user's configuration directory
(``~/.config/briefing/cache-key``, or ``BRIEFING_CACHE_SECRET_FILE``), outside
any project, so an entry someone else wrote (a ``.cache`` committed to a pull
request, say) is never used: some entries hold compiled code and pickled
data, which must come from this machine's own builds. An entry is written to a
temporary file and renamed into place, so a crash or two builds at once never
leave half an entry; a damaged, truncated or foreign entry is a miss. A cache
that cannot be written (read-only disk) costs speed, never a build.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import logging
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefing.fileio import write_atomically

log = logging.getLogger("mkdocs.plugins.briefing")

CACHE_DIR_VARIABLE = "BRIEFING_CACHE_DIR"
CACHE_SWITCH_VARIABLE = "BRIEFING_CACHE"
SECRET_FILE_VARIABLE = "BRIEFING_CACHE_SECRET_FILE"  # noqa: S105 - the name of a variable, not a secret
DEFAULT_CACHE_DIR = ".cache/briefing"
MAGIC = b"briefing-cache 2\n"
TAG_SIZE = 32
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

    Read from the names of the ``*.dist-info`` directories in the ``site-packages``
    directories on ``sys.path``, which is fast; a key that includes it changes when
    any library is upgraded.
    """
    names: set[str] = set()
    for entry in sys.path:
        if Path(entry).name not in {"site-packages", "dist-packages"}:
            continue
        try:
            names.update(name for name in os.listdir(entry) if name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sys.version + "\n" + "\n".join(sorted(names))


def secret_file(environ: Mapping[str, str] | None = None) -> Path:
    """Where this user's cache secret is kept."""
    environ = os.environ if environ is None else environ
    if environ.get(SECRET_FILE_VARIABLE):
        return Path(environ[SECRET_FILE_VARIABLE])
    config_home = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "briefing" / "cache-key"


def load_secret(path: Path) -> bytes:
    """The secret in ``path``, made (readable by this user only) if there is none; raises OSError."""
    try:
        secret = path.read_bytes()
        if len(secret) >= 32:
            return secret
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".cache-key-", dir=path.parent)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(32))
        with contextlib.suppress(FileExistsError):  # first writer wins: two builds at once agree on one secret
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    secret = path.read_bytes()
    if len(secret) < 32:
        raise OSError(f"{path} holds no usable secret: delete it")
    return secret


@dataclass
class BuildCache:
    """Entries of bytes by kind and key, under ``root``, authenticated with ``secret``."""

    root: Path
    secret: bytes
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
        try:
            secret = load_secret(secret_file(environ))
        except OSError as error:
            log.warning("briefing: no build cache (its secret: %s); building everything afresh", error)
            return None
        return cls(root if root.is_absolute() else project_dir / root, secret)

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
        parts = _decode(raw, self._tag_key(kind, key))
        if parts is None:
            self.misses[kind] = self.misses.get(kind, 0) + 1
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # last use, for pruning
        self.hits[kind] = self.hits.get(kind, 0) + 1
        return parts

    def stale(self, kind: str) -> None:
        """Count the entry just read as a miss: the caller found it no longer matches its inputs."""
        self.hits[kind] = self.hits.get(kind, 0) - 1
        self.misses[kind] = self.misses.get(kind, 0) + 1

    def put(self, kind: str, key: str, parts: Mapping[str, bytes]) -> None:
        """Store ``parts`` under ``kind``/``key``, atomically; a failure to write is logged once, not raised."""
        directory = self.root / kind
        try:
            directory.mkdir(parents=True, exist_ok=True)
            write_atomically(self._path(kind, key), _encode(parts, self._tag_key(kind, key)))
        except OSError as error:
            if not self._write_failed:
                log.warning("briefing: build cache %s not writable (%s): building without it", self.root, error)
                self._write_failed = True

    def _tag_key(self, kind: str, key: str) -> bytes:
        """The HMAC key of one entry: the secret bound to the entry's kind and key."""
        return hmac.new(self.secret, digest(kind, key).encode("ascii"), hashlib.sha256).digest()

    def prune(self, kind: str, keep: int = DEFAULT_KEEP) -> int:
        """Delete all but the ``keep`` most recently used entries of ``kind``; return how many went."""
        directory = self.root / kind
        try:
            entries = [(entry.stat().st_mtime, entry) for entry in directory.iterdir() if entry.is_file()]
        except OSError:
            return 0
        stale_partials = [
            entry for mtime, entry in entries if entry.name.startswith(".partial-") and mtime < time.time() - 3600
        ]
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


def _encode(parts: Mapping[str, bytes], tag_key: bytes) -> bytes:
    header = [{"name": name, "size": len(data)} for name, data in parts.items()]
    body = MAGIC + json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + b"".join(parts.values())
    return body + hmac.new(tag_key, body, hashlib.sha256).digest()


def _decode(raw: bytes, tag_key: bytes) -> dict[str, bytes] | None:
    body, tag = raw[:-TAG_SIZE], raw[-TAG_SIZE:]
    if not body.startswith(MAGIC) or not hmac.compare_digest(tag, hmac.new(tag_key, body, hashlib.sha256).digest()):
        return None
    header_end = body.find(b"\n", len(MAGIC))
    try:
        header = json.loads(body[len(MAGIC) : header_end])
        parts: dict[str, bytes] = {}
        offset = header_end + 1
        for item in header:
            parts[str(item["name"])] = body[offset : offset + int(item["size"])]
            offset += int(item["size"])
    except (ValueError, TypeError, KeyError):
        return None
    return parts if offset == len(body) else None
