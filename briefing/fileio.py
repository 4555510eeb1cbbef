"""Writing build output to disk: only what changed, and never half a file.

Two habits every step that writes shares, kept here so each step does not
grow its own copy:

- :func:`write_changed` leaves a file alone when it already holds the same
  bytes. ``make serve`` rebuilds into the same folder, and the post-build steps
  run over a finished site: an untouched file keeps its modification time, so
  rsync and a server's ``Last-Modified`` see no change where there is none.
- :func:`write_atomically` writes through a temporary file in the same folder
  and one rename, so a reader (another build sharing the cache, a crash in the
  middle) finds the old bytes or the new ones, never a part.

Nothing here knows what the files are; nothing here imports MkDocs.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_changed(root: Path, files: Mapping[str, bytes]) -> list[str]:
    """Write each file under ``root`` unless it already holds the same bytes; return the paths written."""
    written: list[str] = []
    for relative, content in files.items():
        target = root / relative
        if target.is_file() and target.read_bytes() == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        written.append(relative)
    return written


def write_atomically(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` in one rename; on any failure ``path`` is as it was and no temporary file stays.

    The temporary file is made private (``mkstemp``: mode 0600), which suits what
    is written this way: build-cache entries, read back by the same user.
    """
    handle, temporary = tempfile.mkstemp(prefix=".partial-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
