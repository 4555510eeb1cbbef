"""Formatting: one formatter per unit, every scale, three styles."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.entries import Scale, Unit
from briefing.formatting import Quantity, format_day, format_quantity, unit_label


@pytest.mark.parametrize(
    ("quantity", "long", "short", "value"),
    [
        (Quantity(185, Unit.currency, Scale.billion, "USD"), "US$185 billion", "US$185bn", "185"),
        (Quantity(2.5, Unit.currency, Scale.million, "EUR", precision=1), "€2.5 million", "€2.5m", "2.5"),
        (Quantity(750, Unit.currency, Scale.thousand, "GBP"), "£750 thousand", "£750k", "750"),
        (Quantity(1234567, Unit.currency, None, "USD"), "US$1,234,567", "US$1,234,567", "1,234,567"),
        (
            Quantity(15.5, Unit.cubic_metres, Scale.billion, precision=1),
            "15.5 billion cubic metres",
            "15.5 bcm",
            "15.5",
        ),
        (Quantity(3, Unit.cubic_metres, Scale.million), "3 million cubic metres", "3m m³", "3"),
        (Quantity(26, Unit.percent), "26%", "26%", "26"),
        (Quantity(92.5, Unit.percent, precision=1), "92.5%", "92.5%", "92.5"),
        (Quantity(40, Unit.count, qualifier="about"), "about 40", "about 40", "40"),
        (
            Quantity(33.7, Unit.currency, Scale.billion, "USD", precision=1, qualifier="nearly"),
            "nearly US$33.7 billion",
            "nearly US$33.7bn",
            "33.7",
        ),
        (Quantity(1200, Unit.count), "1,200", "1,200", "1,200"),
        (Quantity(5, Unit.count, Scale.million), "5 million", "5m", "5"),
        (Quantity(1, Unit.rank), "1st", "1st", "1"),
        (Quantity(2, Unit.rank), "2nd", "2nd", "2"),
        (Quantity(3, Unit.rank), "3rd", "3rd", "3"),
        (Quantity(4, Unit.rank), "4th", "4th", "4"),
        (Quantity(11, Unit.rank), "11th", "11th", "11"),
        (Quantity(22, Unit.rank), "22nd", "22nd", "22"),
        (Quantity(1.5, Unit.multiplier, precision=1), "1.5-fold", "×1.5", "1.5"),
        (Quantity(2013, Unit.year), "2013", "2013", "2013"),
        (Quantity(10, Unit.years), "10 years", "10 yrs", "10"),
    ],
)
def test_every_unit_and_scale_in_every_style(quantity: Quantity, long: str, short: str, value: str) -> None:
    assert format_quantity(quantity, "long") == long
    assert format_quantity(quantity, "short") == short
    assert format_quantity(quantity, "value") == value


def test_rounding_follows_precision() -> None:
    assert format_quantity(Quantity(26.746, Unit.currency, Scale.billion, "USD", precision=1)) == "US$26.7 billion"
    assert format_quantity(Quantity(10.3333, Unit.cubic_metres, Scale.billion, precision=1), "short") == "10.3 bcm"
    assert format_quantity(Quantity(15.0, Unit.currency, Scale.billion, "USD")) == "US$15 billion"


def test_locale_changes_separators() -> None:
    quantity = Quantity(1234.5, Unit.count, precision=1)
    assert format_quantity(quantity, "long", "en_GB") == "1,234.5"
    assert format_quantity(quantity, "long", "de_DE") == "1.234,5"


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown style 'medium'"):
        format_quantity(Quantity(1, Unit.count), "medium")  # type: ignore[arg-type]


def test_unit_labels_for_table_headers() -> None:
    assert unit_label(Quantity(185, Unit.currency, Scale.billion, "USD")) == "US$ billion"
    assert unit_label(Quantity(15.5, Unit.cubic_metres, Scale.billion)) == "billion cubic metres"
    assert unit_label(Quantity(26, Unit.percent)) == "per cent"


def test_dates_at_each_precision() -> None:
    day = dt.date(2023, 3, 20)
    assert format_day(day) == "20 March 2023"
    assert format_day(day, "month") == "March 2023"
    assert format_day(day, "year") == "2023"
