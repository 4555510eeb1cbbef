"""Editions: a published briefing is frozen, and nothing in it changes without a logged change.

Each published edition is frozen into ``editions/<version>.json`` in the
repository (``make edition VERSION=x.y.z``): every figure's value, the text
readers saw and its quote, every derived value and text, and the SHA-256 of
every source text, with the PDF as published beside it
(``editions/<version>/briefing.pdf``). A build compares the data with the
latest frozen edition: a figure, derived figure, quote or source text that
differs fails the build, naming the old and the new value, unless an entry
under ``changes:`` of the current edition names it. Readers then see each
change: on the Changes page, as a dated note on each page it touches, in the
popover of a changed figure ("corrected on DATE, was X"), in the PDF and the
downloads.

``python -m briefing.editions freeze --version x.y.z`` writes the snapshot of
the current data (``make edition`` runs it after a successful build).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.entries import BriefingData
from briefing.formatting import format_quantity
from briefing.logs import to_terminal

EDITIONS_DIR = "editions"
EDITION_PDF = "briefing.pdf"
SITE_EDITIONS_DIR = "downloads/editions"  # where readers download earlier editions' PDFs
# A child of the `briefing` logger (see briefing.logs), by name: run as `python -m`, __name__ is "__main__".
log = logging.getLogger("briefing.editions")


class EditionError(Exception):
    """The current data cannot be frozen as the edition asked for; the message says what to do."""


def version_key(version: str) -> tuple[int, ...]:
    """A version string as a sortable tuple: '1.10.0' after '1.9.0'."""
    return tuple(int(part) for part in version.split("."))


def snapshot(data: BriefingData) -> dict[str, Any]:
    """What an edition froze: figure values, texts and quotes, derived values and texts, source hashes."""
    assert data.meta is not None
    locale = data.meta.locale

    def shown(figure_id: str) -> str:
        return format_quantity(data.quantity(figure_id), "long", locale)

    return {
        "version": data.meta.version,
        "date": data.meta.updated.isoformat(),
        "kind": data.meta.edition_kind,
        "figures": {
            figure_id: {"value": figure.value, "text": shown(figure_id), "quote": figure.quote}
            for figure_id, figure in data.figures.items()
        },
        "derived": {
            derived_id: {"value": round(data.derived_values[derived_id], 9), "text": shown(derived_id)}
            for derived_id in data.derived
        },
        "sources": {source_id: source.sha256 for source_id, source in data.sources.items()},
    }


@dataclass(frozen=True)
class Edition:
    """A frozen edition found in the repository."""

    version: str
    date: dt.date
    kind: str
    frozen: dict[str, Any]
    pdf: Path | None


def published_editions(project_dir: Path) -> list[Edition]:
    """Every frozen edition in ``editions/``, oldest first."""
    folder = project_dir / EDITIONS_DIR
    editions = []
    for path in folder.glob("*.json") if folder.is_dir() else ():
        frozen = json.loads(path.read_text(encoding="utf-8"))
        pdf = folder / frozen["version"] / EDITION_PDF
        editions.append(
            Edition(
                frozen["version"],
                dt.date.fromisoformat(frozen["date"]),
                frozen.get("kind", "first"),
                frozen,
                pdf if pdf.is_file() else None,
            )
        )
    return sorted(editions, key=lambda edition: version_key(edition.version))


@dataclass(frozen=True)
class Difference:
    """Something readers saw in a frozen edition that the data now says otherwise."""

    section: str  # figures, derived or sources (the data file's section, for the message's line)
    entry_id: str
    what: str  # "value", "quote", "text"
    old: str
    new: str


def differences(frozen: dict[str, Any], current: dict[str, Any]) -> list[Difference]:
    """Every figure, derived figure, quote or source text of ``current`` that differs from ``frozen``."""
    found: list[Difference] = []
    for section in ("figures", "derived"):
        old_entries, new_entries = frozen.get(section, {}), current.get(section, {})
        for entry_id in sorted(set(old_entries) | set(new_entries)):
            old, new = old_entries.get(entry_id), new_entries.get(entry_id)
            if old is None or new is None:
                found.append(
                    Difference(
                        section,
                        entry_id,
                        "entry",
                        old["text"] if old else "(none)",
                        new["text"] if new else "(removed)",
                    )
                )
                continue
            if old["value"] != new["value"] or old["text"] != new["text"]:
                found.append(
                    Difference(
                        section,
                        entry_id,
                        "value" if old["value"] != new["value"] else "text shown",
                        old["text"],
                        new["text"],
                    )
                )
            if section == "figures" and old["quote"] != new["quote"]:
                found.append(Difference(section, entry_id, "quote", old["quote"], new["quote"]))
    old_sources, new_sources = frozen.get("sources", {}), current.get("sources", {})
    for source_id in sorted(set(old_sources) | set(new_sources)):
        if old_sources.get(source_id) != new_sources.get(source_id):
            found.append(
                Difference(
                    "sources",
                    source_id,
                    "source text",
                    str(old_sources.get(source_id)),
                    str(new_sources.get(source_id)),
                )
            )
    return found


def check_against_editions(data: BriefingData, editions: list[Edition]) -> None:
    """Record every change since the last frozen edition that no change entry of this edition names."""
    if data.meta is None or not editions or data.problems:
        return  # with other problems, values may be missing: those problems come first
    version = data.meta.version
    earlier = [edition for edition in editions if version_key(edition.version) < version_key(version)]
    same = [edition for edition in editions if edition.version == version]
    if not earlier and not same:
        data.add_problem(
            ("meta", "version"),
            f"version {version} is older than every frozen edition ({editions[-1].version})",
            "set meta.version to the next edition",
        )
        return
    base = same[0] if same else earlier[-1]
    # Changes logged since the base edition (up to this one) account for what differs from it.
    named = {
        entry_id
        for change in data.changes.values()
        if (
            change.version == version
            if same
            else version_key(base.version) < version_key(change.version) <= version_key(version)
        )
        for entry_id in change.entries
    }
    for difference in differences(base.frozen, snapshot(data)):
        passage = data.figures[difference.entry_id].passage if difference.what == "quote" else None
        if difference.entry_id in named or (passage and passage in named):
            if same:
                data.add_problem(
                    (difference.section, difference.entry_id),
                    f"{difference.entry_id!r} differs from edition {version}, which is frozen: was {difference.old!r}, now {difference.new!r}",
                    "a published edition does not change: set meta.version to the next edition for this change",
                )
            continue
        path = (difference.section, difference.entry_id) + (
            ("value",) if difference.what == "value" and difference.section == "figures" else ()
        )
        data.add_problem(
            path,
            f"{difference.entry_id!r} changed since edition {base.version} ({difference.what}): was {difference.old!r}, now {difference.new!r}",
            f"log it: add an entry under 'changes:' with version {version} naming {difference.entry_id!r} in 'entries' "
            "(kind correction, update or addition; what and why), or restore it",
        )
    for change_id, change in data.changes.items():
        if version_key(change.version) > version_key(version):
            data.add_problem(
                ("changes", change_id, "version"),
                f"change {change_id!r} is for edition {change.version}, after this one ({version})",
                f"set meta.version to {change.version}, or the change's version to {version}",
            )


def last_change_dates(data: BriefingData, editions: list[Edition]) -> dict[str, dt.date]:
    """Each page's date of last change: its latest logged change, else the first edition's date."""
    first = editions[0].date if editions else (data.meta.updated if data.meta else dt.date(1970, 1, 1))
    dates: dict[str, dt.date] = {}
    for change in data.changes.values():
        for page in change.pages:
            dates[page] = max(dates.get(page, first), change.date)
    return dates


def entry_changes(data: BriefingData, editions: list[Edition]) -> dict[str, tuple[dt.date, str, str]]:
    """For each figure or derived figure a change names: (date, kind, what readers saw before)."""
    found: dict[str, tuple[dt.date, str, str]] = {}
    by_version = {edition.version: edition for edition in editions}
    for change in sorted(data.changes.values(), key=lambda change: change.date):
        earlier = [edition for edition in editions if version_key(edition.version) < version_key(change.version)]
        frozen = by_version.get(earlier[-1].version).frozen if earlier else {}  # type: ignore[union-attr]
        for entry_id in change.entries:
            old = (
                (frozen.get("figures", {}).get(entry_id) or frozen.get("derived", {}).get(entry_id)) if frozen else None
            )
            if old is not None:
                found[entry_id] = (change.date, change.kind.value, old["text"])
    return found


def change_wording(was: str, now: str) -> str:
    """What a figure's change note says after its date: the earlier text, or what changed when the number did not.

    "; was US$185 billion" when the number changed. When only the source's qualifier
    changed ("US$26.7 billion" to "about US$26.7 billion"), "was US$26.7 billion" would
    read as a correction to the same number, so the note names the word instead.
    """
    from briefing.quotes import QUALIFIERS

    def split(text: str) -> tuple[str, str]:
        for qualifier in sorted(QUALIFIERS, key=len, reverse=True):  # "more than" before "more"
            if text.startswith(qualifier + " ") and text[len(qualifier) + 1 :]:
                return qualifier, text[len(qualifier) + 1 :]
        return "", text

    (was_word, was_number), (now_word, now_number) = split(was), split(now)
    if was == now:
        return "; the number is unchanged"
    if was_number != now_number:
        return f"; was {was}"
    if not was_word:
        return f": “{now_word}” added; the number is unchanged"
    if not now_word:
        return f": “{was_word}” removed; the number is unchanged"
    return f": “{now_word}”, was “{was_word}”; the number is unchanged"


def sitemap_with_page_dates(sitemap: str, dates_by_url: dict[str, dt.date]) -> str:
    """The sitemap with each page's ``lastmod`` set to its date of last change, not the build date."""

    def redate(match: re.Match[str]) -> str:
        block = match.group(0)
        location = re.search(r"<loc>([^<]*)</loc>", block)
        date = dates_by_url.get(location.group(1).strip()) if location else None
        if date is None:
            return block
        return re.sub(r"<lastmod>[^<]*</lastmod>", f"<lastmod>{date.isoformat()}</lastmod>", block)

    return re.sub(r"<url>.*?</url>", redate, sitemap, flags=re.S)


def freeze(project_dir: Path, version: str, pdf: Path | None) -> Path:
    """Write ``editions/<version>.json`` (and the PDF beside it) from the current data; return the JSON's path.

    Raises :class:`EditionError` when the data has problems or is not at ``version``.
    """
    from briefing.data import load_briefing
    from briefing.project import Project

    project = Project.load(project_dir)
    data = load_briefing(project.data_file, project.data_display_path, frozenset(project.settings.allowed_numbers))
    if data.problems or data.meta is None:
        raise EditionError("the data file has problems; run make build first:\n" + data.problems.report())
    if data.meta.version != version:
        raise EditionError(
            f"meta.version is {data.meta.version}, not {version}: set it in {project.data_display_path} first"
        )
    folder = project_dir / EDITIONS_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"{version}.json"
    target.write_text(json.dumps(snapshot(data), ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if pdf is not None:
        (folder / version).mkdir(exist_ok=True)
        shutil.copyfile(pdf, folder / version / EDITION_PDF)
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: ``freeze --version x.y.z [--pdf site/downloads/briefing.pdf]``."""
    import argparse  # the command line only: builds import this module too

    parser = argparse.ArgumentParser(description="Freeze the current edition of the briefing.")
    parser.add_argument("command", choices=["freeze"])
    parser.add_argument("--version", required=True)
    parser.add_argument("--pdf", type=Path, default=None, help="the PDF as published, kept beside the snapshot")
    parser.add_argument("--project", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    from briefing.project import ProjectError  # late, as in freeze()

    with to_terminal():
        try:
            target = freeze(args.project.resolve(), args.version, args.pdf)
        except (EditionError, ProjectError, OSError) as error:
            log.error("Edition %s not frozen: %s", args.version, error)
            return 1
        log.info("Edition %s frozen in %s", args.version, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
