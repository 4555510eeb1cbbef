"""The files readers can download, generated from the data file: figures, charts and how to cite the briefing.

:func:`download_files` maps each path, relative to the site root (e.g.
``downloads/figures.csv``), to its bytes:

- ``downloads/figures.csv`` and ``downloads/figures.json``: every figure and
  derived figure with its value, unit, period, source, quote or formula, and
  the text pages show;
- ``downloads/charts/<id>.svg``, ``.png`` and ``.csv`` for every chart;
- ``downloads/cite.txt``, ``cite.bib`` (BibTeX) and ``cite.json`` (CSL-JSON).

The same data gives the same bytes: fixed column and key order, ``\\n`` line
endings, no timestamps. Nothing here touches the disk (the build's hook puts
the files into the site with :func:`briefing.fileio.write_changed`), and
nothing imports MkDocs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from typing import Any

from briefing.addresses import is_public_address
from briefing.charts import RenderedChart, plain_number, render_chart
from briefing.entries import EDITION_KIND_WORDS, BriefingData, Meta, Source
from briefing.formatting import format_day, format_quantity

DOWNLOADS_DIR = "downloads"
PDF_PATH = "downloads/briefing.pdf"  # written by briefing.pdf after the HTML build
FIGURES_CSV = f"{DOWNLOADS_DIR}/figures.csv"
FIGURES_JSON = f"{DOWNLOADS_DIR}/figures.json"
CITE_TXT = f"{DOWNLOADS_DIR}/cite.txt"
CITE_BIB = f"{DOWNLOADS_DIR}/cite.bib"
CITE_JSON = f"{DOWNLOADS_DIR}/cite.json"
CHART_FORMATS = ("svg", "png", "csv")

FIGURE_COLUMNS = (
    "id",
    "label",
    "value",
    "unit",
    "scale",
    "currency",
    "period",
    "precision",
    "qualifier",
    "derived",
    "goal",
    "formula",
    "source",
    "source_citation",
    "quote",
    "note",
    "text",
    "edition",
    "changed_on",
    "change_kind",
    "was",
)
# A figure's last logged change, from briefing.editions.entry_changes: (date, kind, what readers saw before).
EntryChanges = Mapping[str, tuple[Any, str, str]]
BIBTEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")


def chart_path(chart_id: str, file_format: str) -> str:
    """Where a chart's download lives, relative to the site root."""
    return f"{DOWNLOADS_DIR}/charts/{chart_id}.{file_format}"


def source_citation(source: Source) -> str:
    """A source's full citation as plain text, as the Sources page writes it."""
    text = f"{source.author}, {source.title}, {source.publisher}, {source.published_label}."
    return f"{text} {source.url}" if source.url else text


def _locale(data: BriefingData) -> str:
    return data.meta.locale if data.meta else "en_GB"


def figure_records(data: BriefingData, changes: EntryChanges | None = None) -> list[dict[str, Any]]:
    """One record per figure, then per derived figure, in data-file order, keys in :data:`FIGURE_COLUMNS` order.

    Each record carries the edition, and for a figure a logged change names, the date, kind
    and the text readers saw before.
    """
    records: list[dict[str, Any]] = []
    changes = changes or {}
    for figure_id in data.all_figure_ids():
        change = changes.get(figure_id)
        derived = figure_id in data.derived
        entry = data.derived[figure_id] if derived else data.figures[figure_id]
        quantity = data.quantity(figure_id)
        source_ids = data.sources_of(figure_id)
        value = quantity.value
        records.append(
            {
                "id": figure_id,
                "label": entry.label,
                "value": int(value) if float(value).is_integer() else value,
                "unit": quantity.unit.value,
                "scale": quantity.scale.value if quantity.scale else None,
                "currency": quantity.currency,
                "period": entry.period,
                "precision": entry.precision,
                "qualifier": quantity.qualifier,
                "derived": derived,
                "goal": not derived and data.figures[figure_id].goal,
                "formula": data.derived[figure_id].formula if derived else None,
                "source": " ".join(source_ids),
                "source_citation": " | ".join(source_citation(data.sources[source_id]) for source_id in source_ids),
                "quote": None if derived else data.figures[figure_id].quote,
                "note": entry.note,
                "text": format_quantity(quantity, "long", _locale(data)),
                "edition": data.meta.version if data.meta else None,
                "changed_on": change[0].isoformat() if change else None,
                "change_kind": change[1] if change else None,
                "was": change[2] if change else None,
            }
        )
    return records


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return plain_number(value)
    return str(value)


def figures_csv(data: BriefingData, changes: EntryChanges | None = None) -> bytes:
    """Every figure and derived figure as CSV (UTF-8, '\\n' line endings, empty cell for none)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIGURE_COLUMNS)
    for record in figure_records(data, changes):
        writer.writerow([_csv_cell(record[column]) for column in FIGURE_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _dump_json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _briefing_record(meta: Meta | None) -> dict[str, Any]:
    if meta is None:
        return {}
    return {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "version": meta.version,
        "edition": {"version": meta.version, "date": meta.updated.isoformat(), "kind": meta.edition_kind},
        "as_of": meta.as_of.isoformat(),
        "updated": meta.updated.isoformat(),
        "publisher": meta.publisher,
        "licence": meta.licence,
        "licence_url": meta.licence_url,
        "url": meta.site_url,
    }


def figures_json(data: BriefingData, changes: EntryChanges | None = None) -> bytes:
    """Every figure and derived figure as JSON, with the briefing's title, edition and licence."""
    return _dump_json({"briefing": _briefing_record(data.meta), "figures": figure_records(data, changes)})


# -- how to cite ---------------------------------------------------------------
def cite_text(data: BriefingData) -> bytes:
    """The citation of the briefing as one line of plain text, as the About page gives it."""
    meta = data.meta
    if meta is None:
        return b""
    updated = format_day(meta.updated, "day", meta.locale)
    address = f"{meta.site_url} " if is_public_address(meta.site_url) else ""  # never a placeholder
    return (
        f"{meta.author}, {meta.title}, edition {meta.version} ({EDITION_KIND_WORDS[meta.edition_kind]}), {meta.publisher}, {updated}. "
        f"{address}Licence: {meta.licence} ({meta.licence_url}).\n"
    ).encode()


def citation_key(meta: Meta) -> str:
    """A BibTeX and CSL key: publisher, year, first word of the title ('briefingdesk2026xi')."""
    publisher = re.sub(r"[^a-z0-9]", "", meta.publisher.lower())
    first_word = re.sub(r"[^a-z0-9]", "", meta.title.split()[0].lower()) if meta.title.split() else ""
    return f"{publisher}{meta.updated.year}{first_word}"


def bibtex_escape(text: str) -> str:
    """Text safe inside a BibTeX field: LaTeX's special characters escaped."""
    return BIBTEX_SPECIAL.sub(
        lambda match: "\\textbackslash{}" if match.group(1) == "\\" else "\\" + match.group(1), text
    )


def cite_bibtex(data: BriefingData) -> bytes:
    """The citation as a BibTeX ``@techreport`` entry (titles in double braces keep their capitals)."""
    meta = data.meta
    if meta is None:
        return b""
    months = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    fields = [
        ("author", "{{" + bibtex_escape(meta.author) + "}}"),
        ("title", "{{" + bibtex_escape(meta.title) + "}}"),
        ("subtitle", "{" + bibtex_escape(meta.subtitle) + "}"),
        ("institution", "{" + bibtex_escape(meta.publisher) + "}"),
        ("type", "{Briefing}"),
        ("version", "{" + bibtex_escape(meta.version) + "}"),
        ("year", "{" + str(meta.updated.year) + "}"),
        ("month", months[meta.updated.month - 1]),
        ("date", "{" + meta.updated.isoformat() + "}"),
        ("edition", "{" + bibtex_escape(meta.version) + "}"),
        (
            "note",
            "{Edition "
            + bibtex_escape(meta.version)
            + " ("
            + EDITION_KIND_WORDS[meta.edition_kind]
            + "). Licence: "
            + bibtex_escape(meta.licence)
            + "}",
        ),
    ]
    if is_public_address(meta.site_url):  # a placeholder address is left out, not cited
        fields.insert(9, ("url", "{" + meta.site_url + "}"))
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {value}" for name, value in fields)
    return f"@techreport{{{citation_key(meta)},\n{body}\n}}\n".encode()


def cite_csl_json(data: BriefingData) -> bytes:
    """The citation as CSL-JSON: a list holding one item."""
    meta = data.meta
    if meta is None:
        return _dump_json([])
    item = {
        "id": citation_key(meta),
        "type": "report",
        "title": meta.title,
        "author": [{"literal": meta.author}],
        "publisher": meta.publisher,
        "genre": "Briefing",
        "version": meta.version,
        "edition": meta.version,
        "issued": {"date-parts": [[meta.updated.year, meta.updated.month, meta.updated.day]]},
        "license": meta.licence,
        "language": meta.locale.replace("_", "-"),
    }
    if is_public_address(meta.site_url):  # a placeholder address is left out, not cited
        item["URL"] = meta.site_url
    return _dump_json([item])


# -- all of them ---------------------------------------------------------------
def rendered_charts(
    data: BriefingData, rendered: Mapping[str, RenderedChart] | None = None
) -> dict[str, RenderedChart]:
    """Every chart of ``data``, taking those already drawn from ``rendered``."""
    done = dict(rendered or {})
    return {chart_id: done.get(chart_id) or render_chart(data, chart_id) for chart_id in data.charts}


def download_files(
    data: BriefingData, rendered: Mapping[str, RenderedChart] | None = None, changes: EntryChanges | None = None
) -> dict[str, bytes]:
    """Every download's bytes by path relative to the site root; charts already drawn are reused from ``rendered``."""
    files: dict[str, bytes] = {
        FIGURES_CSV: figures_csv(data, changes),
        FIGURES_JSON: figures_json(data, changes),
        CITE_TXT: cite_text(data),
        CITE_BIB: cite_bibtex(data),
        CITE_JSON: cite_csl_json(data),
    }
    for chart_id, chart in rendered_charts(data, rendered).items():
        files[chart_path(chart_id, "svg")] = chart.svg
        files[chart_path(chart_id, "png")] = chart.png
        files[chart_path(chart_id, "csv")] = chart.csv
    return dict(sorted(files.items()))
