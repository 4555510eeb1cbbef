"""schema.org JSON-LD for every page: the briefing as a versioned Report, the page, and the downloads as a Dataset.

Search engines and citation tools read a page's ``<script type="application/ld+json">``.
Here the briefing is a ``Report`` with its ``version``, first publication and last
modification dates, author, publisher, licence, the ``citation`` of each source
and a ``correction`` entry for every logged correction; the page is a
``WebPage`` that is part of it, dated by its own last change; and the figures
downloads are a ``Dataset`` on the Key figures page, which lists them. Everything comes from the data file and the frozen
editions, so tests can check it against them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from briefing.downloads import FIGURES_CSV, FIGURES_JSON
from briefing.editions import Edition, version_key
from briefing.entries import BriefingData
from briefing.navigation import page_url

CHANGES_PAGE = "changes.md"
DOWNLOADS_PAGE = "key-figures.md"  # the page that lists the downloads carries the Dataset


def _absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + path.lstrip("/") if site_url else "/" + path.lstrip("/")


def report_record(data: BriefingData, editions: list[Edition], site_url: str) -> dict[str, Any]:
    """The briefing as a schema.org Report."""
    meta = data.meta
    assert meta is not None
    first = editions[0].date if editions else meta.updated
    changes_url = _absolute(site_url, page_url(CHANGES_PAGE))
    return {
        "@type": "Report",
        "@id": _absolute(site_url, "#briefing"),
        "name": meta.title,
        "version": meta.version,
        "datePublished": first.isoformat(),
        "dateModified": meta.updated.isoformat(),
        "author": {"@type": "Organization", "name": meta.author},
        "publisher": {"@type": "Organization", "name": meta.publisher},
        "license": meta.licence_url,
        "citation": [
            {
                "@type": "CreativeWork",  # the full citation is on the Sources page
                "name": source.title,
                "publisher": source.publisher,
                **({"url": source.url} if source.url else {}),
            }
            for source in data.sources.values()
        ],
        # One entry per edition and date that corrected something; what and why are on the Changes page it links to.
        "correction": [
            {
                "@type": "CorrectionComment",
                "datePublished": date.isoformat(),
                "url": f"{changes_url}#edition-{version.replace('.', '-')}",
            }
            for version, date in correction_editions(data)
        ],
    }


def correction_editions(data: BriefingData) -> list[tuple[str, dt.date]]:
    """Each (edition, date) with at least one logged correction, newest first."""
    found = {(change.version, change.date) for change in data.changes.values() if change.kind.value == "correction"}
    return sorted(found, key=lambda item: (item[1], version_key(item[0])), reverse=True)


def dataset_record(data: BriefingData, site_url: str) -> dict[str, Any]:
    """The figures downloads as a schema.org Dataset."""
    meta = data.meta
    assert meta is not None
    return {
        "@type": "Dataset",
        "@id": _absolute(site_url, "#figures"),
        "name": f"Figures of the briefing: {meta.title}",
        "description": "Every figure with its value, unit, period, source and the source's words; derived ones with their formula.",
        "version": meta.version,
        "dateModified": meta.updated.isoformat(),
        "creator": {"@type": "Organization", "name": meta.author},
        "license": meta.licence_url,
        "isBasedOn": [source.title for source in data.sources.values()],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": _absolute(site_url, FIGURES_CSV)},
            {
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": _absolute(site_url, FIGURES_JSON),
            },
        ],
    }


def page_json_ld(
    data: BriefingData,
    editions: list[Edition],
    site_url: str,
    src_path: str,
    url: str,
    title: str,
    description: str,
    page_dates: dict[str, dt.date],
) -> str:
    """The JSON-LD of one page, as text safe inside a ``<script>`` element."""
    meta = data.meta
    assert meta is not None
    page_date = page_dates.get(src_path, meta.updated)
    graph = [
        report_record(data, editions, site_url),
        {
            # The page's description is already its <meta name="description">.
            "@type": "WebPage",
            "@id": _absolute(site_url, url),
            "name": title,
            "dateModified": page_date.isoformat(),
            "isPartOf": {"@id": _absolute(site_url, "#briefing")},
        },
    ]
    if src_path == DOWNLOADS_PAGE:
        graph.append(dataset_record(data, site_url))
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>: no "</script>", no markup; JSON parsers read the escapes as the same characters.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
