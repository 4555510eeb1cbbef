"""Where the system's Chromium is: one finder for the browser tests and the web benchmark.

Playwright's own browser download does not work on the machines this project
runs on, so both use the browser on PATH or the one named by ``CHROMIUM``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def find_chromium() -> str | None:
    """The system's Chromium: ``CHROMIUM`` if set, else the first of the usual names on PATH."""
    named = os.environ.get("CHROMIUM")
    if named:
        return named if Path(named).exists() else shutil.which(named)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None
