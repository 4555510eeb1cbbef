"""Post-build steps replayed from the build cache when nothing they read has changed.

``make build`` runs three steps on the freshly built site: the PDF
(WeasyPrint, seconds), the site's font subsets and the hosting files
(``.gz`` copies, headers). Each is a deterministic function of the site it
starts from, the project's sources, the engine's code, the installed
libraries and ``SOURCE_DATE_EPOCH``. :class:`CachedSteps` hashes all of that
into the step's key, runs the step on a miss and stores the files it wrote or
changed (bytes and permissions) and the ones it deleted; on a hit it applies
the same changes without running the step. So a warm build writes exactly
the bytes a cold build would, and a step runs again as soon as any input
changes, a page or a library alike.

Only steps that succeeded are stored: a step that fails is never replayed.
Only the engine's own steps are cached (their code is part of the key); any
other step always runs.
"""

from __future__ import annotations

import ctypes.util
import functools
import hashlib
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefing.buildcache import CODE_DIGEST, BuildCache, digest, installed_versions, tree_digest

KIND = "steps"
# Sources a step may read besides the built site (the PDF reads the nav, the data file's meta, the full fonts).
PROJECT_INPUTS = ("mkdocs.yml", "data", "docs")
# Native libraries WeasyPrint typesets with: an upgrade of one changes the PDF without changing any Python package.
NATIVE_LIBRARIES = ("pango-1.0", "pangoft2-1.0", "harfbuzz", "fontconfig", "freetype", "gobject-2.0")

Step = Callable[[Path, Path], None]
FileState = tuple[str, int]  # sha256 and permission bits


@functools.cache
def native_libraries() -> str:
    """Where each native library WeasyPrint uses is, with its size and modification time."""
    found = []
    for name in NATIVE_LIBRARIES:
        path = ctypes.util.find_library(name)
        try:
            info = os.stat(path) if path else None
        except OSError:
            info = None
        found.append(f"{name}={path}:{info.st_size if info else '-'}:{info.st_mtime_ns if info else '-'}")
    return "\n".join(found)


def snapshot(site: Path) -> dict[str, FileState]:
    """Every file under ``site`` with the hash of its bytes and its permission bits."""
    files: dict[str, FileState] = {}
    for directory, _, names in os.walk(site):
        for name in names:
            path = Path(directory, name)
            info = path.stat()
            files[path.relative_to(site).as_posix()] = (
                hashlib.sha256(path.read_bytes()).hexdigest(),
                stat.S_IMODE(info.st_mode),
            )
    return files


def snapshot_digest(files: dict[str, FileState]) -> str:
    """One hash for a whole snapshot."""
    return digest(*(f"{name}\0{sha}\0{mode:o}" for name, (sha, mode) in sorted(files.items())))


@dataclass
class CachedSteps:
    """Runs post-build steps on one staged site, each replayed from ``cache`` when its key is known."""

    cache: BuildCache
    project_dir: Path
    site: Path
    replayed: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    _state: dict[str, FileState] | None = None
    _fixed: str | None = None

    def _fixed_inputs(self) -> str:
        if self._fixed is None:
            self._fixed = digest(
                CODE_DIGEST,
                installed_versions(),
                native_libraries(),
                os.environ.get("SOURCE_DATE_EPOCH", ""),
                tree_digest([self.project_dir / name for name in PROJECT_INPUTS], self.project_dir),
            )
        return self._fixed

    def run(self, step: Step) -> None:
        """Run ``step`` on the site, or replay what it did last time it started from the same inputs."""
        name = f"{step.__module__}.{step.__qualname__}"
        if not step.__module__.startswith("briefing."):
            # Code outside the engine is not part of any key: such a step always runs.
            step(self.project_dir, self.site)
            self.ran.append(name)
            self._state = None
            return
        before = self._state if self._state is not None else snapshot(self.site)
        key = digest(name, self._fixed_inputs(), snapshot_digest(before))
        stored = self.cache.get(KIND, key)
        replayed = self._replay(stored, before) if stored is not None else None
        if replayed is not None:
            self.replayed.append(name)
            self._state = replayed
            return
        step(self.project_dir, self.site)
        self.ran.append(name)
        after = snapshot(self.site)
        changed = {path: state for path, state in after.items() if before.get(path) != state}
        deleted = sorted(set(before) - set(after))
        manifest = {"changed": {path: mode for path, (_, mode) in changed.items()}, "deleted": deleted}
        parts = {"manifest": json.dumps(manifest, sort_keys=True).encode("utf-8")}
        parts.update({f"file:{path}": (self.site / path).read_bytes() for path in changed})
        self.cache.put(KIND, key, parts)
        self._state = after

    def _replay(self, stored: dict[str, bytes], before: dict[str, FileState]) -> dict[str, FileState] | None:
        """Apply a stored step's changes to the site; return the site's new state, or None if the entry is unusable."""
        try:
            manifest = json.loads(stored["manifest"])
            changes = {str(path): (stored[f"file:{path}"], int(mode)) for path, mode in manifest["changed"].items()}
            deleted = [str(path) for path in manifest["deleted"]]
        except (KeyError, ValueError, TypeError, AttributeError):
            return None  # not an entry this code wrote: run the step instead
        if not all(_inside(path) for path in [*changes, *deleted]):
            return None
        state = dict(before)
        for path, (data, mode) in changes.items():
            target = self.site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, mode)
            state[path] = (hashlib.sha256(data).hexdigest(), mode)
        for path in deleted:
            (self.site / path).unlink(missing_ok=True)
            state.pop(path, None)
        return state


def _inside(path: str) -> bool:
    """Whether a stored relative path stays inside the site."""
    parts = Path(path).parts
    return bool(parts) and not Path(path).is_absolute() and ".." not in parts
