"""Reading numbers out of quotes, and evaluating derived-figure formulas."""

from __future__ import annotations

import re

import pytest

from briefing.formula import Formula, FormulaError, evaluation_order
from briefing.quotes import (
    SpanError,
    clause_search_text,
    is_verbatim,
    qualifier_before,
    read_statement,
    whole_clause_problem,
)

SOURCE = (
    "Russia-China partnership\n\n"
    "Last year trade turnover between Russia and China reached a record 185 billion USD, very close to the goal of "
    "200 billion USD by 2024. Four units of the Tianwan Nuclear Power Plant and one CEFR fast neutron nuclear reactor "
    "are under construction in China with Russian help.\n\n"
    "Chinese President Xi's Russia visit - ảnh 1Chinese President Xi Jinping meets Russian President Vladimir Putin "
    "at the Kremlin on March 20, 2023.\n"
)


@pytest.mark.parametrize(
    ("span", "value", "scale", "kind", "currency"),
    [
        ("a record 185 billion USD", 185, 1e9, "currency", "USD"),
        ("US$185bn", 185, 1e9, "currency", "USD"),
        ("€18 billion", 18, 1e9, "currency", "EUR"),
        ("nearly 33.7 billion USD", 33.7, 1e9, "currency", "USD"),
        ("increased 1.5 fold", 1.5, 1, "multiplier", None),
        ("a 1.5-fold rise", 1.5, 1, "multiplier", None),
        ("up 26%", 26, 1, "percent", None),
        ("up 26 per cent", 26, 1, "percent", None),
        ("15.5 billion cubic meters", 15.5, 1e9, "cubic_metres", None),
        ("Four units", 4, 1, "count", None),
        ("one CEFR fast neutron nuclear reactor", 1, 1, "count", None),
        ("a 2nd joint patrol", 2, 1, "rank", None),
        ("ranked second in oil supplies", 2, 1, "rank", None),
        ("a third presidential term", 3, 1, "rank", None),
        ("a decade", 10, 1, "years", None),
        ("two decades", 20, 1, "years", None),
        ("in 2013", 2013, 1, "year", None),
        ("Since 2010", 2010, 1, "year", None),
        ("sign 10 cooperation documents", 10, 1, "count", None),
        ("met about 40 times", 40, 1, "count", None),
        ("forty-two people", 42, 1, "count", None),
        ("1,200 people", 1200, 1, "count", None),
        ("a dozen ministers", 12, 1, "count", None),
    ],
)
def test_span_is_read_as_one_number_with_scale_and_kind(
    span: str, value: float, scale: float, kind: str, currency: str | None
) -> None:
    stated = read_statement(span)
    assert (stated.value, stated.scale, stated.kind, stated.currency) == (value, scale, kind, currency)


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ("the goal of 200 billion USD by 2024", "more than one number ('200 billion', '2024')"),
        ("very close to the goal", "states no number"),
        ("185 billion USD or 170 billion EUR", "more than one number"),
        ("26% of 185 billion USD", "more than one number"),
        ("1.5 fold in USD", "more than one kind of quantity"),
    ],
)
def test_span_that_is_not_one_number_is_refused(span: str, message: str) -> None:
    with pytest.raises(SpanError, match=re.escape(message)):
        read_statement(span)


@pytest.mark.parametrize(
    ("passage", "position_of", "qualifier"),
    [
        ("a bilateral turnover of nearly 33.7 billion USD, up 26%", "33.7", "nearly"),
        ("a bilateral turnover of nearly 33.7 billion USD, up 26%", "26", None),
        ("Putin and Xi have met about 40 times.", "40", "about"),
        ("exports of more than 40 billion USD", "40", "more than"),
        ("reached a record 185 billion USD", "185", None),
        ("the tally was almost 12", "12", "almost"),
    ],
)
def test_qualifier_before_a_number(passage: str, position_of: str, qualifier: str | None) -> None:
    assert qualifier_before(passage, passage.index(position_of)) == qualifier


@pytest.mark.parametrize(
    ("quote", "problem"),
    [
        (
            "Last year trade turnover between Russia and China reached a record 185 billion USD, very close to the goal of 200 billion USD by 2024.",
            None,
        ),
        ("very close to the goal of 200 billion USD by 2024.", None),  # a clause, from its comma
        ("Last year trade turnover between Russia and China reached a record 185 billion USD", None),  # up to the comma
        (
            "Chinese President Xi Jinping meets Russian President Vladimir Putin at the Kremlin on March 20, 2023.",
            None,
        ),  # after page furniture
        ("Four units", "is a fragment of 2 words"),
        ("Four units of the Tianwan Nuclear Power Plant", "stops in the middle of a sentence"),
        (
            "trade turnover between Russia and China reached a record 185 billion USD,",
            "starts in the middle of a sentence",
        ),
    ],
)
def test_evidence_is_a_whole_sentence_or_clause(quote: str, problem: str | None) -> None:
    assert whole_clause_problem(quote, SOURCE) == problem
    # The loader prepares each source once and hands it in: the same answer.
    assert whole_clause_problem(quote, SOURCE, search_text=clause_search_text(SOURCE)) == problem


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("Intro line\n  \tTrade reached a record high, officials said", None),  # indented paragraph start
        ("The year ended. \t Trade reached a record high, officials said", None),  # after a full stop and spaces
        ("The year ended and Trade reached a record high, officials said", "starts in the middle of a sentence"),
        ("Trade reached a record high \t  today", "stops in the middle of a sentence"),
        ("Trade reached a record high \t ", None),  # the text ends after spaces
        ("Trade reached a record high \t )", None),
    ],
)
def test_clause_edges_are_read_across_spaces_and_tabs(source: str, problem: str | None) -> None:
    assert whole_clause_problem("Trade reached a record high", source) == problem


def test_verbatim_ignores_whitespace_and_quote_style_only() -> None:
    source = "Since 2010 China has been Russia’s largest\ntrading partner."
    assert is_verbatim("Since 2010 China has been Russia's largest trading partner.", source)
    assert not is_verbatim("Since 2011 China has been Russia's largest trading partner.", source)


def test_formula_evaluates_with_precedence() -> None:
    formula = Formula.parse("a.x / (1 + a.y / 100)")
    assert formula.names == ("a.x", "a.y")
    assert formula.evaluate({"a.x": 126.0, "a.y": 26.0}) == pytest.approx(100.0)


def test_formula_readable_uses_labels() -> None:
    formula = Formula.parse("t.a / t.b * 100")
    assert formula.readable({"t.a": "turnover", "t.b": "goal"}) == "turnover ÷ goal × 100"


@pytest.mark.parametrize("text", ["__import__('os')", "a.b ** 2", "a.b if c else d", "a.b(", "'x'"])
def test_formula_refuses_anything_but_arithmetic(text: str) -> None:
    with pytest.raises(FormulaError):
        Formula.parse(text)


def test_division_by_zero_is_a_formula_error() -> None:
    with pytest.raises(FormulaError, match="division by zero"):
        Formula.parse("a.x / (a.y - a.y)").evaluate({"a.x": 1.0, "a.y": 3.0})


def test_evaluation_order_and_cycles() -> None:
    order, cycles = evaluation_order({"c": ("b",), "b": ("a",), "a": ()})
    assert order == ["a", "b", "c"]
    assert cycles == []
    _, cycles = evaluation_order({"x": ("y",), "y": ("x",)})
    assert cycles and set(cycles[0]) == {"x", "y"}


# -- units through formulas ---------------------------------------------------------

from briefing.entries import Scale, Unit  # noqa: E402
from briefing.units import UnitError, formula_dimension, unit_dimension, unit_of_result  # noqa: E402

UNITS = {
    "t.usd_a": unit_dimension("t.usd_a", Unit.currency, "USD", Scale.billion),
    "t.usd_b": unit_dimension("t.usd_b", Unit.currency, "USD", Scale.billion),
    "t.usd_m": unit_dimension("t.usd_m", Unit.currency, "USD", Scale.million),
    "t.eur": unit_dimension("t.eur", Unit.currency, "EUR", Scale.billion),
    "t.pct": unit_dimension("t.pct", Unit.percent, None, None),
    "t.gas": unit_dimension("t.gas", Unit.cubic_metres, None, Scale.billion),
    "t.fold": unit_dimension("t.fold", Unit.multiplier, None, None),
    "t.y1": unit_dimension("t.y1", Unit.year, None, None),
    "t.y2": unit_dimension("t.y2", Unit.year, None, None),
    "t.rank": unit_dimension("t.rank", Unit.rank, None, None),
}


@pytest.mark.parametrize(
    ("formula", "result"),
    [
        ("t.usd_a - t.usd_b", (Unit.currency, "USD", Scale.billion)),
        ("t.usd_a / (1 + t.pct / 100)", (Unit.currency, "USD", Scale.billion)),
        ("t.gas / t.fold", (Unit.cubic_metres, None, Scale.billion)),
        ("t.usd_a / t.usd_b * 100", None),  # a plain ratio: the editor says percent or multiplier
        ("t.y1 - t.y2", (Unit.years, None, None)),
    ],
)
def test_units_follow_from_the_inputs(formula: str, result: tuple | None) -> None:
    assert unit_of_result(formula_dimension(Formula.parse(formula), UNITS)) == result


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("t.usd_a + t.eur", "adds t.usd_a (USD) and t.eur (EUR): mixed currencies"),
        ("t.eur / t.usd_b", "divides t.eur (EUR) and t.usd_b (USD): mixed currencies"),
        ("t.usd_a - t.usd_m", "subtracts USD (billion) and USD (million)"),
        ("t.usd_a + 1", "adds a plain number and USD (billion)"),
        ("t.rank * 2", "a rank (t.rank)"),
        ("t.y1 + t.y2", "only year − year and year ± years"),
    ],
)
def test_units_that_do_not_combine_are_errors(formula: str, message: str) -> None:
    with pytest.raises(UnitError, match=re.escape(message)):
        formula_dimension(Formula.parse(formula), UNITS)
