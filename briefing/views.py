"""What the listing and chart templates are given: small typed rows, prepared from the model.

Key figures, the timeline, People, the Changes page, a page's change note and a
chart's caption and table show the same entries the macros do, with links relative to the page and values formatted for
the briefing's locale. Python prepares each row here, once: the value's text,
the link to the source's entry, the quote, the formula in words; the templates in
``briefing/templates`` only lay the rows out. So a template never calls into the
renderer, looks an id up in the data, or formats a date, and a row can be
tested without rendering any markup.

The builders take the :class:`Links` of the page being rendered (the
:class:`briefing.render.Renderer` is one) and the validated
:class:`briefing.data.BriefingData`; nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from briefing.charts import RenderedChart
from briefing.editions import Edition, version_key
from briefing.entries import BriefingData, Change
from briefing.formatting import format_day

# How much of an ISO date a ``<time datetime>`` keeps at each precision: 2023-03-20, 2023-03, 2023.
ISO_LENGTH = {"day": 10, "month": 7, "year": 4}


class Links(Protocol):
    """What the builders need of the page being rendered: its links, the locale, formatted values."""

    locale: str

    def href(self, page: str, anchor: str = "") -> str:
        """Link from the current page to a generated page ('figures', 'sources', ...)."""
        ...

    def text(self, figure_id: str, style: str = "long") -> str:
        """A figure's or derived figure's value as plain text."""
        ...

    def formula_text(self, derived_id: str) -> str:
        """A derived figure's formula in words."""
        ...


@dataclass(frozen=True)
class SourceLink:
    """A short citation linking to a source's entry on the Sources page."""

    href: str
    short: str


@dataclass(frozen=True)
class FigureLink:
    """A link to a figure's row on Key figures, by its label (the inputs of a derived figure)."""

    anchor: str
    label: str


@dataclass(frozen=True)
class KeyFigureRow:
    """One row of Key figures: a figure stated by a source, or one the briefing derives."""

    figure_id: str
    label: str
    value_text: str
    period: str
    note: str
    source: SourceLink | None  # a stated figure's source; None for a derived one
    quote: str  # the source's words; "" for a derived figure
    formula: str  # a derived figure's formula in words; "" for a stated one
    inputs: tuple[FigureLink, ...]  # the figures a derived figure is computed from


@dataclass(frozen=True)
class KeyFigures:
    """The Key figures table: stated figures first, then derived ones, each in data-file order."""

    stated: tuple[KeyFigureRow, ...]
    derived: tuple[KeyFigureRow, ...]


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the timeline, with its date as machines and as readers read it."""

    event_id: str
    iso_date: str
    date_text: str
    title: str
    source: SourceLink
    quote: str


@dataclass(frozen=True)
class PersonEntry:
    """A person on the People page."""

    person_id: str
    name: str
    role: str
    source: SourceLink
    quote: str


@dataclass(frozen=True)
class OrganisationEntry:
    """An organisation or forum on the People page; ``abbreviation`` is "" when it adds nothing to the name."""

    organisation_id: str
    name: str
    abbreviation: str
    description: str
    source: SourceLink


@dataclass(frozen=True)
class ChartRow:
    """One row of a chart's data table: a value, the link to its Key figures row, and its evidence."""

    figure_id: str
    label: str
    derived: bool
    goal: bool
    value_text: str
    href: str
    formula: str  # for a derived value; "" otherwise
    source_short: str  # the first source's short citation for a stated value; "" for a derived one
    quote: str  # the source's words for a stated value; "" for a derived one


@dataclass(frozen=True)
class ChartView:
    """A chart's figure: caption, sources, the two inline drawings, download links and the data table."""

    chart_id: str
    kind: str
    title: str
    caption: str
    sources: tuple[SourceLink, ...]
    periods: str
    has_derived: bool
    axis_label: str
    rows: tuple[ChartRow, ...]


@dataclass(frozen=True)
class PageLink:
    """A link to a page of the briefing, by its title."""

    href: str
    title: str


@dataclass(frozen=True)
class ChangeEntry:
    """One logged change: its kind, date, what changed and why, and the pages it touches."""

    change_id: str
    version: str
    kind: str  # correction, update or addition
    iso_date: str
    date_text: str
    what: str
    why: str
    pages: tuple[PageLink, ...]


@dataclass(frozen=True)
class EditionChanges:
    """The changes an edition carries, newest first."""

    version: str
    changes: tuple[ChangeEntry, ...]


@dataclass(frozen=True)
class EarlierEdition:
    """An earlier edition whose PDF, as published, readers can download."""

    version: str
    href: str
    iso_date: str
    date_text: str


def iso_date(day: dt.date, precision: str) -> str:
    """The ``<time datetime>`` of a date known to ``precision``: '2023-03-20', '2023-03' or '2023'."""
    return day.isoformat()[: ISO_LENGTH[precision]]


def source_link(data: BriefingData, links: Links, source_id: str) -> SourceLink:
    """The short citation of ``source_id`` linking to its entry on the Sources page."""
    return SourceLink(href=links.href("sources", f"source-{source_id}"), short=data.sources[source_id].short)


def key_figures(data: BriefingData, links: Links) -> KeyFigures:
    """Every figure and derived figure as Key figures shows them."""
    stated = tuple(
        KeyFigureRow(
            figure_id=figure_id,
            label=figure.label,
            value_text=links.text(figure_id),
            period=figure.period,
            note=figure.note or "",
            source=source_link(data, links, figure.source),
            quote=figure.quote,
            formula="",
            inputs=(),
        )
        for figure_id, figure in data.figures.items()
    )
    derived = tuple(
        KeyFigureRow(
            figure_id=derived_id,
            label=entry.label,
            value_text=links.text(derived_id),
            period=entry.period,
            note=entry.note or "",
            source=None,
            quote="",
            formula=links.formula_text(derived_id),
            inputs=tuple(
                FigureLink(anchor=name, label=data.label_of(name)) for name in data.formulas[derived_id].names
            ),
        )
        for derived_id, entry in data.derived.items()
    )
    return KeyFigures(stated=stated, derived=derived)


def timeline(data: BriefingData, links: Links) -> tuple[TimelineEntry, ...]:
    """Every event, oldest first; events of one date keep the data file's order."""
    return tuple(
        TimelineEntry(
            event_id=event_id,
            iso_date=iso_date(event.date, event.precision),
            date_text=format_day(event.date, event.precision, links.locale),
            title=event.title,
            source=source_link(data, links, event.source),
            quote=event.quote,
        )
        for event_id, event in sorted(data.events.items(), key=lambda item: item[1].date)
    )


def people(data: BriefingData, links: Links) -> tuple[PersonEntry, ...]:
    """Every person, in data-file order."""
    return tuple(
        PersonEntry(
            person_id=person_id,
            name=person.name,
            role=person.role,
            source=source_link(data, links, person.source),
            quote=person.quote,
        )
        for person_id, person in data.people.items()
    )


def organisations(data: BriefingData, links: Links) -> tuple[OrganisationEntry, ...]:
    """Every organisation and forum, in data-file order."""
    return tuple(
        OrganisationEntry(
            organisation_id=organisation_id,
            name=organisation.name,
            abbreviation=organisation.abbreviation
            if organisation.abbreviation and organisation.abbreviation != organisation.name
            else "",
            description=organisation.description,
            source=source_link(data, links, organisation.source),
        )
        for organisation_id, organisation in data.organisations.items()
    )


def chart_view(data: BriefingData, links: Links, rendered: RenderedChart) -> ChartView:
    """What a chart's figure shows around its drawing: caption, sources and the data table."""
    rows = tuple(
        ChartRow(
            figure_id=point.figure_id,
            label=point.label,
            derived=point.derived,
            goal=point.goal,
            value_text=point.long_text,
            href=links.href("figures", point.figure_id),
            formula=links.formula_text(point.figure_id) if point.derived else "",
            source_short="" if point.derived else data.sources[point.sources[0]].short,
            quote="" if point.derived else data.figures[point.figure_id].quote,
        )
        for point in rendered.points
    )
    return ChartView(
        chart_id=rendered.chart_id,
        kind=rendered.chart.kind.value,
        title=rendered.chart.title,
        caption=rendered.chart.caption,
        sources=tuple(source_link(data, links, source_id) for source_id in rendered.sources),
        periods=rendered.periods,
        has_derived=rendered.has_derived,
        axis_label=rendered.axis_label,
        rows=rows,
    )


def change_entry(change_id: str, change: Change, locale: str, pages: Mapping[str, PageLink]) -> ChangeEntry:
    """A logged change as readers see it; a page not in ``pages`` is shown by its source path."""
    return ChangeEntry(
        change_id=change_id,
        version=change.version,
        kind=change.kind.value,
        iso_date=change.date.isoformat(),
        date_text=format_day(change.date, "day", locale),
        what=change.what,
        why=change.why,
        pages=tuple(pages.get(src, PageLink(href=src, title=src)) for src in change.pages),
    )


def changes_by_edition(data: BriefingData, locale: str, pages: Mapping[str, PageLink]) -> tuple[EditionChanges, ...]:
    """Every logged change by edition, newest edition first; changes of one day keep the data file's order."""
    by_version: dict[str, list[ChangeEntry]] = {}
    for change_id, change in sorted(data.changes.items(), key=lambda item: item[1].date, reverse=True):
        by_version.setdefault(change.version, []).append(change_entry(change_id, change, locale, pages))
    return tuple(
        EditionChanges(version=version, changes=tuple(by_version[version]))
        for version in sorted(by_version, key=version_key, reverse=True)
    )


def earlier_editions(
    data: BriefingData, editions: Sequence[Edition], locale: str, pdf_href: Callable[[str], str]
) -> tuple[EarlierEdition, ...]:
    """The frozen editions before the current one that kept their PDF, newest first."""
    current = data.meta.version if data.meta else None
    return tuple(
        EarlierEdition(
            version=edition.version,
            href=pdf_href(edition.version),
            iso_date=edition.date.isoformat(),
            date_text=format_day(edition.date, "day", locale),
        )
        for edition in reversed(editions)
        if edition.pdf is not None and edition.version != current
    )


def page_changes(data: BriefingData, src_path: str, locale: str) -> tuple[ChangeEntry, ...]:
    """The logged changes that touch the page ``src_path``, newest first."""
    touching = [(change_id, change) for change_id, change in data.changes.items() if src_path in change.pages]
    return tuple(
        change_entry(change_id, change, locale, {})
        for change_id, change in sorted(touching, key=lambda item: item[1].date, reverse=True)
    )
