"""Reading numbers out of quotes, and evaluating derived-figure formulas."""

from __future__ import annotations

import pytest

from briefing.formula import Formula, FormulaError, evaluation_order
from briefing.quotes import is_verbatim, states_value


@pytest.mark.parametrize(
    ("quote", "value", "factor"),
    [
        ("reached a record 185 billion USD", 185, 1e9),
        ("reached 185bn dollars", 185, 1e9),
        ("turnover of US$185 bn", 185, 1e9),
        ("increased 1.5 fold", 1.5, 1),
        ("increased 1.5-fold", 1.5, 1),
        ("up 26% from the same period", 26, 1),
        ("Four units of the plant", 4, 1),
        ("and one CEFR reactor", 1, 1),
        ("they conducted a 2nd joint patrol", 2, 1),
        ("Russia ranked second in oil supplies", 2, 1),
        ("it has been a decade since", 10, 1),
        ("1,200 people", 1200, 1),
        ("a total of 185,000,000,000 dollars", 185, 1e9),
    ],
)
def test_quote_states_value_in_many_wordings(quote: str, value: float, factor: float) -> None:
    assert states_value(quote, value, factor)


@pytest.mark.parametrize(
    ("quote", "value", "factor"),
    [
        ("reached a record 185 billion USD", 186, 1e9),
        ("reached a record 185 million USD", 185, 1e9),
        ("G20 members", 20, 1),
        ("up 26% from the same period", 2.6, 1),
    ],
)
def test_quote_not_stating_value(quote: str, value: float, factor: float) -> None:
    assert not states_value(quote, value, factor)


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
