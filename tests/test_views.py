"""The rows the listing and chart templates get: prepared in Python, laid out by templates that look nothing up."""

from __future__ import annotations

import datetime as dt

import pytest
from jinja2 import meta

from briefing import model as schema
from briefing import views
from briefing.editions import Edition
from briefing.entries import Change, Organisation
from briefing.render import template_environment
from tests.conftest import DATA_FILE
from tests.support.rendering import renderer


@pytest.mark.parametrize(
    ("template", "given"),
    [
        ("key_figures.html", {"key_figures"}),
        ("timeline.html", {"events"}),
        ("people.html", {"people", "organisations"}),
        ("chart.html", {"chart", "svgs", "hrefs", "derived_mark"}),
        ("glossary.html", {"glossary"}),
        ("sources.html", {"sources"}),
        ("changes.html", {"editions", "earlier"}),
        ("change_note.html", {"changes", "compact", "href"}),
        ("date.html", {"iso", "text"}),
    ],
)
def test_templates_are_given_rows_not_the_renderer(template: str, given: set[str]) -> None:
    environment = template_environment()
    assert environment.loader is not None
    source, _, _ = environment.loader.get_source(environment, template)
    assert meta.find_undeclared_variables(environment.parse(source)) == given


def test_key_figure_rows_carry_value_source_quote_and_formula() -> None:
    subject = renderer("key-figures.md")
    table = views.key_figures(subject.data, subject)
    assert [row.figure_id for row in table.stated] == list(subject.data.figures)
    assert [row.figure_id for row in table.derived] == list(subject.data.derived)
    [turnover] = [row for row in table.stated if row.figure_id == "trade.turnover_2022"]
    assert turnover.value_text == "US$185 billion"
    assert turnover.source == views.SourceLink(
        href="../sources/#source-vovworld-2023-03", short="VOV World, March 2023"
    )
    assert "185 billion USD" in turnover.quote
    assert (turnover.formula, turnover.inputs) == ("", ())
    [share] = [row for row in table.derived if row.figure_id == "trade.target_share_2022"]
    assert share.value_text == "92.5%"
    assert (share.source, share.quote) == (None, "")
    assert share.formula.endswith("÷ Trade turnover goal, by 2024 × 100")
    assert [link.anchor for link in share.inputs] == ["trade.turnover_2022", "trade.target_2024"]
    assert share.inputs[1].label == "Trade turnover goal, by 2024"


def test_timeline_is_in_date_order_with_dates_at_their_precision() -> None:
    subject = renderer("timeline.md")
    events = views.timeline(subject.data, subject)
    assert len(events) == len(subject.data.events)
    assert [subject.data.events[event.event_id].date for event in events] == sorted(
        event.date for event in subject.data.events.values()
    )
    by_id = {event.event_id: event for event in events}
    assert (by_id["trade.china_top_partner_2010"].iso_date, by_id["trade.china_top_partner_2010"].date_text) == (
        "2010",
        "2010",
    )
    assert [(event.iso_date, event.date_text) for event in events][-1] == ("2023-03-20", "20 March 2023")
    assert ("2022-11", "November 2022") in [(event.iso_date, event.date_text) for event in events]
    assert events[0].source.href == "../sources/#source-vovworld-2023-03"


def test_iso_date_keeps_what_is_known() -> None:
    day = dt.date(2023, 3, 20)
    assert [views.iso_date(day, precision) for precision in ("day", "month", "year")] == [
        "2023-03-20",
        "2023-03",
        "2023",
    ]


def test_an_abbreviation_that_is_the_name_is_not_repeated() -> None:
    subject = renderer("people.md")
    subject.data.organisations = {
        "un": Organisation(name="United Nations", abbreviation="UN", description="d.", source="vovworld-2023-03"),
        "brics": Organisation(name="BRICS", abbreviation="BRICS", description="d.", source="vovworld-2023-03"),
        "daily": Organisation(name="People's Daily", description="d.", source="vovworld-2023-03"),
    }
    shown = {entry.organisation_id: entry.abbreviation for entry in views.organisations(subject.data, subject)}
    assert shown == {"un": "UN", "brics": "", "daily": ""}
    html = str(subject.people_list())
    assert "United Nations (UN)</dt>" in html and "BRICS</dt>" in html and "BRICS (BRICS)" not in html


@pytest.mark.parametrize("chart_id", ["trade-turnover-vs-goal", "trade-jan-feb"])
def test_chart_rows_link_each_value_to_key_figures_and_give_its_evidence(chart_id: str) -> None:
    subject = renderer("trade.md")
    rendered = subject.rendered_chart(chart_id)
    assert rendered is not None
    chart = views.chart_view(subject.data, subject, rendered)
    assert chart.chart_id == chart_id
    assert [row.figure_id for row in chart.rows] == list(subject.data.charts[chart_id].series)
    assert chart.has_derived == any(row.figure_id in subject.data.derived for row in chart.rows)
    for row in chart.rows:
        assert row.href == f"../key-figures/#{row.figure_id}"
        assert row.derived == (row.figure_id in subject.data.derived)
        if row.derived:
            assert row.formula and (row.source_short, row.quote) == ("", "")
        else:
            assert row.formula == "" and row.quote == subject.data.figures[row.figure_id].quote
            assert row.source_short == "VOV World, March 2023"
    assert [source.href for source in chart.sources] == ["../sources/#source-vovworld-2023-03"]


def logged(version: str, date: str, kind: str, what: str, pages: list[str] | None = None) -> Change:
    return schema.Change.model_validate(
        {"version": version, "date": date, "kind": kind, "what": what, "why": "Because.", "pages": pages or []}
    ).to_record()


def test_changes_are_grouped_by_edition_newest_first_keeping_their_order_within_a_day() -> None:
    subject = renderer("changes.md")
    subject.data.changes = {
        "first": logged("1.1.0", "2026-11-28", "correction", "First.", ["trade.md", "nowhere.md"]),
        "later": logged("1.2.0", "2026-12-01", "update", "Later."),
        "second": logged("1.1.0", "2026-11-28", "addition", "Second."),
        "tenth": logged("1.10.0", "2027-01-05", "update", "Tenth."),
    }
    trade = views.PageLink(href="../trade/", title="Trade and the economy")
    editions = views.changes_by_edition(subject.data, "en_GB", {"trade.md": trade})
    assert [edition.version for edition in editions] == ["1.10.0", "1.2.0", "1.1.0"]
    assert [change.change_id for change in editions[2].changes] == ["first", "second"]
    first = editions[2].changes[0]
    assert (first.kind, first.iso_date, first.date_text, first.what) == (
        "correction",
        "2026-11-28",
        "28 November 2026",
        "First.",
    )
    assert first.pages == (trade, views.PageLink(href="nowhere.md", title="nowhere.md"))
    subject.data.changes["latest"] = logged("1.10.0", "2027-01-09", "correction", "Latest.", ["trade.md"])
    assert [change.change_id for change in views.page_changes(subject.data, "trade.md", "en_GB")] == ["latest", "first"]
    assert views.page_changes(subject.data, "energy.md", "en_GB") == ()


def test_earlier_editions_are_those_before_this_one_that_kept_their_pdf() -> None:
    subject = renderer("changes.md")
    assert subject.data.meta is not None
    current = subject.data.meta.version
    editions = [
        Edition("0.9.0", dt.date(2026, 1, 5), "first", {}, None),
        Edition("1.0.0", dt.date(2026, 3, 1), "first", {}, DATA_FILE),
        Edition(current, dt.date(2026, 11, 28), "correction", {}, DATA_FILE),
    ]
    earlier = views.earlier_editions(subject.data, editions, "en_GB", lambda version: f"pdf/{version}.pdf")
    assert earlier == (
        views.EarlierEdition(version="1.0.0", href="pdf/1.0.0.pdf", iso_date="2026-03-01", date_text="1 March 2026"),
    )
