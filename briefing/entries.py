"""The checked data as every step reads it: plain, frozen records, and the container that holds them.

The data file is validated by the pydantic schema in :mod:`briefing.model`;
what passes is turned into the records below, which is all the rest of the
build (renderer, charts, downloads, PDF, views) ever sees. Keeping them apart
has a cost reason: a build whose data comes from the build cache reads these
records back and never validates, so it never imports pydantic (about 40 ms,
most of a small site's fixed cost). ``tests/test_entries.py`` checks that each
record has exactly its schema's fields, so the two cannot drift apart.
Nothing here imports pydantic or MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from briefing.formatting import Quantity
    from briefing.formula import Formula
    from briefing.problems import Problems
    from briefing.yamlsource import LocatedData, PathKey


class Unit(StrEnum):
    """What a figure counts or measures; each has its own formatter."""

    currency = "currency"
    cubic_metres = "cubic_metres"
    percent = "percent"
    count = "count"  # type: ignore[assignment]  # the member, not str.count
    rank = "rank"
    multiplier = "multiplier"
    year = "year"
    years = "years"


class Scale(StrEnum):
    """The word a value is expressed in: 185 *billion*."""

    thousand = "thousand"
    million = "million"
    billion = "billion"


SCALE_FACTORS: dict[Scale, int] = {Scale.thousand: 10**3, Scale.million: 10**6, Scale.billion: 10**9}


class ChartKind(StrEnum):
    """How a chart draws its values."""

    bar = "bar"  # horizontal bars from zero: amounts (currency, volumes, counts, percentages)
    dot = "dot"  # one dot per series on a rank axis: 1st, 2nd, ...


class ChangeKind(StrEnum):
    """What a change to a published edition is."""

    correction = "correction"  # something published was wrong or unsupported
    update = "update"  # something published is said better or more fully
    addition = "addition"  # coverage the briefing did not have


# How readers read an edition's kind, wherever it is named (page foot, citation, BibTeX note).
EDITION_KIND_WORDS = {"first": "first edition", "correction": "corrected edition", "update": "updated edition"}


@dataclass(frozen=True, kw_only=True, slots=True)
class Meta:
    """Who publishes the briefing, its version and dates."""

    title: str
    subtitle: str
    version: str
    as_of: dt.date
    updated: dt.date
    published: dt.date | None = None
    publisher: str
    author: str
    licence: str
    licence_url: str
    locale: str = "en_GB"
    site_url: str
    edition_kind: Literal["first", "correction", "update"] = "first"


@dataclass(frozen=True, kw_only=True, slots=True)
class Source:
    """A document the briefing's facts come from, with a local copy of its text."""

    title: str
    publisher: str
    author: str
    published: str
    published_label: str
    url: str | None = None
    text: str
    sha256: str | None = None
    short: str
    note: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Passage:
    """A whole sentence or clause of a source, stored once and referenced by the entries it supports."""

    source: str
    text: str
    sic: list[str] = field(default_factory=list)


class Quotation(str):
    """A source's words exactly as stored, which a page shows with the source's own slips marked [sic].

    Everything that reads the text (evidence checks, downloads, editions) gets the
    plain string; a template printing it gets ``__html__``: "cross-boder [sic]".
    """

    slips: tuple[str, ...]

    def __new__(cls, text: str, slips: Sequence[str] = ()) -> Quotation:
        quotation = super().__new__(cls, text)
        quotation.slips = tuple(slips)
        return quotation

    def __html__(self) -> Markup:
        """The words, escaped, each slip followed by [sic] where it stands as whole words."""
        pattern = slip_pattern(self.slips)
        shown = pattern.sub(r"\g<0> [sic]", str(self)) if pattern else str(self)
        return escape(shown)


def slip_pattern(slips: Sequence[str]) -> re.Pattern[str] | None:
    """Where any of ``slips`` stands in a text as whole words (longest first, so "the the" before "the")."""
    alternatives = "|".join(re.escape(slip) for slip in sorted(set(slips), key=len, reverse=True) if slip.strip())
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if alternatives else None


@dataclass(frozen=True, kw_only=True, slots=True)
class Quoted:
    """An entry backed by a passage: ``quote`` and ``source`` are the passage's text and source."""

    passage: str
    quote: str = ""  # a Quotation, bound by the loader
    source: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Figure(Quoted):
    """A number stated by a source."""

    label: str
    value: float
    unit: Unit
    scale: Scale | None = None
    currency: str | None = None
    period: str
    precision: int = 0
    qualifier: str | None = None
    states: str
    goal: bool = False
    note: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Derived:
    """A number the briefing computes from other figures; unit, currency and scale as its formula gives them."""

    label: str
    formula: str
    unit: Unit | None = None
    scale: Scale | None = None
    currency: str | None = None
    period: str
    precision: int = 1
    qualifier: Literal["about"] | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Event(Quoted):
    """Something that happened on a date (or in a month or year)."""

    date: dt.date
    precision: Literal["day", "month", "year"] = "day"
    title: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Person(Quoted):
    """Someone the briefing names, with the role the source gives them."""

    name: str
    role: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Organisation:
    """A body or forum the briefing names."""

    name: str
    abbreviation: str | None = None
    description: str
    source: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Chart:
    """A chart placed on a page with ``{{ chart('id') }}``; its values come only from figures and derived figures."""

    title: str
    caption: str
    kind: ChartKind = ChartKind.bar
    series: list[str]
    labels: list[str] | None = None
    axis_label: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Change:
    """One logged change of the briefing: dated, with what changed, why, and where."""

    version: str
    date: dt.date
    kind: ChangeKind
    what: str
    why: str
    pages: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)


@dataclass
class BriefingData:
    """The validated content of a data file and the problems found in it (made by :func:`briefing.data.load_briefing`)."""

    path: str
    problems: Problems
    readable: bool = False
    meta: Meta | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    source_texts: dict[str, str] = field(default_factory=dict)
    passages: dict[str, Passage] = field(default_factory=dict)
    normalised_texts: dict[str, str] = field(default_factory=dict)  # each source normalised once, for quote search
    figures: dict[str, Figure] = field(default_factory=dict)
    derived: dict[str, Derived] = field(default_factory=dict)
    formulas: dict[str, Formula] = field(default_factory=dict)
    derived_values: dict[str, float] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    glossary: dict[str, str] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)
    changes: dict[str, Change] = field(default_factory=dict)
    invalid_ids: set[str] = field(default_factory=set)
    located: LocatedData | None = None

    def where(self, *path: str | int) -> tuple[int | None, int | None]:
        """Line and column of an entry or field in the data file."""
        return self.located.where(path) if self.located else (None, None)

    def add_problem(self, path: PathKey, message: str, hint: str = "") -> None:
        """Record a problem located at ``path`` in the data file."""
        line, column = self.where(*path)
        self.problems.add(self.path, line, column, message, hint)

    def value_of(self, figure_id: str) -> float:
        """The number behind a figure or derived figure, in its own scale."""
        if figure_id in self.figures:
            return self.figures[figure_id].value
        return self.derived_values[figure_id]

    def all_figure_ids(self) -> list[str]:
        """Ids of figures and derived figures."""
        return [*self.figures, *self.derived]

    def label_of(self, figure_id: str) -> str:
        """A figure's or derived figure's label."""
        entry = self.figures.get(figure_id) or self.derived[figure_id]
        return entry.label

    def quantity(self, figure_id: str) -> Quantity:
        """The formatter's view of a figure or derived figure."""
        from briefing.formatting import Quantity

        entry: Figure | Derived = self.figures.get(figure_id) or self.derived[figure_id]
        assert entry.unit is not None  # a derived figure's unit is computed from its inputs when it is loaded
        return Quantity(
            value=self.value_of(figure_id),
            unit=entry.unit,
            scale=entry.scale,
            currency=entry.currency,
            precision=entry.precision,
            qualifier=entry.qualifier,
        )

    def sources_of(self, figure_id: str) -> list[str]:
        """Ids of the sources a figure rests on: its own, or those of a derived figure's inputs, in order."""
        if figure_id in self.figures:
            return [self.figures[figure_id].source]
        found: list[str] = []
        for name in self.formulas[figure_id].names:
            for source_id in self.sources_of(name):
                if source_id not in found:
                    found.append(source_id)
        return found
