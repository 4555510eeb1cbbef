"""Load, validate and cross-check the briefing's data file, once per build.

:func:`load_briefing` returns a :class:`BriefingData` holding every entry that
is valid, the computed values of derived figures, and a :class:`Problems`
list with every mistake found, each located at ``file:line:column``. It never
raises on bad input: the caller decides when to stop, after the pages have
been checked too, so that one build reports everything.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ValidationError

from briefing.formatting import Quantity
from briefing.formula import Formula, FormulaError, evaluation_order
from briefing.model import (
    CHART_ID_PATTERN,
    ID_PATTERN,
    SCALE_FACTORS,
    SECTION_MODELS,
    SOURCE_ID_PATTERN,
    Chart,
    ChartKind,
    Derived,
    Event,
    Figure,
    GlossaryEntry,
    Meta,
    Organisation,
    Person,
    Source,
    Unit,
)
from briefing.problems import Problems, did_you_mean
from briefing.quotes import normalise_text, states_value
from briefing.yamlsource import LocatedData, PathKey, load_yaml

REQUIRED_SECTIONS = ("meta", "sources", "figures")
KNOWN_SECTIONS = (*REQUIRED_SECTIONS, "derived", "events", "people", "organisations", "glossary", "charts")
# Units a bar's length can stand for; ranks and years are positions, not amounts.
BAR_UNITS = frozenset({Unit.currency, Unit.cubic_metres, Unit.count, Unit.percent, Unit.multiplier, Unit.years})


@dataclass
class BriefingData:
    """The validated content of a data file and the problems found in it."""

    path: str
    problems: Problems
    readable: bool = False
    meta: Meta | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    source_texts: dict[str, str] = field(default_factory=dict)
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
        entry: Figure | Derived = self.figures.get(figure_id) or self.derived[figure_id]
        return Quantity(
            value=self.value_of(figure_id),
            unit=entry.unit,
            scale=entry.scale,
            currency=entry.currency,
            precision=entry.precision,
            qualifier=getattr(entry, "qualifier", None),
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


def _field_path(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location) or "(entry)"


def _validate(data: BriefingData, model: type[BaseModel], raw: Any, path: PathKey) -> BaseModel | None:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        for detail in error.errors():
            location = tuple(detail["loc"])
            if data.located is not None and (*path, *location) in data.located.refused:
                continue  # the loader already said why this value could not be read
            field_name = _field_path(location)
            message = detail["msg"].removeprefix("Value error, ")
            if detail["type"] == "missing":
                message = f"missing required field '{field_name}'"
            elif detail["type"] == "extra_forbidden":
                allowed = list(model.model_fields)
                message = f"unknown field '{field_name}'"
                hint = did_you_mean(str(location[-1]), allowed) or "allowed: " + ", ".join(allowed)
                data.add_problem((*path, *location), message, hint)
                continue
            elif detail["type"] == "plain_text" and data.located is not None:
                line, column = data.located.where_character((*path, *location), detail["ctx"]["character"])
                data.problems.add(data.path, line, column, f"{field_name}: {detail['ctx']['message']}", "delete it, or write the text out plainly")
                continue
            elif detail["type"] == "enum":
                hint = did_you_mean(str(detail.get("input")), detail.get("ctx", {}).get("expected", "").replace("'", "").split(", "))
                data.add_problem((*path, *location), f"{field_name}: unknown value {detail.get('input')!r}; expected {detail.get('ctx', {}).get('expected', '')}", hint)
                continue
            else:
                message = f"{field_name}: {message} (got {detail.get('input')!r})" if location else message
            data.add_problem((*path, *location), message)
        return None


def _check_source_ref(data: BriefingData, path: PathKey, source_id: str) -> bool:
    if source_id in data.sources:
        return True
    if source_id in data.invalid_ids:
        return False  # already reported where the source is defined
    data.add_problem(
        (*path, "source"),
        f"unknown source {source_id!r}",
        did_you_mean(source_id, data.sources) or "add it under 'sources'",
    )
    return False


def _check_quote(data: BriefingData, path: PathKey, source_id: str, quote: str) -> None:
    text = data.normalised_texts.get(source_id)
    if text is None:
        return
    if normalise_text(quote) not in text:
        data.add_problem(
            (*path, "quote"),
            f"quote is not verbatim in source {source_id!r}: {quote[:60]!r}",
            "copy the sentence exactly from the source text",
        )


def file_inside(folder: Path, relative: str) -> Path | None:
    """``folder/relative`` if it is a regular file inside ``folder`` reached without links, else None."""
    if not relative or "\\" in relative or relative.startswith("/") or PurePosixPath(relative).is_absolute():
        return None
    parts = PurePosixPath(relative).parts
    if any(part in ("..", "") for part in parts):
        return None
    current = folder
    for part in parts:
        current = current / part
        if current.is_symlink():
            return None
    if not current.is_file():
        return None
    try:
        current.resolve(strict=True).relative_to(folder.resolve(strict=True))
    except (OSError, ValueError):
        return None
    return current


def _load_sources(data: BriefingData, raw: dict[str, Any], data_dir: Path) -> None:
    for source_id, entry in raw.items():
        path = ("sources", source_id)
        if not re.match(SOURCE_ID_PATTERN, str(source_id)):
            data.add_problem(path, f"source id {source_id!r} must be lower-case letters, digits and hyphens")
            continue
        source = _validate(data, Source, entry, path)
        if source is None:
            data.invalid_ids.add(source_id)
            continue
        assert isinstance(source, Source)
        text_path = file_inside(data_dir, source.text)
        try:
            if text_path is None:
                raise FileNotFoundError(source.text)
            data.source_texts[source_id] = text_path.read_bytes().decode("utf-8")
            data.normalised_texts[source_id] = normalise_text(data.source_texts[source_id])
        except OSError:
            # One message whether the file is missing, outside the data folder, a link or unreadable:
            # the build must not tell a contributor which files exist on the machine.
            data.add_problem(
                (*path, "text"),
                f"source text file not found: {source.text}",
                "copy the source into data/sources/ as a regular file, not a link, and give its path relative to the data file; files outside the data folder are never read",
            )
        except UnicodeDecodeError:
            data.add_problem((*path, "text"), f"source text file is not UTF-8: {source.text}", "save it as UTF-8")
        data.sources[source_id] = source


def _load_glossary(data: BriefingData, raw: dict[str, Any]) -> None:
    for term, expansion in raw.items():
        path = ("glossary", term)
        if not isinstance(expansion, str) or not expansion.strip():
            data.add_problem(path, f"glossary entry {term!r} needs its expansion as text")
            continue
        entry = _validate(data, GlossaryEntry, {"term": str(term), "expansion": expansion}, path)
        if isinstance(entry, GlossaryEntry):
            data.glossary[entry.term] = entry.expansion


def _load_section(data: BriefingData, name: str, raw: dict[str, Any]) -> dict[str, Any]:
    model = SECTION_MODELS[name]
    valid: dict[str, Any] = {}
    for entry_id, entry in raw.items():
        path = (name, entry_id)
        if not re.match(ID_PATTERN, str(entry_id)):
            data.add_problem(path, f"id {entry_id!r} must be lower-case words joined by dots, e.g. trade.turnover_2022")
            data.invalid_ids.add(str(entry_id))
            continue
        parsed = _validate(data, model, entry, path)
        if parsed is None:
            data.invalid_ids.add(entry_id)
            continue
        source_id = getattr(parsed, "source", None)
        if source_id is not None:
            if not _check_source_ref(data, path, source_id):
                data.invalid_ids.add(entry_id)
                continue
            quote = getattr(parsed, "quote", None)
            if quote is not None:
                _check_quote(data, path, source_id, quote)
        valid[entry_id] = parsed
    return valid


def _check_figure_values(data: BriefingData) -> None:
    for figure_id, figure in data.figures.items():
        factor = SCALE_FACTORS[figure.scale] if figure.scale else 1
        if not states_value(figure.quote, figure.value, factor):
            shown = f"{figure.value:g}" + (f" {figure.scale.value}" if figure.scale else "")
            data.add_problem(
                ("figures", figure_id, "value"),
                f"value {shown} of {figure_id!r} is not stated in its quote",
                "fix the value, or quote the sentence that states it",
            )


def _compute_derived(data: BriefingData) -> None:
    for derived_id, derived in data.derived.items():
        if derived_id in data.figures:
            data.add_problem(("derived", derived_id), f"id {derived_id!r} is both a figure and a derived figure", "rename one")
            continue
        try:
            data.formulas[derived_id] = Formula.parse(derived.formula)
        except FormulaError as error:
            data.add_problem(("derived", derived_id, "formula"), str(error))
    known = set(data.figures) | set(data.formulas)
    usable: dict[str, tuple[str, ...]] = {}
    for derived_id, formula in data.formulas.items():
        unknown = [name for name in formula.names if name not in known]
        for name in unknown:
            if name in data.invalid_ids:
                continue  # already reported where it is defined
            data.add_problem(
                ("derived", derived_id, "formula"),
                f"formula of {derived_id!r} uses unknown id {name!r}",
                did_you_mean(name, known) or "add the figure or fix the name",
            )
        if not unknown:
            usable[derived_id] = formula.names
    order, cycles = evaluation_order(usable)
    in_cycle: set[str] = set()
    for cycle in cycles:
        in_cycle.update(cycle)
        data.add_problem(("derived", cycle[0], "formula"), "formula cycle: " + " → ".join(cycle), "a derived figure cannot depend on itself")
    values: dict[str, float] = {figure_id: figure.value for figure_id, figure in data.figures.items()}
    for derived_id in order:
        formula = data.formulas[derived_id]
        if derived_id in in_cycle or any(name not in values for name in formula.names):
            data.invalid_ids.add(derived_id)
            continue
        try:
            result = formula.evaluate(values)
        except FormulaError as error:
            data.add_problem(("derived", derived_id, "formula"), f"{derived_id!r}: {error}")
            data.invalid_ids.add(derived_id)
            continue
        if not math.isfinite(result):
            data.add_problem(("derived", derived_id, "formula"), f"{derived_id!r} is not a finite number")
            data.invalid_ids.add(derived_id)
            continue
        values[derived_id] = result
        data.derived_values[derived_id] = result
    for derived_id in list(data.derived):
        if derived_id not in data.derived_values:
            data.invalid_ids.add(derived_id)
            del data.derived[derived_id]


def _check_chart_series(data: BriefingData, chart_id: str, chart: Chart) -> bool:
    """Record every problem with a chart's series; True if the chart can be drawn."""
    path = ("charts", chart_id, "series")
    known = set(data.figures) | set(data.derived)
    usable = True
    for index, figure_id in enumerate(chart.series):
        if figure_id in known:
            continue
        usable = False
        if figure_id in data.invalid_ids:
            continue  # already reported where the figure is defined
        data.add_problem(
            (*path, index),
            f"chart {chart_id!r} uses unknown figure {figure_id!r}",
            did_you_mean(figure_id, known) or "use the id of a figure or derived figure",
        )
    if not usable:
        return False
    units = {figure_id: data.quantity(figure_id) for figure_id in chart.series}
    kinds = {(quantity.unit, quantity.scale, quantity.currency) for quantity in units.values()}
    if len(kinds) > 1:
        shown = ", ".join(
            f"{figure_id} ({quantity.unit.value}"
            + (f" {quantity.currency}" if quantity.currency else "")
            + (f" {quantity.scale.value}" if quantity.scale else "")
            + ")"
            for figure_id, quantity in units.items()
        )
        data.add_problem(path, f"chart {chart_id!r} mixes units, scales or currencies: {shown}", "a chart compares like with like: use figures of one unit, scale and currency")
        return False
    unit = next(iter(units.values())).unit
    if chart.kind is ChartKind.bar and unit not in BAR_UNITS:
        data.add_problem(("charts", chart_id, "kind"), f"chart {chart_id!r} draws {unit.value} figures as bars", "a bar's length is an amount; use kind: dot for ranks")
        return False
    negative = [figure_id for figure_id in chart.series if data.value_of(figure_id) < 0]
    if chart.kind is ChartKind.bar and negative:
        data.add_problem(path, f"chart {chart_id!r} has negative values: {', '.join(negative)}", "bars start at zero; show these figures in the text instead")
        return False
    if chart.kind is ChartKind.dot and unit is not Unit.rank:
        data.add_problem(("charts", chart_id, "kind"), f"chart {chart_id!r} is a dot chart of {unit.value} figures", "kind: dot is for ranks; use kind: bar for amounts")
        return False
    return True


def _load_charts(data: BriefingData, raw: dict[str, Any]) -> None:
    for chart_id, entry in raw.items():
        path = ("charts", chart_id)
        if not re.match(CHART_ID_PATTERN, str(chart_id)):
            data.add_problem(path, f"chart id {chart_id!r} must be lower-case words joined by hyphens, e.g. trade-turnover")
            data.invalid_ids.add(str(chart_id))
            continue
        chart = _validate(data, Chart, entry, path)
        if not isinstance(chart, Chart) or not _check_chart_series(data, chart_id, chart):
            data.invalid_ids.add(chart_id)
            continue
        data.charts[chart_id] = chart


def load_briefing(path: Path, display_path: str | None = None) -> BriefingData:
    """Load and check the data file at ``path``; every problem is in the result's ``problems``."""
    shown = display_path or str(path)
    data = BriefingData(path=shown, problems=Problems())
    located = load_yaml(path, shown, data.problems)
    if located is None:
        return data
    data.located = located
    raw = located.data
    if not isinstance(raw, dict):
        data.add_problem((), "the data file must be a mapping of sections (meta, sources, figures, ...)")
        return data
    data.readable = True
    for name in raw:
        if name not in KNOWN_SECTIONS:
            data.add_problem((name,), f"unknown section {name!r}", did_you_mean(str(name), KNOWN_SECTIONS) or "allowed: " + ", ".join(KNOWN_SECTIONS))
    for name in REQUIRED_SECTIONS:
        if name not in raw:
            data.add_problem((), f"missing required section {name!r}")
    for name in KNOWN_SECTIONS[1:]:
        section = raw.get(name, {})
        if section is None:
            section = {}
        if not isinstance(section, dict):
            data.add_problem((name,), f"section {name!r} must be a mapping of id: entry")
            raw[name] = {}
    if "meta" in raw:
        meta = _validate(data, Meta, raw["meta"], ("meta",))
        data.meta = meta if isinstance(meta, Meta) else None
    _load_sources(data, raw.get("sources") or {}, path.parent)
    data.figures = _load_section(data, "figures", raw.get("figures") or {})
    data.derived = _load_section(data, "derived", raw.get("derived") or {})
    data.events = _load_section(data, "events", raw.get("events") or {})
    data.people = _load_section(data, "people", raw.get("people") or {})
    data.organisations = _load_section(data, "organisations", raw.get("organisations") or {})
    _load_glossary(data, raw.get("glossary") or {})
    _check_figure_values(data)
    _compute_derived(data)
    _load_charts(data, raw.get("charts") or {})
    return data
