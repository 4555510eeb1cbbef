"""Forget the briefing's Python modules when their files change, so ``mkdocs serve`` runs the new code.

``mkdocs serve`` rebuilds in the same process: it reads the configuration
and re-executes the hook files on every rebuild, but modules already
imported (``briefing.*`` and ``macros``) stay in ``sys.modules``, so an edit
to ``briefing/formatting.py`` would rebuild the site with the old code.
``hooks/briefing_hooks.py`` calls :func:`forget_changed_code` before it
imports the engine: if any ``.py`` file of the package or ``macros.py`` is
newer than the package's import, every one of those modules is dropped and
imported afresh by the hooks and by mkdocs-macros.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = "briefing"
MACROS_MODULE = "macros"


def _code_files() -> list[Path]:
    files: list[Path] = []
    package = sys.modules.get(PACKAGE)
    package_file = getattr(package, "__file__", None)
    if package_file:
        files.extend(Path(package_file).parent.rglob("*.py"))
    macros_file = getattr(sys.modules.get(MACROS_MODULE), "__file__", None)
    if macros_file:
        files.append(Path(macros_file))
    return files


def forget_changed_code() -> list[Path]:
    """Drop the engine's modules if one of their files changed since import; return the changed files."""
    package = sys.modules.get(PACKAGE)
    loaded_at = getattr(package, "LOADED_AT", None)
    if loaded_at is None:
        return []
    changed = []
    for path in _code_files():
        try:
            if path.stat().st_mtime > loaded_at:
                changed.append(path)
        except OSError:
            changed.append(path)  # deleted or moved: forget it too
    if changed:
        for name in list(sys.modules):
            if name in (PACKAGE, MACROS_MODULE) or name.startswith(PACKAGE + "."):
                del sys.modules[name]
    return changed
