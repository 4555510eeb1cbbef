"""Load, validate and cross-check the briefing's data file, once per build.

:func:`load_briefing` returns a :class:`BriefingData` holding every entry that
is valid, the computed values of derived figures, and a :class:`Problems`
list with every mistake found, each located at ``file:line:column``. It never
raises on bad input: the caller decides when to stop, after the pages have
been checked too, so that one build reports everything.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from briefing import model as schema
from briefing.entries import (
    SCALE_FACTORS,
    BriefingData,
    Chart,
    ChartKind,
    Derived,
    Figure,
    Quotation,
    Quoted,
    Unit,
    slip_pattern,
)
from briefing.formula import Formula, FormulaError, evaluation_order
from briefing.model import CHART_ID_PATTERN, ID_PATTERN, SECTION_MODELS, SOURCE_ID_PATTERN
from briefing.problems import Problems, did_you_mean
from briefing.quotes import (
    KIND_NAMES,
    SCALE_NAMES,
    SpanError,
    clause_search_text,
    find_span,
    normalise_text,
    numbers_in,
    qualifier_before,
    read_statement,
    same_number,
    text_sha256,
    whole_clause_problem,
)
from briefing.readernumbers import READER_TEXT_FIELDS, hand_typed_in_text
from briefing.units import Dimension, UnitError, formula_dimension, unit_dimension, unit_of_result
from briefing.yamlsource import PathKey, load_yaml

REQUIRED_SECTIONS = ("meta", "sources", "passages", "figures")
KNOWN_SECTIONS = (*REQUIRED_SECTIONS, "derived", "events", "people", "organisations", "glossary", "charts", "changes")
PASSAGE_HINT = (
    "quotes are stored once under 'passages:'; put the sentence there with its source "
    "and write 'passage: <id>' here (README, 'Add a figure')"
)
# Units a bar's length can stand for; ranks and years are positions, not amounts.
BAR_UNITS = frozenset({Unit.currency, Unit.cubic_metres, Unit.count, Unit.percent, Unit.multiplier, Unit.years})


def _field_path(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location) or "(entry)"


def _validate(data: BriefingData, model: type[schema.Strict], raw: Any, path: PathKey) -> schema.Strict | None:
    if issubclass(model, schema.Quoted) and isinstance(raw, dict) and "quote" in raw and "passage" not in raw:
        data.add_problem((*path, "quote"), "'quote:' is no longer written in the entry", PASSAGE_HINT)
        return None
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
                if issubclass(model, schema.Quoted) and location[-1] in ("quote", "source"):
                    data.add_problem((*path, *location), message, PASSAGE_HINT)
                    continue
                hint = did_you_mean(str(location[-1]), allowed) or "allowed: " + ", ".join(allowed)
                data.add_problem((*path, *location), message, hint)
                continue
            elif detail["type"] == "string_type" and isinstance(detail.get("input"), dt.date):
                data.add_problem(
                    (*path, *location),
                    f"{field_name}: YAML read this as a date, but it is text",
                    f'put it in quotes: {field_name}: "{detail["input"].isoformat()}"',
                )
                continue
            elif detail["type"] == "plain_text" and data.located is not None:
                line, column = data.located.where_character((*path, *location), detail["ctx"]["character"])
                data.problems.add(
                    data.path,
                    line,
                    column,
                    f"{field_name}: {detail['ctx']['message']}",
                    "delete it, or write the text out plainly",
                )
                continue
            elif detail["type"] == "enum":
                hint = did_you_mean(
                    str(detail.get("input")), detail.get("ctx", {}).get("expected", "").replace("'", "").split(", ")
                )
                data.add_problem(
                    (*path, *location),
                    f"{field_name}: unknown value {detail.get('input')!r}; expected {detail.get('ctx', {}).get('expected', '')}",
                    hint,
                )
                continue
            else:
                message = f"{field_name}: {message} (got {detail.get('input')!r})" if location else message
            data.add_problem((*path, *location), message)
        return None


def _check_source_ref(data: BriefingData, path: PathKey, source_id: str) -> bool:
    if source_id in data.sources:
        return True
    if source_id in data.invalid_ids:
        return False  # the source's own mistake is reported where it is written
    data.add_problem(
        (*path, "source"),
        f"unknown source {source_id!r}",
        did_you_mean(source_id, data.sources) or "add it under 'sources'",
    )
    return False


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


def _valid_entries(
    data: BriefingData, section: str, raw: dict[str, Any], id_pattern: str, bad_id: str, model: type[schema.Strict]
) -> Iterator[tuple[str, PathKey, Any]]:
    """Each entry of ``section`` with a well-formed id that validates as ``model``, as its record, with its path.

    An entry whose id does not match ``id_pattern`` is reported with ``bad_id`` (formatted
    with the id's repr), one that does not validate with its fields' problems; both are
    marked invalid, so what names them gives no follow-on message.
    """
    for entry_id, entry in raw.items():
        path = (section, entry_id)
        if not re.match(id_pattern, str(entry_id)):
            data.add_problem(path, bad_id.format(repr(entry_id)))
            data.invalid_ids.add(str(entry_id))
            continue
        parsed = _validate(data, model, entry, path)
        if not isinstance(parsed, model):
            data.invalid_ids.add(entry_id)
            continue
        yield entry_id, path, parsed.to_record()


def _load_sources(data: BriefingData, raw: dict[str, Any], data_dir: Path) -> None:
    entries = _valid_entries(
        data,
        "sources",
        raw,
        SOURCE_ID_PATTERN,
        "source id {} must be lower-case letters, digits and hyphens",
        schema.Source,
    )
    for source_id, path, source in entries:
        data.sources[source_id] = source
        text_path = file_inside(data_dir, source.text)
        try:
            if text_path is None:
                raise FileNotFoundError(source.text)
            raw_text = text_path.read_bytes()
            text = raw_text.decode("utf-8")
        except OSError:
            # One message whether the file is missing, outside the data folder, a link or unreadable:
            # the build must not tell a contributor which files exist on the machine.
            data.add_problem(
                (*path, "text"),
                f"source text file not found: {source.text}",
                "copy the source into data/sources/ as a regular file, not a link, and give its path relative to the data file; files outside the data folder are never read",
            )
            continue
        except UnicodeDecodeError:
            data.add_problem((*path, "text"), f"source text file is not UTF-8: {source.text}", "save it as UTF-8")
            continue
        digest = text_sha256(raw_text)
        if source.sha256 is None:
            data.add_problem(
                path,
                f"source {source_id!r} is not sealed: its text has no recorded SHA-256",
                f"add 'sha256: {digest}' to the entry (the hash of {source.text} as it is now)",
            )
            continue
        if source.sha256 != digest:
            # The passages of a changed text are not checked: the change itself is the one problem.
            data.add_problem(
                (*path, "sha256"),
                f"source text {source.text} has changed since it was sealed: recorded sha256 {source.sha256}, the file now has {digest}",
                "a stored source is evidence and is not edited to fit a figure; if the change is a correction of the "
                f"capture, record it: set 'sha256: {digest}' and log the change in the data file",
            )
            continue
        data.source_texts[source_id] = text
        data.normalised_texts[source_id] = normalise_text(text)


def _load_passages(data: BriefingData, raw: dict[str, Any]) -> None:
    clause_texts: dict[str, str] = {}  # each source prepared once for the whole-clause check, not once per passage
    bad_id = "passage id {} must be lower-case letters, digits and hyphens, e.g. trade-2022"
    for passage_id, path, passage in _valid_entries(data, "passages", raw, SOURCE_ID_PATTERN, bad_id, schema.Passage):
        if not _check_source_ref(data, path, passage.source):
            data.invalid_ids.add(passage_id)
            continue
        text = data.source_texts.get(passage.source)
        if text is None:
            data.invalid_ids.add(passage_id)  # the source's own problem is reported
            continue
        if normalise_text(passage.text) not in data.normalised_texts[passage.source]:
            data.add_problem(
                (*path, "text"),
                f"passage {passage_id!r} is not word for word in source {passage.source!r}: {passage.text[:60]!r}",
                "copy the sentence exactly from the source text (spacing and quote-mark style may differ)",
            )
            data.invalid_ids.add(passage_id)
            continue
        if passage.source not in clause_texts:
            clause_texts[passage.source] = clause_search_text(text)
        if (problem := whole_clause_problem(passage.text, text, search_text=clause_texts[passage.source])) is not None:
            data.add_problem(
                (*path, "text"),
                f"passage {passage_id!r} {problem}: {passage.text!r}",
                "evidence is a whole sentence or clause of the source; copy it from its start to its full stop or comma",
            )
            data.invalid_ids.add(passage_id)
            continue
        for index, slip in enumerate(passage.sic):
            pattern = slip_pattern([slip])
            if pattern is None or not pattern.search(passage.text):
                data.add_problem(
                    (*path, "sic", index),
                    f"passage {passage_id!r} marks {slip!r} [sic], but its text does not have it as whole words",
                    "copy the slip exactly as the passage has it (whole words), or remove it from 'sic'",
                )
            elif slip in passage.sic[:index]:
                data.add_problem(
                    (*path, "sic", index), f"passage {passage_id!r} marks {slip!r} [sic] twice", "list it once"
                )
        data.passages[passage_id] = passage


def _load_glossary(data: BriefingData, raw: dict[str, Any]) -> None:
    for term, expansion in raw.items():
        path = ("glossary", term)
        if not isinstance(expansion, str) or not expansion.strip():
            data.add_problem(path, f"glossary entry {term!r} needs its expansion as text")
            continue
        entry = _validate(data, schema.GlossaryEntry, {"term": str(term), "expansion": expansion}, path)
        if isinstance(entry, schema.GlossaryEntry):
            data.glossary[entry.term] = entry.expansion


def _load_section(data: BriefingData, name: str, raw: dict[str, Any]) -> dict[str, Any]:
    valid: dict[str, Any] = {}
    bad_id = "id {} must be lower-case words joined by dots, e.g. trade.turnover_2022"
    for entry_id, path, parsed in _valid_entries(data, name, raw, ID_PATTERN, bad_id, SECTION_MODELS[name]):
        if isinstance(parsed, Quoted):
            passage = data.passages.get(parsed.passage)
            if passage is None:
                if parsed.passage not in data.invalid_ids:  # an invalid passage is reported where it is written
                    data.add_problem(
                        (*path, "passage"),
                        f"unknown passage {parsed.passage!r}",
                        did_you_mean(parsed.passage, data.passages)
                        or "add it under 'passages:' with its source and text",
                    )
                data.invalid_ids.add(entry_id)
                continue
            valid[entry_id] = replace(parsed, quote=Quotation(passage.text, passage.sic), source=passage.source)
            continue
        if (source_id := getattr(parsed, "source", None)) is not None and not _check_source_ref(data, path, source_id):
            data.invalid_ids.add(entry_id)
            continue
        valid[entry_id] = parsed
    return valid


def _shown_number(value: float, scale_factor: float) -> str:
    return f"{value:g}" + (f" {SCALE_NAMES[scale_factor]}" if scale_factor != 1 else "")


def _figure_evidence_problems(
    figure_id: str, figure: Figure
) -> tuple[list[tuple[str, str, str]], tuple[str, int] | None]:
    """Every way the words a figure names fail to state it, as (field, message, hint), and where its number is."""
    path_hint = "name the words of the passage that state this figure, e.g. states: nearly 33.7 billion USD"
    passage = normalise_text(figure.quote)
    positions = find_span(figure.states, passage)
    if not positions:
        return [
            (
                "states",
                f"{figure_id!r} names the words {figure.states!r}, which are not in passage {figure.passage!r}",
                "copy them exactly from the passage",
            )
        ], None
    if len(positions) > 1:
        return [
            (
                "states",
                f"the words {figure.states!r} of {figure_id!r} appear {len(positions)} times in passage {figure.passage!r}",
                "add a neighbouring word so they name one place",
            )
        ], None
    try:
        stated = read_statement(figure.states)
    except SpanError as error:
        return [("states", f"the words {figure.states!r} of {figure_id!r} {error}", path_hint)], None
    span = normalise_text(figure.states)
    number_at = positions[0] + next(start for start, *_ in numbers_in(span))
    problems: list[tuple[str, str, str]] = []
    unit = figure.unit.value
    if stated.kind != unit:
        problems.append(
            (
                "unit",
                f"{figure_id!r} has unit {unit}, but its words {figure.states!r} state {KIND_NAMES[stated.kind]}",
                f"set unit: {stated.kind}, or name the words that state this figure",
            )
        )
    elif stated.kind == "currency" and stated.currency != figure.currency:
        problems.append(
            (
                "currency",
                f"{figure_id!r} has currency {figure.currency}, but its words {figure.states!r} state {stated.currency}",
                f"set currency: {stated.currency}",
            )
        )
    factor = float(SCALE_FACTORS[figure.scale]) if figure.scale else 1.0
    if not same_number(stated, figure.value, factor):
        if stated.value == figure.value:
            problems.append(
                (
                    "scale",
                    f"{figure_id!r} has scale {figure.scale.value if figure.scale else '(none)'}, but its words "
                    f"{figure.states!r} state {_shown_number(stated.value, stated.scale)}",
                    f"set scale: {SCALE_NAMES[stated.scale]}" if stated.scale != 1 else "remove 'scale'",
                )
            )
        else:
            problems.append(
                (
                    "value",
                    f"{figure_id!r} has value {_shown_number(figure.value, factor)}, but its words "
                    f"{figure.states!r} state {_shown_number(stated.value, stated.scale)}",
                    "fix the value, or name the words of the passage that state it",
                )
            )
    in_source = qualifier_before(passage, number_at)
    if in_source != figure.qualifier:
        if in_source is None:
            problems.append(
                (
                    "qualifier",
                    f"{figure_id!r} has qualifier {figure.qualifier!r}, but the source states the number without one: "
                    f"{figure.states!r}",
                    "remove 'qualifier': a figure says no more than its source",
                )
            )
        elif figure.qualifier is None:
            problems.append(
                (
                    "qualifier",
                    f"{figure_id!r} drops the source's {in_source!r}: the passage says {in_source!r} before {stated.words!r}",
                    f"add 'qualifier: {in_source}'",
                )
            )
        else:
            problems.append(
                (
                    "qualifier",
                    f"{figure_id!r} has qualifier {figure.qualifier!r}, but the source says {in_source!r}",
                    f"set 'qualifier: {in_source}'",
                )
            )
    return problems, (figure.passage, number_at)


def _check_figure_evidence(data: BriefingData) -> None:
    """Bind each figure to the words that state it; a figure whose words do not state it is invalid.

    One number of a source is evidence for one figure. When two figures name the
    same number, the one whose other checks fail (else the later one) is blamed,
    with that one message only: its other failures follow from the same mistake.
    """
    found = {figure_id: _figure_evidence_problems(figure_id, figure) for figure_id, figure in data.figures.items()}
    by_number: dict[tuple[str, int], list[str]] = {}
    for figure_id, (_, number) in found.items():
        if number is not None:
            by_number.setdefault(number, []).append(figure_id)
    blamed: dict[str, str] = {}
    for sharing in by_number.values():
        if len(sharing) < 2:
            continue
        failing = [figure_id for figure_id in sharing if found[figure_id][0]]
        culprits = failing if 0 < len(failing) < len(sharing) else sharing[1:]
        innocent = next(figure_id for figure_id in sharing if figure_id not in culprits)
        for figure_id in culprits:
            blamed[figure_id] = innocent
    for figure_id, (problems, _) in found.items():
        figure = data.figures[figure_id]
        if figure_id in blamed:
            problems = [  # noqa: PLW2901 - this figure's problems are replaced by the one that explains them
                (
                    "states",
                    f"{figure_id!r} names the words {figure.states!r}, whose number already states {blamed[figure_id]!r} "
                    f"(passage {figure.passage!r})",
                    "one number of the source is evidence for one figure: check the value and the words this figure names",
                )
            ]
        for field_name, message, hint in problems:
            data.add_problem(("figures", figure_id, field_name), message, hint)
        if problems:
            del data.figures[figure_id]
            data.invalid_ids.add(figure_id)


def _check_unused_passages(data: BriefingData, raw_sections: dict[str, Any]) -> None:
    if any(
        entry_id in data.invalid_ids
        for name in ("figures", "events", "people")
        for entry_id in raw_sections.get(name) or {}
    ):
        return  # an entry that failed may be the one meant to use it: its own problem is the message
    referenced = {
        entry.get("passage")
        for name in ("figures", "events", "people")
        for entry in (raw_sections.get(name) or {}).values()
        if isinstance(entry, dict)
    }
    for passage_id in data.passages:
        if passage_id not in referenced:
            data.add_problem(
                ("passages", passage_id),
                f"passage {passage_id!r} is not used by any figure, event or person",
                "remove it, or name it with 'passage:' in the entry it supports",
            )


def _dimension_of(data: BriefingData, figure_id: str, dimensions: dict[str, Dimension]) -> Dimension:
    if figure_id not in dimensions:
        figure = data.figures[figure_id]
        dimensions[figure_id] = unit_dimension(figure_id, figure.unit, figure.currency, figure.scale)
    return dimensions[figure_id]


def _derived_units(
    data: BriefingData, derived_id: str, derived: Derived, dimensions: dict[str, Dimension]
) -> Derived | None:
    """The derived figure with its unit fields computed from its inputs, or None (problem recorded)."""
    formula = data.formulas[derived_id]
    for name in formula.names:
        if name in data.figures:
            _dimension_of(data, name, dimensions)
    try:
        dimension = formula_dimension(formula, dimensions)
    except UnitError as error:
        data.add_problem(
            ("derived", derived_id, "formula"),
            f"formula of {derived_id!r} {error}",
            "a formula combines like with like: one currency and one scale",
        )
        return None
    computed = unit_of_result(dimension)
    if dimension.bases and computed is not None and dimension.scale != 1 and computed[2] is None:
        data.add_problem(
            ("derived", derived_id, "formula"),
            f"formula of {derived_id!r} gives {dimension.describe()}, at no scale readers know",
            "check the formula's multiplications",
        )
        return None
    if computed is None:
        if dimension.bases:
            data.add_problem(
                ("derived", derived_id, "formula"),
                f"formula of {derived_id!r} gives {dimension.describe()}, which no unit measures",
                "check the formula: an amount divided by an amount of the same currency is a ratio",
            )
            return None
        if derived.unit not in (Unit.percent, Unit.multiplier, Unit.count):
            shown = derived.unit.value if derived.unit else "(none)"
            data.add_problem(
                ("derived", derived_id, "unit"),
                f"formula of {derived_id!r} gives a plain number (a ratio), but unit is {shown}",
                "set unit: percent (with × 100 in the formula), multiplier or count",
            )
            return None
        if derived.currency or derived.scale:
            data.add_problem(
                ("derived", derived_id, "currency" if derived.currency else "scale"),
                f"formula of {derived_id!r} gives a plain number, which has no currency or scale",
                "remove 'currency' and 'scale'",
            )
            return None
        dimensions[derived_id] = Dimension()
        return derived
    unit, currency, scale = computed
    declared = {"unit": derived.unit, "currency": derived.currency, "scale": derived.scale}
    for field_name, value in (("unit", unit), ("currency", currency), ("scale", scale)):
        written = declared[field_name]
        if written is not None and written != value:
            shown = getattr(value, "value", value) or "(none)"
            data.add_problem(
                ("derived", derived_id, field_name),
                f"{derived_id!r} has {field_name} {getattr(written, 'value', written)}, but its formula gives {shown} "
                f"({dimension.describe()} from {', '.join(formula.names)})",
                f"set {field_name}: {shown}, or leave it out: it follows from the inputs"
                if value
                else f"remove '{field_name}'",
            )
            return None
    dimensions[derived_id] = dimension
    return replace(derived, unit=unit, currency=currency, scale=scale)


def _compute_derived(data: BriefingData) -> None:
    for derived_id, derived in data.derived.items():
        if derived_id in data.figures:
            data.add_problem(
                ("derived", derived_id), f"id {derived_id!r} is both a figure and a derived figure", "rename one"
            )
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
                continue  # the input's own mistake is reported where it is written
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
        data.add_problem(
            ("derived", cycle[0], "formula"),
            "formula cycle: " + " → ".join(cycle),
            "a derived figure cannot depend on itself",
        )
    values: dict[str, float] = {figure_id: figure.value for figure_id, figure in data.figures.items()}
    dimensions: dict[str, Dimension] = {}
    for derived_id in order:
        formula = data.formulas[derived_id]
        if derived_id in in_cycle or any(name not in values for name in formula.names):
            data.invalid_ids.add(derived_id)
            continue
        resolved = _derived_units(data, derived_id, data.derived[derived_id], dimensions)
        if resolved is None:
            data.invalid_ids.add(derived_id)
            continue
        data.derived[derived_id] = resolved
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
        data.add_problem(
            path,
            f"chart {chart_id!r} mixes units, scales or currencies: {shown}",
            "a chart compares like with like: use figures of one unit, scale and currency",
        )
        return False
    unit = next(iter(units.values())).unit
    if chart.kind is ChartKind.bar and unit not in BAR_UNITS:
        data.add_problem(
            ("charts", chart_id, "kind"),
            f"chart {chart_id!r} draws {unit.value} figures as bars",
            "a bar's length is an amount; use kind: dot for ranks",
        )
        return False
    negative = [figure_id for figure_id in chart.series if data.value_of(figure_id) < 0]
    if chart.kind is ChartKind.bar and negative:
        data.add_problem(
            path,
            f"chart {chart_id!r} has negative values: {', '.join(negative)}",
            "bars start at zero; show these figures in the text instead",
        )
        return False
    if chart.kind is ChartKind.dot and unit is not Unit.rank:
        data.add_problem(
            ("charts", chart_id, "kind"),
            f"chart {chart_id!r} is a dot chart of {unit.value} figures",
            "kind: dot is for ranks; use kind: bar for amounts",
        )
        return False
    return True


def _load_charts(data: BriefingData, raw: dict[str, Any]) -> None:
    bad_id = "chart id {} must be lower-case words joined by hyphens, e.g. trade-turnover"
    for chart_id, _, chart in _valid_entries(data, "charts", raw, CHART_ID_PATTERN, bad_id, schema.Chart):
        if not _check_chart_series(data, chart_id, chart):
            data.invalid_ids.add(chart_id)
            continue
        data.charts[chart_id] = chart


def _check_change_entries(data: BriefingData) -> None:
    """Each id a change names must be a figure, derived figure, passage or source."""
    known = {*data.figures, *data.derived, *data.passages, *data.sources}
    for change_id, change in data.changes.items():
        for index, entry_id in enumerate(change.entries):
            if entry_id not in known and entry_id not in data.invalid_ids:
                data.add_problem(
                    ("changes", change_id, "entries", index),
                    f"change {change_id!r} names unknown entry {entry_id!r}",
                    did_you_mean(entry_id, known) or "name a figure, derived figure, passage or source",
                )


def _check_reader_text(data: BriefingData, raw: dict[str, Any], allowed: frozenset[str]) -> None:
    """Record every hand-typed number in the data file's free text (labels, notes, captions, ...)."""

    def check(path: PathKey, value: Any) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                check((*path, index), item)
            return
        if not isinstance(value, str):
            return
        for number in hand_typed_in_text(value, allowed, allow_years=True):
            where = ".".join(str(part) for part in (path[0], *path[2:])) + (
                f" of {path[1]!r}" if len(path) > 2 else f" {path[1]!r}"
            )
            data.add_problem(
                path,
                f'hand-typed number {number.token!r} in {where}: "{number.context}"',
                "readers see this text and no source backs the number: write it without the number, "
                "or list it in extra.briefing.allowed_numbers (mkdocs.yml) with the reason",
            )

    meta = raw.get("meta")
    if isinstance(meta, dict):
        for field_name in READER_TEXT_FIELDS["meta"]:
            check(("meta", field_name), meta.get(field_name))
    for section, field_names in READER_TEXT_FIELDS.items():
        entries = raw.get(section)
        if section == "meta" or not isinstance(entries, dict):
            continue
        for entry_id, entry in entries.items():
            if not isinstance(entry, dict):
                continue
            for field_name in field_names:
                check((section, entry_id, field_name), entry.get(field_name))
    for term, expansion in data.glossary.items():
        check(("glossary", term), expansion)


def load_briefing(
    path: Path, display_path: str | None = None, allowed_numbers: frozenset[str] = frozenset()
) -> BriefingData:
    """Load and check the data file at ``path``; every problem is in the result's ``problems``.

    ``allowed_numbers`` are the tokens of ``extra.briefing.allowed_numbers`` that free text may contain.
    """
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
            data.add_problem(
                (name,),
                f"unknown section {name!r}",
                did_you_mean(str(name), KNOWN_SECTIONS) or "allowed: " + ", ".join(KNOWN_SECTIONS),
            )
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
        meta = _validate(data, schema.Meta, raw["meta"], ("meta",))
        data.meta = meta.to_record() if isinstance(meta, schema.Meta) else None
    _load_sources(data, raw.get("sources") or {}, path.parent)
    _load_passages(data, raw.get("passages") or {})
    data.figures = _load_section(data, "figures", raw.get("figures") or {})
    data.derived = _load_section(data, "derived", raw.get("derived") or {})
    data.events = _load_section(data, "events", raw.get("events") or {})
    data.people = _load_section(data, "people", raw.get("people") or {})
    data.organisations = _load_section(data, "organisations", raw.get("organisations") or {})
    _load_glossary(data, raw.get("glossary") or {})
    _check_figure_evidence(data)
    _check_unused_passages(data, raw)
    _compute_derived(data)
    _load_charts(data, raw.get("charts") or {})
    data.changes = _load_section(data, "changes", raw.get("changes") or {})
    _check_change_entries(data)
    _check_reader_text(data, raw, allowed_numbers)
    return data
