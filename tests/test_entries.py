"""The plain records the build reads match the schema that validates them, field for field.

:mod:`briefing.model` (pydantic) checks the data file; :mod:`briefing.entries`
holds what passed, so a build from the cache never loads pydantic. A field
added to one and not the other would be lost or fail only on some builds;
here both are compared, names, order and defaults.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import pytest
from markupsafe import Markup
from pydantic_core import PydanticUndefined

from briefing import entries
from briefing import model as schema
from tests.support.rendering import real_data

# What the loader adds to a record of an entry backed by a passage.
BOUND = ("quote", "source")
MODELS = [schema.Meta, *schema.SECTION_MODELS.values()]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_each_record_has_its_schemas_fields_and_defaults(model: type[schema.Strict]) -> None:
    record = model.record
    assert record is not None and record.__name__ == model.__name__
    assert record.__module__ == "briefing.entries"
    bound = BOUND if issubclass(model, schema.Quoted) else ()
    fields = {
        field.name: field
        for field in dataclasses.fields(record)
        if field.name not in bound or field.name in model.model_fields
    }
    assert list(fields) == list(model.model_fields)
    for name, info in model.model_fields.items():
        field = fields[name]
        if info.default_factory is not None:
            assert (
                field.default_factory is not dataclasses.MISSING and field.default_factory() == info.default_factory()
            )  # type: ignore[call-arg]
        elif info.default is PydanticUndefined:
            assert field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING, name
        else:
            assert field.default == info.default, name


def test_the_real_data_is_held_as_plain_records_only() -> None:
    data = real_data()
    assert not data.problems, data.problems.report()
    held = [data.meta, *data.sources.values(), *data.passages.values(), *data.figures.values(), *data.derived.values()]
    held += [*data.events.values(), *data.people.values(), *data.organisations.values(), *data.charts.values()]
    held += list(data.changes.values())
    assert held and all(type(entry).__module__ == "briefing.entries" for entry in held)
    figure = data.figures["trade.turnover_2022"]
    passage = data.passages[figure.passage]
    assert (figure.quote, figure.source) == (passage.text, passage.source)
    with pytest.raises(dataclasses.FrozenInstanceError):
        figure.value = 1.0  # type: ignore[misc]


def test_a_quotation_is_the_stored_text_and_shows_the_sources_slips_marked() -> None:
    quotation = entries.Quotation("aide to the the <b>Russian</b> President", ["the the"])
    assert quotation == "aide to the the <b>Russian</b> President" and json.dumps(quotation) == json.dumps(
        str(quotation)
    )
    assert Markup("{}").format(quotation) == "aide to the the [sic] &lt;b&gt;Russian&lt;/b&gt; President"
    again = pickle.loads(pickle.dumps(quotation))  # noqa: S301 - our own bytes; the build cache keeps records pickled
    assert (again, again.slips) == (quotation, ("the the",))


@pytest.mark.parametrize(
    ("text", "slips", "shown"),
    [
        ("aide to the the President", ["the the", "the"], "aide to the the [sic] President"),
        ("its visits", ["its"], "its [sic] visits"),
        ("conducted cross-boder flights", ["cross-boder", "cross-boder"], "conducted cross-boder [sic] flights"),
        ("no slips here", ["", " "], "no slips here"),
    ],
)
def test_a_slip_is_marked_once_where_it_stands_as_whole_words(text: str, slips: list[str], shown: str) -> None:
    assert str(Markup("{}").format(entries.Quotation(text, slips))) == shown


def test_the_real_datas_slips_are_marked_where_quoted_and_kept_in_the_downloads(built_site: Path) -> None:
    data = real_data()
    slips = {slip: passage for passage in data.passages.values() for slip in passage.sic}
    assert slips, "the source has slips the briefing marks ('cross-boder', 'the the')"
    for slip, passage in slips.items():
        shown = [page for page in built_site.rglob("*.html") if passage.text[:30] in page.read_text(encoding="utf-8")]
        assert shown, slip
        for page in shown:
            html = page.read_text(encoding="utf-8")
            assert html.count(f"{slip} [sic]") == html.count(passage.text[:30]), page
    figures_csv = (built_site / "downloads" / "figures.csv").read_text(encoding="utf-8")
    assert "[sic]" not in figures_csv and "cross-boder" in figures_csv, "the downloads keep the exact wording"
