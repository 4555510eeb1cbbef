"""Turn a figure's number into text, one formatter per unit, locale-aware through Babel.

Three styles: ``long`` for prose ("US$185 billion"), ``short`` for tight
spaces ("US$185bn") and ``value`` for table cells whose header carries the
unit ("185"). Numbers in pages are never formatted by hand.

The public formatters remember their results (:data:`MEMO`): the same
arguments always give the same text, and :mod:`briefing.cached` keeps the
texts between builds, so a build with nothing new to format never loads
Babel's locale data.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, ParamSpec

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, get_currency_symbol

from briefing.entries import Scale, Unit

P = ParamSpec("P")
# Texts by call ("format_day(datetime.date(2023, 3, 20), 'day', 'en_GB')"), and the calls this build made.
MEMO: dict[str, str] = {}
MEMO_USED: set[str] = set()


def _remembered(function: Callable[P, str]) -> Callable[P, str]:
    """``function`` with its results kept in :data:`MEMO`, keyed by its name and the repr of its arguments."""

    @functools.wraps(function)
    def remembering(*args: P.args, **kwargs: P.kwargs) -> str:
        key = f"{function.__name__}{args!r}{sorted(kwargs.items())!r}"
        text = MEMO.get(key)
        if text is None:
            text = MEMO[key] = function(*args, **kwargs)
        MEMO_USED.add(key)
        return text

    return remembering


Style = Literal["long", "short", "value"]
STYLES: tuple[str, ...] = ("long", "short", "value")

SHORT_SCALE: dict[Scale, str] = {Scale.thousand: "k", Scale.million: "m", Scale.billion: "bn"}
ORDINAL_SUFFIX: dict[str, str] = {"one": "st", "two": "nd", "few": "rd", "other": "th"}


@dataclass(frozen=True)
class Quantity:
    """What the formatter needs to know about a number."""

    value: float
    unit: Unit
    scale: Scale | None = None
    currency: str | None = None
    precision: int = 0
    qualifier: str | None = None


def number(value: float, precision: int, locale: str) -> str:
    """A decimal with exactly ``precision`` decimals, grouped as the locale does."""
    pattern = "#,##0" + ("." + "0" * precision if precision else "")
    return str(format_decimal(round(value, precision), format=pattern, locale=locale))


def _scaled(quantity: Quantity, style: Style, locale: str) -> str:
    text = number(quantity.value, quantity.precision, locale)
    if quantity.scale is None or style == "value":
        return text
    if style == "short":
        return text + SHORT_SCALE[quantity.scale]
    return f"{text} {quantity.scale.value}"


def _currency(quantity: Quantity, style: Style, locale: str) -> str:
    amount = _scaled(quantity, style, locale)
    if style == "value":
        return amount
    assert quantity.currency is not None
    return str(get_currency_symbol(quantity.currency, locale=locale)) + amount


def _cubic_metres(quantity: Quantity, style: Style, locale: str) -> str:
    if style == "value":
        return _scaled(quantity, style, locale)
    if style == "short":
        if quantity.scale is Scale.billion:
            return number(quantity.value, quantity.precision, locale) + " bcm"
        return _scaled(quantity, "short", locale) + " m³"
    return _scaled(quantity, "long", locale) + " cubic metres"


def _percent(quantity: Quantity, style: Style, locale: str) -> str:
    text = number(quantity.value, quantity.precision, locale)
    return text if style == "value" else text + "%"


def _count(quantity: Quantity, style: Style, locale: str) -> str:
    return _scaled(quantity, style, locale)


def _rank(quantity: Quantity, style: Style, locale: str) -> str:
    whole = round(quantity.value)
    if style == "value":
        return str(whole)
    category = Locale.parse(locale).ordinal_form(whole)
    return f"{whole}{ORDINAL_SUFFIX.get(category, '')}"


def _multiplier(quantity: Quantity, style: Style, locale: str) -> str:
    text = number(quantity.value, quantity.precision, locale)
    if style == "value":
        return text
    return f"{text}-fold" if style == "long" else f"×{text}"


def _year(quantity: Quantity, style: Style, locale: str) -> str:
    return str(round(quantity.value))


def _years(quantity: Quantity, style: Style, locale: str) -> str:
    text = number(quantity.value, quantity.precision, locale)
    if style == "value":
        return text
    return f"{text} years" if style == "long" else f"{text} yrs"


FORMATTERS: dict[Unit, Callable[[Quantity, Style, str], str]] = {
    Unit.currency: _currency,
    Unit.cubic_metres: _cubic_metres,
    Unit.percent: _percent,
    Unit.count: _count,
    Unit.rank: _rank,
    Unit.multiplier: _multiplier,
    Unit.year: _year,
    Unit.years: _years,
}

UNIT_NAMES: dict[Unit, str] = {
    Unit.currency: "currency",
    Unit.cubic_metres: "cubic metres",
    Unit.percent: "per cent",
    Unit.count: "count",
    Unit.rank: "rank",
    Unit.multiplier: "multiple",
    Unit.year: "year",
    Unit.years: "years",
}


@_remembered
def format_quantity(quantity: Quantity, style: Style = "long", locale: str = "en_GB") -> str:
    """The text a reader sees for ``quantity`` in the given style."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; use one of {', '.join(STYLES)}")
    text = FORMATTERS[quantity.unit](quantity, style, locale)
    if quantity.qualifier and style != "value":
        # The source's "nearly" (or the briefing's "about" on a derived value) goes wherever the number is read.
        text = f"{quantity.qualifier} {text}"
    return text


@_remembered
def unit_label(quantity: Quantity, locale: str = "en_GB") -> str:
    """What a bare value in a table is measured in, e.g. 'US$ billion'."""
    if quantity.unit is Unit.currency:
        assert quantity.currency is not None
        base = get_currency_symbol(quantity.currency, locale=locale)
        return f"{base} {quantity.scale.value}" if quantity.scale else base
    if quantity.unit is Unit.cubic_metres:
        return f"{quantity.scale.value} cubic metres" if quantity.scale else "cubic metres"
    return UNIT_NAMES[quantity.unit]


@_remembered
def format_day(day: dt.date, precision: str = "day", locale: str = "en_GB") -> str:
    """A date as readers of the locale write it: '20 March 2023', 'March 2023' or '2023'."""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return str(format_date(day, format="MMMM y", locale=locale))
    return str(format_date(day, format="d MMMM y", locale=locale))
