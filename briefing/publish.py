"""Build the site atomically: into a temporary directory, replacing ``site/`` only on success.

``python -m briefing.publish --site site`` runs a strict MkDocs build into a
fresh directory beside ``site/``, then the steps that work on the built HTML.
If anything fails, the temporary directory is removed and the last good
``site/`` is left exactly as it was. The build cache (``.cache/briefing``,
:mod:`briefing.buildcache`) lets a build skip what did not change: the
charts and compiled templates inside MkDocs, and here each post-build step
(:mod:`briefing.stepcache`), so the PDF is typeset again only when something
it depends on changed. ``SOURCE_DATE_EPOCH`` defaults to the
data file's ``meta.updated`` date, so two builds of the same sources give
the same bytes.

The new site replaces the old one with one atomic exchange of the two
directories (Linux ``renameat2(RENAME_EXCHANGE)``), so ``site/`` exists at
every moment; where the exchange is not available, two renames follow each
other immediately. Staging folders are named after the building process
(``.site-build-<pid>-*``), so a build killed with ``kill -9`` leaves one that
the next build removes (and git ignores); a SIGTERM is turned into a clean
stop that removes it at once, and the generator's process dies with this one.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import functools
import importlib
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from briefing.buildcache import CACHE_DIR_VARIABLE, CACHE_SWITCH_VARIABLE, BuildCache
from briefing.children import die_with_parent
from briefing.logs import to_terminal
from briefing.pdf.errors import PdfError
from briefing.project import Project, ProjectError
from briefing.stepcache import KIND as STEPS_KIND
from briefing.stepcache import CachedSteps

PostBuildStep = Callable[[Path, Path], None]
# A child of the `briefing` logger (see briefing.logs), by name: run as `python -m`, __name__ is "__main__".
log = logging.getLogger("briefing.publish")


# The generators that run MkDocs 1.x plugins and hooks: the module ``python -m`` starts.
GENERATORS = {"mkdocs": "mkdocs", "properdocs": "properdocs"}
DEFAULT_GENERATOR = "mkdocs"
# Written by hooks/downloads_hooks.py after the checks passed; a generator that ignores
# ``hooks:`` (Zensical 0.0.x) builds without it, and its pages would carry raw placeholders.
HOOKS_STAMP = "downloads/figures.json"
RENAME_EXCHANGE = 2  # linux/fs.h
_STAGING = re.compile(r"^\.(?P<site>.+)-(?:build|previous)-(?P<pid>\d+)(?:-.*)?$")


def generator_module(name: str) -> str:
    """The module that runs generator ``name``; unknown names are refused."""
    if name not in GENERATORS:
        raise SystemExit(f"unknown generator {name!r}: use one of {', '.join(sorted(GENERATORS))}")
    return GENERATORS[name]


def hooks_did_not_run(site: Path) -> str:
    """Why the built ``site`` cannot have been checked by the briefing's hooks, or ''."""
    if not (site / HOOKS_STAMP).is_file():
        return (
            "the site generator did not run the briefing's hooks (no "
            f"{HOOKS_STAMP} was written): its pages are unchecked and would show raw placeholders; "
            "build with a generator that runs MkDocs 1.x hooks and plugins: " + ", ".join(sorted(GENERATORS))
        )
    return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(site_dir: Path) -> list[Path]:
    """Remove staging and previous-site folders beside ``site_dir`` left by builds that no longer run."""
    removed = []
    for path in site_dir.parent.glob(f".{site_dir.name}-*-*"):
        match = _STAGING.match(path.name)
        if match is None or match.group("site") != site_dir.name or not path.is_dir() or path.is_symlink():
            continue
        pid = int(match.group("pid"))
        if pid != os.getpid() and _alive(pid):
            continue  # another build is running: its folder is its own
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    return removed


def exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one atomic step; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result: int = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), RENAME_EXCHANGE)
    return result == 0


def swap_in(staging: Path, site_dir: Path) -> Path | None:
    """Put ``staging`` in place of ``site_dir``; return where the old site now is (None if there was none)."""
    if not site_dir.exists():
        staging.rename(site_dir)
        return None
    if exchange(staging, site_dir):
        return staging
    previous = site_dir.with_name(f".{site_dir.name}-previous-{os.getpid()}")
    site_dir.rename(previous)
    staging.rename(site_dir)
    return previous


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def build_date(epoch: str | None) -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` for the post-build steps, restored afterwards (no leak between builds)."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def make_world_readable(root: Path) -> None:
    """Directories 0755 and files 0644 under ``root`` (itself included), whatever the umask and ``mkdtemp`` gave.

    ``mkdtemp`` creates the staging directory 0700, so without this a web server
    running as another user, or a copy made with ``rsync -a``, answers 403.
    """
    root.chmod(0o755)
    for folder, subfolders, files in os.walk(root):
        for name in subfolders:
            path = Path(folder, name)
            if not path.is_symlink():
                path.chmod(0o755)
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                path.chmod(0o644)


def _step(module: str, name: str) -> PostBuildStep:
    """The post-build step ``module.name``, imported only if it runs (not when the build cache replays it)."""

    def step(project_dir: Path, site: Path) -> None:
        getattr(importlib.import_module(module), name)(project_dir, site)

    step.__module__, step.__qualname__, step.__name__ = module, name, name
    return step


def post_build_steps() -> list[PostBuildStep]:
    """What runs on the built HTML, in order: the PDF (with the full fonts), the site's font
    subsets, then hosting (headers, .gz copies), which stays last."""
    return [
        _step("briefing.pdf", "write_site_pdf"),  # WeasyPrint is imported only when the PDF is made
        _step("briefing.fonts", "subset_site_fonts"),
        _step("briefing.hosting", "hosting_step"),
    ]


def run_steps(project_dir: Path, staging: Path, steps: list[PostBuildStep], env: dict[str, str]) -> None:
    """Run the post-build steps in order, each replayed from the build cache when its inputs are unchanged."""
    cache = BuildCache.for_project(project_dir, env)
    if cache is None:
        for step in steps:
            step(project_dir, staging)
        return
    cached = CachedSteps(cache, project_dir, staging)
    for step in steps:
        cached.run(step)
    cache.prune(STEPS_KIND, keep=8 * max(1, len(steps)))
    if cached.replayed:
        log.info("Unchanged since a previous build, taken from the build cache: %s", ", ".join(cached.replayed))


def publish(
    project_dir: Path,
    site_dir: Path,
    steps: list[PostBuildStep] | None = None,
    generator: str = DEFAULT_GENERATOR,
    cache_dir: Path | None = None,
    use_cache: bool = True,
) -> int:
    """Build into a temporary directory and swap it in; return the exit status.

    ``cache_dir`` overrides where the build cache lives; ``use_cache=False`` builds without it.
    """
    site_dir = site_dir.resolve()
    try:
        project = Project.load(project_dir)
    except ProjectError as error:
        log.error("%s\nBuild failed; %s was left unchanged.", error, site_dir)
        return 1
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        for path in remove_leftovers(site_dir):
            log.warning("Removed %s, left by a build that was stopped.", path.name)
        staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-build-{os.getpid()}-", dir=site_dir.parent))
    except OSError as error:
        log.error(
            "Cannot write the site beside %s: %s. Make %s writable, or pass --site with a writable place; "
            "nothing was changed.",
            site_dir,
            error.strerror or error,
            site_dir.parent,
        )
        return 1
    env = dict(os.environ)
    if cache_dir is not None:
        env[CACHE_DIR_VARIABLE] = str(cache_dir.resolve())
    if not use_cache:
        env[CACHE_SWITCH_VARIABLE] = "off"
    if "SOURCE_DATE_EPOCH" not in env:
        epoch = project.updated_epoch(BuildCache.for_project(project_dir, env))
        if epoch is not None:
            env["SOURCE_DATE_EPOCH"] = epoch
    previous_handler = signal.signal(signal.SIGTERM, _stop_on_sigterm) if _main_thread() else None
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                generator_module(generator),
                "build",
                "--strict",
                "--clean",
                "--config-file",
                str(project_dir / "mkdocs.yml"),
                "--site-dir",
                str(staging),
            ],
            cwd=project_dir,
            env=env,
            check=False,
            preexec_fn=functools.partial(die_with_parent, os.getpid()) if sys.platform.startswith("linux") else None,
        )
        if result.returncode != 0:
            log.error("Build failed; %s was left unchanged.", site_dir)
            return result.returncode
        unchecked = hooks_did_not_run(staging)
        if unchecked:
            log.error("%s; %s was left unchanged.", unchecked, site_dir)
            return 1
        with build_date(env.get("SOURCE_DATE_EPOCH")):
            run_steps(project_dir, staging, post_build_steps() if steps is None else steps, env)
        make_world_readable(staging)
        try:
            old_site = swap_in(staging, site_dir)
        except OSError as error:
            log.error("Could not put the new site in place: %s; %s was left unchanged.", error, site_dir)
            return 1
        log.info("Site written to %s", site_dir)
        if old_site is not None:
            try:
                shutil.rmtree(old_site)
            except OSError as error:
                log.warning(
                    "The new site is in place, but the previous one could not be fully removed from %s: %s (%s). "
                    "Delete it by hand; the next build also tries again.",
                    old_site,
                    error.strerror or error,
                    getattr(error, "filename", ""),
                )
        return 0
    except (PdfError, ProjectError, OSError, ValueError, RuntimeError) as error:
        # A step's known failure is reported; site/ stays as it was. Anything else is a bug in a
        # step: it propagates with its traceback, and `finally` still removes the staging folder.
        log.error("Build step failed: %s; %s was left unchanged.", error, site_dir)
        return 1
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="site", help="where the finished site goes (default: site)")
    parser.add_argument("--project", default=".", help="the project directory holding mkdocs.yml")
    parser.add_argument(
        "--generator",
        default=os.environ.get("GENERATOR") or DEFAULT_GENERATOR,
        choices=sorted(GENERATORS),
        help=f"the site generator (default: {DEFAULT_GENERATOR})",
    )
    parser.add_argument(
        "--cache", type=Path, help="the build cache directory (default: .cache/briefing in the project)"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="build everything afresh, without reading or writing the cache"
    )
    args = parser.parse_args(argv)
    project_dir = Path(args.project).resolve()
    site = (project_dir / args.site) if not Path(args.site).is_absolute() else Path(args.site)
    # Publishing and its steps (PDF written, WeasyPrint warnings) report through the `briefing` logger.
    with to_terminal():
        return publish(project_dir, site, generator=args.generator, cache_dir=args.cache, use_cache=not args.no_cache)


if __name__ == "__main__":
    sys.exit(main())
