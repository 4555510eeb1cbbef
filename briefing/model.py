"""The typed model of a briefing's data file.

Each section of ``data/briefing.yml`` maps to a pydantic model. Entries are
keyed by id in the YAML (so a repeated id is a duplicate key, caught by the
loader) and validated one by one, so one bad entry does not hide the others.
All text fields are plain text (:mod:`briefing.plaintext`): templates escape
them, so ``<script>`` in a note is shown as text, never run; bidi controls,
zero-width and control characters are refused with their position; links are
``https:`` only; dates are real calendar dates written ``YYYY-MM-DD``; numbers
are numbers, never a YAML ``yes`` read as 1.

This is the schema, used only when a data file is validated; what passes is
turned into the plain records of :mod:`briefing.entries` (``record``), which
the rest of the build reads, so a build from the cache never imports pydantic.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from briefing import entries
from briefing.entries import ChangeKind, ChartKind, Scale, Unit
from briefing.plaintext import https_url_fault, normalise, text_fault
from briefing.quotes import QUALIFIERS

ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
SOURCE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
CHART_ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
# An abbreviation as readers see it: "UN", "G20", "bcm", "R&D"; no brackets, no line breaks.
GLOSSARY_TERM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9&.+/-]{0,30}$"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: object) -> dt.date:
    """A calendar date written YYYY-MM-DD (in YAML, quoted or not); nothing else."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date as YYYY-MM-DD, not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a date in the calendar ({error})") from None
    raise ValueError("expected a date as YYYY-MM-DD")


def _https_url(value: str) -> str:
    if (fault := https_url_fault(value)) is not None:
        raise ValueError(f"link {fault}; links in the data file are https:// addresses")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
HttpsUrl = Annotated[str, AfterValidator(_https_url)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


# Words a source puts before a number ("nearly", "about", ...); they travel with the value.
# A figure's qualifier must be the one its source writes (briefing.quotes.QUALIFIERS).
Qualifier = Literal[QUALIFIERS]  # type: ignore[valid-type]


class Strict(BaseModel):
    """Base: unknown fields are errors, values are immutable after validation."""

    # defer_build: a build whose data comes from the build cache never validates, so never pays for the schemas.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _normalised(cls, value: object) -> object:
        if isinstance(value, str):
            return normalise(value)
        if isinstance(value, list):
            return [normalise(item) if isinstance(item, str) else item for item in value]
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text_only(cls, value: object) -> object:
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and (fault := text_fault(text, single_line=cls.single_line)) is not None:
                raise PydanticCustomError(
                    "plain_text",
                    "{message}",
                    {"message": fault.message, "offset": fault.offset, "character": fault.found},
                )
        return value

    single_line: ClassVar[bool] = False  # whether line breaks are refused in every text field
    record: ClassVar[type | None] = None  # the plain record (briefing.entries) the rest of the build reads

    def to_record(self, **bound: Any) -> Any:
        """This entry as its plain record, with fields the loader binds (a passage's quote and source)."""
        assert self.record is not None, f"{type(self).__name__} has no record"
        return self.record(**{name: getattr(self, name) for name in type(self).model_fields}, **bound)


class Meta(Strict):
    """Who publishes the briefing, its version and dates."""

    record: ClassVar[type | None] = entries.Meta

    title: str = Field(min_length=1)
    subtitle: str = Field(min_length=1)
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    as_of: IsoDate
    updated: IsoDate
    published: IsoDate | None = Field(default=None, description="first publication; shown in every page's byline")
    publisher: str
    author: str
    licence: str
    licence_url: HttpsUrl
    locale: str = Field(default="en_GB", pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")
    site_url: HttpsUrl
    edition_kind: Literal["first", "correction", "update"] = Field(
        default="first", description="what this edition is: the first, a corrected one, or one with new coverage"
    )


class Source(Strict):
    """A document the briefing's facts come from, with a local copy of its text."""

    record: ClassVar[type | None] = entries.Source

    title: str
    publisher: str
    author: str
    published: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY, YYYY-MM or YYYY-MM-DD")
    published_label: str
    url: HttpsUrl | None = None
    text: str = Field(description="path of the local copy, relative to the data file")
    sha256: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the local copy's bytes: the text is sealed"
    )
    short: str = Field(description="short citation, e.g. 'VOV World, March 2023'")
    note: str | None = None


class Passage(Strict):
    """A whole sentence or clause of a source, stored once and referenced by the entries it supports."""

    record: ClassVar[type | None] = entries.Passage

    source: str
    text: str = Field(min_length=1, description="copied word for word from the source text")
    sic: list[str] = Field(
        default_factory=list,
        description="the source's own slips in the text, shown with [sic] after them wherever it is quoted",
    )


class Quoted(Strict):
    """An entry backed by a passage of a source.

    Its record also carries the passage's text and source (``quote`` and
    ``source``), bound by the data loader once the passage is known.
    """

    passage: str = Field(min_length=1, description="id of an entry under 'passages'")


class Figure(Quoted):
    """A number stated by a source."""

    record: ClassVar[type | None] = entries.Figure

    label: str
    value: Number
    unit: Unit
    scale: Scale | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    period: str = Field(min_length=1, description="the period or as-of date, as readers should see it")
    precision: int = Field(default=0, ge=0, le=4, strict=True)
    qualifier: Qualifier | None = Field(
        default=None, description="the source's own word before the number, e.g. nearly"
    )
    states: str = Field(
        min_length=1, description="the words of the passage that state this figure, e.g. 'nearly 33.7 billion USD'"
    )
    goal: bool = Field(
        default=False,
        strict=True,
        description="a goal or target someone set, not a measured value; charts draw it as an outline",
    )
    note: str | None = None

    @model_validator(mode="after")
    def _currency_matches_unit(self) -> Figure:
        if self.unit is Unit.currency and self.currency is None:
            raise ValueError("a currency figure needs 'currency' (e.g. USD)")
        if self.unit is not Unit.currency and self.currency is not None:
            raise ValueError("'currency' is only for unit: currency")
        return self


class Derived(Strict):
    """A number the briefing computes from other figures; never typed in.

    Its unit, currency and scale follow from the formula's inputs (US$ billion
    minus US$ billion is US$ billion); they may be written out, and must then
    agree. A plain-number result (a share, a ratio) needs ``unit``: percent,
    multiplier or count.
    """

    record: ClassVar[type | None] = entries.Derived

    label: str
    formula: str = Field(min_length=1)
    unit: Unit | None = None
    scale: Scale | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    period: str = Field(min_length=1)
    precision: int = Field(default=1, ge=0, le=4, strict=True)
    qualifier: Literal["about"] | None = Field(
        default=None,
        description="'about' for an approximate result (inputs rounded or qualified), shown with the value everywhere",
    )
    note: str | None = None


class Event(Quoted):
    """Something that happened on a date (or in a month or year)."""

    record: ClassVar[type | None] = entries.Event

    date: IsoDate
    precision: Literal["day", "month", "year"] = "day"
    title: str


class Person(Quoted):
    """Someone the briefing names, with the role the source gives them."""

    record: ClassVar[type | None] = entries.Person

    name: str
    role: str


class Organisation(Strict):
    """A body or forum the briefing names."""

    record: ClassVar[type | None] = entries.Organisation

    name: str
    abbreviation: str | None = None
    description: str
    source: str


class Chart(Strict):
    """A chart placed on a page with ``{{ chart('id') }}``; its values come only from figures and derived figures."""

    record: ClassVar[type | None] = entries.Chart

    title: str = Field(min_length=1)
    caption: str = Field(min_length=1, description="one or two sentences saying what the chart shows")
    kind: ChartKind = ChartKind.bar
    series: list[str] = Field(min_length=1, description="figure or derived ids, one bar or dot each, top to bottom")
    labels: list[str] | None = Field(
        default=None, description="what each series is, e.g. 'Oil'; the figure's period follows it"
    )
    axis_label: str | None = Field(default=None, description="default: the series' unit, e.g. 'US$ billion'")

    @model_validator(mode="after")
    def _one_label_per_series(self) -> Chart:
        if self.labels is not None and len(self.labels) != len(self.series):
            raise ValueError(
                f"'labels' needs one label per series: {len(self.series)} series, {len(self.labels)} labels"
            )
        if len(set(self.series)) != len(self.series):
            raise ValueError("a figure appears twice in 'series'")
        return self


class Change(Strict):
    """One logged change of the briefing: dated, with what changed, why, and where."""

    record: ClassVar[type | None] = entries.Change

    version: str = Field(pattern=r"^\d+\.\d+\.\d+$", description="the edition that carries the change")
    date: IsoDate
    kind: ChangeKind
    what: str = Field(min_length=1, description="what changed, as readers should read it")
    why: str = Field(min_length=1, description="why: what was wrong or missing")
    pages: list[str] = Field(default_factory=list, description="pages the change touches, e.g. visit.md")
    entries: list[str] = Field(
        default_factory=list, description="ids of figures, derived figures, passages or sources it changes"
    )


class GlossaryEntry(Strict):
    """An abbreviation and what it stands for; explained wherever it appears, so one line of plain text."""

    single_line: ClassVar[bool] = True
    term: str = Field(pattern=GLOSSARY_TERM_PATTERN, description="the abbreviation as written in pages, e.g. 'UN'")
    expansion: str = Field(min_length=1, max_length=300)


SECTION_MODELS: dict[str, type[Strict]] = {
    "sources": Source,
    "passages": Passage,
    "figures": Figure,
    "derived": Derived,
    "events": Event,
    "people": Person,
    "organisations": Organisation,
    "charts": Chart,
    "changes": Change,
}
